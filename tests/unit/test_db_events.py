"""SQLite writers queue on a lock file beside the database: taken with the
write lock, given up at commit and rollback, never waited for by the thread
that holds it."""
import fcntl
import os
import threading

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from contest.db_events import install_sqlite_pragmas, write_intent


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    install_sqlite_pragmas(engine)
    with engine.connect() as c, write_intent():
        c.execute(text("CREATE TABLE t (x INTEGER)"))
        c.commit()
    yield engine
    engine.dispose()


def _queue_held(engine) -> bool:
    """Whether some connection holds the writers' queue (tried from a descriptor of our own)."""
    fd = os.open(f"{engine.url.database}-writers.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _impatient(engine):
    """Connections that give up at once on SQLite's own lock (no busy timeout)."""
    @event.listens_for(engine, "connect")
    def _no_wait(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=0")


def test_a_writer_holds_the_queue_until_commit_or_rollback_and_a_reader_never_takes_it(engine):
    with engine.connect() as c:
        c.execute(text("SELECT count(*) FROM t"))
        assert not _queue_held(engine)
        c.commit()
        with write_intent():
            c.execute(text("INSERT INTO t VALUES (1)"))
            assert _queue_held(engine)
            c.commit()
        assert not _queue_held(engine)
        with write_intent():
            c.execute(text("INSERT INTO t VALUES (2)"))
            assert _queue_held(engine)
            c.rollback()
        assert not _queue_held(engine)
        assert c.execute(text("SELECT x FROM t")).scalars().all() == [1]


def test_a_second_writer_waits_in_the_queue_not_on_sqlites_busy_lock(engine):
    # Without a busy timeout SQLite refuses a second writer at once; queued
    # behind the first, it starts only when the first has committed.
    _impatient(engine)
    engine.dispose()
    outcome = {}

    def second():
        try:
            with engine.connect() as c, write_intent():
                c.execute(text("INSERT INTO t VALUES (2)"))
                c.commit()
            outcome["ok"] = True
        except OperationalError as error:
            outcome["error"] = str(error)

    with engine.connect() as first:
        with write_intent():
            first.execute(text("INSERT INTO t VALUES (1)"))
        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive() and not outcome   # queued, not refused
        first.commit()
    waiting.join(10)
    assert outcome == {"ok": True}
    with engine.connect() as c:
        assert c.execute(text("SELECT x FROM t ORDER BY rowid")).scalars().all() == [1, 2]


def test_the_thread_holding_the_queue_is_refused_by_sqlite_rather_than_waiting_for_itself(engine):
    _impatient(engine)
    engine.dispose()
    outcome = {}

    def two_writers_in_one_thread():
        with engine.connect() as first, engine.connect() as second, write_intent():
            first.execute(text("INSERT INTO t VALUES (1)"))
            try:
                second.execute(text("INSERT INTO t VALUES (2)"))
            except OperationalError as error:
                outcome["second"] = str(error)
            first.commit()
        outcome["done"] = True

    worker = threading.Thread(target=two_writers_in_one_thread)
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and outcome.get("done")
    assert "locked" in outcome["second"]
    assert not _queue_held(engine)
