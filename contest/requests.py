"""The request class: upload routes get a body limit of their own (the
category's file cap), checked before a byte of the body is parsed. Everything
else keeps the small app-wide MAX_CONTENT_LENGTH."""
from __future__ import annotations

from collections.abc import Callable

from flask import Request, current_app

# endpoint -> function(view_args) -> byte limit for that request's body
UPLOAD_LIMITS: dict[str, Callable[[dict], int | None]] = {}
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, headers and the CSRF field around the file


def upload_limit(endpoint: str):
    """Register how large a body `endpoint` accepts, from its URL arguments."""

    def register(fn: Callable[[dict], int | None]):
        UPLOAD_LIMITS[endpoint] = fn
        return fn

    return register


class ContestRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        limit_for = UPLOAD_LIMITS.get(self.endpoint or "")
        if limit_for is not None and current_app:
            limit = limit_for(self.view_args or {})
            if limit is not None:
                self._max_content_length = limit + MULTIPART_OVERHEAD
                return self._max_content_length
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        # Upload routes: the parser writes straight into the storage folder,
        # hashing as it goes, so the file is never copied a second time.
        if self.endpoint in UPLOAD_LIMITS and current_app:
            from flask import g

            from .media.storage import storage

            spool = storage().spool()
            # Closed (and, unless adopted, deleted) when the request ends, even
            # when the parser gives up on a body that never finishes.
            g.setdefault("_spools", []).append(spool)
            return spool
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)
