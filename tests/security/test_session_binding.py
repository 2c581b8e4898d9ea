"""The login session's binding to the client: keyed, so a cookie holder
cannot recover the address from it, and checked by the app as Flask-Login's
"basic" protection would (another address or browser: no longer fresh)."""
import hashlib
import hmac
import ipaddress

from tests import factories
from tests.conftest import csrf_token

PHONE = "13712345678"
AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0"
HOME = "10.20.30.40"


def _client(app, address: str, agent: str = AGENT):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent})
    return client


def _session(app, client) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)


def _log_in(app, client) -> None:
    r = client.post("/account/login", data={"phone": PHONE, "password": "haowangmin42",
                                            "csrf_token": csrf_token(client, "/account/login")})
    assert r.status_code == 302


def test_a_cookie_holder_cannot_brute_force_the_address_from_the_binding(app):
    factories.user(phone=PHONE, password="haowangmin42")
    client = _client(app, HOME)
    _log_in(app, client)
    binding = _session(app, client)["_id"]
    # Everything an attacker who knows the browser can try over the victim's /24,
    # with the unkeyed digests Flask-Login would have stored.
    for host in ipaddress.ip_network("10.20.30.0/24"):
        base = f"{host}|{AGENT}".encode()
        assert binding not in (hashlib.sha512(base).hexdigest(), hashlib.sha256(base).hexdigest())
    keyed = hmac.new(app.config["SECRET_KEY"].encode(), f"{HOME}|{AGENT}".encode(), hashlib.sha256).hexdigest()
    assert binding == keyed


def test_a_copied_cookie_from_elsewhere_is_no_longer_fresh(app):
    factories.user(phone=PHONE, password="haowangmin42")
    victim = _client(app, HOME)
    _log_in(app, victim)
    assert victim.get("/account/profile").status_code == 200
    assert _session(app, victim)["_fresh"] is True

    for address, agent in (("203.0.113.9", AGENT), (HOME, "curl/8.5")):
        thief = _client(app, address, agent)
        thief.set_cookie("session", victim.get_cookie("session").value)
        # "basic": still logged in (a phone moving to 4G must not be logged out) but stale.
        assert thief.get("/account/profile").status_code == 200
        assert _session(app, thief)["_fresh"] is False
    assert victim.get("/account/profile").status_code == 200
    assert _session(app, victim)["_fresh"] is True


def test_a_new_login_binds_the_session_to_the_new_client(app):
    factories.user(phone=PHONE, password="haowangmin42")
    client = _client(app, HOME)
    _log_in(app, client)
    first = _session(app, client)["_id"]
    client.environ_base["REMOTE_ADDR"] = "10.20.30.41"
    client.post("/account/logout", data={"csrf_token": csrf_token(client)})
    _log_in(app, client)
    assert _session(app, client)["_id"] not in (first, None)
