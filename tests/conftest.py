"""Test set-up. Without CONTEST_TEST_DATABASE_URL the suite runs on a SQLite
file; with it, on PostgreSQL in a schema of its own that is dropped at the
end. The schema always comes from the migrations."""
from __future__ import annotations

import contextvars
import os
import re
import uuid
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import EnvironBuilder, FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from contest import create_app
from contest.database import writes_must_be_declared
from contest.extensions import db, limiter
from tests import factories, snapshot

TEST_SECRET = "test-secret-" + "x" * 40
REQUIRE_SERVICES = os.environ.get("CONTEST_TEST_REQUIRE_SERVICES") == "1"


def _service_url(name: str) -> str | None:
    url = os.environ.get(name)
    if not url and REQUIRE_SERVICES:
        raise pytest.UsageError(f"{name} must be set when CONTEST_TEST_REQUIRE_SERVICES=1")
    return url


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """(url, engine options) of a fresh database for this run."""
    url = _service_url("CONTEST_TEST_DATABASE_URL")
    if not url:
        path = tmp_path_factory.mktemp("db") / "contest-test.db"
        yield f"sqlite:///{path}", {}
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_test_config(database_url: str, engine_options: dict, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap hashes keep the suite fast; tests/unit/test_passwords.py checks
        # that the production default meets OWASP's floor.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context, database
    session and `g` (the test's own app context would otherwise be reused,
    and with it Flask-Login's cached user). What the test has built is
    committed first, and the test's objects are reloaded afterwards."""

    def open(self, *args, **kwargs):
        in_test_context = has_app_context()
        if in_test_context:
            db.session.commit()
        try:
            response = contextvars.Context().run(self._open_closing_body, *args, **kwargs)
        finally:
            if in_test_context:
                db.session.expire_all()
        return response

    def _open_closing_body(self, *args, **kwargs):
        with writes_must_be_declared():   # a request's writes begin as writes (contest/database.py)
            return self._open_body(*args, **kwargs)

    def _open_body(self, *args, **kwargs):
        # Werkzeug's builder spools a large multipart body to a temporary file
        # and never closes it (a ResourceWarning under -W error): build the
        # environ here and close the body once the request is done.
        if args and not isinstance(args[0], str) or not isinstance(kwargs.get("data"), dict):
            return super().open(*args, **kwargs)
        options = {k: kwargs.pop(k) for k in ("buffered", "follow_redirects") if k in kwargs}
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            environ = builder.get_environ()
            try:
                return super().open(environ, **options)
            finally:
                environ["wsgi.input"].close()
        finally:
            builder.close()


@pytest.fixture(scope="session")
def upload_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="session")
def app(database, upload_dir):
    url, options = database
    application = create_app(make_test_config(url, options, UPLOAD_DIR=str(upload_dir)))
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database, upload_dir):
    """Another app on the same database (other settings); its connections are
    closed afterwards. `unset` names test settings to leave to the defaults
    and the environment."""
    made = []
    app_upload_dir = str(upload_dir)

    def factory(unset: tuple[str, ...] = (), **config):
        if config.get("REDIS_URL") or config.get("RATELIMIT_STORAGE_URI", "memory://") != "memory://":
            # The limiter is one object for every app of the process: it would keep this storage.
            raise pytest.UsageError("an app on another limiter storage is built with tests/app_process.py")
        url, options = database
        config.setdefault("UPLOAD_DIR", app_upload_dir)
        settings = make_test_config(url, options, **config)
        for name in unset:
            settings.pop(name, None)
        application = create_app(settings)
        made.append(application)
        return application

    yield factory
    for application in made:
        with application.app_context():
            db.engine.dispose()


PURE_SKIP_REASON = ("pure: touches neither the database nor Redis, so the SQLite run covers it "
                    "(CONTEST_TEST_DATABASE_URL is set)")
# A pure test that asks for one of these is not pure.
APP_FIXTURES = {"app", "client", "make_app", "database", "world", "redis_url", "on_postgres", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Tests marked `pure` run without the app; against PostgreSQL and Redis
    they are skipped (and reported so), having nothing there to check."""
    on_services = bool(os.environ.get("CONTEST_TEST_DATABASE_URL"))
    for item in items:
        if item.get_closest_marker("pure") is None:
            continue
        uses_app = APP_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_app:
            raise pytest.UsageError(f"{item.nodeid} is marked pure but uses {sorted(uses_app)}")
        if on_services:
            item.add_marker(pytest.mark.skip(reason=PURE_SKIP_REASON))


@pytest.fixture(autouse=True)
def _app_context(request):
    """Each test that is not marked `pure` runs in an app context on empty
    tables, an empty upload folder and fresh limits."""
    if request.node.get_closest_marker("pure") is not None:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        limiter.reset()
        yield
        db.session.remove()
        snapshot.clear_tables()
    snapshot.clear_dir(Path(app.config["UPLOAD_DIR"]))


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """A valid token for this client's session, read from a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, user) -> None:
    """Log a client in as the login view would (session holds only ids)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def world():
    """Two organising units with a contest each, and one user per role."""
    return factories.build_world()





@pytest.fixture(scope="session")
def redis_url():
    url = _service_url("CONTEST_TEST_REDIS_URL")
    if not url:
        pytest.skip("needs Redis: set CONTEST_TEST_REDIS_URL (CI does)")
    return url


@pytest.fixture
def on_postgres(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("needs PostgreSQL: set CONTEST_TEST_DATABASE_URL (CI does)")
