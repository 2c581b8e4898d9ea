"""A built world kept as plain rows and files, put back in a fraction of the
time it takes to build it through the services: a module builds its world
once and each test (or each case of a matrix) starts from the same rows."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Integer, event, select, text

from contest.extensions import db


def clear_tables() -> None:
    """Every table emptied and, on PostgreSQL, every id sequence back at 1:
    what TRUNCATE ... RESTART IDENTITY does, without its new files for each
    table, which cost PostgreSQL far more than deleting a test's few rows."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c "
                                "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"))
    db.session.commit()


def clear_dir(path: Path) -> None:
    for child in path.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def dir_state(path: Path) -> frozenset:
    """What a directory holds (names, sizes, times): enough to tell a change."""
    found = set()
    for root, _dirs, files in os.walk(path):
        for name in files:
            stat = os.stat(os.path.join(root, name))
            found.add((os.path.join(root, name), stat.st_size, stat.st_mtime_ns))
    return frozenset(found)


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, list[dict]]
    files: Path


def take(upload_dir: Path, into: Path) -> Snapshot:
    """Every row of every table and a copy of the uploads, as committed now."""
    db.session.commit()
    rows = {}
    for table in db.metadata.sorted_tables:
        order = [c for c in table.primary_key.columns]
        result = db.session.execute(select(table).order_by(*order))
        rows[table.name] = [{c.key: row._mapping[c] for c in table.columns} for row in result]
    shutil.copytree(upload_dir, into)
    return Snapshot(rows, into)


def restore(snapshot: Snapshot, upload_dir: Path) -> None:
    """The database and the uploads exactly as they were when taken; the
    session's objects are reloaded from them."""
    clear_tables()
    for table in db.metadata.sorted_tables:
        if snapshot.rows[table.name]:
            db.session.execute(table.insert(), snapshot.rows[table.name])
    if db.engine.dialect.name == "postgresql":
        _advance_sequences(snapshot.rows)
    db.session.commit()
    db.session.expire_all()
    clear_dir(upload_dir)
    shutil.copytree(snapshot.files, upload_dir, dirs_exist_ok=True)


def _advance_sequences(rows: dict[str, list[dict]]) -> None:
    # Rows come back with their ids, which the emptied tables' sequences do
    # not know: the next row the app adds must get a new id. (setval of a
    # key without a sequence is NULL, not an error.)
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer) or not rows[table.name]:
            continue
        db.session.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), :v)"),
                           {"t": f'"{table.name}"', "c": keys[0].name,
                            "v": max(row[keys[0].key] for row in rows[table.name])})


_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SHOW")


@contextmanager
def watching_writes():
    """Yields a list that fills with every statement sent to the database
    meanwhile (by the test or by the app's requests) that may have written:
    anything but a plain read or transaction control counts."""
    writes: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip().upper().startswith(_READS):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield writes
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
