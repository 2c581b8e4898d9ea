"""What the page benchmarks share: a throw-away SQLite database built by the
migrations, an app on it, and one contest with its organiser."""
from __future__ import annotations

import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class Scene:
    app: object
    organiser: object
    contest: object
    now: datetime


def scene(closed_days_ago: int = 1, config: dict | None = None) -> Scene:
    """Call inside nothing; returns an app whose app context the caller opens.
    The contest stopped collecting `closed_days_ago` days ago. `config` is
    handed to create_app (another database, say)."""
    workdir = Path(tempfile.mkdtemp(prefix="contest-bench-"))
    os.environ.update(CONTEST_ENV="development", CONTEST_SECRET_KEY=secrets.token_hex(32),
                      CONTEST_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
                      CONTEST_UPLOAD_DIR=str(workdir / "uploads"))
    from flask_migrate import upgrade

    from contest import create_app
    from contest.extensions import db
    from contest.models import Unit
    from contest.services import accounts, contests

    app = create_app({"PASSWORD_HASH_METHOD": "scrypt:1024:8:1", **(config or {})})
    with app.app_context():
        upgrade()
        office = Unit(name="市委网信办", kind="office")
        db.session.add(office)
        db.session.flush()
        organiser = accounts.create_user(phone="13800000002", name="组织者", password="bench-pass-1",
                                         role="organiser", unit=office)
        now = datetime.now(UTC)
        programme = contests.save_programme(None, None, {"year": now.year, "title": "工程", "lead_unit": office})
        contest = contests.save_contest(None, None, {
            "programme": programme, "code": "GS", "slug": "bench", "title": "征集", "lead_unit": office,
            "submission_start": now - timedelta(days=30), "submission_end": now - timedelta(days=closed_days_ago),
            "entries_per_entrant": 1, "votes_per_day": 5, "vote_weight": 0})
        db.session.commit()
        return Scene(app, organiser.id, contest.id, now)
