"""The console's contests and their categories."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...forms_common import ConfirmForm, district_choices, saving, unit_choices, unit_or_none
from ...labels import KIND_LABELS, UNIT_KIND_LABELS
from ...models import ENTRY_KINDS, Category, Contest, Programme, Unit
from ...models.accounts import UNIT_KINDS
from ...models.contests import PHASE_FIELDS
from ...policies import (
    can_add_to_programme,
    can_create_contest,
    can_lead_with,
    can_manage_contest,
    can_use_console,
)
from ...services import contests
from ...view_gates import require
from ...view_helpers import confirm_action, load
from ..forms import to_local, to_utc
from .forms import CategoryForm, ContestForm

bp = Blueprint("contests", __name__)


def _contest_form(contest: Contest | None) -> ContestForm:
    form = ContestForm(obj=contest)
    form.programme.choices = [
        (p.id, f"{p.year} {p.title}")
        for p in db.session.scalars(select(Programme).order_by(Programme.year.desc()))
        if can_add_to_programme(current_user, p) or (contest is not None and p.id == contest.programme_id)]
    form.lead_unit.choices = [(uid, name) for uid, name in unit_choices() if can_lead_with(current_user, uid)]
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
            getattr(form, name).data = to_local(getattr(contest, name))
    return form


def _contest_values(form: ContestForm) -> dict:
    values = {name: getattr(form, name).data for name in contests.CONTEST_FIELDS}
    for name in PHASE_FIELDS:
        values[name] = to_utc(values[name])
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
            return redirect(url_for("organiser.contests.contest", contest_id=contest.id))
    return render_template("organiser/contests/contest_form.html", form=form, contest=contest)


@bp.route("/contests/new", methods=["GET", "POST"])
@require(can_create_contest)
def new_contest():
    return _save_contest(None)


@bp.route("/contests/<int:contest_id>")
@require(can_use_console)
def contest(contest_id: int):
    c = load(Contest, contest_id, can_manage_contest)
    return render_template("organiser/contests/contest.html", contest=c, phase=contests.phase(c),
                           delete_form=ConfirmForm())


@bp.route("/contests/<int:contest_id>/publish", methods=["POST"])
@require(can_use_console)
def publish_contest(contest_id: int):
    c = load(Contest, contest_id, can_manage_contest)
    public = request.form.get("published") == "1"
    return confirm_action(lambda: contests.set_published(current_user, c, public),
                          _("The contest is now on the public site.") if public
                          else _("The contest is no longer on the public site."),
                          url_for("organiser.contests.contest", contest_id=c.id))


@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_contest(contest_id: int):
    return _save_contest(load(Contest, contest_id, can_manage_contest))


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
            return redirect(url_for("organiser.contests.contest", contest_id=contest.id))
    return render_template("organiser/contests/category_form.html", form=form, contest=contest,
                           category=category)


@bp.route("/contests/<int:contest_id>/categories/new", methods=["GET", "POST"])
@require(can_use_console)
def new_category(contest_id: int):
    return _save_category(load(Contest, contest_id, can_manage_contest), None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_category(category_id: int):
    category = load(Category, category_id, can_manage_contest, via="contest")
    return _save_category(category.contest, category)


@bp.route("/categories/<int:category_id>/delete", methods=["POST"])
@require(can_use_console)
def delete_category(category_id: int):
    category = load(Category, category_id, can_manage_contest, via="contest")
    return confirm_action(lambda: contests.delete_category(current_user, category),
                          _("The category has been deleted."),
                          url_for("organiser.contests.contest", contest_id=category.contest_id))
