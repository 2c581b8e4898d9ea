"""A login session is bound to the browser and address it was made from, as
Flask-Login's "basic" session protection does, but with an identifier keyed
with the secret: Flask-Login's own is a bare sha512 of address and browser,
which anyone holding the (readable, signed) cookie could brute-force back to
the address. Flask-Login's protection is switched off and these receivers of
its public signals take its place."""
from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import user_accessed, user_logged_in, user_login_confirmed

from .services.accounts import session_identifier

# The key Flask-Login writes its unkeyed identifier under at login: ours
# replaces it there, so the unkeyed value never reaches the cookie.
BINDING_KEY = "_id"


def client_identifier() -> str:
    return session_identifier(current_app.config["SECRET_KEY"], request.remote_addr,
                              request.headers.get("User-Agent", ""))


def _bind(_app: Flask, **_extra) -> None:
    session[BINDING_KEY] = client_identifier()


def _check(_app: Flask, **_extra) -> None:
    # What "basic" protection does: a session seen from another browser or
    # address stays logged in (phones move between Wi-Fi and 4G) but is no
    # longer fresh.
    if session and session.get(BINDING_KEY) != client_identifier() and session.get("_fresh") is not False:
        session["_fresh"] = False


def bind_sessions_to_clients(app: Flask) -> None:
    if app.config.get("USE_SESSION_FOR_NEXT"):
        # Flask-Login would then store its unkeyed identifier on every redirect to the login page.
        raise RuntimeError("USE_SESSION_FOR_NEXT would put an unkeyed client identifier in the session")
    user_logged_in.connect(_bind, app)
    user_login_confirmed.connect(_bind, app)
    user_accessed.connect(_check, app)
