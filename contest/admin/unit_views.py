"""The admin's units: added, edited, removed (only when nothing refers to them)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms_common import ConfirmForm, district_choices, saving
from ..labels import UNIT_KIND_LABELS
from ..models import Unit
from ..models.accounts import UNIT_KINDS
from ..policies import can_manage_users
from ..services import units as units_service
from ..services.accounts import mask_phone
from ..view_gates import require
from ..view_helpers import confirm_action, load
from .blueprint import bp
from .forms import UnitForm


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.kind.choices = [(k, str(UNIT_KIND_LABELS[k])) for k in UNIT_KINDS]
    form.district.choices = district_choices(_("— citywide —"))
    return form


def _values(form: UnitForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "district": form.district.data,
            "contact_name": form.contact_name.data, "contact_phone": form.contact_phone.data}


@bp.route("/units", methods=["GET", "POST"])
@require(can_manage_users)
def units():
    form = _unit_form()
    if form.validate_on_submit():
        with saving(form) as outcome:
            units_service.add_unit(current_user, **_values(form))
        if outcome.ok:
            flash(_("The unit has been added."), "success")
            return redirect(url_for("admin.units"))
    rows = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.id))
    return render_template("admin/units.html", form=form, rows=rows, mask_phone=mask_phone)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@require(can_manage_users)
def unit_edit(unit_id: int):
    unit = load(Unit, unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit():
        with saving(form) as outcome:
            units_service.update_unit(current_user, unit, **_values(form))
        if outcome.ok:
            flash(_("The unit has been saved."), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit.html", form=form, unit=unit, delete_form=ConfirmForm(),
                           ties=units_service.unit_ties(unit))


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@require(can_manage_users)
def unit_delete(unit_id: int):
    unit = load(Unit, unit_id)
    return confirm_action(lambda: units_service.delete_unit(current_user, unit), _("The unit has been removed."),
                          url_for("admin.units"))
