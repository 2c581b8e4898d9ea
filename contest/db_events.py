"""SQLite connection set-up.

WAL lets readers run beside a writer; a busy timeout makes writers queue. A
transaction that reads and then writes still fails at once with "database is
locked" when another writer got in between, so a request that may write
(POST, PUT, PATCH, DELETE) starts its transactions with BEGIN IMMEDIATE and
takes the write lock up front. pysqlite's own transaction handling is turned
off so that SQLAlchemy's BEGIN (and SAVEPOINT) are the ones that run."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """For writes outside a request (commands, jobs)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def reads_first(view):
    """Mark a view that reads in a plain transaction, ends it, and writes in a
    short one of its own under write_intent(): the write lock is held for the
    writes alone, not for the whole request."""
    view.reads_first = True
    return view


def end_reads(session) -> None:
    """In a reads_first view: end the reading transaction so that the write
    starts its own with BEGIN IMMEDIATE (SQLite). Other databases lock rows,
    not the file: the reads and the write may share one transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()


def _begin_immediately() -> bool:
    if _write_intent.get():
        return True
    if not has_request_context() or request.method not in WRITE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, "reads_first", False)


def install_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediately() else "BEGIN")
