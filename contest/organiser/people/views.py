"""The judges' pool (评委库): every judge on the platform with a masked phone,
and judges invited by phone number: a new account gets a one-time set-up link
shown to the organiser (until notifications exist), an existing one the role."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...forms_common import ConfirmForm, saving
from ...models import RoleGrant, User
from ...policies import can_issue_judge_link, can_use_console
from ...services import people
from ...services.accounts import mask_phone
from ...view_gates import require
from ...view_helpers import load
from .forms import InviteJudgeForm

bp = Blueprint("people", __name__)
PAGE_SIZE = 50


def _page(form: InviteJudgeForm | None = None, *, link: str | None = None, invited: User | None = None,
          status: int = 200):
    q = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(User).where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == "judge"))) \
        .order_by(User.real_name, User.id)
    if (clause := people.user_search(q)) is not None:
        stmt = stmt.where(clause)
    rows = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("organiser/people/judges.html", rows=rows, q=q, form=form or InviteJudgeForm(formdata=None),
                           link_form=ConfirmForm(), link=link, invited=invited, mask_phone=mask_phone,
                           has_password=people.has_password, hours=people.SETUP_LINK_HOURS), status


@bp.route("/people/judges")
@require(can_use_console)
def judges():
    return _page()


@bp.route("/people/judges/invite", methods=["POST"])
@require(can_use_console)
def invite_judge():
    form = InviteJudgeForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            user, _created = people.invite(current_user, phone=form.phone.data, name=form.name.data,
                                           role="judge")
        if outcome.ok:
            # A link only for an account the organiser may hand one out for.
            link = url_for("accounts.setup", token=people.setup_token(user), _external=True) \
                if not people.has_password(user) and can_issue_judge_link(current_user, user) else None
            return _page(link=link, invited=user)
    return _page(form, status=422)


@bp.route("/people/judges/<int:user_id>/setup-link", methods=["POST"])
@require(can_use_console)
def judge_setup_link(user_id: int):
    """A new one-time link for a judge who has not set a password yet."""
    judge = load(User, user_id, can_issue_judge_link)
    link = None
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            token = people.new_setup_link(current_user, judge)
        if outcome.ok:
            link = url_for("accounts.setup", token=token, _external=True)
    return _page(link=link, invited=judge if link else None)
