"""The admin's users: finding a person, their roles, and accounts made for
someone else with a one-time set-up link."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms_common import ConfirmForm, saving, unit_choices, unit_or_none
from ..labels import ROLE_LABELS
from ..models import ROLES, RoleGrant, User
from ..policies import can_manage_users
from ..services import accounts, people
from ..services.accounts import mask_phone
from ..view_gates import require
from ..view_helpers import confirm_action, load
from . import audit_views, unit_views  # noqa: F401  (their routes join the blueprint)
from .blueprint import PAGE_SIZE, bp
from .forms import AccountForm, GrantForm

__all__ = ["bp"]


@bp.route("/users")
@require(can_manage_users)
def users():
    q = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(User).order_by(User.id)
    if (clause := people.user_search(q)) is not None:
        stmt = stmt.where(clause)
    rows = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", rows=rows, q=q, mask_phone=mask_phone,
                           has_password=people.has_password)


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.role.choices = [(r, str(ROLE_LABELS[r])) for r in ROLES]
    form.unit.choices = unit_choices((0, _("— none —")))
    return form


def _user_page(target: User, form: GrantForm | None = None, link: str | None = None, status: int = 200):
    return render_template("admin/user.html", target=target, form=form or _grant_form(),
                           revoke_form=ConfirmForm(), mask_phone=mask_phone, link=link,
                           has_password=people.has_password(target), hours=people.SETUP_LINK_HOURS), status


@bp.route("/users/<int:user_id>")
@require(can_manage_users)
def user(user_id: int):
    return _user_page(load(User, user_id))


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
    return _user_page(target, form, status=422)


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@require(can_manage_users)
def revoke(grant_id: int):
    grant = load(RoleGrant, grant_id)
    return confirm_action(lambda: accounts.revoke_role(current_user, grant), _("The role has been removed."),
                          url_for("admin.user", user_id=grant.user_id))


@bp.route("/users/<int:user_id>/setup-link", methods=["POST"])
@require(can_manage_users)
def setup_link(user_id: int):
    """A new one-time link for an account without a password, shown once on the page."""
    target = load(User, user_id)
    link = None
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            token = people.new_setup_link(current_user, target)
        if outcome.ok:
            link = url_for("accounts.setup", token=token, _external=True)
    return _user_page(target, link=link)


def _account_form() -> AccountForm:
    form = AccountForm()
    form.role.choices = [(r, str(ROLE_LABELS[r])) for r in ROLES]
    form.unit.choices = unit_choices((0, _("— none —")))
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@require(can_manage_users)
def new_account():
    form = _account_form()
    if form.validate_on_submit():
        with saving(form) as outcome:
            target, created = people.invite(current_user, phone=form.phone.data, name=form.name.data,
                                            role=form.role.data, unit=unit_or_none(form.unit.data))
        if outcome.ok:
            link = url_for("accounts.setup", token=people.setup_token(target), _external=True) \
                if not people.has_password(target) else None
            flash(_("The account has been created.") if created else
                  _("The number already had an account: the role has been added to it."), "success")
            return _user_page(target, link=link)
    return render_template("admin/new_account.html", form=form)
