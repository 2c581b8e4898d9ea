from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..extensions import db
from ..forms_common import ConfirmForm, district_choices, saving, unit_choices, unit_or_none
from ..labels import ROLE_LABELS, UNIT_KIND_LABELS
from ..models import ROLES, AuditEvent, RoleGrant, Unit, User
from ..models.accounts import UNIT_KINDS
from ..policies import can_manage_users
from ..services import accounts
from ..services import units as units_service
from ..services.accounts import mask_phone
from ..view_gates import require
from ..view_helpers import confirm_action, load
from .forms import GrantForm, UnitForm

bp = Blueprint("admin", __name__)
PAGE_SIZE = 50


@bp.route("/users")
@require(can_manage_users)
def users():
    q = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(User).order_by(User.id)
    if q:
        stmt = stmt.where(or_(User.phone.contains(q), User.real_name.contains(q)))
    rows = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", rows=rows, q=q, mask_phone=mask_phone)


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.role.choices = [(r, str(ROLE_LABELS[r])) for r in ROLES]
    form.unit.choices = unit_choices((0, _("— none —")))
    return form


@bp.route("/users/<int:user_id>")
@require(can_manage_users)
def user(user_id: int):
    target = load(User, user_id)
    return render_template("admin/user.html", target=target, form=_grant_form(),
                           revoke_form=ConfirmForm(), mask_phone=mask_phone)


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
@require(can_manage_users)
def grant(user_id: int):
    target = load(User, user_id)
    form = _grant_form()
    if form.validate_on_submit():
        with saving(form) as outcome:
            accounts.grant_role(current_user, target, form.role.data, unit_or_none(form.unit.data))
        if outcome.ok:
            flash(_("The role has been granted."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    return render_template("admin/user.html", target=target, form=form,
                           revoke_form=ConfirmForm(), mask_phone=mask_phone), 422


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@require(can_manage_users)
def revoke(grant_id: int):
    grant = load(RoleGrant, grant_id)
    return confirm_action(lambda: accounts.revoke_role(current_user, grant), _("The role has been removed."),
                          url_for("admin.user", user_id=grant.user_id))


def _unit_form() -> UnitForm:
    form = UnitForm()
    form.kind.choices = [(k, str(UNIT_KIND_LABELS[k])) for k in UNIT_KINDS]
    form.district.choices = district_choices(_("— citywide —"))
    return form


@bp.route("/units", methods=["GET", "POST"])
@require(can_manage_users)
def units():
    form = _unit_form()
    if form.validate_on_submit():
        with saving(form) as outcome:
            units_service.add_unit(current_user, name=form.name.data, kind=form.kind.data,
                              district=form.district.data)
        if outcome.ok:
            flash(_("The unit has been added."), "success")
            return redirect(url_for("admin.units"))
    rows = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.id))
    return render_template("admin/units.html", form=form, rows=rows)


@bp.route("/audit")
@require(can_manage_users)
def audit_log():
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    rows = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", rows=rows)
