"""Reading the audit trail, as the admin's audit log shows and exports it:
filters, a search, and each event told in words (labels from contest/labels.py,
people by name with a masked phone, details as key: value)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, String, and_, cast, false, or_, select

from ..extensions import db
from ..labels import AUDIT_ACTION_LABELS, AUDIT_DETAIL_LABELS, ROLE_LABELS, UNIT_KIND_LABELS
from ..models import AuditEvent, Category, Contest, Entry, Programme, Round, Unit, User
from ..phases import SHANGHAI
from . import audit
from .accounts import mask_phone
from .people import user_search
from .unit_of_work import writes

EMPTY = "—"
# Event subjects tied to a contest, and how to find that contest's ones.
_CONTEST_PARTS = ((Entry, Entry.contest_id), (Round, Round.contest_id), (Category, Category.contest_id))


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None
    contest: int | None = None
    q: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters that are set, as query arguments (the pager and the export keep them)."""
        values = {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in asdict(self).items()}
        return {k: v for k, v in values.items() if v not in ("", "None")}


def action_label(code: str) -> str:
    label = AUDIT_ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def _shanghai_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _in_contest(contest_id: int) -> ColumnElement[bool]:
    clauses = [and_(AuditEvent.object_type == "Contest", AuditEvent.object_id == str(contest_id))]
    for model, column in _CONTEST_PARTS:
        ids = select(cast(model.id, String)).where(column == contest_id)
        clauses.append(and_(AuditEvent.object_type == model.__name__, AuditEvent.object_id.in_(ids)))
    return or_(*clauses)


def _search(q: str) -> ColumnElement[bool]:
    """An actor by name or phone, an action by its name or code, or any
    text in the details. Details are stored as JSON with non-ASCII escaped,
    so the text is looked for as JSON writes it."""
    codes = [code for code, label in AUDIT_ACTION_LABELS.items() if q in str(label) or q in code]
    people = user_search(q)
    escaped = json.dumps(q)[1:-1]
    return or_(
        AuditEvent.actor_id.in_(select(User.id).where(people)) if people is not None else false(),
        AuditEvent.action.in_(codes) if codes else false(),
        cast(AuditEvent.details, String).contains(escaped, autoescape=True),
        AuditEvent.object_id == q,
    )


def events_query(filters: AuditFilters) -> Select:
    """The filtered events, newest first."""
    stmt = select(AuditEvent)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor and (people := user_search(filters.actor)) is not None:
        stmt = stmt.where(AuditEvent.actor_id.in_(select(User.id).where(people)))
    if filters.date_from:
        stmt = stmt.where(AuditEvent.created_at >= _shanghai_start(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEvent.created_at < _shanghai_start(filters.date_to + timedelta(days=1)))
    if filters.contest:
        stmt = stmt.where(_in_contest(filters.contest))
    if filters.q.strip():
        stmt = stmt.where(_search(filters.q.strip()))
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


@dataclass
class AuditLine:
    """One event as the log shows it."""
    event: AuditEvent
    actor: str
    action: str
    subject: str
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def details_text(self) -> str:
        return "；".join(f"{key}：{value}" for key, value in self.details)


def person(user: User | None) -> str:
    if user is None:
        return _("system")
    return f"{user.real_name}（{mask_phone(user.phone)}）"


def _subjects(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """Each event's subject by name, loaded a type at a time."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_type and e.object_id and e.object_id.isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
    names: dict[tuple[str, str], str] = {}
    describe = {
        "User": (User, person),
        "Unit": (Unit, lambda u: u.name),
        "Contest": (Contest, lambda c: c.title),
        "Programme": (Programme, lambda p: p.title),
        "Category": (Category, lambda c: f"{c.contest.title} · {c.name}"),
        "Entry": (Entry, lambda e: " ".join(filter(None, [e.number, e.title])) or f"#{e.id}"),
        "Round": (Round, lambda r: f"{r.contest.title} · {r.name}"),
    }
    for kind, ids in wanted.items():
        if kind not in describe:
            continue
        model, name = describe[kind]
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(kind, str(row.id))] = name(row)
    return names


def _judges(events: list[AuditEvent]) -> dict[int, User]:
    ids = {e.details.get("judge") for e in events if isinstance(e.details, dict)}
    ids = {i for i in ids if isinstance(i, int)}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _value(key: str, value, judges: dict[int, User]) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "role" and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])
    if key == "kind" and value in UNIT_KIND_LABELS:
        return str(UNIT_KIND_LABELS[value])
    if key in ("judge", "replacement") and isinstance(value, int) and value in judges:
        return person(judges[value])
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "、".join(_value("", v, judges) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{AUDIT_DETAIL_LABELS.get(k, k)}：{_value(k, v, judges)}" for k, v in value.items())
    return str(value)


def describe(events: Iterable[AuditEvent]) -> list[AuditLine]:
    events = list(events)
    subjects, judges = _subjects(events), _judges(events)
    lines = []
    for e in events:
        subject = subjects.get((e.object_type, e.object_id)) if e.object_type else None
        if subject is None and e.object_type:
            subject = f"{e.object_type} #{e.object_id}" if e.object_id else e.object_type
        details = e.details if isinstance(e.details, dict) else {}
        lines.append(AuditLine(
            event=e, actor=person(e.actor), action=action_label(e.action), subject=subject or EMPTY,
            details=[(str(AUDIT_DETAIL_LABELS.get(k, k)), _value(k, v, judges)) for k, v in details.items()]))
    return lines


def export_lines(filters: AuditFilters, batch: int = 500) -> Iterator[AuditLine]:
    """Every filtered event, described a batch at a time (the export may be long)."""
    last: tuple[datetime, int] | None = None
    while True:
        stmt = events_query(filters)
        if last is not None:
            stmt = stmt.where(or_(AuditEvent.created_at < last[0],
                                  and_(AuditEvent.created_at == last[0], AuditEvent.id < last[1])))
        rows = list(db.session.scalars(stmt.limit(batch)))
        yield from describe(rows)
        if len(rows) < batch:
            return
        last = (rows[-1].created_at, rows[-1].id)


@writes
def record_view(actor: User, filters: AuditFilters, page: int) -> None:
    """Who read the trail, and what they looked for."""
    audit.record(actor, "audit.view", None, details={"filters": filters.as_args(), "page": page})


@writes
def record_export(actor: User, filters: AuditFilters, fmt: str, rows: int) -> None:
    audit.record(actor, "audit.export", None, details={"filters": filters.as_args(), "format": fmt, "rows": rows})


def filters_note(filters: AuditFilters) -> str:
    """The filters in words, for the head of an exported file."""
    parts = []
    if filters.action:
        parts.append(_("Action: %(v)s", v=action_label(filters.action)))
    if filters.actor:
        parts.append(_("Actor: %(v)s", v=filters.actor))
    if filters.date_from or filters.date_to:
        parts.append(_("Dates: %(a)s to %(b)s", a=filters.date_from or EMPTY, b=filters.date_to or EMPTY))
    if filters.contest:
        contest = db.session.get(Contest, filters.contest)
        parts.append(_("Contest: %(v)s", v=contest.title if contest else filters.contest))
    if filters.q:
        parts.append(_("Search: %(v)s", v=filters.q))
    return _("Filters: %(f)s", f="；".join(parts)) if parts else _("Filters: none (every event).")
