"""Files are served only through here, after the same access check as the
entry they belong to; everyone else gets a 404."""
from __future__ import annotations

import mimetypes
from urllib.parse import quote

from flask import Blueprint, Response, abort, send_file
from flask_login import current_user
from itsdangerous import BadSignature

from ..extensions import db
from ..file_store import storage
from ..h5_links import H5_TOKEN_MAX_AGE, h5_serializer
from ..media.h5 import read_member
from ..media.images import ImageRejected, clean_image
from ..models import Asset
from ..policies import can_view_entry, sees_as_judge_only, shown_in_open_vote, shown_in_showcase

bp = Blueprint("files", __name__)
PUBLIC_ROLES = frozenset({"image", "photo", "video", "poster", "audio"})
VARIANT_MIME = {"thumb": "image/jpeg", "large": "image/jpeg", "poster": "image/jpeg"}


def content_disposition(name: str, fallback: str, inline: bool = True) -> str:
    """RFC 6266: an ASCII fallback plus the real name as UTF-8 `filename*`.
    Quotes, CR/LF, right-to-left marks: all percent-encoded, never a 500."""
    kind = "inline" if inline else "attachment"
    ascii_name = "".join(ch for ch in fallback if ch.isascii() and ch.isalnum() or ch in "._-") or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name or ascii_name, safe='')}"


@bp.route("/files/<int:asset_id>", defaults={"variant": None})
@bp.route("/files/<int:asset_id>/<variant>")
def download(asset_id: int, variant: str | None):
    asset = db.session.get(Asset, asset_id)
    if asset is None:
        abort(404)
    allowed = can_view_entry(current_user, asset.entry)
    # The voting public and the showcase's readers see the work itself, never supporting
    # documents (a nomination's forms carry phones and ID numbers) nor the raw package.
    if not allowed and (asset.role not in PUBLIC_ROLES
                        or not (shown_in_open_vote(asset.entry) or shown_in_showcase(asset.entry))):
        abort(404)
    # Judges and the voting public see the work alone, nothing that may name its maker.
    judge_only = not allowed or sees_as_judge_only(current_user, asset.entry)
    if judge_only and asset.role == "h5_package":
        abort(404)   # its member names and comments may name the author; judges see it in the sandbox
    if variant is None:
        key, mime = asset.storage_key, asset.mime
    elif variant in asset.variants and variant in VARIANT_MIME:
        key, mime = asset.variants[variant], VARIANT_MIME[variant]
    else:
        abort(404)
    store = storage()
    if not store.exists(key):
        abort(404)
    number = asset.entry.number or f"entry-{asset.entry_id}"
    fallback = f"{number}-{asset.id}{'-' + variant if variant else ''}"
    # A judge never learns the uploader's own file name: it may carry the author's name.
    shown = fallback if judge_only else asset.original_name or fallback
    response = send_file(store.path(key), mimetype=mime, conditional=True, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(shown, fallback,
                                                                  inline=asset.role != "h5_package")
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- H5 packages, inside the sandbox (addresses: contest/h5_links.py) ------
H5_CSP = ("sandbox allow-scripts; default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
          "frame-ancestors 'self'; form-action 'none'")


@bp.route("/h5/<token>/<path:name>")
def h5_member(token: str, name: str):
    try:
        asset_id = h5_serializer().loads(token, max_age=H5_TOKEN_MAX_AGE)
    except BadSignature:
        abort(404)
    asset = db.session.get(Asset, asset_id)
    if asset is None or asset.role != "h5_package":
        abort(404)
    data = read_member(storage().path(asset.storage_key), name)
    if data is None:
        abort(404)
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if mime in ("image/jpeg", "image/png", "image/webp"):
        # Pictures inside a package reach judges too: served re-encoded, without
        # EXIF/GPS; one that is not a real picture is not served at all.
        try:
            clean = clean_image(data)
        except ImageRejected:
            abort(404)
        data, mime = clean.data, clean.mime
    response = Response(data, mimetype=mime)
    response.headers["Content-Security-Policy"] = H5_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    # No Cross-Origin-Resource-Policy here: the sandboxed (opaque-origin) page
    # must be able to load its own scripts and pictures.
    return response
