"""The vote is the busiest route, and the app-wide request hooks of two
extensions cost it more than its own SQL. It does their work its own way:

- Flask-Limiter's hooks (evaluation, headers, clean-up) are skipped for it:
  the vote counts its own limits, one storage call each (limits.py);
- Flask-WTF's check parses the body as a form before it looks at the
  header; the vote is an XHR whose token comes in the header only, so it is
  exempt (and its hook skipped) and calls check_csrf_header(), the same
  validation without the form."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps

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


def _skipped_for_the_vote(hook: Callable, passes_through: bool) -> Callable:
    """The hook, except on the vote: before and teardown hooks do nothing
    there, after-request hooks hand the response back unchanged."""
    @wraps(hook)
    def wrapped(*args):
        if request.endpoint == ENDPOINT:
            return args[0] if passes_through else None
        return hook(*args)
    return wrapped


def _extension_of(hook: Callable) -> str | None:
    owner = hook.args[0] if isinstance(hook, partial) and hook.args else getattr(hook, "__self__", None)
    if owner is limiter:
        return "limiter"
    if getattr(hook, "__module__", "") == "flask_wtf.csrf" and getattr(hook, "__name__", "") == "csrf_protect":
        return "csrf"
    return None


def install(app: Flask) -> None:
    """After the extensions: leave the vote out of Flask-Limiter's hooks (its
    check, its headers, its clean-up) and Flask-WTF's check; the view is
    exempt from both anyway, so a hook not found here costs time, not safety."""
    found = []
    for hooks, passes_through in ((app.before_request_funcs, False), (app.after_request_funcs, True),
                                  (app.teardown_request_funcs, False)):
        wrapped = []
        for hook in hooks.get(None, []):
            extension = _extension_of(hook)
            if extension:
                found.append(extension)
                hook = _skipped_for_the_vote(hook, passes_through)
            wrapped.append(hook)
        hooks[None] = wrapped
    if sorted(found) != ["csrf", "limiter", "limiter", "limiter"]:
        raise RuntimeError(f"expected Flask-WTF's hook and Flask-Limiter's three, found {found}: "
                           "are the extensions initialised, and their versions the pinned ones?")
