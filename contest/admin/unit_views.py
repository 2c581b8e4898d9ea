"""The admin's units: added, edited, removed (only when nothing refers to them)."""
import io
import tempfile

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..exports.unit_sheet import SheetRefused, write_template
from ..extensions import db
from ..forms_common import ConfirmForm, district_choices, saving
from ..labels import ROLE_LABELS, UNIT_KIND_LABELS
from ..models import Unit
from ..models.accounts import UNIT_KINDS
from ..policies import can_manage_users
from ..requests import upload_route
from ..services import unit_import
from ..services import units as units_service
from ..services.accounts import mask_phone
from ..services.errors import ServiceError
from ..services.people import SETUP_LINK_HOURS
from ..view_gates import require
from ..view_helpers import confirm_action, load
from .blueprint import bp
from .forms import ImportForm, UnitForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@upload_route("admin.units_import", receiver=tempfile.TemporaryFile)
def _import_limit(_view_args: dict) -> int:
    return unit_import.MAX_BYTES


@bp.route("/units/template.xlsx")
@require(can_manage_users)
def units_template():
    """The import template, made afresh (its lists follow the kinds and districts configured)."""
    buffer = io.BytesIO()
    write_template(buffer, kinds=[str(UNIT_KIND_LABELS[k]) for k in UNIT_KINDS],
                   districts=list(current_app.config["DISTRICTS"]),
                   roles=[str(ROLE_LABELS[r]) for r in unit_import.MEMBER_ROLES])
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name="单位和成员导入模板.xlsx")


@bp.route("/units/import", methods=["GET", "POST"])
@require(can_manage_users)
def units_import():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.sheet.data
        data = upload.read(unit_import.MAX_BYTES + 1) if upload else b""
        if not data:
            form.sheet.errors.append(_("Please choose the filled-in template."))
        elif len(data) > unit_import.MAX_BYTES:
            form.sheet.errors.append(_("The file is too large or unpacks to too much data."))
        else:
            with saving(form, refusals=(ServiceError, SheetRefused), show=False) as outcome:
                report = unit_import.import_units(current_user, data)
            if isinstance(outcome.error, SheetRefused):
                form.sheet.errors.append(unit_import.file_refusal(outcome.error))
    links = {r.row: url_for("accounts.setup", token=r.setup_token, _external=True)
             for r in (report.rows if report else []) if r.setup_token}
    return render_template("admin/units_import.html", form=form, report=report, links=links,
                           max_rows=unit_import.MAX_ROWS, max_mb=unit_import.MAX_BYTES // (1024 * 1024),
                           hours=SETUP_LINK_HOURS)
