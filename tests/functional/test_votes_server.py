"""Votes through a real multi-worker server (gunicorn, two workers) on the
test database: SQLite here, PostgreSQL in CI. Races are decided by the
database, never by luck of scheduling."""
import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Vote
from contest.models.timestamps import utcnow
from contest.services import votes
from tests import factories
from tests.live_server import Gunicorn, credentials, server_env


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    with Gunicorn(server_env(app), workers=2, log_dir=tmp_path_factory.mktemp("gunicorn")) as running:
        yield running
    assert "database is locked" not in running.log()


def _burst(server, calls) -> list[tuple[int, dict]]:
    """Send (path, headers) calls at once, each from its own thread."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def one(i, path, headers):
        barrier.wait()
        status, body = server.request("POST", path, b"{}", headers)
        answers[i] = (status, json.loads(body or b"{}"))

    threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Vote))


def test_fifty_identical_votes_at_once_make_one_row(server, app, voting):
    contest, entries = voting
    headers = credentials(app, factories.user())
    db.session.commit()
    answers = _burst(server, [(f"/vote/{contest.slug}/{entries[0].number}", headers)] * 50)
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] + [409] * 49, server.log()
    assert _rows() == 1 and votes.tallies(contest) == {entries[0].id: 1}


def test_distinct_voters_at_once_each_count_once(server, app, voting):
    contest, entries = voting
    voters = [factories.user() for _ in range(30)]
    db.session.commit()
    calls = [(f"/vote/{contest.slug}/{entries[1].number}", credentials(app, v)) for v in voters]
    answers = _burst(server, calls)
    assert [s for s, _b in answers] == [200] * 30, server.log()
    assert _rows() == 30
    check = votes.recount(contest)
    assert check.counted == votes.tallies(contest) == {entries[1].id: 30} and check.broken_at is None


def test_the_quota_holds_when_a_voter_fires_every_vote_at_once(server, app, voting):
    contest, entries = voting   # three votes a day, five entries
    headers = credentials(app, factories.user())
    db.session.commit()
    answers = _burst(server, [(f"/vote/{contest.slug}/{e.number}", headers) for e in entries])
    statuses = sorted(s for s, _b in answers)
    assert statuses == [200, 200, 200, 429, 429], server.log()
    assert sorted(b["remaining_today"] for s, b in answers if s == 200) == [0, 1, 2]
    assert _rows() == 3


def test_the_window_closing_mid_burst_leaves_no_row_after_the_close(server, app, voting):
    contest, entries = voting
    voters = [factories.user() for _ in range(12)]
    contest.voting_end = utcnow() + timedelta(seconds=1.5)
    db.session.commit()
    close = contest.voting_end
    creds = [credentials(app, v) for v in voters]
    outcomes: list[int] = []
    lock = threading.Lock()

    paths = [f"/vote/{contest.slug}/{e.number}" for e in entries]
    stop_at = time.monotonic() + (close - utcnow()).total_seconds() + 0.7   # until well past the close

    def keep_voting(headers):
        i = 0
        while time.monotonic() < stop_at:
            status, _body = server.request("POST", paths[i % len(paths)], b"{}", headers)
            i += 1
            with lock:
                outcomes.append(status)
            time.sleep(0.1)

    threads = [threading.Thread(target=keep_voting, args=(h,)) for h in creds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 200 in outcomes and 403 in outcomes and not any(s >= 500 for s in outcomes), server.log()
    db.session.rollback()
    stamps = db.session.scalars(select(Vote.created_at)).all()
    assert len(stamps) == outcomes.count(200) and max(stamps) < close


def test_a_retried_request_with_its_key_is_answered_as_the_first_never_counted_twice(server, app, voting):
    contest, entries = voting
    voters = [factories.user() for _ in range(4)]
    db.session.commit()
    calls = []
    for i, voter in enumerate(voters):   # each voter's one click, sent six times at once (a flaky network)
        headers = {**credentials(app, voter), "Idempotency-Key": f"click-{i}"}
        calls += [(f"/vote/{contest.slug}/{entries[0].number}", headers)] * 6
    answers = _burst(server, calls)
    assert all(status == 200 for status, _b in answers), server.log()
    assert sum(1 for _s, body in answers if not body["replayed"]) == 4
    assert {body["remaining_today"] for _s, body in answers} == {2}
    assert _rows() == 4 and votes.tallies(contest) == {entries[0].id: 4}


def test_invalidating_while_votes_pour_in_keeps_every_tally_equal_to_its_rows(server, app, voting, world):
    contest, entries = voting
    early = [votes.cast_vote(contest, entries[0].number, factories.user(), ip=f"10.9.0.{i}", device="d").vote_id
             for i in range(10)]
    voters = [factories.user() for _ in range(24)]
    db.session.commit()
    calls = [(f"/vote/{contest.slug}/{entries[i % 2].number}", credentials(app, v)) for i, v in enumerate(voters)]
    outcome: dict = {}

    def invalidate_meanwhile():
        with app.app_context():   # as the organiser's POST does (votes.invalidate begins a write)
            from contest.models import Contest, User

            organiser = db.session.get(User, organiser_id)
            outcome["marked"] = votes.invalidate(organiser, db.session.get(Contest, contest.id), early, "核实为刷票")
            db.session.commit()

    organiser_id = world.users["organiser"].id
    worker = threading.Thread(target=invalidate_meanwhile)
    worker.start()
    answers = _burst(server, calls)
    worker.join()
    assert [s for s, _b in answers] == [200] * 24 and outcome["marked"] == 10, server.log()
    db.session.rollback()
    check = votes.recount(contest)
    assert check.broken_at is None and not check.drift
    assert votes.tallies(contest) == {entries[0].id: 12, entries[1].id: 12}
