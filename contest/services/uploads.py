"""An entry's files. Every upload goes through the pipeline of its kind and is
stored under a generated key; anything refused leaves nothing behind."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _

from ..extensions import db
from ..file_store import scratch_dir, storage
from ..media import Rejected, av, h5, images, pdf, sniff
from ..media.storage import Spool, Stored, TooLarge, new_key
from ..models import Asset, Entry, User
from . import audit
from .entries import after_change
from .errors import ServiceError
from .unit_of_work import writes

# Per-file cap (MB) when a category sets none.
DEFAULT_MB = {"image": 20, "video": 500, "audio": 50, "h5": 50, "nomination": 20, "story": 20}
ROLE_LIMITS = {"image": "max_files", "photo": "max_files"}


class UploadRejected(ServiceError):
    """A file refused with its reason; `status` is the HTTP answer to give."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message, "file")
        self.status = status


def max_bytes(entry: Entry) -> int:
    mb = entry.category.max_file_mb or DEFAULT_MB.get(entry.category.kind, 20)
    return mb * 1024 * 1024


def receive_file() -> Spool:
    """Where an upload route's request parser writes a file part: a spool in
    the storage folder, hashed as it is written. This service owns it from
    here: add_upload moves it into place; closing it otherwise deletes it."""
    return storage().spool()


def _display_name(name: str | None) -> str:
    # Kept for display only (never a path): drop control characters, cap length.
    cleaned = "".join(ch for ch in (name or "") if ch.isprintable())
    return cleaned.strip()[:200]


def _count(entry: Entry, role: str) -> int:
    return sum(1 for a in entry.assets if a.role == role)


STORY_PICTURES = 9


def _check_room(entry: Entry, role: str) -> None:
    cat = entry.category
    most = cat.max_files or (STORY_PICTURES if cat.kind == "story" else None)
    if role in ("image", "photo") and most and _count(entry, role) >= most:
        raise UploadRejected(_("At most %(n)d images are allowed.", n=most))
    if role in ("video", "audio", "h5_package") and _count(entry, role) >= 1:
        raise UploadRejected(_("This entry already has its file: remove it first to replace it."))


def _read_capped(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(_("The file is larger than the %(mb)d MB allowed.", mb=limit // (1024 * 1024)),
                             status=413)
    return data


def _role_for(entry: Entry, start: bytes) -> str:
    kind = entry.category.kind
    if kind in ("image", "story"):  # a story may carry pictures too
        return "image"
    if kind == "video":
        return "video"
    if kind == "audio":
        return "audio"
    if kind == "h5":
        return "h5_package"
    if kind == "nomination":
        return "document" if sniff.is_pdf(start) else "photo"
    raise UploadRejected(_("This category takes no files."))


@writes
def add_upload(actor: User, entry: Entry, stream: BinaryIO, filename: str | None) -> Asset:
    start = sniff.head(stream)
    role = _role_for(entry, start)
    _check_room(entry, role)
    limit = max_bytes(entry)
    if role in ("image", "photo"):
        asset = _add_image(entry, role, _read_capped(stream, limit))
    elif role == "document":
        asset = _add_document(entry, stream, limit)
    else:
        asset = _add_streamed(entry, role, stream, limit, start)
    asset.original_name = _display_name(filename)
    db.session.add(asset)
    db.session.flush()
    audit.record(actor, "entry.upload", entry, details={"asset": asset.id, "role": role, "size": asset.size})
    after_change(entry, actor)
    return asset


def _add_image(entry: Entry, role: str, data: bytes) -> Asset:
    try:
        clean = images.clean_image(data)
    except images.ImageRejected as exc:
        raise UploadRejected(exc.message) from None
    store = storage()
    saved: list[str] = []
    try:
        main = store.save_bytes(clean.data, new_key("images", clean.extension))
        saved.append(main.key)
        variants = {}
        for name, thumb in clean.thumbnails.items():
            variants[name] = store.save_bytes(thumb, new_key("images", ".jpg")).key
            saved.append(variants[name])
    except BaseException:
        for key in saved:
            store.delete(key)
        raise
    return Asset(entry=entry, role=role, storage_key=main.key, sha256=hashlib.sha256(data).hexdigest(),
                 size=main.size, mime=clean.mime, width=clean.width, height=clean.height, variants=variants)


def _save_capped(stream: BinaryIO, key: str, limit: int) -> Stored:
    try:
        if isinstance(stream, Spool):
            return storage().adopt(stream, key, max_bytes=limit)
        return storage().save_stream(stream, key, max_bytes=limit)
    except TooLarge:
        raise UploadRejected(_("The file is larger than the %(mb)d MB allowed.", mb=limit // (1024 * 1024)),
                             status=413) from None


def _add_document(entry: Entry, stream: BinaryIO, limit: int) -> Asset:
    """Kept only as a cleaned copy (no metadata, no scripts); the hash is the upload's."""
    store = storage()
    stored = _save_capped(stream, new_key("documents", ".pdf"), limit)
    path = store.path(stored.key)
    try:
        with scratch_dir() as tmp:
            cleaned = Path(tmp) / "clean.pdf"
            pages = pdf.clean_pdf(path, cleaned)
            cleaned.replace(path)
    except pdf.PdfRejected as exc:
        store.delete(stored.key)
        raise UploadRejected(exc.message) from None
    except BaseException:
        store.delete(stored.key)
        raise
    return Asset(entry=entry, role="document", storage_key=stored.key, sha256=stored.sha256,
                 size=path.stat().st_size, mime="application/pdf", details={"pages": pages})


def _add_streamed(entry: Entry, role: str, stream: BinaryIO, limit: int, start: bytes) -> Asset:
    """Video, audio and H5 packages: straight to storage in chunks while
    hashing (never whole in memory), then checked where they lie."""
    if role == "video":
        mime = sniff.video_type(start)
        refused = _("This file is not an MP4, MOV or WebM video.")
    elif role == "audio":
        mime = sniff.audio_type(start)
        refused = _("This file is not an MP3, M4A or WAV recording.")
    else:
        mime = "application/zip" if sniff.is_zip(start) else None
        refused = _("The H5 package must be a .zip file.")
    if mime is None:
        raise UploadRejected(refused, status=415)
    store = storage()
    stored = _save_capped(stream, new_key(role + "s"), limit)
    keys = [stored.key]
    try:
        path = store.path(stored.key)
        asset = Asset(entry=entry, role=role, storage_key=stored.key, sha256=stored.sha256, size=stored.size,
                      mime=mime)
        if role in ("video", "audio"):
            _without_personal_tags(path, mime)
        if role == "video":
            probe = av.check_video(path, entry.category.max_duration_s)
            with scratch_dir() as tmp:
                poster = av.poster(path, Path(tmp) / "poster.jpg", probe.duration_s)
                clean = images.clean_image(poster.read_bytes())
            poster_key = store.save_bytes(clean.data, new_key("images", ".jpg")).key
            keys.append(poster_key)
            asset.variants = {"poster": poster_key}
            asset.width, asset.height, asset.duration_s = probe.width, probe.height, probe.duration_s
            asset.details = probe.details
        elif role == "audio":
            probe = av.check_audio(path, entry.category.max_duration_s)
            asset.duration_s = probe.duration_s
            asset.details = probe.details
        else:
            package = h5.check_package(path)
            asset.details = {"files": package.files, "total_bytes": package.total_bytes}
        return asset
    except Rejected as exc:
        for key in keys:
            store.delete(key)
        raise UploadRejected(exc.message) from None
    except BaseException:
        for key in keys:
            store.delete(key)
        raise


CONTAINER_SUFFIX = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm",
                    "audio/mpeg": ".mp3", "audio/wav": ".wav", "audio/mp4": ".m4a"}


def _without_personal_tags(path: Path, mime: str) -> None:
    """Blind judging: a video's or recording's own tags (title, artist,
    location, device) must not reach the judges. Rewritten in place only when
    there is something to remove; the stored hash stays that of the upload."""
    boxy = mime in ("video/mp4", "video/quicktime", "audio/mp4")
    if not av.probe(path).personal_tags and not (boxy and av.extra_boxes(path)):
        return
    cleaned = path.with_name(path.name + ".clean" + CONTAINER_SUFFIX[mime])
    try:
        av.strip_metadata(path, cleaned)
        cleaned.replace(path)
    finally:
        cleaned.unlink(missing_ok=True)


@writes
def remove_upload(actor: User, asset: Asset) -> list[str]:
    """Drop the row; returns the storage keys for the caller to delete once the
    transaction has committed (a failed commit then leaves an orphan file,
    never a row pointing at nothing)."""
    entry = asset.entry
    keys = [asset.storage_key, *asset.variants.values()]
    entry.assets.remove(asset)
    db.session.flush()
    audit.record(actor, "entry.remove_file", entry, details={"asset": asset.id, "role": asset.role})
    after_change(entry, actor)
    return keys
