"""Public vote throughput under a real multi-worker server, each database against
a bare Flask route doing one insert per request into the same kind of
database, all measured in the same run.

    .venv/bin/python bench/votes.py [--seconds 20] [--concurrency 32]

Builds a contest open to the vote (200 accepted entries, 50 votes a day per
voter) with 5,000 voters on a throw-away SQLite database (bench/setup.py), and
when CONTEST_TEST_DATABASE_URL is set, the same in a PostgreSQL schema of its
own (dropped at the end); with CONTEST_TEST_REDIS_URL, the vote's rate limits
are kept in Redis, as in production (else memory://, whose expiry timer starts
a thread now and then). Each is served by gunicorn with 4 sync workers
(tests/live_server.py, gunicorn's stock logger, access log on) and driven for
--seconds from a separate process by --concurrency threads, each on its own
connection, each request a random (voter, entry) pair with a fresh
Idempotency-Key as the vote button sends. A repeated pair is refused with 409
and counted apart. Every request counts: nothing is excluded as warm-up (each
worker's first requests open its database connections).

Printed for each database: the answers by status, connection errors, votes/s
(200 not replayed, per second of the whole run), p50/p99 latency over every
request, accepted answers against the rows in `votes` (lost = accepted
missing, doubled = rows no answer accepted), the hash chains and kept tallies
checked by recount(), and errors in gunicorn's log. ratio = votes/s divided
by the inserts/s of a bare Flask route on the same database: SQLite, one
INSERT per request into its own WAL-mode file (BEGIN IMMEDIATE,
busy_timeout); PostgreSQL, one INSERT and COMMIT per request into a table of
its own schema; one connection per worker, served by the same gunicorn helper,
4 workers, preloaded, driven by the same load for the same time.
Exit status 1 when a vote was lost or doubled, a chain broke, a tally drifted,
or a request got a 5xx or a connection error. Last line:
    votes_per_s=<x> ratio=<y> p99_ms=<z> lost=<n> doubled=<m> pg_votes_per_s=<a> pg_ratio=<b> pg_p99_ms=<c>
(lost and doubled over both databases; the pg_ figures are "-" without PostgreSQL).
Goal: SQLite ratio >= 0.4, PostgreSQL ratio >= 0.5, p99 < 100 ms, nothing lost, nothing doubled."""
from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENTRIES, VOTERS, QUOTA, WORKERS = 200, 5_000, 50, 4

BARE_APP = '''
import os
import sqlite3

from flask import Flask

app = Flask(__name__)
_connection = None


def connection():
    global _connection
    if _connection is None:   # one per worker, opened after the fork, as the app's pool does
        _connection = sqlite3.connect(os.environ["BENCH_BARE_DB"], isolation_level=None)
        _connection.execute("PRAGMA journal_mode=WAL")
        _connection.execute("PRAGMA busy_timeout=15000")
    return _connection


@app.post("/vote")
def vote():
    db = connection()
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("INSERT INTO votes (at) VALUES (strftime('%Y-%m-%d %H:%M:%f', 'now'))")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return {"ok": True, "replayed": False}


@app.get("/")
def index():
    return "bare"
'''

BARE_PG_APP = '''
import os

import psycopg
from flask import Flask

app = Flask(__name__)
_connection = None


def connection():
    global _connection
    if _connection is None:   # one per worker, opened after the fork, as the app's pool does
        _connection = psycopg.connect(os.environ["BENCH_BARE_PG_URL"],
                                      options=f"-csearch_path={os.environ['BENCH_BARE_PG_SCHEMA']}")
    return _connection


@app.post("/vote")
def vote():
    db = connection()
    try:
        db.execute("INSERT INTO votes (at) VALUES (now())")
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return {"ok": True, "replayed": False}


@app.get("/")
def index():
    return "bare"
'''


# --- the load generator (runs in its own process) ------------------------------

def replayed(body: bytes) -> bool:
    try:
        return bool(json.loads(body).get("replayed"))
    except (ValueError, AttributeError):   # a 200 that is not the vote's JSON counts as a fresh answer
        return False


def drive(port: int, paths: list[str], voters: list[dict], seconds: float, concurrency: int) -> dict:
    """POST {} to random (voter, path) pairs from `concurrency` threads for
    `seconds`; returns the run's length and (status, ms, replayed) per request
    (status 0: the connection failed)."""
    records: list[list] = []
    lock = threading.Lock()
    ready = threading.Barrier(concurrency + 1)
    clock = {}

    def worker(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        ready.wait()
        deadline = clock["start"] + seconds
        try:
            while time.perf_counter() < deadline:
                headers = {**rng.choice(voters), "Idempotency-Key": uuid.uuid4().hex}
                path = rng.choice(paths)
                start = time.perf_counter()
                try:
                    # http.client reopens by itself after gunicorn's sync worker closes the connection.
                    conn.request("POST", path, body=b"{}", headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status, body = 0, b""
                ms = (time.perf_counter() - start) * 1000
                mine.append([status, ms, status == 200 and replayed(body), time.perf_counter()])
        finally:   # a thread that dies still hands in what it saw
            conn.close()
            with lock:
                records.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for t in threads:
        t.start()
    clock["start"] = time.perf_counter()
    ready.wait()
    for t in threads:
        t.join()
    # The requests in flight at the deadline finish and count, so the run ends with the last answer.
    elapsed = max((r[3] for r in records), default=clock["start"]) - clock["start"]
    return {"elapsed": elapsed, "records": [r[:3] for r in records]}


def load(port: int, paths: list[str], voters: list[dict], args) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(drive, (port, paths, voters, args.seconds, args.concurrency))


# --- figures ----------------------------------------------------------------------

def percentile(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p / 100))] if sorted_ms else 0.0


def figures(label: str, run: dict, rows: int) -> dict:
    records = run["records"]
    statuses = collections.Counter(r[0] for r in records)
    accepted = sum(1 for s, _ms, replayed in records if s == 200 and not replayed)
    latencies = sorted(r[1] for r in records)
    fig = {"per_s": accepted / run["elapsed"], "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
           "lost": max(accepted - rows, 0), "doubled": max(rows - accepted, 0),
           "errors": statuses[0] + sum(n for s, n in statuses.items() if s >= 500)}
    by_status = ", ".join(f"{s or 'connection error'}: {n}" for s, n in sorted(statuses.items()))
    print(f"{label}: {len(records)} requests in {run['elapsed']:.1f} s ({len(records) / run['elapsed']:.0f}/s) "
          f"[{by_status}], replayed {sum(1 for r in records if r[2])}, 5xx+connection errors {fig['errors']}")
    print(f"{label}: {fig['per_s']:.1f} accepted/s, p50 {fig['p50']:.1f} ms, p99 {fig['p99']:.1f} ms, "
          f"max {latencies[-1] if latencies else 0:.1f} ms; accepted {accepted}, rows {rows}, "
          f"lost {fig['lost']}, doubled {fig['doubled']}")
    return fig


def log_errors(label: str, log_path: Path) -> None:
    text = log_path.read_text(errors="replace")
    found = {what: text.count(what) for what in ("Traceback", "database is locked", "WORKER TIMEOUT",
                                                 "deadlock detected", "could not serialize")}
    print(f"{label}: gunicorn log: " + ", ".join(f"{k} x{v}" for k, v in found.items()))


# --- the platform -------------------------------------------------------------------

@contextlib.contextmanager
def database(pg_url: str | None):
    """Config for create_app: {} for bench/setup.py's own SQLite file, or a
    fresh PostgreSQL schema (dropped on the way out)."""
    if not pg_url:
        yield {}
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {"SQLALCHEMY_DATABASE_URI": pg_url,
               "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def voting_scene(extra: dict):
    """The app, the vote paths and every voter's headers."""
    from sqlalchemy import insert, select

    from bench.setup import scene
    from contest.extensions import db
    from contest.models import Contest, Entry, User
    from contest.services import contests
    from tests.live_server import USER_AGENT, credentials

    made = scene(closed_days_ago=1, config=extra)
    app, now = made.app, made.now
    with app.app_context():
        contest = db.session.get(Contest, made.contest)
        contest.voting_enabled, contest.votes_per_day = True, QUOTA
        contest.voting_start, contest.voting_end = now - timedelta(hours=1), now + timedelta(days=1)
        cat = contests.save_category(None, contest, None, {"code": "A", "name": "组A", "kind": "story"})
        db.session.execute(insert(Entry), [{
            "contest_id": contest.id, "category_id": cat.id, "owner_id": made.organiser, "number": f"GS-A-{i:05d}",
            "status": "accepted", "title": f"作品{i}", "summary": "", "body": "<p>正文</p>", "body_chars": 2,
            "flagged": False, "version": 1, "on_behalf": False, "created_at": now, "updated_at": now,
            "submitted_at": now} for i in range(ENTRIES)])
        db.session.execute(insert(User), [
            {"phone": f"139{i:08d}", "password_hash": "x", "real_name": f"网民{i}", "active": True,
             "session_version": 1, "created_at": now} for i in range(VOTERS)])
        db.session.commit()
        started = time.perf_counter()
        voters = [{**credentials(app, user), "User-Agent": USER_AGENT}
                  for user in db.session.scalars(select(User).where(User.phone.like("139%")))]
        print(f"  {len(voters)} voters' cookies minted in {time.perf_counter() - started:.1f} s")
        paths = [f"/vote/{contest.slug}/GS-A-{i:05d}" for i in range(ENTRIES)]
        db.session.remove()   # no connection or transaction of ours stays open under the load
    return app, made.contest, paths, voters


def vote_run(label: str, pg_url: str | None, args) -> dict:
    from sqlalchemy import func, select

    from contest.extensions import db
    from contest.models import Contest, Vote
    from contest.services import votes
    from tests.live_server import Gunicorn, server_env

    with database(pg_url) as extra:
        app, contest_id, paths, voters = voting_scene(extra)
        workdir = Path(app.config["UPLOAD_DIR"]).parent
        try:
            env = server_env(app)
            redis_url = os.environ.get("CONTEST_TEST_REDIS_URL")
            if redis_url:   # as in production: the workers share their rate limits in Redis
                env.update(CONTEST_RATELIMIT_STORAGE_URI=redis_url,
                           CONTEST_RATELIMIT_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")
            with Gunicorn(env, workers=WORKERS, log_dir=workdir) as server:
                print(f"{label}: {WORKERS} workers on port {server.port}, driving {args.seconds:g} s "
                      f"at {args.concurrency} connections, rate limits in "
                      f"{'Redis' if redis_url else 'memory://'}")
                run = load(server.port, paths, voters, args)
            log_errors(label, server.log_path)
            with app.app_context():
                contest = db.session.get(Contest, contest_id)
                rows = db.session.scalar(select(func.count()).select_from(Vote))
                check = votes.recount(contest)
                kept = votes.tallies(contest)
                fig = figures(label, run, rows)
                chain = "ok" if check.broken_at is None else f"broken at vote {check.broken_at}"
                drift = "none" if not check.drift and kept == check.counted else f"{len(check.drift)} entries"
                print(f"{label}: chain={chain} drift={drift} ({sum(kept.values())} votes kept in the tallies)")
                fig["sound"] = check.broken_at is None and drift == "none"
                db.session.remove()
                db.engine.dispose()   # PostgreSQL: nothing of ours holds the schema when it is dropped
        finally:
            if workdir.name.startswith("contest-bench-"):
                shutil.rmtree(workdir, ignore_errors=True)
    return fig


# --- the baseline ---------------------------------------------------------------------

def _serve_bare(label: str, workdir: Path, source: str, env: dict, args) -> dict:
    from tests.live_server import Gunicorn

    (workdir / "app.py").write_text(source)
    # Gunicorn() serves `app:app` from the project: GUNICORN_CMD_ARGS moves it to the bare module and
    # skips the project's gunicorn.conf.py but keeps its access log and preload, so both servers start
    # and log alike.
    env = {**env, "PYTHONPATH": str(ROOT),
           "GUNICORN_CMD_ARGS": f"-c /dev/null --chdir {workdir} --access-logfile - --preload"}
    with Gunicorn(env, workers=WORKERS, log_dir=workdir) as server:
        status, body = server.request("GET", "/")
        if body != b"bare":
            raise RuntimeError(f"the baseline server is not the bare app: {status} {body[:100]!r}")
        print(f"{label}: {WORKERS} workers on port {server.port}, driving {args.seconds:g} s "
              f"at {args.concurrency} connections")
        run = load(server.port, ["/vote"], [{"Content-Type": "application/json"}], args)
    log_errors(label, server.log_path)
    return run


def baseline_run(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="contest-bench-bare-"))
    try:
        db_path = workdir / "bare.db"
        with sqlite3.connect(db_path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE votes (id INTEGER PRIMARY KEY, at TEXT NOT NULL)")
        run = _serve_bare("bare", workdir, BARE_APP, {"BENCH_BARE_DB": str(db_path)}, args)
        with sqlite3.connect(db_path) as conn:
            rows = conn.execute("SELECT count(*) FROM votes").fetchone()[0]
        return figures("bare", run, rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def pg_baseline_run(pg_url: str, args) -> dict:
    from sqlalchemy import create_engine, text

    workdir = Path(tempfile.mkdtemp(prefix="contest-bench-bare-pg-"))
    schema = f"bench_bare_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            conn.execute(text(f'CREATE TABLE "{schema}".votes (id bigserial PRIMARY KEY, '
                              "at timestamptz NOT NULL)"))
        run = _serve_bare("pg bare", workdir, BARE_PG_APP,
                          {"BENCH_BARE_PG_URL": admin.url.set(drivername="postgresql").render_as_string(
                              hide_password=False), "BENCH_BARE_PG_SCHEMA": schema}, args)
        with admin.begin() as conn:
            rows = conn.execute(text(f'SELECT count(*) FROM "{schema}".votes')).scalar()
        return figures("pg bare", run, rows)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def headline(sqlite: dict, base: dict, pg: dict | None, pg_base: dict | None) -> str:
    runs = [sqlite] + ([pg] if pg else [])
    line = (f"votes_per_s={sqlite['per_s']:.1f} ratio={sqlite['per_s'] / base['per_s']:.2f} "
            f"p99_ms={sqlite['p99']:.0f} lost={sum(f['lost'] for f in runs)} "
            f"doubled={sum(f['doubled'] for f in runs)}")
    if pg is None:
        return line + " pg_votes_per_s=- pg_ratio=- pg_p99_ms=-"
    return line + (f" pg_votes_per_s={pg['per_s']:.1f} pg_ratio={pg['per_s'] / pg_base['per_s']:.2f} "
                   f"pg_p99_ms={pg['p99']:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each load run (default 20)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent connections (default 32)")
    args = parser.parse_args()
    base = baseline_run(args)
    pg_url = os.environ.get("CONTEST_TEST_DATABASE_URL")
    pg = pg_base = None
    if pg_url:
        pg_base = pg_baseline_run(pg_url, args)
        pg = vote_run("postgresql", pg_url, args)
    sqlite = vote_run("sqlite", None, args)
    runs = [("sqlite", sqlite, base, 0.4)] + ([("postgresql", pg, pg_base, 0.5)] if pg else [])
    sound = all(f["lost"] == f["doubled"] == f["errors"] == 0 and f["sound"] for _l, f, _b, _g in runs)
    for label, fig, against, goal in runs:
        met = fig["per_s"] >= goal * against["per_s"] and fig["p99"] < 100
        print(f"{label}: goal (ratio >= {goal}, p99 < 100 ms) {'met' if met else 'NOT met'}; "
              f"its bare route {against['per_s']:.1f} inserts/s")
    print(headline(sqlite, base, pg, pg_base))
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
