from contest.config import Defaults
from contest.services import accounts


def _scrypt_n(method: str) -> int:
    name, n, _r, _p = method.split(":")
    assert name == "scrypt"
    return int(n)


def test_default_password_hash_meets_owasp_floor():
    assert _scrypt_n(Defaults.PASSWORD_HASH_METHOD) >= 2 ** 17


def test_hashes_use_the_configured_method(app):
    app.config["PASSWORD_HASH_METHOD"] = Defaults.PASSWORD_HASH_METHOD
    try:
        hashed = accounts.hash_password("correct-horse-42")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    assert hashed.startswith("scrypt:131072:8:1$")
    assert "correct-horse-42" not in hashed
