"""Test data built through the services, as the application builds it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count

from contest.extensions import db
from contest.models import Category, Contest, Entry, Programme, SensitiveTerm, Unit, User
from contest.phases import shanghai_year
from contest.services import accounts, contests, entries, uploads

PASSWORD = "correct-horse-42"
_phones = count(13900000000)


def unit(name: str = "市委网信办", kind: str = "office", district: str | None = None) -> Unit:
    existing = db.session.scalar(db.select(Unit).where(Unit.name == name))
    if existing:
        return existing
    u = Unit(name=name, kind=kind, district=district)
    db.session.add(u)
    db.session.flush()
    return u


def user(role: str | None = None, unit_: Unit | None = None, name: str = "测试用户",
         phone: str | None = None, password: str = PASSWORD) -> User:
    u = accounts.register_user(phone=phone or str(next(_phones)), password=password,
                               real_name=name, district="香洲区", unit=unit_)
    if role and role != "entrant":
        accounts.grant_role(None, u, role, unit_)
    return u


def programme(year: int | None = None, lead: Unit | None = None, title: str | None = None) -> Programme:
    year = year or shanghai_year(datetime.now(UTC))
    return contests.save_programme(None, None, {
        "year": year, "title": title or f"珠海市{year}年争做中国好网民工程-{next(_phones)}",
        "description": "<p>年度工程</p>", "lead_unit": lead,
    })


def contest_values(prog: Programme, lead: Unit, **overrides) -> dict:
    now = datetime.now(UTC)
    n = next(_phones) % 100000
    values = {
        "programme": prog, "code": f"T{n}", "slug": f"test-{n}", "title": "测试征集活动",
        "theme": "网络正能量", "description": "<p>活动说明</p>", "rules": "<p>参赛规则</p>",
        "recommended_to": None, "lead_unit": lead, "co_units": [],
        "min_age": None, "max_age": None, "eligible_districts": [], "eligible_unit_kinds": [],
        "real_name_required": True,
        "submission_start": now - timedelta(days=1), "submission_end": now + timedelta(days=10),
        "screening_end": now + timedelta(days=15), "voting_start": None, "voting_end": None,
        "judging_start": None, "judging_end": None, "publicity_start": None,
        "publicity_end": None, "results_at": None,
        "entries_per_entrant": 1, "voting_enabled": False, "votes_per_day": 5, "vote_weight": 0,
        "show_vote_counts": True, "published": True,
    }
    values.update(overrides)
    return values


def contest(prog: Programme, lead: Unit, **overrides) -> Contest:
    return contests.save_contest(None, None, contest_values(prog, lead, **overrides))


def category(c: Contest, code: str = "A", kind: str = "story", **overrides) -> Category:
    values = {"code": code, "name": "网民个人组", "kind": kind, "description": "",
              "min_chars": 800, "max_chars": 3000}
    values.update(overrides)
    return contests.save_category(None, c, None, values)


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


# Strings a blind round's judge must never meet: the canary entry's author,
# phone, unit, file name, co-author and district.
CANARIES = ("金丝雀作者", "13755550000", "金丝雀单位", "金丝雀作者文件", "金丝雀合作者", "万山海洋开发试验区")
STORY = "<p>" + "好网民在身边，传递正能量。" * 80 + "</p>"
AUTHOR_PHONE = "13712340000"  # the author's, given by the unit that sends the entry


def entry(owner: User, cat: Category, *, title: str = "我身边的好网民", body: str = STORY,
          submit: bool = True, on_behalf_unit: Unit | None = None, authors=None) -> Entry:
    e = entries.start_entry(owner, cat, on_behalf_unit=on_behalf_unit, authors=authors)
    entries.save_draft(e, {"title": title, "summary": "简介", "body": body,
                           **({"author_phone": AUTHOR_PHONE} if e.on_behalf else {})})
    if submit:
        if owner.birth_date is None and not e.on_behalf:
            owner.birth_date = date(1990, 5, 1)
        entries.submit_entry(owner, e, pledge=True, licence=True, ip="127.0.0.1")
    return e


def image_entry(owner: User, cat: Category, *, submit: bool = True, color=(200, 30, 30)) -> Entry:
    import io

    e = entries.start_entry(owner, cat)
    entries.save_draft(e, {"title": "采风图片"})
    uploads.add_upload(owner, e, io.BytesIO(png_bytes(color=color)), "作品.png")
    if submit:
        owner.birth_date = owner.birth_date or date(1990, 5, 1)
        entries.submit_entry(owner, e, pledge=True, licence=True, ip="127.0.0.1")
    return e


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    programme: Programme
    contest: Contest
    other_contest: Contest
    category: Category
    users: dict[str, User]
    entry: Entry | None = None
    image_category: Category | None = None
    image_entry: Entry | None = None
    term: SensitiveTerm | None = None


ROLES_UNDER_TEST = ("anonymous", "entrant", "unit_admin", "judge", "organiser_other", "organiser", "admin")


def build_world() -> World:
    office = unit("市委网信办", "office")
    union = unit("市总工会", "member")
    school = unit("珠海市第一中学", "school", "香洲区")
    prog = programme(lead=office)
    c = contest(prog, office)
    other = contest(prog, union)
    cat = category(c)
    users = {
        "entrant": user(name="参赛者"),
        "unit_admin": user("unit_admin", school, name="一中管理员"),
        "judge": user("judge", name="评委"),
        "organiser_other": user("organiser", union, name="总工会组织者"),
        "organiser": user("organiser", office, name="网信办组织者"),
        "admin": user("admin", name="管理员"),
    }
    story = entry(users["entrant"], cat)
    image_cat = category(c, code="P", kind="image", name="图片组", min_chars=None, max_chars=None,
                         max_files=3, max_file_mb=5)
    picture = image_entry(users["entrant"], image_cat)
    term = SensitiveTerm(term="违禁词")
    db.session.add(term)
    db.session.commit()
    return World(office, union, prog, c, other, cat, users, story, image_cat, picture, term)


def assignments_of(judge: User, rnd):
    """A judge's assignments in a round, in the judge's own order."""
    from contest.models import JudgeAssignment

    return db.session.scalars(db.select(JudgeAssignment).where(
        JudgeAssignment.judge_id == judge.id, JudgeAssignment.round_id == rnd.id)
        .order_by(JudgeAssignment.order_key)).all()
