"""Setting up programmes, contests and categories; reading them for the public."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import policies
from ..extensions import db
from ..models import ENTRY_KINDS, Category, Contest, Entry, Programme, User
from ..models.accounts import UNIT_KINDS
from ..models.timestamps import utcnow
from ..phases import current_phase, shanghai_year
from ..sanitize import clean_html
from . import audit
from .errors import ServiceError, ValidationErrors
from .unit_of_work import writes

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
CATEGORY_CODE_RE = re.compile(r"^[A-Z0-9]{1,4}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Windows whose start and end go together.
WINDOWS = (("voting_start", "voting_end"), ("judging_start", "judging_end"),
           ("publicity_start", "publicity_end"))
# (date, dates it may not come before): the phases run in this order. A window's
# end must be strictly after its start; the rest may touch.
ORDER = (
    ("submission_end", ("submission_start",)),
    ("screening_end", ("submission_end",)),
    ("voting_start", ("submission_start",)),
    ("voting_end", ("voting_start",)),
    ("judging_start", ("submission_end",)),
    ("judging_end", ("judging_start",)),
    ("publicity_start", ("submission_end", "screening_end", "voting_end", "judging_end")),
    ("publicity_end", ("publicity_start",)),
    ("results_at", ("submission_end", "screening_end", "voting_end", "judging_end", "publicity_end")),
)
STRICT = {("submission_end", "submission_start"), ("voting_end", "voting_start"),
          ("judging_end", "judging_start"), ("publicity_end", "publicity_start")}

CONTEST_FIELDS = (
    "code", "slug", "title", "theme", "description", "rules", "recommended_to",
    "min_age", "max_age", "eligible_districts", "eligible_unit_kinds", "real_name_required",
    "submission_start", "submission_end", "screening_end", "voting_start", "voting_end",
    "judging_start", "judging_end", "publicity_start", "publicity_end", "results_at",
    "entries_per_entrant", "voting_enabled", "votes_per_day", "vote_weight",
    "show_vote_counts", "published", "showcase_only",
)
CATEGORY_FIELDS = (
    "code", "name", "kind", "description", "position", "min_chars", "max_chars",
    "max_files", "max_file_mb", "max_duration_s", "recommend_quota", "unit_quota",
)


# --- programmes -------------------------------------------------------------

@writes
def save_programme(actor: User | None, programme: Programme | None, data: dict) -> Programme:
    errors = {}
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Please enter a year between 2000 and 2100.")
    title = (data.get("title") or "").strip()
    lead = data.get("lead_unit")
    if lead is None:
        errors["lead_unit"] = _("Please choose the lead unit.")
    elif actor is not None and not policies.can_lead_with(actor, lead.id):
        errors["lead_unit"] = _("You may only lead with a unit you organise for.")
    if not title:
        errors["title"] = _("Please enter a title.")
    else:
        clash = db.session.scalar(select(Programme).where(Programme.title == title))
        if clash is not None and clash is not programme:
            errors["title"] = _("A programme with this title already exists.")
    if errors:
        raise ValidationErrors(errors)
    creating = programme is None
    if creating:
        programme = Programme()
        db.session.add(programme)
    programme.year = year
    programme.title = title
    programme.description = clean_html(data.get("description"))
    programme.lead_unit = data.get("lead_unit")
    db.session.flush()
    audit.record(actor, "programme.create" if creating else "programme.update", programme)
    return programme


# --- contests ---------------------------------------------------------------

def normalise_contest_values(data: dict) -> dict:
    data = dict(data)
    data["code"] = (data.get("code") or "").strip().upper()
    data["slug"] = (data.get("slug") or "").strip().lower()
    return data


def _date_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.get("submission_start"):
        errors["submission_start"] = _("Please set when submissions open.")
    if not data.get("submission_end"):
        errors["submission_end"] = _("Please set the submission deadline.")
    for start, end in WINDOWS:
        if bool(data.get(start)) != bool(data.get(end)):
            errors[end if data.get(start) else start] = _("Please set both the start and the end, or neither.")
    for later, earlier_ones in ORDER:
        value = data.get(later)
        if not value or later in errors:
            continue
        for earlier in earlier_ones:
            before = data.get(earlier)
            if before and (value < before or (value == before and (later, earlier) in STRICT)):
                errors[later] = _("This date must come after the one before it.")
                break
    if data.get("voting_enabled") and not (data.get("voting_start") and data.get("voting_end")):
        errors["voting_start"] = _("A public vote needs a start and an end.")
    if data.get("showcase_only"):
        errors.update(_showcase_errors(data))
    return errors


def _showcase_errors(data: dict) -> dict[str, str]:
    """A 展播 is collected, screened and shown: it holds no vote, judging or 公示."""
    errors = {}
    if data.get("voting_enabled"):
        errors["voting_enabled"] = _("A showcase-only contest holds no public vote.")
    for name in ("voting_start", "judging_start", "publicity_start"):
        if data.get(name) or data.get(name.replace("_start", "_end")):
            errors[name] = _("A showcase-only contest has no such phase: leave these dates empty.")
    if not (data.get("screening_end") or data.get("results_at")):
        errors["screening_end"] = _("Please set when screening ends: the accepted works are shown from then.")
    return errors


def _permission_errors(actor: User | None, contest: Contest | None, data: dict) -> dict[str, str]:
    """Who may put a contest where. The system (actor None: seeding) may."""
    if actor is None:
        return {}
    errors: dict[str, str] = {}
    lead, programme = data.get("lead_unit"), data.get("programme")
    co_ids = {u.id for u in data.get("co_units") or [] if u is not lead}
    if contest is None:
        if lead is not None and not policies.can_lead_with(actor, lead.id):
            errors["lead_unit"] = _("You may only lead with a unit you organise for.")
    elif lead is not None and programme is not None and (
            lead.id != contest.lead_unit_id or programme.id != contest.programme_id
            or co_ids != {u.id for u in contest.co_units}) and not policies.can_lead_contest(actor, contest):
        errors["lead_unit"] = _("Only the lead unit may change the lead unit, the co-organisers or the programme.")
    if programme is not None and (contest is None or programme.id != contest.programme_id) \
            and not policies.can_add_to_programme(actor, programme):
        errors["programme"] = _("Past programmes are archived: contests cannot be added to them.")
    return errors


def contest_errors(contest: Contest | None, data: dict, actor: User | None = None) -> dict[str, str]:
    """Every rule a contest's values break, by field (empty when valid)."""
    data = normalise_contest_values(data)
    errors: dict[str, str] = {}
    code = data["code"]
    if not CODE_RE.match(code):
        errors["code"] = _("2 to 12 capital letters or digits, starting with a letter.")
    else:
        clash = db.session.scalar(select(Contest).where(Contest.code == code))
        if clash is not None and clash is not contest:
            errors["code"] = _("This code is already used by another contest.")
    slug = data["slug"]
    if not SLUG_RE.match(slug) or len(slug) > 80:
        errors["slug"] = _("Lower-case letters, digits and hyphens only.")
    else:
        clash = db.session.scalar(select(Contest).where(Contest.slug == slug))
        if clash is not None and clash is not contest:
            errors["slug"] = _("This address is already used by another contest.")
    if not (data.get("title") or "").strip():
        errors["title"] = _("Please enter a title.")
    if data.get("programme") is None:
        errors["programme"] = _("Please choose a programme.")
    if data.get("lead_unit") is None:
        errors["lead_unit"] = _("Please choose the lead unit.")
    errors.update({k: v for k, v in _date_errors(data).items() if k not in errors})
    lo, hi = data.get("min_age"), data.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        errors["max_age"] = _("The maximum age must not be below the minimum age.")
    for name, low, high in (
        ("entries_per_entrant", 1, 50), ("votes_per_day", 1, 100), ("vote_weight", 0, 100),
    ):
        value = data.get(name)
        if value is None or not low <= value <= high:
            errors[name] = _("Please enter a number from %(low)d to %(high)d.", low=low, high=high)
    bad_kinds = set(data.get("eligible_unit_kinds") or []) - set(UNIT_KINDS)
    if bad_kinds:
        errors["eligible_unit_kinds"] = _("Unknown unit kind.")
    for name, message in _permission_errors(actor, contest, data).items():
        errors.setdefault(name, message)
    return errors


def _snapshot(contest: Contest) -> dict:
    values = {name: getattr(contest, name) for name in CONTEST_FIELDS}
    values.update(programme=contest.programme_id, lead_unit=contest.lead_unit_id,
                  co_units=sorted(u.id for u in contest.co_units))
    return values


@writes
def save_contest(actor: User | None, contest: Contest | None, data: dict) -> Contest:
    """Create or update a contest from a complete set of values; on any error
    nothing is changed and every field's message is raised at once."""
    data = normalise_contest_values(data)
    errors = contest_errors(contest, data, actor)
    if errors:
        raise ValidationErrors(errors)
    creating = contest is None
    before = {} if creating else _snapshot(contest)
    if creating:
        contest = Contest()
        db.session.add(contest)
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(contest, name, data[name])
    contest.title = data["title"].strip()
    contest.description = clean_html(data.get("description"))
    contest.rules = clean_html(data.get("rules"))
    contest.programme = data["programme"]
    contest.lead_unit = data["lead_unit"]
    contest.co_units = [u for u in data.get("co_units") or [] if u is not data["lead_unit"]]
    db.session.flush()
    after = _snapshot(contest)
    changed = sorted(k for k in after if before.get(k) != after[k]) if before else []
    audit.record(actor, "contest.create" if creating else "contest.update", contest,
                 details={"code": contest.code, **({"changed": changed} if not creating else {})})
    return contest


@writes
def set_published(actor: User, contest: Contest, published: bool) -> Contest:
    """Show the contest on the public site, or take it off."""
    if contest.published != published:
        contest.published = published
        db.session.flush()
        audit.record(actor, "contest.publish" if published else "contest.unpublish", contest,
                     details={"code": contest.code})
    return contest


# --- categories -------------------------------------------------------------

@writes
def save_category(
    actor: User | None, contest: Contest, category: Category | None, data: dict
) -> Category:
    errors: dict[str, str] = {}
    code = data.get("code") or ""
    if not CATEGORY_CODE_RE.match(code):
        errors["code"] = _("1 to 4 capital letters or digits.")
    elif any(c.code == code and c is not category for c in contest.categories):
        errors["code"] = _("This code is already used in this contest.")
    if not (data.get("name") or "").strip():
        errors["name"] = _("Please enter a name.")
    if data.get("kind") not in ENTRY_KINDS:
        errors["kind"] = _("Please choose an entry kind.")
    for name in ("min_chars", "max_chars", "max_files", "max_file_mb", "max_duration_s",
                 "recommend_quota", "unit_quota"):
        value = data.get(name)
        if value is not None and value < 0:
            errors[name] = _("Please enter a positive number.")
    lo, hi = data.get("min_chars"), data.get("max_chars")
    if lo is not None and hi is not None and lo > hi:
        errors["max_chars"] = _("The maximum must not be below the minimum.")
    if errors:
        raise ValidationErrors(errors)
    creating = category is None
    if creating:
        category = Category(contest=contest, position=len(contest.categories))
        db.session.add(category)
    for name in CATEGORY_FIELDS:
        if name in data:
            setattr(category, name, data[name])
    category.name = data["name"].strip()
    db.session.flush()
    audit.record(actor, "category.create" if creating else "category.update", category,
                 details={"contest": contest.code, "code": category.code})
    return category


@writes
def delete_category(actor: User | None, category: Category) -> None:
    if db.session.scalar(select(Entry.id).where(Entry.category_id == category.id).limit(1)):
        raise ServiceError(_("This category already has entries and cannot be deleted."))
    details = {"contest": category.contest.code, "code": category.code}
    category.contest.categories.remove(category)
    db.session.flush()
    audit.record(actor, "category.delete", None, details=details)


# --- reading ----------------------------------------------------------------

def current_programmes(now: datetime | None = None) -> list[Programme]:
    year = shanghai_year(now or utcnow())
    return list(db.session.scalars(
        select(Programme).where(Programme.year >= year).order_by(Programme.year.desc())
    ))


def archived_programmes(now: datetime | None = None) -> list[Programme]:
    year = shanghai_year(now or utcnow())
    return list(db.session.scalars(
        select(Programme).where(Programme.year < year).order_by(Programme.year.desc())
    ))


def public_contests(programme: Programme) -> list[Contest]:
    return [c for c in programme.contests if c.published]


def contest_by_slug(slug: str) -> Contest | None:
    return db.session.scalar(select(Contest).where(Contest.slug == slug))


def phase(contest: Contest, now: datetime | None = None) -> str:
    return current_phase(contest, now or utcnow())
