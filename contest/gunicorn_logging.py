"""gunicorn's logger, with an access line that costs a fraction of the stock
one: gunicorn builds the line's atoms from a copy of every request header,
response header and environ variable, lower-cased, on every request, though
the default format uses none of them. Unless the format names one
(`%({name}i)s`, `{name}o`, `{name}e`) or a logging config may read them,
only the few the format can use are handed on; the line itself is gunicorn's
own, character for character. With statsd configured it is gunicorn's statsd
logger, with the same lighter line."""
from __future__ import annotations

from gunicorn.glogging import Logger
from gunicorn.instrument.statsd import Statsd

# What gunicorn's atoms() reads from the environ besides the {...}e atoms.
_ENVIRON_USED = ("REMOTE_ADDR", "REQUEST_METHOD", "RAW_URI", "SERVER_PROTOCOL", "PATH_INFO", "QUERY_STRING",
                 "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_AUTHORIZATION")


class _Sent:
    """The response as atoms() reads it, without its headers."""
    __slots__ = ("status", "sent", "headers")

    def __init__(self, resp):
        self.status, self.sent, self.headers = resp.status, getattr(resp, "sent", None), ()


class _LighterAtoms:
    def atoms(self, resp, req, environ, request_time):
        cfg = self.cfg
        if "}" in cfg.access_log_format or cfg.logconfig or cfg.logconfig_dict or cfg.logconfig_json:
            return super().atoms(resp, req, environ, request_time)   # gunicorn's own, whole
        used = {key: environ[key] for key in _ENVIRON_USED if key in environ}
        return super().atoms(_Sent(resp), (), used, request_time)


class AccessStatsd(_LighterAtoms, Statsd):
    pass


class AccessLogger(_LighterAtoms, Logger):
    def __new__(cls, cfg):
        # gunicorn switches to its statsd logger only when the logger class is its default one.
        if cls is AccessLogger and cfg.statsd_host is not None:
            return AccessStatsd(cfg)
        return super().__new__(cls)
