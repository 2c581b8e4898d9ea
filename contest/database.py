"""The one SQLite transaction policy (no Flask here).

SQLAlchemy's documented pysqlite recipe: the driver's own transaction
handling is off and a `begin` event starts every transaction. A unit of work
that will write asks for it first (begin_write) and starts with BEGIN
IMMEDIATE, taking SQLite's write lock up front; any other transaction starts
with a plain BEGIN. A read transaction cannot be upgraded safely: once
another writer has committed since its snapshot, SQLite refuses its first
write at once ("database is locked", whatever the busy timeout). So a clean
read transaction is ended before the write begins.

WAL lets readers run beside the writer; the busy timeout makes writers
queue; foreign keys are checked. Other databases lock rows, not the file:
there the intent changes nothing."""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

WRITE = "contest_writes"   # the execution option the begin event reads
BUSY_TIMEOUT_MS = 30_000
_declared_only: ContextVar[bool] = ContextVar("contest_writes_declared_only", default=False)


class UndeclaredWrite(UserWarning):
    """A transaction begun as a read changed rows: its service did not say it writes."""


@contextmanager
def writes_must_be_declared() -> Iterator[None]:
    """The tests' safety net: within it, committing a SQLite transaction that
    changed rows without having begun as a write warns (an error under
    `pytest -W error`), so a service that forgets its intent cannot slip through."""
    token = _declared_only.set(True)
    try:
        yield
    finally:
        _declared_only.reset(token)


def install_sqlite_policy(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None   # SQLAlchemy's BEGIN, not the driver's
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")
        conn.info["changes_at_begin"] = conn.connection.driver_connection.total_changes

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Connection):
        if _declared_only.get() and not conn.get_execution_options().get(WRITE) and _written(conn):
            warnings.warn("a transaction begun as a read wrote rows: mark its service @writes",
                          UndeclaredWrite, stacklevel=2)


def _written(conn: Connection) -> bool:
    """Whether this transaction has changed a row already (it then holds the write lock)."""
    return conn.connection.driver_connection.total_changes != conn.info.get("changes_at_begin")


def begin_write(session: Session) -> Connection:
    """Make the session's transaction one that writes, and return its
    connection. On SQLite: a transaction already writing goes on; a clean
    read-only one is ended, and the next begins with BEGIN IMMEDIATE."""
    if session.get_bind().dialect.name != "sqlite":
        return session.connection()
    if session.in_transaction():
        conn = session.connection()
        if (conn.get_execution_options().get(WRITE) or session.in_nested_transaction() or _written(conn)
                or session.new or session.dirty or session.deleted):
            # Writing already, or holding changes that would be lost: its first flush takes the lock.
            return conn
        session.commit()   # nothing written: only the snapshot ends
    return session.connection(execution_options={WRITE: True})
