"""Prebuilt statements on the driver's cursor convert values both ways as
SQLAlchemy does, and a connection the server dropped leaves the pool."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    select,
)

from contest.driver_sql import DriverConnection

metadata = MetaData()
things = Table("things", metadata, Column("id", Integer, primary_key=True), Column("name", String(20)),
               Column("day", Date), Column("at", DateTime(timezone=True)), Column("flag", Boolean),
               Column("tags", JSON))


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'driver.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_values_go_in_and_come_out_as_sqlalchemy_converts_them(engine):
    add = insert(things).values(name=bindparam("name"), day=bindparam("day"), at=bindparam("at"),
                                flag=bindparam("flag"), tags=bindparam("tags")).returning(things.c.id)
    read = select(things.c.name, things.c.day, things.c.at, things.c.flag, things.c.tags).where(
        things.c.id == bindparam("id"))
    row = {"name": "作品", "day": date(2026, 12, 1), "at": datetime(2026, 12, 1, 15, 59, 59, 123456, tzinfo=UTC),
           "flag": True, "tags": ["香洲区", "斗门区"]}
    with DriverConnection(engine) as connection:
        connection.begin_write()
        (new_id,) = connection.first("test.add", lambda: add, row)
        connection.commit()
        driven = connection.first("test.read", lambda: read, {"id": new_id})
        assert connection.first("test.read", lambda: read, {"id": new_id + 1}) is None
    with engine.connect() as sa:
        assert driven == tuple(sa.execute(read, {"id": new_id}).one())
    assert driven[1:] == (date(2026, 12, 1), datetime(2026, 12, 1, 15, 59, 59, 123456), True, ["香洲区", "斗门区"])


def test_a_rollback_leaves_nothing(engine):
    add = insert(things).values(name=bindparam("name")).returning(things.c.id)
    with DriverConnection(engine) as connection:
        connection.begin_write()
        connection.first("test.add_name", lambda: add, {"name": "x"})
        connection.rollback()
    with engine.connect() as sa:
        assert sa.execute(select(things.c.id)).all() == []


def test_a_connection_the_server_dropped_is_not_handed_out_again(engine, monkeypatch):
    monkeypatch.setattr(engine.dialect, "is_disconnect", lambda *_args: True)
    dropped = engine.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")
    with pytest.raises(type(dropped)), DriverConnection(engine) as connection:
        raw = connection.driver
        raise dropped
    with DriverConnection(engine) as again:
        assert again.driver is not raw
    # Any other error leaves the connection in the pool.
    monkeypatch.setattr(engine.dialect, "is_disconnect", lambda *_args: False)
    with pytest.raises(RuntimeError), DriverConnection(engine) as connection:
        kept = connection.driver
        raise RuntimeError("a bug")
    with DriverConnection(engine) as again:
        assert again.driver is kept
