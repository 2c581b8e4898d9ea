"""The demo programme: Zhuhai's 2020 programme as it was (in the archive), the
same activities again as this year's programme with dates around today so
that every phase can be seen, and one account for every role."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ..demo import programme_2020 as data
from ..extensions import db
from ..models import Programme, Unit, User
from ..models.timestamps import utcnow
from ..phases import SHANGHAI, shanghai_year
from . import accounts, contests

DEMO_PASSWORD = "haowangmin2020"
# phone, name, role, unit (None for roles without a unit)
DEMO_ACCOUNTS = (
    ("13800000001", "系统管理员", "admin", None),
    ("13800000002", "网信办组织者", "organiser", "市委网信办"),
    ("13800000003", "总工会组织者", "organiser", "市总工会"),
    ("13800000004", "一中报送管理员", "unit_admin", "珠海市第一中学"),
    ("13800000005", "评委张老师", "judge", None),
    ("13800000006", "评委李老师", "judge", None),
    ("13800000010", "网民王小明", "entrant", None),
)

# Day offsets from the opening of submissions: each phase's window.
LAYOUT = {
    "submission_start": 0, "submission_end": 30, "screening_end": 40,
    "voting_start": 40, "voting_end": 50, "judging_start": 40, "judging_end": 56,
    "publicity_start": 58, "publicity_end": 65, "results_at": 66,
}
# Where "today" falls in that layout for a contest meant to be in each phase.
PHASE_DAY = {"collecting": 15, "screening": 35, "voting": 45, "judging": 53,
             "publicity": 61, "published": 90}
# This year's phase for each activity, in the data's order: every phase shows.
CURRENT_PHASES = ("collecting", "collecting", "screening", "judging", "voting",
                  "judging", "publicity", "published", "collecting")


def is_seeded() -> bool:
    return db.session.scalar(select(Programme.id).limit(1)) is not None


def seed_units() -> dict[str, Unit]:
    units = {u.name: u for u in db.session.scalars(select(Unit))}
    for row in data.UNITS:
        if row["name"] not in units:
            unit = Unit(name=row["name"], kind=row["kind"], district=row["district"])
            db.session.add(unit)
            units[unit.name] = unit
    db.session.flush()
    return units


def _dates(start: datetime) -> dict[str, datetime]:
    return {name: start + timedelta(days=days) for name, days in LAYOUT.items()}


def _seed_programme(year: int, units: dict[str, Unit], starts: list[datetime],
                    voting_forced: list[bool]) -> Programme:
    programme = contests.save_programme(None, None, {
        "year": year,
        "title": data.PROGRAMME["title"].replace("2020", str(year)),
        "description": data.PROGRAMME["description_html"],
        "lead_unit": units[data.PROGRAMME["lead_unit"]],
    })
    yy = f"{year % 100:02d}"
    for spec, start, force_vote in zip(data.CONTESTS, starts, voting_forced, strict=False):
        elig = spec["eligibility"]
        voting = spec["voting"] or force_vote
        values = {
            "programme": programme,
            "code": f"{spec['code']}{yy}",
            "slug": f"{year}-{spec['slug']}",
            "title": spec["title"],
            "theme": spec["theme"],
            "description": spec["description_html"],
            "rules": spec["rules_html"],
            "recommended_to": spec["recommended_to"],
            "lead_unit": units[spec["lead_unit"]],
            "co_units": [units[n] for n in spec["co_units"]],
            "min_age": elig["min_age"], "max_age": elig["max_age"],
            "eligible_districts": elig["districts"],
            "eligible_unit_kinds": elig["unit_kinds"],
            "real_name_required": elig["real_name"],
            "entries_per_entrant": spec["entries_per_category"],
            "voting_enabled": voting, "votes_per_day": 5, "vote_weight": 20 if voting else 0,
            "show_vote_counts": True, "published": True,
            **_dates(start),
        }
        contest = contests.save_contest(None, None, values)
        for position, cat in enumerate(spec["categories"]):
            contests.save_category(None, contest, None, {**cat, "position": position})
    return programme


def existing_demo_accounts() -> list[tuple[str, str, str, str | None]]:
    """The demo accounts still present (an admin may have removed some)."""
    phones = set(db.session.scalars(select(User.phone).where(
        User.phone.in_([row[0] for row in DEMO_ACCOUNTS]))))
    return [row for row in DEMO_ACCOUNTS if row[0] in phones]


def seed_demo(now: datetime | None = None) -> list[tuple[str, str, str, str | None]]:
    """Build everything once; returns the demo accounts. Call only when empty."""
    now = now or utcnow()
    units = seed_units()
    # 2020 as it was: collecting from 1 May, everything long published.
    start_2020 = datetime(2020, 5, 1, 0, 0, tzinfo=SHANGHAI).astimezone(UTC)
    n = len(data.CONTESTS)
    _seed_programme(2020, units, [start_2020] * n, [False] * n)
    # This year: the same activities, each placed so that today is in its phase.
    midnight = now.astimezone(SHANGHAI).replace(hour=9, minute=0, second=0, microsecond=0)
    starts = [(midnight - timedelta(days=PHASE_DAY[p])).astimezone(UTC)
              for p in CURRENT_PHASES]
    _seed_programme(shanghai_year(now), units, starts, [p == "voting" for p in CURRENT_PHASES])
    for phone, name, role, unit_name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.phone == phone)):
            continue
        accounts.create_user(phone=phone, name=name, password=DEMO_PASSWORD, role=role,
                             unit=units[unit_name] if unit_name else None)
    db.session.flush()
    return list(DEMO_ACCOUNTS)
