"""Security headers on every response."""
from flask import Flask, request, session

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _logged_in() -> bool:
    """Whether the response is for a logged-in user, without loading the
    account when the view did not (the vote does not): a session that names
    one is enough to keep the page out of caches (login and logout set and
    clear it within the request)."""
    return bool(session.get("_user_id"))


PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        # A view may set a stricter policy of its own (sandboxed H5 packages).
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS
        # Pages for a logged-in user hold personal data: no shared or back-button cache.
        if not request.path.startswith("/static/") and _logged_in():
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
