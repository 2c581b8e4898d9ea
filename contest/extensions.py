"""The one instance of each Flask extension."""
from functools import lru_cache

from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


@lru_cache(maxsize=8)
def _locale(identifier: str) -> Locale:
    # Flask-Babel parses a name on every request, and Babel looks for the
    # locale's data file each time; a Locale object is taken as it is.
    return Locale.parse(identifier)


def select_locale() -> Locale:
    # Commands and jobs run outside a request: they speak the default language.
    wanted = request.cookies.get("lang") if has_request_context() else None
    if wanted in current_app.config["LANGUAGES"]:
        return _locale(wanted)
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])


babel = Babel()
