"""gunicorn's logger, with an access line that costs a fraction of the stock
one: gunicorn builds the line's atoms from a copy of every request header,
response header and environ variable, lower-cased, on every request, though
the default format uses none of them. Unless the format names one
(`%({name}i)s`, `{name}o`, `{name}e`), only the few the format can use are
handed on; the line itself is gunicorn's own, character for character."""
from __future__ import annotations

from gunicorn.glogging import Logger

# What gunicorn's atoms() reads from the environ besides the {...}e atoms.
_ENVIRON_USED = ("REMOTE_ADDR", "REQUEST_METHOD", "RAW_URI", "SERVER_PROTOCOL", "PATH_INFO", "QUERY_STRING",
                 "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_AUTHORIZATION")


class _Sent:
    """The response as atoms() reads it, without its headers."""
    __slots__ = ("status", "sent", "headers")

    def __init__(self, resp):
        self.status, self.sent, self.headers = resp.status, getattr(resp, "sent", None), ()


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        if "}" in self.cfg.access_log_format:   # a header or environ atom: gunicorn's own, whole
            return super().atoms(resp, req, environ, request_time)
        used = {key: environ[key] for key in _ENVIRON_USED if key in environ}
        return super().atoms(_Sent(resp), (), used, request_time)
