"""Error pages in the user's language; never a traceback."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Access denied"), _("You do not have permission to view this page.")),
        404: (_("Page not found"), _("The page does not exist or has been removed.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        413: (_("Upload too large"),
              _("The content you sent is larger than allowed. Please make it smaller and try again.")),
        429: (_("Too many requests"), _("You have tried too often. Please wait a few minutes and try again.")),
        500: (_("Server error"), _("Something went wrong on our side. It has been logged; please try again later.")),
    }


def _render(code: int, detail: str | None = None):
    fallback = _messages()[400] if code < 500 else _messages()[500]
    title, message = _messages().get(code, fallback)
    if detail:
        message = detail
    if _wants_json():
        return jsonify(ok=False, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_e):
        return _render(400, _("The form has expired or was sent from elsewhere. "
                              "Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        return _render(e.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return _render(500)
