"""公示 and publication: the proposed list frozen as a numbered version and
shown to the public for N days; objections filed against its entries and
decided with reasons; the final result after the window; what an entrant is
told about their entry."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AWARD_LEVELS, Contest, Entry, Objection, ResultSettings, ResultVersion, User, VoteFlag
from ..models.timestamps import utcnow
from ..phases import SHANGHAI
from ..state import final_version, voting_open
from . import audit, results
from .errors import ServiceError
from .unit_of_work import writes

MAX_DAYS = 30
MAX_OBJECTION = 2000
MAX_CONTACT = 100
# 公示联系电话: digits with the separators offices write (0571-8765 4321, (0571)87654321转801).
PHONE_RE = re.compile(r"^[0-9+()（）\- 转]{5,40}$")
_LEVEL_ORDER = {level: i for i, level in enumerate(AWARD_LEVELS)}


def versions(contest: Contest) -> list[ResultVersion]:
    return list(db.session.scalars(select(ResultVersion).where(ResultVersion.contest_id == contest.id)
                                   .order_by(ResultVersion.number)))


def latest(contest: Contest) -> ResultVersion | None:
    return db.session.scalar(select(ResultVersion).where(ResultVersion.contest_id == contest.id)
                             .order_by(ResultVersion.number.desc()).limit(1))


def window_open(version: ResultVersion | None, now: datetime | None = None) -> bool:
    return bool(version and version.kind == "publicity" and version.ends_at and (now or utcnow()) < version.ends_at)


def award_order(row: dict) -> tuple:
    """A published row's place in its category's list: 一等奖, 二等奖, 三等奖,
    优秀奖, then the entries recommended without an award; each by its place."""
    return _LEVEL_ORDER.get(row["award"], len(AWARD_LEVELS)), row["rank"], row["number"] or ""


def in_award_order(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """(category name, its rows in award order), the categories in the order
    the rows give them (versions published before this order was kept too)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["category"], []).append(row)
    return [(name, sorted(group, key=award_order)) for name, group in groups.items()]


def _snapshot(contest: Contest, settings: ResultSettings, ranking: dict) -> tuple[list[dict], str, list[int]]:
    """The entries with an award or a recommendation, by category and in award
    order; the scoring rule; every ranked entry's id."""
    wanted = [(cat, row) for cat in contest.categories for row in ranking.get(cat.id, [])
              if row.award or row.recommended]
    entries = {e.id: e for e in db.session.scalars(
        select(Entry).where(Entry.id.in_([r.entry_id for _c, r in wanted]))
        .options(selectinload(Entry.authors), selectinload(Entry.unit)))}
    rows = []
    for cat, row in wanted:
        e = entries[row.entry_id]
        rows.append({"entry_id": e.id, "number": e.number, "title": e.title, "category_id": cat.id,
                     "category": cat.name, "authors": results.authors_line(e),
                     "unit": e.unit.name if e.unit else "", "rank": row.rank, "final": round(row.final, 4),
                     "judge": round(row.judge, 4), "votes": row.votes, "vote_score": round(row.vote_score, 4),
                     "award": row.award, "recommended": row.recommended, "reason": row.reason or ""})
    rows = [row for _name, group in in_award_order(rows) for row in group]
    ranked_ids = sorted(r.entry_id for cat_rows in ranking.values() for r in cat_rows)
    return rows, results.formula_text(settings), ranked_ids


def warnings(contest: Contest, settings: ResultSettings | None = None, ranking: dict | None = None) -> list[str]:
    """What an office would want to see before the list goes public: groups
    the list leaves out, levels given beyond their planned number or planned
    and left empty (where numbers are planned), no contact phone."""
    settings = settings or results.settings_for(contest)
    ranking = results.ranking(contest, settings) if ranking is None else ranking
    out: list[str] = []
    uncovered = [c for c in contest.categories
                 if not any(r.award or r.recommended for r in ranking.get(c.id, []))]
    if uncovered:
        out.append(_("The list covers %(n)d of %(total)d categories; nothing is awarded or recommended in: "
                     "%(names)s.", n=len(contest.categories) - len(uncovered), total=len(contest.categories),
                     names="、".join(c.name for c in uncovered)))
    for cat in contest.categories:
        rows = ranking.get(cat.id, [])
        counts = (settings.award_counts or {}).get(str(cat.id), {})
        if cat in uncovered or not any(counts.get(lv) for lv in AWARD_LEVELS):
            continue
        for level in AWARD_LEVELS:
            given, planned = sum(1 for r in rows if r.award == level), counts.get(level, 0)
            if given > planned:
                out.append(_("%(category)s: %(level)s given to %(given)d entries, %(planned)d planned.",
                             category=cat.name, level=results.award_label(level), given=given, planned=planned))
            elif planned and not given:
                out.append(_("%(category)s: %(level)s planned for %(planned)d entries and given to none.",
                             category=cat.name, level=results.award_label(level), planned=planned))
    if not contest.publicity_phone:
        out.append(_("No contact phone for objections is set: the notice would give none."))
    return out


class Notice(NamedTuple):
    """The heading and the signature of a published list, as a formal notice reads."""
    title: str
    issuer: str
    issued: str
    period: str | None
    phone: str


def _month_day(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return _("%(month)d/%(day)d", month=local.month, day=local.day)


def notice(contest: Contest, version: ResultVersion) -> Notice:
    if version.kind == "final":
        title = _("Announcement of the results of %(title)s", title=contest.title)
        period = None
    else:
        title = _("Public notice of the proposed results of %(title)s", title=contest.title)
        period = _("Publicity period: %(start)s to %(end)s", start=_month_day(version.published_at),
                   end=_month_day(version.ends_at))
    return Notice(title, contest.lead_unit.name, format_date(version.published_at.astimezone(SHANGHAI).date(), "long"),
                  period, contest.publicity_phone)


@writes
def set_contact_phone(actor: User, contest: Contest, phone: str) -> None:
    """The 公示联系电话 printed on the notice for objections."""
    phone = (phone or "").strip()
    if phone and (not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 5):
        raise ServiceError(_("Please enter a telephone number, e.g. 0571-87654321."), "phone")
    before = contest.publicity_phone
    contest.publicity_phone = phone
    db.session.flush()
    audit.record(actor, "results.publicity_phone", contest, details={"from": before, "to": phone})


def _next_number(contest: Contest) -> int:
    return (db.session.scalar(select(func.max(ResultVersion.number)).where(ResultVersion.contest_id == contest.id))
            or 0) + 1


def _ready(contest: Contest) -> None:
    if not contest.published:
        raise ServiceError(_("Publish the contest itself first: its results are shown on its public pages."))
    settings = results.settings_for(contest)
    if settings.vote_weight:
        if voting_open(contest, utcnow()):
            raise ServiceError(_("The public vote counts in the final score and is still open."))
        if db.session.scalar(select(VoteFlag.id).where(VoteFlag.contest_id == contest.id,
                                                       VoteFlag.state == "open").limit(1)):
            raise ServiceError(_("Decide the public vote's suspicious patterns first: they count in the score."))


@writes
def publish_publicity(actor: User, contest: Contest, days: int, note: str = "",
                      now: datetime | None = None, *, confirmed: bool = False) -> ResultVersion:
    """Freeze the proposed list as the next version and open (or restart) the
    publicity window for `days` days. A list changed after an upheld
    objection is published this way too: the older versions stay readable.
    Any warning (see warnings()) must have been confirmed by the organiser."""
    results.lock(contest)
    if final_version(contest) is not None:
        raise ServiceError(_("The final result is published; the list can no longer change."))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ServiceError(_("The publicity period is 1 to %(n)d days.", n=MAX_DAYS), "days")
    _ready(contest)
    settings = results.settings_for(contest)
    ranking = results.ranking(contest, settings)
    rows, formula, ranked_ids = _snapshot(contest, settings, ranking)
    if not rows:
        raise ServiceError(_("No entry has an award or a recommendation yet: there is nothing to publish."))
    found = warnings(contest, settings, ranking)
    if found and not confirmed:
        raise ServiceError(_("Check these points and confirm that the list is to be published as it is: "
                             "%(points)s", points=" ".join(found)), "confirmed")
    now = now or utcnow()
    version = ResultVersion(contest_id=contest.id, number=_next_number(contest), kind="publicity", published_at=now,
                            ends_at=now + timedelta(days=days), published_by=actor.id, note=(note or "").strip()[:500],
                            formula=formula, rows=rows, ranked_ids=ranked_ids)
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "results.publicity", contest, details={
        "version": version.number, "days": days, "entries": len(rows), "note": version.note, "warnings": found})
    return version


def _by_entry(rows: list[dict]) -> list[dict]:
    """Rows compared whatever their order (versions published in an older order)."""
    return sorted(rows, key=lambda r: r["entry_id"])


@writes
def publish_final(actor: User, contest: Contest, now: datetime | None = None) -> ResultVersion:
    """After the publicity window, with every objection decided, and only if
    nothing changed since: the last publicised list, word for word, as final."""
    results.lock(contest)
    current = latest(contest)
    if current is None or current.kind != "publicity":
        raise ServiceError(_("Publish the list for publicity (公示) first."))
    if window_open(current, now):
        raise ServiceError(_("The publicity period runs until %(end)s; publish the final result after it.",
                             end=current.ends_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")))
    if open_objections(contest):
        raise ServiceError(_("Decide every objection first."))
    _ready(contest)
    settings = results.settings_for(contest)
    rows, formula, ranked_ids = _snapshot(contest, settings, results.ranking(contest, settings))
    if _by_entry(rows) != _by_entry(current.rows) or formula != current.formula:
        raise ServiceError(_("The list has changed since version %(n)d was publicised: publicise it again first.",
                             n=current.number))
    version = ResultVersion(contest_id=contest.id, number=_next_number(contest), kind="final",
                            published_at=now or utcnow(), published_by=actor.id, formula=current.formula,
                            rows=current.rows, ranked_ids=ranked_ids,
                            note=_("Final result, as publicised in version %(n)d.", n=current.number))
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "results.final", contest, details={"version": version.number, "entries": len(rows)})
    return version


@writes
def file_objection(user: User, contest: Contest, entry_id: int, reason: str, contact: str,
                   now: datetime | None = None) -> Objection:
    current = latest(contest)
    if not window_open(current, now):
        raise ServiceError(_("Objections can be filed only during the publicity period."))
    if not any(r["entry_id"] == entry_id for r in current.rows):
        raise ServiceError(_("Please choose an entry on the published list."), "entry")
    reason, contact = (reason or "").strip(), (contact or "").strip()
    if not reason:
        raise ServiceError(_("Please give the reasons for your objection."), "reason")
    if len(reason) > MAX_OBJECTION:
        raise ServiceError(_("The reasons may be at most %(n)d characters.", n=MAX_OBJECTION), "reason")
    if not contact or len(contact) > MAX_CONTACT:
        raise ServiceError(_("Please give a way to contact you (at most %(n)d characters).", n=MAX_CONTACT),
                           "contact")
    if db.session.scalar(select(Objection.id).where(Objection.version_id == current.id, Objection.entry_id == entry_id,
                                                    Objection.user_id == user.id, Objection.state == "open")):
        raise ServiceError(_("You have already objected to this entry; the organisers will answer it."))
    objection = Objection(contest_id=contest.id, version_id=current.id, entry_id=entry_id, user_id=user.id,
                          reason=reason, contact=contact, state="open")
    db.session.add(objection)
    db.session.flush()
    audit.record(user, "results.objection", contest, details={"objection": objection.id, "entry": entry_id})
    return objection


def open_objections(contest: Contest) -> list[Objection]:
    return list(db.session.scalars(select(Objection).where(Objection.contest_id == contest.id,
                                                           Objection.state == "open").order_by(Objection.id)))


def objections(contest: Contest) -> list[Objection]:
    return list(db.session.scalars(select(Objection).where(Objection.contest_id == contest.id)
                                   .order_by(Objection.state != "open", Objection.id)))


@writes
def decide_objection(actor: User, objection: Objection, uphold: bool, reason: str,
                     now: datetime | None = None) -> None:
    """Uphold or dismiss, with the reason. An upheld objection usually changes
    the list: the organiser changes the decision and publicises a new version."""
    db.session.refresh(objection, with_for_update=True)   # two organisers deciding at once: one wins
    if objection.state != "open":
        raise ServiceError(_("This objection has been decided already."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give the reason for the decision."), "reason")
    objection.state = "upheld" if uphold else "dismissed"
    objection.decision_reason, objection.decided_by, objection.decided_at = reason[:2000], actor.id, now or utcnow()
    db.session.flush()
    audit.record(actor, f"results.objection_{objection.state}", objection.entry,
                 details={"objection": objection.id, "reason": objection.decision_reason})


def outcome_for(entry: Entry) -> tuple[str, str | None] | None:
    """What the entrant is told once the final result is published:
    ("awarded", level), ("shortlisted", None) or ("not_selected", None)."""
    if entry.status != "accepted":
        return None
    contest = db.session.get(Contest, entry.contest_id)
    final = final_version(contest)
    if final is None:
        return None
    row = next((r for r in final.rows if r["entry_id"] == entry.id), None)
    if row and row["award"]:
        return "awarded", row["award"]
    if row or entry.id in final.ranked_ids:
        return "shortlisted", None
    return "not_selected", None
