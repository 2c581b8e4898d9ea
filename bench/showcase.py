"""The public showcase page under a real multi-worker server, against a bare
Flask "hello" route served the same way, in the same run.

    .venv/bin/python bench/showcase.py [--seconds 20] [--concurrency 32] [--winners 60]

Builds a published contest whose final result lists --winners works in four
categories (bench/setup.py's throw-away SQLite database), then serves it with
gunicorn, 4 sync workers, preloaded (tests/live_server.py, as bench/votes.py
does), and GETs /showcase/<slug> for --seconds from a separate process on
--concurrency connections; then a bare Flask app whose one route returns
"hello", served by the same helper with the same workers, driven by the same
load for the same time. Every request counts (no warm-up is excluded).
Last line: req_per_s=<x> ratio=<y> p99_ms=<z> (ratio = showcase req/s over
the bare route's). Goal: ratio >= 0.3, p99 < 100 ms."""
from __future__ import annotations

import argparse
import collections
import http.client
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKERS = 4
BARE_APP = '''
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
'''


def drive(port: int, path: str, seconds: float, concurrency: int) -> dict:
    """GET `path` from `concurrency` threads for `seconds`: the run's length
    and (status, ms) per request (status 0: the connection failed)."""
    records: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    ready = threading.Barrier(concurrency + 1)
    clock = {}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        ready.wait()
        deadline = clock["start"] + seconds
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status = 0
                mine.append((status, (time.perf_counter() - start) * 1000, time.perf_counter()))
        finally:
            conn.close()
            with lock:
                records.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    clock["start"] = time.perf_counter()
    ready.wait()
    for t in threads:
        t.join()
    elapsed = max((r[2] for r in records), default=clock["start"]) - clock["start"]
    return {"elapsed": elapsed, "records": [r[:2] for r in records]}


def load(port: int, path: str, args) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(drive, (port, path, args.seconds, args.concurrency))


def figures(label: str, run: dict) -> dict:
    from bench.votes import percentile

    statuses = collections.Counter(s for s, _ms in run["records"])
    latencies = sorted(ms for _s, ms in run["records"])
    fig = {"per_s": statuses[200] / run["elapsed"], "p50": percentile(latencies, 50),
           "p99": percentile(latencies, 99), "errors": sum(n for s, n in statuses.items() if s != 200)}
    by_status = ", ".join(f"{s or 'connection error'}: {n}" for s, n in sorted(statuses.items()))
    print(f"{label}: {len(latencies)} requests in {run['elapsed']:.1f} s [{by_status}]; "
          f"{fig['per_s']:.1f} req/s, p50 {fig['p50']:.1f} ms, p99 {fig['p99']:.1f} ms, "
          f"max {latencies[-1] if latencies else 0:.1f} ms")
    return fig


def showcase_scene(winners: int):
    from sqlalchemy import insert, select

    from bench.setup import scene
    from contest.extensions import db
    from contest.models import Contest, Entry, EntryAuthor, ResultVersion
    from contest.services import contests

    made = scene()
    app, now = made.app, made.now
    with app.app_context():
        contest = db.session.get(Contest, made.contest)
        contest.published = True   # new contests start private
        cats = [contests.save_category(None, contest, None, {"code": c, "name": f"组{c}", "kind": "story"})
                for c in "ABCD"]
        db.session.execute(insert(Entry), [{
            "contest_id": contest.id, "category_id": cats[i % 4].id, "owner_id": made.organiser,
            "number": f"GS-{cats[i % 4].code}-{i:04d}", "status": "accepted", "title": f"我身边的好网民故事{i}",
            "summary": "讲述社区网格员在网上传播正能量的故事。", "body": "<p>正文</p>", "body_chars": 2,
            "flagged": False, "version": 1, "on_behalf": False, "created_at": now, "updated_at": now,
            "submitted_at": now} for i in range(winners)])
        entries = list(db.session.scalars(select(Entry).order_by(Entry.id)))
        db.session.execute(insert(EntryAuthor), [{"entry_id": e.id, "name": f"作者{n}", "position": 0}
                                                 for n, e in enumerate(entries)])
        levels = ("first", "second", "third", "merit")
        rows = [{"entry_id": e.id, "number": e.number, "title": e.title, "category_id": e.category_id,
                 "category": f"组{e.number.split('-')[1]}", "authors": f"作者{n}", "unit": "市委网信办",
                 "rank": n // 4 + 1, "final": 95 - n / 4, "judge": 95 - n / 4, "votes": 0, "vote_score": 0.0,
                 "award": levels[min(3, n // 16)], "recommended": n < 8, "reason": ""}
                for n, e in enumerate(entries)]
        rows.sort(key=lambda r: (r["category_id"], r["rank"]))
        db.session.add(ResultVersion(contest_id=contest.id, number=1, kind="final", rows=rows,
                                     ranked_ids=[r["entry_id"] for r in rows], formula="最终得分 = 评委得分"))
        db.session.commit()
        slug = contest.slug
        db.session.remove()
    return app, f"/showcase/{slug}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--winners", type=int, default=60)
    args = parser.parse_args()
    from bench.votes import log_errors
    from tests.live_server import Gunicorn, server_env

    app, path = showcase_scene(args.winners)
    workdir = Path(app.config["UPLOAD_DIR"]).parent
    bare_dir = Path(tempfile.mkdtemp(prefix="contest-bench-bare-"))
    try:
        with Gunicorn(server_env(app), workers=WORKERS, log_dir=workdir) as server:
            status, body = server.request("GET", path)
            assert status == 200 and "我身边的好网民故事0".encode() in body, (status, body[:200])
            print(f"showcase: {WORKERS} workers on port {server.port}, {len(body)} bytes a page, "
                  f"{args.winners} winners, driving {args.seconds:g} s at {args.concurrency} connections")
            showcase = figures("showcase", load(server.port, path, args))
        log_errors("showcase", server.log_path)
        (bare_dir / "app.py").write_text(BARE_APP)
        env = {"PYTHONPATH": str(ROOT),
               "GUNICORN_CMD_ARGS": f"-c /dev/null --chdir {bare_dir} --access-logfile - --preload"}
        with Gunicorn(env, workers=WORKERS, log_dir=bare_dir) as server:
            status, body = server.request("GET", "/")
            if body != b"hello":
                raise RuntimeError(f"the baseline server is not the bare app: {status} {body[:100]!r}")
            bare = figures("bare hello", load(server.port, "/", args))
    finally:
        shutil.rmtree(bare_dir, ignore_errors=True)
        if workdir.name.startswith("contest-bench-"):
            shutil.rmtree(workdir, ignore_errors=True)
    ratio = showcase["per_s"] / bare["per_s"]
    met = ratio >= 0.3 and showcase["p99"] < 100
    print(f"goal (ratio >= 0.3, p99 < 100 ms) {'met' if met else 'NOT met'}")
    print(f"req_per_s={showcase['per_s']:.1f} ratio={ratio:.2f} p99_ms={showcase['p99']:.0f} "
          f"bare_req_per_s={bare['per_s']:.1f} errors={showcase['errors'] + bare['errors']}")


if __name__ == "__main__":
    main()
