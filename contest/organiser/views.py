"""The organiser's console: programmes, contests and categories."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms_common import ConfirmForm, district_choices, saving, unit_choices, unit_or_none
from ..labels import KIND_LABELS, UNIT_KIND_LABELS
from ..models import ENTRY_KINDS, Category, Contest, Programme, Unit
from ..models.accounts import UNIT_KINDS
from ..models.contests import PHASE_FIELDS
from ..phases import SHANGHAI
from ..policies import (
    can_add_to_programme,
    can_create_contest,
    can_lead_with,
    can_manage_contest,
    can_manage_programme,
    can_use_console,
)
from ..services import contests
from ..view_gates import require
from .forms import CategoryForm, ContestForm, ProgrammeForm

bp = Blueprint("organiser", __name__)


def _to_utc(value: datetime | None) -> datetime | None:
    # The form's times are Shanghai wall-clock times.
    return value.replace(tzinfo=SHANGHAI).astimezone(UTC) if value else None


def _to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(SHANGHAI).replace(tzinfo=None) if value else None


def _my_contests() -> list[Contest]:
    stmt = select(Contest).order_by(Contest.id.desc())
    return [c for c in db.session.scalars(stmt) if can_manage_contest(current_user, c)]


def _lead_unit_choices():
    return [(uid, name) for uid, name in unit_choices() if can_lead_with(current_user, uid)]


@bp.route("/")
@require(can_use_console)
def dashboard():
    programmes = [p for p in db.session.scalars(select(Programme).order_by(Programme.year.desc()))
                  if can_manage_programme(current_user, p)]
    return render_template("organiser/dashboard.html", contests=_my_contests(),
                           programmes=programmes, phase=contests.phase)


# --- programmes -------------------------------------------------------------

def _programme_form(programme: Programme | None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme)
    form.lead_unit.choices = _lead_unit_choices()
    if programme is not None and not form.is_submitted():
        form.lead_unit.data = programme.lead_unit_id
    return form


def _save_programme(programme: Programme | None):
    form = _programme_form(programme)
    if form.validate_on_submit():
        with saving(form) as outcome:
            programme = contests.save_programme(current_user, programme, {
                "year": form.year.data, "title": form.title.data,
                "description": form.description.data, "lead_unit": unit_or_none(form.lead_unit.data),
            })
        if outcome.ok:
            flash(_("The programme has been saved."), "success")
            return redirect(url_for("organiser.dashboard"))
    return render_template("organiser/programme_form.html", form=form, programme=programme)


@bp.route("/programmes/new", methods=["GET", "POST"])
@require(can_create_contest)
def new_programme():
    return _save_programme(None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_programme(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    if not can_manage_programme(current_user, programme):
        abort(403)
    return _save_programme(programme)


# --- contests ---------------------------------------------------------------

def _contest_form(contest: Contest | None) -> ContestForm:
    form = ContestForm(obj=contest)
    form.programme.choices = [
        (p.id, f"{p.year} {p.title}")
        for p in db.session.scalars(select(Programme).order_by(Programme.year.desc()))
        if can_add_to_programme(current_user, p) or (contest is not None and p.id == contest.programme_id)]
    form.lead_unit.choices = _lead_unit_choices()
    if contest is not None and contest.lead_unit_id not in dict(form.lead_unit.choices):
        # A co-organiser edits a contest another unit leads: the lead stays as it is.
        form.lead_unit.choices.append((contest.lead_unit_id, contest.lead_unit.name))
    form.co_units.choices = unit_choices()
    form.eligible_districts.choices = district_choices()[1:]
    form.eligible_unit_kinds.choices = [(k, str(UNIT_KIND_LABELS[k])) for k in UNIT_KINDS]
    if contest is not None and not form.is_submitted():
        form.programme.data = contest.programme_id
        form.lead_unit.data = contest.lead_unit_id
        form.co_units.data = [u.id for u in contest.co_units]
        for name in PHASE_FIELDS:
            getattr(form, name).data = _to_local(getattr(contest, name))
    return form


def _contest_values(form: ContestForm) -> dict:
    values = {name: getattr(form, name).data for name in contests.CONTEST_FIELDS}
    for name in PHASE_FIELDS:
        values[name] = _to_utc(values[name])
    for name in ("votes_per_day", "vote_weight"):
        if values[name] is None:
            values[name] = form[name].default
    values["programme"] = db.session.get(Programme, form.programme.data) if form.programme.data else None
    values["lead_unit"] = unit_or_none(form.lead_unit.data)
    values["co_units"] = [db.session.get(Unit, uid) for uid in form.co_units.data or []]
    return values


def _save_contest(contest: Contest | None):
    form = _contest_form(contest)
    if form.is_submitted() and not form.validate():
        # Show the service's rules too, so every problem appears at once.
        for name, message in contests.contest_errors(contest, _contest_values(form), current_user).items():
            if not form[name].errors:
                form[name].errors = list(form[name].errors) + [message]
    elif form.is_submitted():
        with saving(form) as outcome:
            contest = contests.save_contest(current_user, contest, _contest_values(form))
        if outcome.ok:
            flash(_("The contest has been saved."), "success")
            return redirect(url_for("organiser.contest", contest_id=contest.id))
    return render_template("organiser/contest_form.html", form=form, contest=contest)


@bp.route("/contests/new", methods=["GET", "POST"])
@require(can_create_contest)
def new_contest():
    return _save_contest(None)


def _managed_contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id) or abort(404)
    if not can_manage_contest(current_user, contest):
        abort(403)
    return contest


@bp.route("/contests/<int:contest_id>")
@require(can_use_console)
def contest(contest_id: int):
    c = _managed_contest(contest_id)
    return render_template("organiser/contest.html", contest=c, phase=contests.phase(c),
                           delete_form=ConfirmForm())


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_contest(contest_id: int):
    return _save_contest(_managed_contest(contest_id))


# --- categories -------------------------------------------------------------

def _category_form(category: Category | None) -> CategoryForm:
    form = CategoryForm(obj=category)
    form.kind.choices = [(k, str(KIND_LABELS[k])) for k in ENTRY_KINDS]
    return form


def _save_category(contest: Contest, category: Category | None):
    form = _category_form(category)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in contests.CATEGORY_FIELDS
                  if hasattr(form, name)}
        values["code"] = (values["code"] or "").strip().upper()
        with saving(form) as outcome:
            contests.save_category(current_user, contest, category, values)
        if outcome.ok:
            flash(_("The category has been saved."), "success")
            return redirect(url_for("organiser.contest", contest_id=contest.id))
    return render_template("organiser/category_form.html", form=form, contest=contest,
                           category=category)


@bp.route("/contests/<int:contest_id>/categories/new", methods=["GET", "POST"])
@require(can_use_console)
def new_category(contest_id: int):
    return _save_category(_managed_contest(contest_id), None)


def _managed_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id) or abort(404)
    _managed_contest(category.contest_id)
    return category


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_category(category_id: int):
    category = _managed_category(category_id)
    return _save_category(category.contest, category)


@bp.route("/categories/<int:category_id>/delete", methods=["POST"])
@require(can_use_console)
def delete_category(category_id: int):
    category = _managed_category(category_id)
    contest_id = category.contest_id
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            contests.delete_category(current_user, category)
        if outcome.ok:
            flash(_("The category has been deleted."), "success")
    return redirect(url_for("organiser.contest", contest_id=contest_id))
