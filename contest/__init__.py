"""Application factory: config -> extensions -> blueprints -> cli -> errors."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as cfg
from . import models  # noqa: F401  (register the models with the metadata)
from .accounts.views import bp as accounts_bp
from .admin.views import bp as admin_bp
from .cli import register_cli
from .database import install_sqlite_policy
from .entrant.views import bp as entrant_bp
from .errors import register_error_handlers
from .extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale
from .files.views import bp as files_bp
from .judge.views import bp as judge_bp
from .organiser import bp as organiser_bp
from .public.views import bp as public_bp
from .requests import ContestRequest
from .security_headers import register_security_headers
from .services import round_totals  # noqa: F401  (flushes keep each round's stored totals)
from .services.accounts import load_user_from_session
from .sessions import bind_sessions_to_clients
from .showcase.views import bp as showcase_bp
from .templating import register_template_helpers
from .unit.views import bp as unit_bp
from .vote.views import bp as vote_bp

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    pass


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.request_class = ContestRequest
    _load_config(app, test_config)
    _init_extensions(app)
    _register_blueprints(app)
    register_cli(app)
    register_error_handlers(app)
    register_security_headers(app)
    return app


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(cfg.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(cfg.env_overrides())
    if test_config:
        app.config.update(test_config)
    if app.config.get("TESTING"):
        app.config["ENV"] = "testing"
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'contest.db'}"
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(ROOT / "uploads")

    # Anything but the two known relaxed modes is production: a misspelt
    # CONTEST_ENV must not switch the safeguards off.
    relaxed = app.config["ENV"] in cfg.RELAXED_ENVS
    secret = app.config.get("SECRET_KEY")
    if not cfg.secret_is_strong(secret):
        if not relaxed:
            raise ConfigError(
                "CONTEST_SECRET_KEY must be set to a random value of at least "
                f"{cfg.MIN_SECRET_LENGTH} characters in production "
                '(python -c "import secrets; print(secrets.token_hex(32))").'
            )
        if app.config["ENV"] == "development":
            app.config["SECRET_KEY"] = cfg.development_secret(app.instance_path)
    if relaxed:
        # `make run` and the tests serve plain http on 127.0.0.1.
        app.config["SESSION_COOKIE_SECURE"] = False
    if not app.config.get("IP_HASH_SALT"):
        app.config["IP_HASH_SALT"] = "ip:" + app.config["SECRET_KEY"]
    if app.config.get("PROXY_FIX"):
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        install_sqlite_policy(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    login_manager.init_app(app)
    # Flask-Login's "basic" protection with an unkeyed identifier: replaced by
    # the app's own keyed binding (contest/sessions.py).
    login_manager.session_protection = None
    bind_sessions_to_clients(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    # Now rather than at a worker's first query: with gunicorn's preload_app the
    # master does it once for every worker.
    configure_mappers()
    login_manager.user_loader(load_user_from_session)
    register_template_helpers(app)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(public_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(organiser_bp, url_prefix="/console")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(entrant_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(unit_bp, url_prefix="/unit")
    app.register_blueprint(judge_bp, url_prefix="/judge")
    app.register_blueprint(vote_bp)
    app.register_blueprint(showcase_bp)
