"""How fast the organiser's screening list answers with 10,000 entries, page
by page and with each filter, against a bare baseline measured in the same run:
the same page of rows fetched with one plain SQL query (no templates, no ORM).

    .venv/bin/python bench/screening.py [--entries 10000]
Last line: key=value headline figures."""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _median_ms(fn, rounds: int = 7) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    from sqlalchemy import insert, text

    from bench.setup import scene
    from contest.extensions import db
    from contest.models import Contest, Entry, EntryAuthor, User
    from contest.services import contests

    made = scene()
    app, now = made.app, made.now
    with app.app_context():
        organiser = db.session.get(User, made.organiser)
        contest = db.session.get(Contest, made.contest)
        cats = [contests.save_category(None, contest, None, {"code": c, "name": f"组{c}", "kind": "story"})
                for c in "ABCD"]
        owner_rows = [{"phone": f"139{i:08d}", "password_hash": "x", "real_name": f"网民{i}",
                       "district": "香洲区", "active": True, "session_version": 1, "created_at": now}
                      for i in range(args.entries)]
        db.session.execute(insert(User), owner_rows)
        first_owner = db.session.scalar(text("select min(id) from users where phone like '139%'"))
        statuses = ("submitted", "submitted", "accepted", "returned", "rejected", "withdrawn")
        entry_rows = [{
            "contest_id": contest.id, "category_id": cats[i % 4].id, "owner_id": first_owner + i,
            "number": f"GS-{cats[i % 4].code}-{i:05d}", "status": statuses[i % len(statuses)],
            "title": f"好网民故事{i}", "summary": "", "body": "<p>正文</p>", "body_chars": 2, "district": "香洲区",
            "flagged": i % 50 == 0, "version": 1, "on_behalf": False, "created_at": now, "updated_at": now,
            "submitted_at": now - timedelta(seconds=i)} for i in range(args.entries)]
        db.session.execute(insert(Entry), entry_rows)
        first_entry = db.session.scalar(text("select min(id) from entries"))
        db.session.execute(insert(EntryAuthor), [{"entry_id": first_entry + i, "name": f"网民{i}", "position": 0}
                                                 for i in range(args.entries)])
        db.session.commit()
        contest_id, login_id = contest.id, organiser.get_id()

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = login_id, True
    url = f"/console/contests/{contest_id}/entries"
    views = {"page1": url, "page100": url + "?page=100", "status": url + "?status=accepted",
             "flagged": url + "?flagged=1", "search": url + "?q=GS-B-0099"}
    for path in views.values():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    engine_url = os.environ["CONTEST_DATABASE_URL"]
    import sqlite3

    raw = sqlite3.connect(engine_url.removeprefix("sqlite:///"))

    def baseline():
        raw.execute("select id, number, title, status from entries where contest_id = ? and status != 'draft' "
                    "order by submitted_at desc, id desc limit 50 offset 4950", (contest_id,)).fetchall()
        raw.execute("select count(*) from entries where contest_id = ? and status != 'draft'",
                    (contest_id,)).fetchall()

    base = _median_ms(baseline)
    figures = {name: _median_ms(lambda p=path: client.get(p)) for name, path in views.items()}
    raw.close()
    print(f"entries: {args.entries}")
    print(f"baseline (one raw page query + count): {base:.2f} ms")
    for name, ms in figures.items():
        print(f"screening list {name:>8}: {ms:7.1f} ms  ({ms / base:.0f}x baseline)")
    worst = max(figures.values())
    print(f"entries={args.entries} page1_ms={figures['page1']:.1f} worst_ms={worst:.1f} "
          f"baseline_ms={base:.2f} ratio={worst / base:.0f}")


if __name__ == "__main__":
    main()
