import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", ["/", "/account/login", "/nowhere", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    r.close()
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in r.headers["Permissions-Policy"] and "geolocation=()" in r.headers["Permissions-Policy"]


def test_pages_for_a_logged_in_user_are_not_cached(client, world):
    from tests.conftest import login

    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, world.users["entrant"])
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/account/profile").headers["Cache-Control"] == "no-store"


def test_templates_hold_no_inline_script_or_handlers():
    """The CSP forbids inline script; a template that relies on it breaks silently."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    inline_style = re.compile(r"\sstyle\s*=|<style", re.I)
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not inline_script.search(text), template
        assert not handler.search(text), template
        assert not inline_style.search(text), template


def test_session_cookie_flags(client, world):
    from tests.conftest import csrf_token

    client.post("/account/login", data={"phone": world.users["entrant"].phone, "password": "correct-horse-42",
                                        "csrf_token": csrf_token(client, "/account/login")})
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
