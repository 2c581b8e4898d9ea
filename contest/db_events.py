"""SQLite connection set-up: WAL for concurrent readers, a busy timeout,
foreign keys, and pysqlite's own transaction handling replaced by explicit
BEGIN so that write transactions can ask for BEGIN IMMEDIATE (see
contest/services/locking.py in later work)."""
from sqlalchemy import event
from sqlalchemy.engine import Engine


def install_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = "IMMEDIATE" if conn.info.get("immediate") else ""
        conn.exec_driver_sql(f"BEGIN {mode}".strip())
