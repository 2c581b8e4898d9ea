"""The console's programmes: the yearly umbrella a contest belongs to."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...forms_common import saving, unit_choices, unit_or_none
from ...models import Programme
from ...policies import can_create_contest, can_lead_with, can_manage_programme, can_use_console
from ...services import contests
from ...view_gates import require
from ...view_helpers import load
from .forms import ProgrammeForm

bp = Blueprint("programmes", __name__)


def _programme_form(programme: Programme | None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme)
    form.lead_unit.choices = [(uid, name) for uid, name in unit_choices() if can_lead_with(current_user, uid)]
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
    return render_template("organiser/programmes/programme_form.html", form=form, programme=programme)


@bp.route("/programmes/new", methods=["GET", "POST"])
@require(can_create_contest)
def new_programme():
    return _save_programme(None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_programme(programme_id: int):
    return _save_programme(load(Programme, programme_id, can_manage_programme))
