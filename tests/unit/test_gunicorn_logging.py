"""The lighter access logger writes gunicorn's own line, character for character."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger
from gunicorn.instrument.statsd import Statsd

from contest.gunicorn_logging import AccessLogger

ENVIRON = {
    "REMOTE_ADDR": "203.0.113.9", "REQUEST_METHOD": "POST", "RAW_URI": "/vote/gs-2026/GS-A-00001?x=1",
    "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/vote/gs-2026/GS-A-00001", "QUERY_STRING": "x=1",
    "HTTP_REFERER": "https://example.cn/vote/gs-2026", "HTTP_USER_AGENT": "Mozilla/5.0 MicroMessenger/8.0",
    "HTTP_AUTHORIZATION": "Basic dXNlcjpwdw==", "HTTP_COOKIE": "session=secret", "wsgi.url_scheme": "http",
}


def _line(logger_class, log_format, **settings):
    cfg = Config()
    cfg.set("access_log_format", log_format)
    for name, value in settings.items():
        cfg.set(name, value)
    logger = logger_class(cfg)
    logger.now = lambda: "[30/Nov/2026:10:00:00 +0800]"
    response = SimpleNamespace(status="200 OK", sent=145,
                               headers=[("Content-Type", "application/json"), ("Cache-Control", "no-store")])
    request = SimpleNamespace(headers=[("USER-AGENT", "Mozilla/5.0 MicroMessenger/8.0"), ("COOKIE", "session=x")])
    atoms = logger.atoms(response, request, dict(ENVIRON), timedelta(seconds=0, microseconds=41_500))
    return log_format % logger.atoms_wrapper_class(atoms)


@pytest.mark.parametrize("log_format", [
    Config().access_log_format,                                   # gunicorn's default (the project's)
    '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(B)s %(m)s %(U)s %(q)s %(H)s %(T)s %(D)s %(M)s %(L)s %(p)s %(u)s',
    '%(h)s "%({user-agent}i)s" %({content-type}o)s %({wsgi.url_scheme}e)s',   # header and environ atoms
])
def test_the_access_line_is_gunicorns_own(log_format):
    assert _line(AccessLogger, log_format) == _line(Logger, log_format)
    assert "203.0.113.9" in _line(AccessLogger, log_format)


def test_the_default_line_reads_as_expected():
    line = _line(AccessLogger, Config().access_log_format)
    assert line == ('203.0.113.9 - user [30/Nov/2026:10:00:00 +0800] "POST /vote/gs-2026/GS-A-00001?x=1 HTTP/1.1" '
                    '200 145 "https://example.cn/vote/gs-2026" "Mozilla/5.0 MicroMessenger/8.0"')


def test_a_logging_config_gets_every_atom():
    # A formatter of a logging config may read header atoms from the record's arguments.
    cfg = Config()
    cfg.set("logconfig_dict", {"version": 1})
    logger = AccessLogger(cfg)
    response = SimpleNamespace(status="200 OK", sent=1, headers=[("Content-Type", "application/json")])
    atoms = logger.atoms(response, SimpleNamespace(headers=[("USER-AGENT", "x")]), dict(ENVIRON),
                         timedelta(microseconds=5))
    assert atoms["{user-agent}i"] == "x" and atoms["{content-type}o"] == "application/json"


def test_with_statsd_it_is_gunicorns_statsd_logger_with_the_same_line():
    cfg = Config()
    cfg.set("statsd_host", "127.0.0.1:8125")
    logger = AccessLogger(cfg)
    try:
        assert isinstance(logger, Statsd)
    finally:
        logger.sock.close()
    assert isinstance(AccessLogger(Config()), Logger) and not isinstance(AccessLogger(Config()), Statsd)
