"""The demo programme: Zhuhai's 2020 programme as it was (in the archive), the
same activities again as this year's programme with dates around today so
that every phase can be seen, and one account for every role."""
from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..extensions import db
from ..models import Entry, Programme, SensitiveTerm, Unit, User
from ..models.timestamps import utcnow
from ..phases import SHANGHAI, shanghai_year
from ..services import accounts, contests, entries, screening, uploads
from ..services.unit_of_work import writes
from . import stories
from .judging import demo_organiser, seed_judging, seed_results
from .programme import ProgrammeData, load
from .votes import seed_votes

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
             "publicity": 61, "published": 90, "showcase": 45}
# A 展播 holds no vote, judging or 公示: its works are shown once screening ends.
SHOWCASE_DROPS = ("voting_start", "voting_end", "judging_start", "judging_end",
                  "publicity_start", "publicity_end", "results_at")
# This year's phase for each activity, in the data's order: every phase shows.
# 小康路上她力量 collects videos, which the demo cannot ship, so it is still collecting;
# the financial-literacy stories are the ones in 公示.
CURRENT_PHASES = ("collecting", "collecting", "screening", "judging", "voting",
                  "judging", "collecting", "published", "publicity", "showcase")


def is_seeded() -> bool:
    return db.session.scalar(select(Programme.id).limit(1)) is not None


@writes
def seed_units(data: ProgrammeData) -> dict[str, Unit]:
    units = {u.name: u for u in db.session.scalars(select(Unit))}
    for row in data.units:
        if row["name"] not in units:
            unit = Unit(name=row["name"], kind=row["kind"], district=row["district"])
            db.session.add(unit)
            units[unit.name] = unit
    db.session.flush()
    return units


def _dates(start: datetime) -> dict[str, datetime]:
    return {name: start + timedelta(days=days) for name, days in LAYOUT.items()}


def _seed_programme(data: ProgrammeData, year: int, units: dict[str, Unit], starts: list[datetime],
                    voting_forced: list[bool]) -> Programme:
    programme = contests.save_programme(None, None, {
        "year": year,
        "title": data.programme["title"].replace("2020", str(year)),
        "description": data.programme["description_html"],
        "lead_unit": units[data.programme["lead_unit"]],
    })
    yy = f"{year % 100:02d}"
    for spec, start, force_vote in zip(data.contests, starts, voting_forced, strict=False):
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
        if spec.get("showcase_only"):
            values.update({name: None for name in SHOWCASE_DROPS}, showcase_only=True)
        contest = contests.save_contest(None, None, values)
        for position, cat in enumerate(spec["categories"]):
            contests.save_category(None, contest, None, {**cat, "position": position})
    return programme


# What becomes of the demo entries, by the phase their contest is in.
OUTCOMES = {
    "screening": ("submitted", "submitted", "returned", "submitted", "rejected", "submitted"),
    "later": ("accepted", "accepted", "accepted", "rejected", "accepted", "accepted"),
}
REASONS = {"returned": "请补充作品中人物的具体事迹和时间。", "rejected": "作品与本组别主题不符。"}


def _netizens(units: dict[str, Unit]) -> list[User]:
    people = []
    for phone, name, year, district, unit_name in stories.NETIZENS:
        user = db.session.scalar(select(User).where(User.phone == phone))
        if user is None:
            user = accounts.register_user(phone=phone, password=DEMO_PASSWORD, real_name=name, district=district,
                                          unit=units.get(unit_name) if unit_name else None)
            user.birth_date = date(year, 3 + len(people) % 9, 10)
        people.append(user)
    return people


def _story(seed: int, at_least: int) -> str:
    rng = random.Random(seed)
    lines = list(stories.SENTENCES)
    rng.shuffle(lines)
    text, paragraphs = 0, []
    while text < max(at_least, 300):
        paragraph = "".join(lines[(len(paragraphs) * 3 + i) % len(lines)] for i in range(3))
        paragraphs.append(f"<p>{paragraph}</p>")
        text += len(paragraph)
    return "".join(paragraphs)


def _picture(seed: int) -> bytes:
    colour = stories.IMAGE_COLOURS[seed % len(stories.IMAGE_COLOURS)]
    img = Image.new("RGB", (640, 420), colour)
    draw = ImageDraw.Draw(img)
    step = 24 + seed % 29  # every picture its own pattern: no false "same file" flags
    for i in range(seed % step, 640, step):
        draw.line([(i, 0), (640 - i, 420)], fill=(255, 255, 255), width=2)
    draw.rectangle([(seed * 7) % 560, (seed * 13) % 340, (seed * 7) % 560 + 80, (seed * 13) % 340 + 80],
                   fill=(255, 216, 77))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


# Terms the demo's organisers watch for, and a sentence that trips one of them.
DEMO_TERMS = ("刷票", "代写", "有偿投稿")
FLAGGED_SENTENCE = "<p>曾有人私下联系我，说可以帮忙刷票，我当场拒绝了。</p>"


NOMINEE_CONTACT = {"nominee_post": "珠海市香洲区梅华街道 社区网格员", "nominee_phone": "13800001234"}


def _fill(entry, cat, seed: int, extra: str = "") -> None:
    if cat.kind in ("story", "nomination"):
        entries.save_draft(entry, {"title": f"{cat.name}作品{seed % 100:02d}", "summary": "身边的好网民故事。",
                                   "body": _story(seed, cat.min_chars or 300) + extra,
                                   "nominee_name": "李红" if cat.kind == "nomination" else None,
                                   "nominee_kind": "person" if cat.kind == "nomination" else None,
                                   **(NOMINEE_CONTACT if cat.kind == "nomination" else {})})
    elif cat.kind == "image":
        entries.save_draft(entry, {"title": f"采风图片{seed % 100:02d}"})
        uploads.add_upload(entry.owner, entry, io.BytesIO(_picture(seed)), f"采风{seed}.jpg")
    elif cat.kind == "h5":
        entries.save_draft(entry, {"title": f"H5作品{seed % 100:02d}", "h5_url": f"https://h5.example.cn/work/{seed}"})


@writes
def seed_entries(programme: Programme, people: list[User], unit_admin: User | None, now: datetime,
                 per_category: int) -> int:
    """Entries for contests past their collecting phase, with the statuses their
    phase implies. Video and audio categories get none (no media is shipped)."""
    made = 0
    organiser = None
    for contest in programme.contests:
        phase = contests.phase(contest, now)
        if phase in ("upcoming", "collecting"):
            continue
        outcomes = OUTCOMES["screening" if phase == "screening" else "later"]
        during = contest.submission_start + timedelta(days=2)
        for cat in contest.categories:
            if cat.kind in ("video", "audio"):
                continue
            if cat.kind == "nomination":
                authors = [["张伟"], ["刘洋"], ["陈静"]][: per_category // 2]
                makers = [(unit_admin, a) for a in authors] if unit_admin else []
            else:
                makers = [(p, None) for p in people
                          if entries.eligibility_problem(p, contest, now=during) is None][:per_category]
            for i, (person, authors) in enumerate(makers):
                seed = contest.id * 1000 + cat.id * 10 + i
                entry = entries.start_entry(person, cat, now=during, authors=authors,
                                            on_behalf_unit=person.unit if authors else None)
                _fill(entry, cat, seed, FLAGGED_SENTENCE if phase == "screening" and i == 1 else "")
                entries.submit_entry(person, entry, pledge=True, licence=True, ip="127.0.0.1", now=during,
                                     guardian_name=f"{person.real_name[0]}家长")
                outcome = outcomes[i % len(outcomes)]
                if outcome != "submitted":
                    organiser = organiser or demo_organiser()
                    screening.screen_entry(organiser, entry, {"accepted": "accept", "returned": "return",
                                                              "rejected": "reject"}[outcome], REASONS.get(outcome))
                _date_history(entry, during, min(contest.submission_end + timedelta(days=1), now - timedelta(hours=1)))
                made += 1
    return made


def _date_history(entry: Entry, submitted: datetime, screened: datetime) -> None:
    """The services stamp an entry's history with today's clock; the demo's
    entries were started, submitted and screened on their contest's own dates."""
    started = submitted - timedelta(hours=1)
    entry.created_at = started
    for event in entry.events:
        event.created_at = {"draft": started, "submitted": submitted}.get(event.to_status, screened)
    entry.updated_at = max(e.created_at for e in entry.events)


def existing_demo_accounts() -> list[tuple[str, str, str, str | None]]:
    """The demo accounts still present (an admin may have removed some)."""
    phones = set(db.session.scalars(select(User.phone).where(
        User.phone.in_([row[0] for row in DEMO_ACCOUNTS]))))
    return [row for row in DEMO_ACCOUNTS if row[0] in phones]


@writes
def seed_demo(now: datetime | None = None) -> list[tuple[str, str, str, str | None]]:
    """Build everything once; returns the demo accounts. Call only when empty."""
    now = now or utcnow()
    data = load()
    units = seed_units(data)
    # 2020 as it was: collecting from 1 May, everything long published.
    start_2020 = datetime(2020, 5, 1, 0, 0, tzinfo=SHANGHAI).astimezone(UTC)
    n = len(data.contests)
    _seed_programme(data, 2020, units, [start_2020] * n, [False] * n)
    # This year: the same activities, each placed so that today is in its phase.
    midnight = now.astimezone(SHANGHAI).replace(hour=9, minute=0, second=0, microsecond=0)
    starts = [(midnight - timedelta(days=PHASE_DAY[p])).astimezone(UTC)
              for p in CURRENT_PHASES]
    _seed_programme(data, shanghai_year(now), units, starts, [p == "voting" for p in CURRENT_PHASES])
    for phone, name, role, unit_name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.phone == phone)):
            continue
        accounts.create_user(phone=phone, name=name, password=DEMO_PASSWORD, role=role,
                             unit=units[unit_name] if unit_name else None)
    db.session.flush()
    people = _netizens(units)
    for term in DEMO_TERMS:
        db.session.add(SensitiveTerm(term=term))
    unit_admin = db.session.scalar(select(User).where(User.phone == "13800000004"))
    for programme in db.session.scalars(select(Programme).order_by(Programme.year)):
        seed_entries(programme, people, unit_admin, now, per_category=3 if programme.year == 2020 else 6)
        seed_judging(programme, now)
        seed_results(programme, now)
    _entrants_own(now)
    seed_votes(now, DEMO_PASSWORD)
    db.session.flush()
    return list(DEMO_ACCOUNTS)


def _entrants_own(now: datetime) -> None:
    """网民王小明 has a draft and a submitted story in this year's open contest."""
    me = db.session.scalar(select(User).where(User.phone == "13800000010"))
    me.birth_date = me.birth_date or date(1993, 8, 8)
    me.district = me.district or "香洲区"
    year = shanghai_year(now)
    open_now = [c for c in db.session.scalars(select(Programme).where(Programme.year == year)).one().contests
                if contests.phase(c, now) == "collecting" and not c.min_age]
    stories_first = [cat for c in open_now for cat in c.categories if cat.kind == "story"]
    if len(stories_first) >= 2:
        sent = entries.start_entry(me, stories_first[0], now=now)
        _fill(sent, stories_first[0], 7)
        entries.submit_entry(me, sent, pledge=True, licence=True, ip="127.0.0.1", now=now)
        _date_history(sent, now, now)
        draft = entries.start_entry(me, stories_first[1], now=now)
        entries.save_draft(draft, {"title": "我的战疫日记（草稿）", "body": "<p>那年春天，我们在网上互相打气。</p>"})
