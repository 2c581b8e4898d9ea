"""The organiser's screening (初审): decisions with reasons, in bulk too, and
the filtered list they are made from."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Contest, Entry, EntryEvent, RoundEntry, User
from . import audit
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

DECISIONS = {"accept": "accepted", "return": "returned", "reject": "rejected"}
NEEDS_REASON = ("return", "reject")
SCREENABLE = ("submitted", "returned", "accepted", "rejected")
WAITING = "submitted"   # waits for 初审 (a returned entry waits for its entrant, until resubmitted)
PAGE_SIZE = 50


@writes
def screen_entry(actor: User, entry: Entry, decision: str, reason: str | None = None) -> Entry:
    if decision not in DECISIONS:
        raise ServiceError(_("Unknown decision."), "decision")
    reason = (reason or "").strip()
    if decision in NEEDS_REASON and not reason:
        raise ValidationErrors({"reason": _("Please give the reason: the entrant will see it.")})
    if entry.status not in SCREENABLE:
        raise ServiceError(_("Entry %(number)s cannot be screened in its present state.",
                             number=entry.number or entry.id))
    if db.session.scalar(select(RoundEntry.id).where(RoundEntry.entry_id == entry.id).limit(1)):
        raise ServiceError(_("Entry %(number)s is already being judged: its screening can no longer change.",
                             number=entry.number))
    old, new = entry.status, DECISIONS[decision]
    entry.status = new
    entry.status_reason = reason or None
    entry.version += 1
    db.session.add(EntryEvent(entry=entry, actor_id=actor.id, from_status=old, to_status=new,
                              reason=reason or None))
    audit.record(actor, f"entry.screen.{decision}", entry,
                 details={"number": entry.number, "from": old, "reason": reason or None})
    db.session.flush()
    return entry


@dataclass
class BulkResult:
    done: list[str]
    skipped: list[str]
    skipped_ids: list[int] = field(default_factory=list)


@writes
def screen_many(actor: User, contest: Contest, entry_ids: list[int], decision: str,
                reason: str | None = None) -> BulkResult:
    if decision in NEEDS_REASON and not (reason or "").strip():
        raise ValidationErrors({"reason": _("Please give the reason: the entrant will see it.")})
    entries = db.session.scalars(select(Entry).where(Entry.id.in_(entry_ids), Entry.contest_id == contest.id))
    result = BulkResult([], [])
    for entry in entries:
        try:
            with db.session.begin_nested():
                screen_entry(actor, entry, decision, reason)
            result.done.append(entry.number)
        except ServiceError:
            result.skipped.append(entry.number or str(entry.id))
            result.skipped_ids.append(entry.id)
    return result


@dataclass
class Filters:
    category_id: int | None = None
    status: str | None = None
    unit_id: int | None = None
    district: str | None = None
    flagged: bool = False
    q: str = ""


def screening_query(contest: Contest, f: Filters) -> Select:
    stmt = select(Entry).where(Entry.contest_id == contest.id, Entry.status != "draft")
    if f.category_id:
        stmt = stmt.where(Entry.category_id == f.category_id)
    if f.status:
        stmt = stmt.where(Entry.status == f.status)
    if f.unit_id:
        stmt = stmt.where(Entry.unit_id == f.unit_id)
    if f.district:
        stmt = stmt.where(Entry.district == f.district)
    if f.flagged:
        stmt = stmt.where(Entry.flagged.is_(True))
    if f.q:
        like = f"%{f.q}%"
        stmt = stmt.where(or_(Entry.number.ilike(like), Entry.title.ilike(like)))
    return stmt


LIST_ORDER = (Entry.submitted_at.desc(), Entry.id.desc())


def screening_page(contest: Contest, f: Filters, page: int):
    stmt = screening_query(contest, f).options(
        selectinload(Entry.category), selectinload(Entry.unit), selectinload(Entry.authors),
        selectinload(Entry.flags),
    ).order_by(*LIST_ORDER)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def next_waiting(entry: Entry, f: Filters) -> Entry | None:
    """The entry after this one in the list's order (and filter) still waiting
    for 初审; past the end of the list, the first one waiting from the top."""
    waiting = screening_query(entry.contest, replace(f, status=WAITING)).where(Entry.id != entry.id)
    later = or_(Entry.submitted_at < entry.submitted_at,
                and_(Entry.submitted_at == entry.submitted_at, Entry.id < entry.id))
    if entry.submitted_at is None:   # not in the list's order: start from its top
        later = Entry.id.is_not(None)
    return db.session.scalars(waiting.where(later).order_by(*LIST_ORDER).limit(1)).first() or \
        db.session.scalars(waiting.order_by(*LIST_ORDER).limit(1)).first()


def status_counts(contest: Contest) -> dict[str, int]:
    rows = db.session.execute(select(Entry.status, func.count(Entry.id))
                              .where(Entry.contest_id == contest.id).group_by(Entry.status))
    return dict(rows.all())
