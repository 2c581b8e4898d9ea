"""Configuration: defaults, then instance/config.py, then CONTEST_* environment
variables, then the test configuration (applied last by create_app)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

# Secrets that appear in tutorials and must never guard a real deployment.
WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test", "secret-key"}
MIN_SECRET_LENGTH = 32
# The only modes in which a weak key and plain-http cookies are allowed.
RELAXED_ENVS = ("development", "testing")


class Defaults:
    ENV = "production"  # "development" relaxes the SECRET_KEY rule for `make run`
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # set from the instance folder when empty
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "contest"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = "30 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 5 minutes"
    REGISTER_LIMIT_PER_IP = "20 per hour"
    # Heavy routes, per user: autosaves come every few seconds, uploads run ffmpeg.
    AUTOSAVE_LIMIT = "60 per minute"
    UPLOAD_LIMIT = "60 per 10 minutes"
    # Votes: an honest voter casts a handful a day. Per IP the limit stays high
    # (schools and mobile networks share addresses); past VOTE_CAPTCHA_AFTER
    # from one address, each voter there solves a picture captcha first.
    VOTE_LIMIT_PER_ACCOUNT = "30 per minute;300 per hour"
    VOTE_LIMIT_PER_IP = "600 per minute"
    VOTE_CAPTCHA_AFTER = "60 per hour"
    VOTE_CAPTCHA_VALID_S = 600
    # Brushing patterns (contest/vote_patterns.py Thresholds, one setting per field).
    VOTE_SPIKE_FACTOR = 5.0
    VOTE_SPIKE_MIN_VOTES = 30
    VOTE_PREFIX_WINDOW_S = 600
    VOTE_PREFIX_MIN_VOTES = 20
    VOTE_SIGNUP_WINDOW_S = 1800
    VOTE_SIGNUP_MIN_ACCOUNTS = 10
    VOTE_REGULAR_MIN_RUN = 10
    VOTE_REGULAR_MAX_CV = 0.1
    VOTE_RAPID_WINDOW_S = 10
    VOTE_RAPID_MIN_ENTRIES = 5
    # OWASP's floor for scrypt is N=2^17; Werkzeug's default (2^15) is below it.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    PASSWORD_MIN_LENGTH = 8
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    # A story is written on a phone over an hour or more.
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Werkzeug refuses form fields over 500 kB; the longest story plus markup fits in 2 MB.
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    UPLOAD_DIR = None
    IP_HASH_SALT = None  # defaults to a value derived from SECRET_KEY
    # The city's districts and economic function zones, as entrants pick them.
    DISTRICTS = (
        "香洲区", "金湾区", "斗门区", "横琴新区", "高新区", "高栏港经济区", "万山海洋开发试验区",
    )
    PROXY_FIX = 0  # number of trusted proxies in front (1 behind nginx)
    # The site's public address (https://host), for links printed on paper (certificates' QR codes);
    # unset: the address of the request that made the document.
    PUBLIC_BASE_URL = None


def env_overrides(environ: dict[str, str] | None = None) -> dict:
    """Read CONTEST_* variables: CONTEST_SECRET_KEY -> SECRET_KEY, etc. A value
    is converted to the type of the setting's default (an all-digit secret
    stays a string)."""
    environ = os.environ if environ is None else environ
    out: dict = {}
    for key, value in environ.items():
        if not key.startswith("CONTEST_") or key.startswith("CONTEST_TEST_"):
            continue
        name = key[len("CONTEST_"):]
        if name == "DATABASE_URL":
            name = "SQLALCHEMY_DATABASE_URI"
        default = getattr(Defaults, name, None)
        if isinstance(default, bool):
            out[name] = value.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            out[name] = int(value)
        elif isinstance(default, float):
            out[name] = float(value)
        else:
            out[name] = value
    return out


def secret_is_strong(secret: str | None) -> bool:
    return isinstance(secret, str) and secret.lower() not in WEAK_SECRETS and len(secret) >= MIN_SECRET_LENGTH


def development_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so `make run` needs no set-up
    and sessions survive a restart. Never used in production."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
