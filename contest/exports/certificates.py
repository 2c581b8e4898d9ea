"""获奖证书 as PDF: one A4 landscape page per certificate, in the contest's
design (经典 or 简约), drawn by WeasyPrint from templates/exports/certificate.html
with the CJK font; a batch as a zip streamed certificate by certificate.

Each certificate carries its number and a QR code (also a link in the PDF)
to the public verification page, and a dashed circle where the office puts
its seal. Nothing is fetched while rendering (pdf.RefusingFetcher): the QR
code is inline SVG."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from weasyprint import CSS, HTML

from ..qr import status_qr_svg
from .pdf import RefusingFetcher

TEMPLATE = "exports/certificate.html"
STYLESHEET = Path(__file__).with_name("certificate.css")
DESIGN_NAMES = {"classic": "经典", "simple": "简约"}


@dataclass(frozen=True)
class CertificateData:
    number: str
    names: str
    title: str
    category: str
    nomination: bool
    award: str
    contest: str
    issuer: str
    date: str
    verify_url: str


def mask_names(names: str) -> str:
    """Names as the public verification page shows them: 张三、欧阳小明 -> 张*、欧***."""
    return "、".join(n[0] + "*" * max(1, len(n) - 1) for n in (p.strip() for p in names.split("、")) if n)


def certificate_pdf(cert: CertificateData, *, design: str, render: Callable[..., str]) -> bytes:
    """One certificate as PDF bytes. `render(template_name, **context)` is the app's render_template."""
    if design not in DESIGN_NAMES:
        raise ValueError(f"unknown certificate design {design!r}")
    html = render(TEMPLATE, cert=cert, design=design, qr=status_qr_svg(cert.verify_url))
    fetcher = RefusingFetcher()
    css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    out = io.BytesIO()
    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(out, stylesheets=[css])
    return out.getvalue()


def file_name(serial: int, cert: CertificateData) -> str:
    """<序号>_<证书编号>_<获奖者>_<奖项>.pdf, safe for every unzip tool."""
    def safe(text: str) -> str:
        return (re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", text).strip(" ._") or "_")[:40]
    return f"{serial:03d}_{safe(cert.number)}_{safe(cert.names)}_{safe(cert.award)}.pdf"


class _Pipe(io.RawIOBase):
    """An unseekable sink that hands on what zipfile wrote so far."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


def certificates_zip(certs: Iterable[CertificateData], *, design: str,
                     render: Callable[..., str]) -> Iterator[bytes]:
    """The certificates as a zip, yielded piece by piece: each PDF is made,
    written and handed on before the next, so memory stays flat however many
    there are (zipfile writes data descriptors on an unseekable stream)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:   # PDFs are compressed already
        for serial, cert in enumerate(certs, start=1):
            archive.writestr(file_name(serial, cert), certificate_pdf(cert, design=design, render=render))
            yield pipe.take()
    yield pipe.take()
