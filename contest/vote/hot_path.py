"""The vote is the busiest route, and two app-wide request hooks cost it more
than its own SQL. It does their work its own way:

- Flask-Limiter's per-request evaluation is skipped for it: the vote counts
  its own limits, one storage call each (limits.py);
- Flask-WTF's check parses the body as a form before it looks at the
  header; the vote is an XHR whose token comes in the header only, so it is
  exempt from the hook and calls check_csrf_header(), the same validation
  without the form."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFError, same_origin, validate_csrf
from wtforms import ValidationError

from ..extensions import limiter

ENDPOINT = "vote.cast"


def check_csrf_header() -> None:
    """Flask-WTF's protect() for a token sent in a header: the signed token
    must be valid, young enough and this session's; over HTTPS the Referer
    must be this host (WTF_CSRF_SSL_STRICT). Raises CSRFError (a 400)."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return
    token = next(filter(None, (request.headers.get(name) for name in current_app.config["WTF_CSRF_HEADERS"])),
                 None)
    try:
        validate_csrf(token)
    except ValidationError as refused:
        raise CSRFError(refused.args[0]) from None
    if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
        if not request.referrer:
            raise CSRFError("The referrer header is missing.")
        if not same_origin(request.referrer, f"https://{request.host}/"):
            raise CSRFError("The referrer does not match the host.")
    g.csrf_valid = True


def _not_for_the_vote(hook: Callable) -> Callable:
    @wraps(hook)
    def before_request():
        if request.endpoint != ENDPOINT:
            return hook()
        return None
    return before_request


def install(app: Flask) -> None:
    """After the extensions: leave the vote out of Flask-Limiter's hook."""
    hooks = app.before_request_funcs.setdefault(None, [])
    evaluate = limiter._check_request_limit
    if evaluate not in hooks:
        raise RuntimeError("Flask-Limiter's request hook was not found: is the limiter initialised?")
    hooks[:] = [_not_for_the_vote(hook) if hook == evaluate else hook for hook in hooks]
