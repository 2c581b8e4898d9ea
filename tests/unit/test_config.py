import pytest

from contest import ConfigError, create_app
from contest.config import Defaults, env_overrides, secret_is_strong
from tests import app_process


def _cfg(database, **extra):
    url, options = database
    return {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, **extra}


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "short-but-random-9f8e"])
def test_production_refuses_a_missing_or_weak_secret(database, secret, monkeypatch):
    monkeypatch.delenv("CONTEST_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="CONTEST_SECRET_KEY"):
        create_app(_cfg(database, ENV="production", SECRET_KEY=secret))


def test_production_starts_with_a_strong_secret_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("CONTEST_SECRET_KEY", "9f" * 32)
    app = make_app(unset=("TESTING", "SECRET_KEY"), ENV="production")
    assert app.config["SECRET_KEY"] == "9f" * 32
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("env", ["staging", "prod", "Development", ""])
def test_an_unknown_env_is_production(database, env, monkeypatch):
    monkeypatch.setenv("CONTEST_SECRET_KEY", "changeme")
    with pytest.raises(ConfigError):
        create_app(_cfg(database, ENV=env))


def test_an_all_digit_secret_stays_a_string():
    secret = "1234567890" * 4
    assert env_overrides({"CONTEST_SECRET_KEY": secret}) == {"SECRET_KEY": secret}
    assert env_overrides({"CONTEST_SESSION_COOKIE_SECURE": "false"}) == {"SESSION_COOKIE_SECURE": False}


def test_env_overrides_map_contest_variables():
    out = env_overrides({"CONTEST_DATABASE_URL": "postgresql+psycopg://x/y", "CONTEST_PROXY_FIX": "1",
                         "CONTEST_TEST_DATABASE_URL": "ignored", "OTHER": "x"})
    assert out == {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x/y", "PROXY_FIX": 1}


def test_secret_strength():
    assert not secret_is_strong("secret")
    assert not secret_is_strong("a" * 31)
    assert secret_is_strong("a1" * 16)


def test_limiter_storage_is_explicit_and_forms_fit_a_long_story():
    assert Defaults.RATELIMIT_STORAGE_URI == "memory://"
    # 10,000 Chinese characters of story in UTF-8 plus markup must fit.
    assert Defaults.MAX_FORM_MEMORY_SIZE > 10_000 * 3 * 4


def limit_storage(app):
    return app.config["RATELIMIT_STORAGE_URI"]


def test_redis_url_becomes_the_limit_storage(database, upload_dir, redis_url):
    # Built in a process of its own: this one's limiter keeps its memory:// storage.
    storage = app_process.run(database, upload_dir, f"{__name__}:limit_storage",
                              {"REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": "memory://"})
    assert storage == redis_url
