"""Signed addresses of H5 packages, served inside the sandbox.

A sandboxed frame (allow-scripts, never allow-same-origin) has an opaque
origin: it sends no cookies and cannot read ours. So its files are reached
through a short-lived signed token, handed out after the access check of the
page that embeds it (any blueprint's), and checked by the files blueprint."""
from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import URLSafeTimedSerializer

from .models import Asset

H5_TOKEN_MAX_AGE = 2 * 3600


def h5_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="h5-package")


def h5_frame_url(asset: Asset) -> str:
    return url_for("files.h5_member", token=h5_serializer().dumps(asset.id), name="index.html")


def h5_src_for(entry) -> str | None:
    """The sandboxed address of an entry's H5 package, if it has one."""
    package = next((a for a in entry.assets if a.role == "h5_package"), None)
    return h5_frame_url(package) if package else None
