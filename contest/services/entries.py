"""The entrant's side of an entry: start, save drafts, submit, withdraw."""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..labels import UNIT_KIND_LABELS
from ..models import Category, Contest, Entry, EntryAuthor, EntryCounter, EntryEvent, Unit, User
from ..models.entries import COUNTED_STATUSES
from ..models.timestamps import utcnow
from ..phases import SHANGHAI, submission_open
from ..sanitize import clean_html, plain_text
from . import audit, entry_contacts, screening_flags
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

GUARDIAN_AGE = 14
TITLE_MAX = 100
SUMMARY_MAX = 500
HTTPS_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.I)
_SPACE = re.compile(r"\s+")


class EditConflict(ServiceError):
    """The draft changed elsewhere (another tab) since this copy was loaded."""


def count_chars(html: str | None) -> int:
    """What the rules count: visible characters, not markup and not spaces."""
    return len(_SPACE.sub("", plain_text(html)))


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def shanghai_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


# --- eligibility ------------------------------------------------------------

def eligibility_problem(user: User, contest: Contest, *, unit: Unit | None = None,
                        on_behalf: bool = False, now: datetime | None = None) -> str | None:
    """Why this user may not enter this contest, or None. A unit submitting on
    behalf of its members is checked by the unit's district and kind."""
    unit = unit or user.unit
    if contest.min_age is not None or contest.max_age is not None:
        if not on_behalf:
            if user.birth_date is None:
                return _("This contest has an age limit: please add your date of birth first.")
            age = age_on(user.birth_date, shanghai_today(now))
            if contest.min_age is not None and age < contest.min_age:
                return _("This contest is open from the age of %(n)d.", n=contest.min_age)
            if contest.max_age is not None and age > contest.max_age:
                return _("This contest is open up to the age of %(n)d.", n=contest.max_age)
    if contest.eligible_districts:
        district = (unit.district if on_behalf and unit else user.district)
        if district not in contest.eligible_districts:
            return _("This contest is open only to %(places)s.", places="、".join(contest.eligible_districts))
    if contest.eligible_unit_kinds:
        if unit is None or unit.kind not in contest.eligible_unit_kinds:
            kinds = "、".join(str(UNIT_KIND_LABELS[k]) for k in contest.eligible_unit_kinds)
            return _("This contest accepts entries only through: %(kinds)s.", kinds=kinds)
    return None


def needs_guardian(user: User, now: datetime | None = None) -> bool:
    return user.birth_date is not None and age_on(user.birth_date, shanghai_today(now)) < GUARDIAN_AGE


# --- limits -----------------------------------------------------------------

def _counted(stmt):
    return db.session.scalar(stmt.where(Entry.status.in_(COUNTED_STATUSES))) or 0


def entries_held(owner: User, category: Category, exclude: Entry | None = None) -> int:
    """The owner's own entries in the category (not those sent for a unit's authors)."""
    stmt = select(func.count(Entry.id)).where(Entry.owner_id == owner.id, Entry.category_id == category.id,
                                              Entry.on_behalf.is_(False))
    if exclude is not None:
        stmt = stmt.where(Entry.id != exclude.id)
    return _counted(stmt)


def unit_entries_held(unit: Unit, category: Category, exclude: Entry | None = None) -> int:
    """What counts against the unit's quota: every entry that carries the unit's
    name, whether its administrator sent it for named authors or a member sent it."""
    stmt = select(func.count(Entry.id)).where(Entry.unit_id == unit.id, Entry.category_id == category.id)
    if exclude is not None:
        stmt = stmt.where(Entry.id != exclude.id)
    return _counted(stmt)


def _lock(model, row_id: int) -> None:
    # Two submitters counting at once would both see room for one more: the
    # count is taken under a row lock (PostgreSQL; SQLite writers are serialised).
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def _check_limits(owner: User, category: Category, unit: Unit | None, *, on_behalf: bool,
                  exclude: Entry | None = None) -> None:
    quota = category.unit_quota
    if unit is not None and quota is not None:
        _lock(Unit, unit.id)
        if unit_entries_held(unit, category, exclude) >= quota:
            raise ServiceError(_("Your unit has used its quota of %(n)d entries in this category.", n=quota))
    if on_behalf:
        return
    contest = category.contest
    _lock(User, owner.id)
    if entries_held(owner, category, exclude) >= contest.entries_per_entrant:
        raise ServiceError(_("You may enter at most %(n)d entries in this category.",
                             n=contest.entries_per_entrant))


# --- drafts -----------------------------------------------------------------

@writes
def start_entry(user: User, category: Category, *, on_behalf_unit: Unit | None = None,
                authors: list[str] | None = None, now: datetime | None = None) -> Entry:
    contest = category.contest
    if not submission_open(contest, now or utcnow()):
        raise ServiceError(_("Submissions to this contest are not open."))
    if category.kind == "nomination" and on_behalf_unit is None:
        raise ServiceError(_("Nominations are made by units: ask your unit's administrator to nominate."))
    problem = eligibility_problem(user, contest, unit=on_behalf_unit, on_behalf=on_behalf_unit is not None,
                                  now=now)
    if problem:
        raise ServiceError(problem)
    unit = on_behalf_unit or user.unit
    _check_limits(user, category, unit, on_behalf=on_behalf_unit is not None)
    entry = Entry(contest=contest, category=category, owner=user, unit=unit,
                  on_behalf=on_behalf_unit is not None,
                  district=(unit.district if on_behalf_unit and unit else user.district) or None)
    names = [n.strip() for n in (authors or []) if n and n.strip()]
    if on_behalf_unit is not None and not names:
        raise ServiceError(_("Please name the author(s) the unit submits for."), "authors")
    for position, name in enumerate(names or [user.real_name]):
        entry.authors.append(EntryAuthor(name=name[:50], position=position,
                                         user_id=user.id if not names else None))
    db.session.add(entry)
    db.session.flush()
    _event(entry, user, None, "draft")
    return entry


def _event(entry: Entry, actor: User | None, old: str | None, new: str, reason: str | None = None) -> None:
    db.session.add(EntryEvent(entry=entry, actor_id=actor.id if actor else None,
                              from_status=old, to_status=new, reason=reason))


@writes
def save_draft(entry: Entry, data: dict, *, expected_version: int | None = None) -> Entry:
    """Keep what the entrant has written so far. Limits are checked on submit,
    never here: a draft is never lost for being too long or too short."""
    if expected_version is not None:
        # Lock the row and read it afresh (PostgreSQL; SQLite writers are already
        # serialised): another tab's save committed meanwhile must be seen here.
        db.session.execute(select(Entry.id).where(Entry.id == entry.id).with_for_update())
        db.session.refresh(entry)
    if expected_version is not None and expected_version != entry.version:
        raise EditConflict(_("This entry was changed in another window or device. "
                             "Reload the page to see the latest version before editing."))
    if "title" in data:
        entry.title = (data.get("title") or "").strip()[:TITLE_MAX * 2]
    if "summary" in data:
        entry.summary = (data.get("summary") or "").strip()[:SUMMARY_MAX * 2]
    if "body" in data:
        entry.body = clean_html(data.get("body"))
        entry.body_chars = count_chars(entry.body)
    if "h5_url" in data:
        entry.h5_url = (data.get("h5_url") or "").strip() or None
    if "nominee_name" in data:
        entry.nominee_name = (data.get("nominee_name") or "").strip()[:100] or None
    if "nominee_kind" in data:
        entry.nominee_kind = data.get("nominee_kind") if data.get("nominee_kind") in ("person", "organisation") \
            else None
    entry_contacts.save_contacts(entry, data)
    entry.version += 1
    entry.updated_at = utcnow()
    db.session.flush()
    after_change(entry)
    return entry


@writes
def after_change(entry: Entry, actor: User | None = None) -> None:
    """A submitted entry changed by its entrant: still complete, it keeps its
    place (hash and flags brought up to date); no longer complete, it goes back
    to draft until submitted again."""
    if entry.status != "submitted":
        return
    if submission_errors(entry):
        entry.status = "draft"
        _event(entry, actor or entry.owner, "submitted", "draft",
               _("Changed after submission and no longer complete."))
        audit.record(actor or entry.owner, "entry.unsubmitted", entry, details={"number": entry.number})
        db.session.flush()
        return
    entry.content_hash = content_hash(entry)
    screening_flags.refresh_flags(entry)


# --- submitting -------------------------------------------------------------

def submission_errors(entry: Entry) -> dict[str, str]:
    """What still stands between this entry and submission, by field."""
    cat = entry.category
    errors: dict[str, str] = {}
    if not entry.title:
        errors["title"] = _("Please give the entry a title.")
    elif len(entry.title) > TITLE_MAX:
        errors["title"] = _("The title may have at most %(n)d characters.", n=TITLE_MAX)
    if len(entry.summary) > SUMMARY_MAX:
        errors["summary"] = _("The summary may have at most %(n)d characters.", n=SUMMARY_MAX)
    roles = [a.role for a in entry.assets]
    if cat.kind in ("story", "nomination"):
        n = entry.body_chars
        if cat.min_chars and n < cat.min_chars:
            errors["body"] = _("The text has %(n)d characters; at least %(min)d are needed.", n=n, min=cat.min_chars)
        elif cat.max_chars and n > cat.max_chars:
            errors["body"] = _("The text has %(n)d characters; at most %(max)d are allowed.", n=n, max=cat.max_chars)
        elif n == 0:
            errors["body"] = _("Please write the text.")
    if cat.kind == "image":
        count = roles.count("image")
        if count == 0:
            errors["files"] = _("Please upload at least one image.")
        elif cat.max_files and count > cat.max_files:
            errors["files"] = _("At most %(n)d images are allowed.", n=cat.max_files)
    if cat.kind == "video" and roles.count("video") != 1:
        errors["files"] = _("Please upload one video.")
    if cat.kind == "audio" and roles.count("audio") != 1:
        errors["files"] = _("Please upload one audio file.")
    if cat.kind == "h5":
        if entry.h5_url and not HTTPS_URL.match(entry.h5_url):
            errors["h5_url"] = _("The link must start with https://.")
        elif not entry.h5_url and "h5_package" not in roles:
            errors["h5_url"] = _("Please give an https:// link or upload the H5 package.")
    if cat.kind == "nomination":
        if not entry.nominee_name:
            errors["nominee_name"] = _("Please name the person or organisation nominated.")
        if entry.nominee_kind not in ("person", "organisation"):
            errors["nominee_kind"] = _("Please say whether a person or an organisation is nominated.")
    errors.update(entry_contacts.contact_errors(entry))
    return errors


@writes
def allocate_number(category: Category) -> str:
    """The next 报名编号 of a category. The counter row is updated in place, so
    concurrent submitters queue on its lock (PostgreSQL) or on the write lock
    (SQLite, BEGIN IMMEDIATE); a number once given is never given again."""
    bump = (update(EntryCounter).where(EntryCounter.category_id == category.id)
            .values(last=EntryCounter.last + 1).returning(EntryCounter.last))
    n = db.session.scalar(bump)
    if n is None:
        try:
            with db.session.begin_nested():
                db.session.add(EntryCounter(category_id=category.id, last=0))
        except IntegrityError:
            pass  # another submitter created it first
        n = db.session.scalar(bump)
    return f"{category.contest.code}-{category.code}-{n:04d}"


def content_hash(entry: Entry) -> str:
    digest = hashlib.sha256()
    for part in (entry.title, entry.summary, plain_text(entry.body), entry.h5_url or "",
                 entry.nominee_name or ""):
        digest.update(part.encode())
        digest.update(b"\0")
    for asset in sorted(entry.assets, key=lambda a: a.sha256):
        digest.update(asset.sha256.encode())
    return digest.hexdigest()


@writes
def submit_entry(actor: User, entry: Entry, *, pledge: bool, licence: bool, ip: str | None,
                 guardian_name: str | None = None, birth_date: date | None = None,
                 now: datetime | None = None) -> Entry:
    now = now or utcnow()
    if entry.status not in ("draft", "submitted", "returned"):
        raise ServiceError(_("This entry can no longer be submitted."))
    if entry.status != "returned" and not submission_open(entry.contest, now):
        raise ServiceError(_("The submission deadline has passed."))
    errors = submission_errors(entry)
    owner = entry.owner
    on_behalf = entry.on_behalf
    if birth_date is not None and owner.birth_date is None and not on_behalf:
        owner.birth_date = birth_date
    if not pledge:
        errors["pledge"] = _("Please confirm the originality pledge.")
    if not licence:
        errors["licence"] = _("Please agree to the licence for public-interest promotion.")
    if not on_behalf and owner.birth_date is None:
        errors["birth_date"] = _("Please give your date of birth.")
    elif not on_behalf and needs_guardian(owner, now) and not (guardian_name or "").strip():
        errors["guardian_name"] = _("Entrants under 14 need a parent or guardian's consent: please give their name.")
    if errors:
        raise ValidationErrors(errors)
    problem = eligibility_problem(owner, entry.contest, unit=entry.unit, on_behalf=on_behalf, now=now)
    if problem:
        raise ServiceError(problem)
    _check_limits(owner, entry.category, entry.unit, on_behalf=on_behalf, exclude=entry)

    old = entry.status
    if entry.number is None:
        entry.number = allocate_number(entry.category)
    entry.status = "submitted"
    entry.status_reason = None
    entry.pledge_at = entry.licence_at = now
    entry.consent_ip_hash = audit.hash_ip(ip)
    if guardian_name and (on_behalf is False and needs_guardian(owner, now)):
        entry.guardian_name = guardian_name.strip()[:50]
        entry.guardian_consent_at = now
    entry.submitted_at = entry.submitted_at or now
    entry.updated_at = now
    entry.content_hash = content_hash(entry)
    entry.version += 1
    db.session.flush()
    _event(entry, actor, old, "submitted")
    audit.record(actor, "entry.submit", entry, details={"number": entry.number}, ip=ip)
    screening_flags.refresh_flags(entry)
    return entry


@writes
def withdraw_entry(actor: User, entry: Entry, *, ip: str | None = None) -> None:
    if entry.status not in ("draft", "submitted", "returned"):
        raise ServiceError(_("This entry can no longer be withdrawn."))
    old = entry.status
    entry.status = "withdrawn"
    entry.version += 1
    _event(entry, actor, old, "withdrawn")
    audit.record(actor, "entry.withdraw", entry, details={"number": entry.number}, ip=ip)
    db.session.flush()


def my_entries(user: User) -> list[Entry]:
    return list(db.session.scalars(
        select(Entry).where(Entry.owner_id == user.id).order_by(Entry.created_at.desc())))
