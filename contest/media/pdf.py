"""Supporting PDFs (nominations): rewritten without their document
information, XMP metadata, embedded scripts and automatic actions, so blind
judges learn nothing of who made them and opening one runs nothing."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

from . import Rejected

MAX_PAGES = 500
ROOT_KEYS_DROPPED = ("/Metadata", "/OpenAction", "/AA", "/AcroForm")


class PdfRejected(Rejected):
    pass


def clean_pdf(path: Path, out: Path) -> int:
    """Write a cleaned copy of `path` to `out`; returns the page count."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise PdfRejected(_("Password-protected PDFs cannot be accepted: please save it without a password."))
        pages = len(reader.pages)
        if pages == 0 or pages > MAX_PAGES:
            raise PdfRejected(_("The PDF must have between 1 and %(n)d pages.", n=MAX_PAGES))
        writer = PdfWriter()
        for page in reader.pages:
            # Annotations carry their authors' names and link actions; pieces and
            # page metadata carry the producing application's records.
            for key in ("/AA", "/Annots", "/PieceInfo", "/Metadata"):
                page.pop(NameObject(key), None)
            writer.add_page(page)
        root = writer.root_object
        for key in ROOT_KEYS_DROPPED:
            root.pop(NameObject(key), None)
        names = root.get("/Names")
        if names is not None:
            names.get_object().pop(NameObject("/JavaScript"), None)
        writer.metadata = None
        with out.open("wb") as fh:
            writer.write(fh)
    except PdfRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError):
        raise PdfRejected(_("The PDF file is damaged and cannot be read.")) from None
    return pages
