"""SQLite connection set-up.

WAL lets readers run beside a writer; a busy timeout makes writers queue. A
transaction that reads and then writes still fails at once with "database is
locked" when another writer got in between, so a request that may write
(POST, PUT, PATCH, DELETE) starts its transactions with BEGIN IMMEDIATE and
takes the write lock up front. pysqlite's own transaction handling is turned
off so that SQLAlchemy's BEGIN (and SAVEPOINT) are the ones that run.

Writers queue on an exclusive flock(2) of a file beside the database before
BEGIN IMMEDIATE and leave it at COMMIT or ROLLBACK. SQLite's busy handler
polls with sleeps of up to 100 ms, so under load the write lock lay idle
while every waiter slept; the kernel hands a released flock to the next
waiter at once. SQLite's own lock and busy timeout still guard everything
(writers from elsewhere, a thread that already holds the queue)."""
from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine

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


def end_reads(connection) -> None:
    """In a reads_first view: end the reading transaction (of a Core
    connection or a session) so that the write starts its own with BEGIN
    IMMEDIATE (SQLite). Other databases lock rows, not the file: the reads and
    the write may share one transaction."""
    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    if bind.dialect.name == "sqlite":
        connection.commit()


def _begin_immediately() -> bool:
    if _write_intent.get():
        return True
    if not has_request_context() or request.method not in WRITE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, "reads_first", False)


_WRITE_BEGINS: weakref.WeakKeyDictionary[Dialect, Callable] = weakref.WeakKeyDictionary()


def begin_write(dialect: Dialect, dbapi_connection) -> None:
    """Start a write on a DB-API connection taken from the pool, as every
    request's writes start: on SQLite in the writers' queue with BEGIN
    IMMEDIATE (the dialect's commit or rollback leaves the queue); other
    drivers begin their transaction by themselves."""
    begin = _WRITE_BEGINS.get(dialect)
    if begin is not None:
        begin(dbapi_connection)


def install_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    queue_path = f"{engine.url.database}-writers.lock" if engine.url.database not in (None, "", ":memory:") else None
    held: dict[int, tuple[int, int]] = {}   # id(DB-API connection) -> (lock file descriptor, thread)

    def take_queue(dbapi_connection) -> None:
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)   # the pool's proxy
        me = threading.get_ident()
        if queue_path is None or any(thread == me for _fd, thread in held.values()):
            return   # waiting here for a lock this thread holds would never end
        fd = os.open(queue_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        held[id(dbapi_connection)] = (fd, me)

    def leave_queue(dbapi_connection) -> None:
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        taken = held.pop(id(dbapi_connection), None)
        if taken is not None:
            os.close(taken[0])   # closing the descriptor releases the flock

    dialect = engine.dialect
    for name in ("do_commit", "do_rollback", "do_close"):
        def ending(dbapi_connection, _end=getattr(dialect, name)):
            try:
                _end(dbapi_connection)
            finally:
                leave_queue(dbapi_connection)
        setattr(dialect, name, ending)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    def queued(dbapi_connection, begin: Callable[[], object]) -> None:
        take_queue(dbapi_connection)
        try:
            begin()
        except BaseException:
            leave_queue(dbapi_connection)
            raise

    def begin_immediate(dbapi_connection) -> None:   # a connection used at the driver's level
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        queued(dbapi_connection, lambda: dbapi_connection.execute("BEGIN IMMEDIATE"))

    _WRITE_BEGINS[dialect] = begin_immediate

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if not _begin_immediately():
            conn.exec_driver_sql("BEGIN")
            return
        queued(conn.connection, lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"))
