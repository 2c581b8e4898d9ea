"""The one SQLite transaction policy: a unit of work that will write begins
with BEGIN IMMEDIATE (asked for by begin_write), any other with a plain
BEGIN; a clean read transaction is ended before the write, so a snapshot
older than another writer's commit is never upgraded."""
import threading

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from contest.database import UndeclaredWrite, begin_write, install_sqlite_policy, writes_must_be_declared

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'policy.db'}")
    install_sqlite_policy(engine)
    with engine.connect() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
        c.commit()
    yield engine
    engine.dispose()


def _impatient(engine):
    """Connections that give up at once on SQLite's lock (no busy timeout)."""
    @event.listens_for(engine, "connect")
    def _no_wait(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    engine.dispose()


def _write_elsewhere(engine, value: int) -> str | None:
    """Insert from another thread's connection; the error, if refused."""
    outcome = {}

    def other():
        try:
            with engine.connect() as c:
                c.execute(text("INSERT INTO t VALUES (:x)"), {"x": value})
                c.commit()
        except OperationalError as error:
            outcome["error"] = str(error)

    worker = threading.Thread(target=other)
    worker.start()
    worker.join(10)
    return outcome.get("error")


def test_the_connection_is_set_up_with_wal_a_busy_timeout_and_foreign_keys(engine):
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 15000
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_write_takes_the_lock_at_begin_and_a_read_never_does(engine):
    _impatient(engine)
    with Session(engine) as session:
        session.execute(text("SELECT count(*) FROM t"))
        assert _write_elsewhere(engine, 1) is None   # a reader holds no lock
        begin_write(session)
        assert "locked" in _write_elsewhere(engine, 2)   # held from BEGIN IMMEDIATE, before any write
        session.execute(text("INSERT INTO t VALUES (3)"))
        session.commit()
    assert _write_elsewhere(engine, 4) is None
    with engine.connect() as c:
        assert c.execute(text("SELECT x FROM t ORDER BY rowid")).scalars().all() == [1, 3, 4]


def test_a_clean_read_is_ended_before_the_write_so_no_stale_snapshot_is_upgraded(engine):
    _impatient(engine)
    with Session(engine) as stale:
        stale.execute(text("SELECT count(*) FROM t"))   # a snapshot from before the other writer
        assert _write_elsewhere(engine, 1) is None
        with pytest.raises(OperationalError):
            stale.execute(text("INSERT INTO t VALUES (2)"))   # what upgrading the snapshot meets
    with Session(engine) as session:
        session.execute(text("SELECT count(*) FROM t"))
        assert _write_elsewhere(engine, 3) is None
        begin_write(session)
        session.execute(text("INSERT INTO t VALUES (4)"))
        session.commit()
    with engine.connect() as c:
        assert c.execute(text("SELECT x FROM t ORDER BY rowid")).scalars().all() == [1, 3, 4]


def test_a_transaction_that_wrote_already_goes_on_and_a_second_intent_changes_nothing(engine):
    with Session(engine) as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        begin_write(session)   # the insert is not committed behind the caller's back
        session.rollback()
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
        session.rollback()
        writing = begin_write(session)
        assert begin_write(session) is writing
        assert writing.get_execution_options()["contest_writes"] is True
        session.execute(text("INSERT INTO t VALUES (2)"))
        session.commit()
    with engine.connect() as c:
        assert c.execute(text("SELECT x FROM t")).scalars().all() == [2]


def test_without_the_policy_the_sessions_transaction_is_kept():
    other = create_engine("sqlite://")   # no policy installed: as on PostgreSQL, nothing is ended
    with Session(other) as session:
        session.execute(text("SELECT 1"))
        conn = session.connection()
        assert begin_write(session) is conn
    other.dispose()


def test_within_the_safety_net_an_undeclared_write_warns_and_a_declared_one_does_not(engine):
    with writes_must_be_declared():
        with Session(engine) as session:
            begin_write(session)
            session.execute(text("INSERT INTO t VALUES (1)"))
            session.commit()
            session.execute(text("SELECT count(*) FROM t"))
            session.commit()   # a read: nothing to say
            session.execute(text("INSERT INTO t VALUES (2)"))
            with pytest.warns(UndeclaredWrite, match="@writes"):
                session.commit()
    with Session(engine) as session:   # outside it (commands, set-up code) nothing is said
        session.execute(text("INSERT INTO t VALUES (3)"))
        session.commit()
