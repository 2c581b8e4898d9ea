"""Prebuilt statements run on the DB-API driver's own cursor, for the one
path where SQLAlchemy's per-execution work (connection events, result set-up,
cache look-ups) cost more than the database's: the public vote.

A statement is built once with SQLAlchemy (bound parameters, dialect-specific
upserts), compiled once per dialect, and run with its columns' own
conversions in both directions, so values go in and come out exactly as
SQLAlchemy would have converted them."""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy.engine import Dialect, Engine

from .db_events import begin_write


class Prepared(NamedTuple):
    sql: str
    order: tuple[str, ...] | None   # positional drivers (SQLite's "?"): the parameters in order
    defaults: dict[str, Any]        # parameters given a value when the statement was built
    binds: dict[str, Callable]      # parameter -> the column type's conversion for this driver
    results: tuple[Callable | None, ...]   # per returned column: its conversion, if any


# Per dialect object: its conversions close over it (an engine's own json_serializer, say), and two
# drivers of one database render different SQL (psycopg's casts).
_PREPARED: weakref.WeakKeyDictionary[Dialect, dict[str, Prepared]] = weakref.WeakKeyDictionary()


def prepare(dialect: Dialect, name: str, build: Callable[[], Any]) -> Prepared:
    """The statement `build()` makes, compiled for `dialect`, once per
    dialect and name: a name stands for one statement. Columns whose
    conversion needs the driver's column type (Numeric on psycopg) are refused."""
    prepared = _PREPARED.setdefault(dialect, {})
    if name not in prepared:
        statement = build()
        compiled = statement.compile(dialect=dialect)
        rendered = {param: bind for bind, param in compiled.bind_names.items()}   # name in the SQL -> bind
        binds = {}
        for param, bind in rendered.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds[param] = process
        try:
            results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                            for column in statement.exported_columns)
        except TypeError as error:
            raise ValueError(f"{name}: a returned column's conversion needs the driver's column type") from error
        prepared[name] = Prepared(compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
                                  {p: b.value for p, b in rendered.items() if not b.required}, binds, results)
    return prepared[name]


def first(driver_connection, statement: Prepared, params: dict) -> tuple | None:
    """Run a prepared statement; its first row (converted), if it returns any.
    A constraint it meets raises the driver's own IntegrityError."""
    values = {**statement.defaults, **params}   # exactly the statement's parameters
    for param, process in statement.binds.items():
        values[param] = process(values[param])
    cursor = driver_connection.cursor()
    try:
        cursor.execute(statement.sql, [values[k] for k in statement.order] if statement.order is not None
                       else values)
        row = cursor.fetchone() if cursor.description else None
    finally:
        cursor.close()
    if row is None:
        return None
    return tuple(value if process is None else process(value)
                 for value, process in zip(row, statement.results, strict=True))


class _Runs:
    """first() for a connection whose driver connection is `driver`."""
    dialect: Dialect
    driver: Any

    def first(self, name: str, build: Callable[[], Any], params: dict) -> tuple | None:
        return first(self.driver, prepare(self.dialect, name, build), params)


class DriverConnection(_Runs):
    """A connection from the engine's pool used at the driver's level.

    Reads outside a write run on their own (SQLite: each statement its own
    snapshot, no transaction left open; other databases: the driver's
    transaction, which the write then continues). begin_write() starts the
    write as every request's writes start (SQLite: in the writers' queue with
    BEGIN IMMEDIATE); commit() and rollback() end it through the dialect, which
    also leaves the queue. Closing returns the connection to the pool, which
    rolls back whatever was left; one the server dropped is discarded."""

    def __init__(self, engine: Engine):
        self.dialect = engine.dialect
        self._pooled = engine.raw_connection()
        self.driver = self._pooled.driver_connection
        self.writing = False

    def begin_write(self) -> None:
        if not self.writing:
            begin_write(self.dialect, self._pooled.dbapi_connection)
            self.writing = True

    def commit(self) -> None:
        self.writing = False
        self.dialect.do_commit(self._pooled.dbapi_connection)

    def rollback(self) -> None:
        self.writing = False
        self.dialect.do_rollback(self._pooled.dbapi_connection)

    def close(self) -> None:
        self._pooled.close()

    def __enter__(self) -> DriverConnection:
        return self

    def __exit__(self, _type, error, _tb) -> None:
        # SQLAlchemy's own statements would have told the pool; these ran beside it.
        if isinstance(error, self.dialect.loaded_dbapi.Error) and self.dialect.is_disconnect(
                error, self._pooled.dbapi_connection, None):
            self._pooled.invalidate(error)   # a connection the server dropped is not handed out again
        self.close()


class OnConnection(_Runs):
    """The same calls on a SQLAlchemy connection (a session's), inside its
    transaction: for the code paths that share the vote's statements but run
    within a caller's unit of work."""

    def __init__(self, connection):
        self.connection = connection
        self.dialect = connection.dialect
        self.driver = connection.connection.driver_connection

    def begin_write(self) -> None:
        if not self.connection.in_transaction():
            self.connection.begin()
