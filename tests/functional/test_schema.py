"""The schema the migrations build is the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from contest.extensions import db


def test_migrations_match_the_models():
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], "models and migrations differ: run `flask db migrate` and review the result"


def test_postgres_run_has_its_own_schema_and_keeps_time_zones(on_postgres):
    schema = db.session.scalar(text("select current_schema()"))
    assert schema.startswith("test_")
    kinds = set(db.session.scalars(text(
        "select data_type from information_schema.columns "
        "where table_schema = current_schema() and table_name = 'contests' and column_name like '%_at'")))
    assert kinds == {"timestamp with time zone"}
