"""H5 packages: a zip with index.html at its root, checked entry by entry while
reading. The sizes a zip claims are never trusted: every member is read and
its real bytes counted, so a bomb is stopped at the cap, not after."""
from __future__ import annotations

import posixpath
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from . import Rejected

MAX_FILES = 2000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
CHUNK = 64 * 1024
WEB_TYPES = {
    ".html", ".htm", ".css", ".js", ".mjs", ".json", ".txt", ".xml", ".map",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp",
    ".mp3", ".m4a", ".ogg", ".wav", ".mp4", ".webm",
    ".woff", ".woff2", ".ttf", ".otf",
}


class PackageRejected(Rejected):
    pass


@dataclass
class Package:
    files: int
    total_bytes: int


def safe_member_name(name: str) -> bool:
    if not name or "\\" in name or "\0" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    parts = name.split("/")
    return ".." not in parts and posixpath.normpath(name) == name.rstrip("/")


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def check_package(path: Path, max_files: int = MAX_FILES, max_total: int = MAX_TOTAL_BYTES) -> Package:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise PackageRejected(_("The H5 package is not a readable .zip file.")) from None
    with archive:
        members = archive.infolist()
        if len(members) > max_files:
            raise PackageRejected(_("The package holds %(n)d files; at most %(max)d are allowed.",
                                    n=len(members), max=max_files))
        total = 0
        files = 0
        names = set()
        for info in members:
            name = info.filename
            if not safe_member_name(name):
                raise PackageRejected(_("The package holds a file with an unsafe path: %(name)s", name=name[:80]))
            if _is_link(info):
                raise PackageRejected(_("The package holds a link (%(name)s); links are not allowed.",
                                        name=name[:80]))
            if info.is_dir():
                continue
            suffix = posixpath.splitext(name)[1].lower()
            if suffix not in WEB_TYPES:
                raise PackageRejected(_("The package holds a file of a type not allowed on a web page: %(name)s",
                                        name=name[:80]))
            try:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > max_total:
                            raise PackageRejected(_("Unpacked, the package is larger than %(mb)d MB.",
                                                    mb=max_total // (1024 * 1024)))
            except PackageRejected:
                raise
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
                    RuntimeError):
                raise PackageRejected(_("The package is damaged: %(name)s cannot be read.",
                                        name=name[:80])) from None
            files += 1
            names.add(name)
        if "index.html" not in names:
            raise PackageRejected(_("The package needs an index.html at its top level."))
    return Package(files=files, total_bytes=total)


def read_member(path: Path, name: str) -> bytes | None:
    """A checked package's file, for serving inside the sandbox."""
    if not safe_member_name(name):
        return None
    with zipfile.ZipFile(path) as archive:
        try:
            return archive.read(name)
        except KeyError:
            return None
