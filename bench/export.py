"""The big exports, against the issue's targets, each measured in a fresh
process of its own (so its peak memory is the export's, not the set-up's):
- the 台账 of a 100,000-entry contest (one finalised round scoring every entry)
  as xlsx, against a bare baseline in the same run on the same database: the
  same entries read by one raw SQL query and written by XlsxWriter in
  constant-memory mode with no formats;
- the zip of 1,000 recommended works (a 256 KB file each), against zipfile
  copying the same files with no database.
Peak memory: the process's peak RSS (ru_maxrss) less its RSS just before the
export began (the app and its libraries loaded).

    .venv/bin/python bench/export.py [--entries 100000] [--works 1000] [--work-kb 256]
Last line: xlsx_s=<x> peak_mb=<y> zip_peak_mb=<z> (and the baselines and ratios)"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # kB on Linux


def child(task: str, contest_id: int, out: str) -> None:
    """One measurement in this (fresh) process; prints one JSON line."""
    from contest import create_app
    from contest.extensions import db
    from contest.models import Contest
    from contest.services import exports

    app = create_app()
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        before, start = _rss_mb(), time.perf_counter()
        if task == "xlsx":
            rows = exports.export_ledger(None, contest, "xlsx", out).rows
        elif task == "zip":
            rows = exports.export_recommended(None, contest, "zip", out).rows
        elif task == "bare_xlsx":
            rows = _bare_xlsx(contest_id, out)
        else:
            rows = _bare_zip(app.config["UPLOAD_DIR"], contest_id, out)
        seconds = time.perf_counter() - start
    print(json.dumps({"s": seconds, "growth_mb": max(0.0, _peak_mb() - before), "peak_rss_mb": _peak_mb(),
                      "rows": rows, "bytes": os.path.getsize(out)}))


def _bare_xlsx(contest_id: int, out: str) -> int:
    import sqlite3

    import xlsxwriter

    raw = sqlite3.connect(os.environ["CONTEST_DATABASE_URL"].removeprefix("sqlite:///"))
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    count = 0
    for count, row in enumerate(raw.execute(
            "select e.number, e.title, a.name, u.phone, e.status, r.score from entries e "
            "join entry_authors a on a.entry_id = e.id join users u on u.id = e.owner_id "
            "left join round_entries r on r.entry_id = e.id where e.contest_id = ? order by e.number",
            (contest_id,)), 1):
        sheet.write_row(count, 0, row)
    book.close()
    raw.close()
    return count


def _bare_zip(upload_dir: str, contest_id: int, out: str) -> int:
    import sqlite3
    import zipfile

    raw = sqlite3.connect(os.environ["CONTEST_DATABASE_URL"].removeprefix("sqlite:///"))
    keys = [k for (k,) in raw.execute(
        "select a.storage_key from assets a join result_decisions d on d.entry_id = a.entry_id "
        "where d.contest_id = ? and d.recommended order by a.entry_id", (contest_id,))]
    raw.close()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for n, key in enumerate(keys, 1):
            archive.write(Path(upload_dir) / key, f"{n:04d}.jpg")
    return len(keys)


def build(entries: int, works: int, work_kb: int) -> int:
    """The contest: `entries` accepted entries in four categories, one finalised
    round scoring each, the first `works` recommended with a stored file each."""
    from sqlalchemy import insert, text

    from bench.setup import scene
    from contest.extensions import db
    from contest.models import Asset, Contest, Entry, EntryAuthor, ResultDecision, Round, RoundEntry, User
    from contest.services import contests

    made = scene()
    app, now = made.app, made.now
    with app.app_context():
        contest = db.session.get(Contest, made.contest)
        cats = [contests.save_category(None, contest, None, {"code": c, "name": f"组{c}", "kind": "story"})
                for c in "ABCD"]
        rnd = Round(contest_id=contest.id, position=1, name="终评", state="finalised", categories=cats)
        db.session.add(rnd)
        db.session.flush()
        batch = 20_000
        for lo in range(0, entries, batch):
            hi = min(entries, lo + batch)
            db.session.execute(insert(User), [
                {"phone": f"139{i:08d}", "password_hash": "x", "real_name": f"网民{i}", "district": "香洲区",
                 "active": True, "session_version": 1, "created_at": now} for i in range(lo, hi)])
        first_owner = db.session.scalar(text("select min(id) from users where phone like '139%'"))
        for lo in range(0, entries, batch):
            hi = min(entries, lo + batch)
            db.session.execute(insert(Entry), [{
                "contest_id": contest.id, "category_id": cats[i % 4].id, "owner_id": first_owner + i,
                "number": f"GS-{cats[i % 4].code}-{i:06d}", "status": "accepted",
                "title": f"争做中国好网民：我身边的网络正能量故事第{i}篇" + ("（长标题换行）" * (i % 3)),
                "summary": "", "body": "<p>正文</p>", "body_chars": 2, "district": "香洲区", "flagged": False,
                "version": 1, "on_behalf": False, "created_at": now, "updated_at": now,
                "submitted_at": now - timedelta(seconds=i)} for i in range(lo, hi)])
        first_entry = db.session.scalar(text("select min(id) from entries"))
        for lo in range(0, entries, batch):
            hi = min(entries, lo + batch)
            db.session.execute(insert(EntryAuthor), [
                {"entry_id": first_entry + i, "name": f"网民{i}", "position": 0} for i in range(lo, hi)])
            db.session.execute(insert(RoundEntry), [
                {"round_id": rnd.id, "entry_id": first_entry + i, "score": 60 + (i * 37 % 4000) / 100,
                 "rank": None, "advanced": True} for i in range(lo, hi)])
        upload = Path(app.config["UPLOAD_DIR"]) / "bench"
        upload.mkdir(parents=True, exist_ok=True)
        for i in range(works):
            key = f"bench/work{i:05d}.jpg"
            (upload.parent / key).write_bytes(os.urandom(work_kb * 1024))
            db.session.add(Asset(entry_id=first_entry + i, role="image", storage_key=key, sha256="0" * 64,
                                 size=work_kb * 1024, mime="image/jpeg", original_name=f"作品{i}.jpg"))
        db.session.execute(insert(ResultDecision), [
            {"contest_id": contest.id, "entry_id": first_entry + i, "award": None, "recommended": True,
             "reason": "传播正能量", "updated_at": now} for i in range(works)])
        db.session.commit()
        return contest.id


def measure(task: str, contest_id: int, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", task, "--contest", str(contest_id),
                           "--output", str(out)], check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--works", type=int, default=1_000)
    parser.add_argument("--work-kb", type=int, default=256)
    parser.add_argument("--child")
    parser.add_argument("--contest", type=int)
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.contest, args.output)
        return
    start = time.perf_counter()
    contest_id = build(args.entries, args.works, args.work_kb)
    print(f"set-up: {args.entries} entries, {args.works} works of {args.work_kb} KB "
          f"in {time.perf_counter() - start:.0f} s")
    out = Path(os.environ["CONTEST_UPLOAD_DIR"]).parent
    try:
        bare = measure("bare_xlsx", contest_id, out / "bare.xlsx")
        xlsx = measure("xlsx", contest_id, out / "ledger.xlsx")
        bare_zip = measure("bare_zip", contest_id, out / "bare.zip")
        works = measure("zip", contest_id, out / "works.zip")
    finally:   # the scene's database, works and outputs: ~800 MB
        if out.name.startswith("contest-bench-"):
            shutil.rmtree(out, ignore_errors=True)
    assert xlsx["rows"] == args.entries and works["rows"] == args.works, (xlsx, works)
    input_mb = args.works * args.work_kb / 1024
    print(f"台账 xlsx, {xlsx['rows']} rows: {xlsx['s']:.1f} s, {xlsx['bytes'] / 2**20:.1f} MB file, "
          f"peak RSS {xlsx['peak_rss_mb']:.0f} MB (+{xlsx['growth_mb']:.1f} MB over the loaded app)")
    print(f"bare xlsx (raw SQL, XlsxWriter constant memory, no formats): {bare['s']:.1f} s, "
          f"+{bare['growth_mb']:.1f} MB; ratio {bare['s'] / xlsx['s']:.2f}")
    print(f"zip of {works['rows']} works ({input_mb:.0f} MB in): {works['s']:.1f} s, "
          f"peak RSS +{works['growth_mb']:.1f} MB; bare zipfile copy {bare_zip['s']:.1f} s, "
          f"+{bare_zip['growth_mb']:.1f} MB")
    print(f"xlsx_s={xlsx['s']:.2f} peak_mb={xlsx['growth_mb']:.1f} zip_peak_mb={works['growth_mb']:.1f} "
          f"bare_xlsx_s={bare['s']:.2f} ratio={bare['s'] / xlsx['s']:.2f} zip_s={works['s']:.1f} "
          f"peak_rss_mb={xlsx['peak_rss_mb']:.0f}")


if __name__ == "__main__":
    main()
