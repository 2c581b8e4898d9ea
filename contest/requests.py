"""The request class: upload routes get a body limit of their own (the
category's file cap), checked before a byte of the body is parsed, and the
parser streams each file part into a file the route's service hands out (a
spool in the storage folder, hashed as it is written: never a second copy).
The service owns that file from its creation: it keeps it or, by closing it,
deletes it. Everything else keeps the small app-wide MAX_CONTENT_LENGTH and
Werkzeug's own temporary files."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from flask import Request, current_app
from werkzeug.formparser import FormDataParser

MULTIPART_OVERHEAD = 64 * 1024  # boundaries, headers and the CSRF field around the file


@dataclass(frozen=True)
class UploadRoute:
    # view_args -> the largest file the route accepts (None: the app-wide limit)
    limit: Callable[[dict], int | None]
    # a new readable and writable file for one file part; closing one that
    # was not kept deletes it
    receiver: Callable[[], BinaryIO]


UPLOAD_ROUTES: dict[str, UploadRoute] = {}


def upload_route(endpoint: str, receiver: Callable[[], BinaryIO]):
    """Register, as a decorator on its limit function, how large a body
    `endpoint` accepts and where its file parts are streamed to."""

    def register(limit: Callable[[dict], int | None]):
        UPLOAD_ROUTES[endpoint] = UploadRoute(limit, receiver)
        return limit

    return register


class ReceivingParser(FormDataParser):
    """Streams file parts into the route's receiver. A file the parse cannot
    hand over (a body cut short, over its limit or malformed) is closed here,
    so nothing is left behind; those handed over are closed with the request."""

    def __init__(self, receiver: Callable[[], BinaryIO], **options):
        self.opened: list[BinaryIO] = []

        def stream_factory(**_part) -> BinaryIO:
            file = receiver()
            self.opened.append(file)
            return file

        super().__init__(stream_factory=stream_factory, **options)

    def parse(self, stream, mimetype, content_length, options=None):
        try:
            result = super().parse(stream, mimetype, content_length, options)
        except BaseException:
            self._close_all_but(())
            raise
        self._close_all_but([upload.stream for _name, upload in result[2].items(multi=True)])
        return result

    def _close_all_but(self, kept) -> None:
        for file in self.opened:
            if not any(file is k for k in kept):
                file.close()


class ContestRequest(Request):
    body_limit: int | None = None  # set for this request: wins over the route's and the app's

    @property
    def registered_upload(self) -> UploadRoute | None:
        return UPLOAD_ROUTES.get(self.endpoint or "") if current_app else None

    @property
    def max_content_length(self) -> int | None:
        if self.body_limit is None and self.registered_upload is not None:
            limit = self.registered_upload.limit(self.view_args or {})
            if limit is not None:
                self.body_limit = limit + MULTIPART_OVERHEAD
        if self.body_limit is not None:
            return self.body_limit
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self.body_limit = value

    def make_form_data_parser(self) -> FormDataParser:
        route = self.registered_upload
        if route is None:
            return super().make_form_data_parser()
        return ReceivingParser(route.receiver, max_form_memory_size=self.max_form_memory_size,
                               max_content_length=self.max_content_length, max_form_parts=self.max_form_parts,
                               cls=self.parameter_storage_class)
