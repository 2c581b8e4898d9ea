"""Judging at scale, against the issue's targets, in one run:
- every aggregation method over 10,000 entries × 5 judges × 4 criteria, in-process;
- assigning 10,000 entries to 60 judges with k = 3 and 5 % conflicts;
- the judge's queue page and the organiser's results page on a database holding
  that round, with the number of SQL queries each page makes.

    .venv/bin/python bench/judging.py
Last line: aggregate_s=<x> assign_s=<y> queue_ms=<a> results_ms=<b> queries_per_page=<n>"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ENTRIES, JUDGES_PER_ENTRY, PANEL, CRITERIA = 10_000, 5, 60, 4


def _timed(fn, rounds: int = 3) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def aggregation_seconds(rng: random.Random) -> float:
    from contest import scoring

    criteria = [scoring.Criterion(c, 10, 10) for c in range(CRITERIA)]
    totals = {}
    for e in range(ENTRIES):
        judges = rng.sample(range(PANEL), JUDGES_PER_ENTRY)
        totals[e] = {j: scoring.judge_total({c: rng.randint(0, 10) for c in range(CRITERIA)}, criteria)
                     for j in judges}

    def everything():
        for method in scoring.METHODS:
            scoring.aggregate(totals, method)
        scoring.disagreement(totals)

    return _timed(everything)


def assignment_seconds(rng: random.Random) -> float:
    from contest.matching import assign

    judges = [f"j{i}" for i in range(PANEL)]
    conflicts = {(j, e) for e in range(ENTRIES) for j in judges if rng.random() < 0.05}
    result = None

    def run():
        nonlocal result
        result = assign(range(ENTRIES), judges, 3, conflicts, seed=1)

    seconds = _timed(run)
    assert result.complete and result.spread <= 1, "assignment incomplete or unbalanced"
    return seconds


def pages(rng: random.Random) -> tuple[float, float, int, int]:
    from sqlalchemy import event, insert, select

    from bench.setup import scene
    from contest.extensions import db
    from contest.models import Contest, Entry, EntryAuthor, JudgeAssignment, RoleGrant, RoundEntry, Score, User
    from contest.services import contests, round_totals, rounds, score_sheets

    made = scene(closed_days_ago=10)
    app, now = made.app, made.now
    with app.app_context():
        organiser = db.session.get(User, made.organiser)
        contest = db.session.get(Contest, made.contest)
        cat = contests.save_category(None, contest, None, {"code": "A", "name": "组A", "kind": "story"})
        rnd = rounds.save_round(organiser, contest, None, {
            "name": "初评", "categories": [cat], "judges_per_entry": JUDGES_PER_ENTRY, "aggregation": "zscore",
            "advance_rule": "top_n", "advance_value": 100})
        criteria = [rounds.save_criterion(organiser, rnd, None, {"name": f"标准{c}", "max_points": 10})
                    for c in range(CRITERIA)]
        db.session.execute(insert(User), [
            {"phone": f"139{i:08d}", "password_hash": "x", "real_name": f"网民{i}", "active": True,
             "session_version": 1, "created_at": now} for i in range(ENTRIES + PANEL)])
        first_user = db.session.scalar(select(User.id).where(User.phone == "13900000000"))
        judge_ids = list(range(first_user + ENTRIES, first_user + ENTRIES + PANEL))
        db.session.execute(insert(RoleGrant), [{"user_id": j, "role": "judge", "created_at": now}
                                               for j in judge_ids])
        db.session.execute(insert(Entry), [{
            "contest_id": contest.id, "category_id": cat.id, "owner_id": first_user + i, "number": f"GS-A-{i:05d}",
            "status": "accepted", "title": f"作品{i}", "summary": "", "body": "<p>正文</p>", "body_chars": 2,
            "flagged": False, "version": 1, "on_behalf": False, "created_at": now, "updated_at": now,
            "submitted_at": now} for i in range(ENTRIES)])
        first_entry = db.session.scalar(select(Entry.id).where(Entry.number == "GS-A-00000"))
        db.session.execute(insert(EntryAuthor), [{"entry_id": first_entry + i, "name": f"网民{i}", "position": 0}
                                                 for i in range(ENTRIES)])
        db.session.execute(insert(RoundEntry), [{"round_id": rnd.id, "entry_id": first_entry + i}
                                                for i in range(ENTRIES)])
        pairs = [(first_entry + i, j) for i in range(ENTRIES)
                 for j in rng.sample(judge_ids, JUDGES_PER_ENTRY)]
        db.session.execute(insert(JudgeAssignment), [
            {"round_id": rnd.id, "entry_id": e, "judge_id": j, "state": "scored", "order_key": rng.getrandbits(30),
             "created_at": now} for e, j in pairs])
        assignment_ids = db.session.scalars(select(JudgeAssignment.id).order_by(JudgeAssignment.id)).all()
        db.session.execute(insert(Score), [
            {"assignment_id": a, "values": {str(c.id): rng.randint(0, 10) for c in criteria},
             "comment": "", "total": rng.uniform(40, 95), "final": True, "version": 1, "updated_at": now}
            for a in assignment_ids])
        rnd.state = "open"
        round_totals.rebuild(db.session.connection(), rnd.id)   # the rows above bypassed the session
        db.session.commit()
        round_id, organiser_login = rnd.id, organiser.get_id()
        criterion_ids = [c.id for c in criteria]
        busiest = db.session.execute(
            select(JudgeAssignment.judge_id, db.func.count()).group_by(JudgeAssignment.judge_id)
            .order_by(db.func.count().desc()).limit(1)).first()
        judge_login = f"{busiest[0]}:1"

        counter = {"n": 0}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args):
            counter["n"] += 1

    def measure(login_id: str, path: str) -> tuple[float, float, int]:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = login_id, True
        start = time.perf_counter()
        assert client.get(path).status_code == 200, path
        first_ms = (time.perf_counter() - start) * 1000
        counter["n"] = 0
        client.get(path)
        queries = counter["n"]
        return first_ms, _timed(lambda: client.get(path)) * 1000, queries

    def changed_then_viewed() -> float:
        """A judge revises one score through the service; the organiser's next
        view recomputes the table."""
        with app.app_context():
            item = db.session.scalars(select(JudgeAssignment).where(JudgeAssignment.round_id == round_id)
                                      .order_by(db.func.random()).limit(1)).one()
            values = {str(c): rng.randint(0, 10) for c in criterion_ids}
            score_sheets.record_score(db.session.get(User, item.judge_id), item, values, final=True)
            db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = organiser_login, True
        start = time.perf_counter()
        assert client.get(f"/console/rounds/{round_id}/results").status_code == 200
        return (time.perf_counter() - start) * 1000

    _cold, queue_ms, queue_q = measure(judge_login, f"/judge/rounds/{round_id}")
    _first, results_ms, results_q = measure(organiser_login, f"/console/rounds/{round_id}/results")
    results_cold = statistics.median(changed_then_viewed() for _ in range(5))
    print(f"judge's queue ({busiest[1]} entries): {queue_ms:.0f} ms, {queue_q} queries")
    print(f"results page ({ENTRIES} entries, {ENTRIES * JUDGES_PER_ENTRY} scores): {results_ms:.0f} ms, "
          f"{results_q} queries; first view after a judge changes a score (table computed): {results_cold:.0f} ms")
    return queue_ms, results_ms, queue_q, results_q, results_cold


def main() -> None:
    rng = random.Random(2026)
    aggregate_s = aggregation_seconds(rng)
    print(f"all aggregation methods, {ENTRIES} entries × {JUDGES_PER_ENTRY} judges: {aggregate_s:.3f} s")
    assign_s = assignment_seconds(rng)
    print(f"assignment of {ENTRIES} entries to {PANEL} judges, k=3, 5% conflicts: {assign_s:.3f} s")
    queue_ms, results_ms, queue_q, results_q, results_cold = pages(rng)
    print(f"aggregate_s={aggregate_s:.3f} assign_s={assign_s:.3f} queue_ms={queue_ms:.0f} "
          f"results_ms={results_ms:.0f} queries_per_page={max(queue_q, results_q)} "
          f"results_cold_ms={results_cold:.0f}")


if __name__ == "__main__":
    main()
