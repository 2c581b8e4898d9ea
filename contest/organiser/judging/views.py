"""The organiser's side of judging: rounds, criteria, panels, assignment,
progress, results and advancement."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...forms_common import ConfirmForm, ReasonForm, saving
from ...models import ADVANCE_RULES, AGGREGATIONS, Category, Contest, Criterion, PanelMember, Round, RoundEntry, User
from ...models.accounts import RoleGrant
from ...policies import can_manage_contest, can_use_console
from ...services import advancement, conflicts, judge_assignments, rounds, score_reports
from ...services.round_results import method_ranks, results_table
from ...view_gates import require
from ...view_helpers import confirm_action, load
from ..forms import to_local, to_utc
from .forms import CriterionForm, FeedbackForm, PanelForm, RoundForm

bp = Blueprint("judging", __name__)


def _labels():
    return {
        "mean": _l("Mean"), "median": _l("Median"), "trimmed": _l("Trimmed mean (drop highest and lowest)"),
        "zscore": _l("Standard scores (corrects each judge's scale)"),
        "top_n": _l("Top N per category"), "top_percent": _l("Top per cent per category"),
        "min_score": _l("Minimum score"), "manual": _l("Decided by hand"),
    }


def _round(round_id: int) -> Round:
    return load(Round, round_id, can_manage_contest, via="contest")


def _back(rnd: Round) -> str:
    return url_for("organiser.judging.round_view", round_id=rnd.id)


def _round_form(contest: Contest, rnd: Round | None) -> RoundForm:
    form = RoundForm(obj=rnd)
    labels = _labels()
    form.categories.choices = [(c.id, f"{c.code} {c.name}") for c in contest.categories]
    form.aggregation.choices = [(m, str(labels[m])) for m in AGGREGATIONS]
    form.advance_rule.choices = [(r, str(labels[r])) for r in ADVANCE_RULES]
    if rnd is not None and not form.is_submitted():
        form.categories.data = [c.id for c in rnd.categories]
        for name in ("opens_at", "closes_at"):
            getattr(form, name).data = to_local(getattr(rnd, name))
    return form


def _save_round(contest: Contest, rnd: Round | None):
    form = _round_form(contest, rnd)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in (
            "name", "judges_per_entry", "blind", "aggregation", "advance_rule", "advance_value", "disagreement_at")}
        values["categories"] = [db.session.get(Category, cid) for cid in form.categories.data or []]
        values["opens_at"], values["closes_at"] = to_utc(form.opens_at.data), to_utc(form.closes_at.data)
        with saving(form) as outcome:
            rnd = rounds.save_round(current_user, contest, rnd, values)
        if outcome.ok:
            flash(_("The round has been saved."), "success")
            return redirect(_back(rnd))
    return render_template("organiser/judging/round_form.html", form=form, contest=contest, rnd=rnd)


@bp.route("/contests/<int:contest_id>/rounds")
@require(can_use_console)
def rounds_list(contest_id: int):
    contest = load(Contest, contest_id, can_manage_contest)
    items = db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.position))
    return render_template("organiser/judging/rounds.html", contest=contest, rounds=list(items),
                           feedback_form=FeedbackForm(obj=contest))


@bp.route("/contests/<int:contest_id>/judges-feedback", methods=["POST"])
@require(can_use_console)
def judges_feedback(contest_id: int):
    contest = load(Contest, contest_id, can_manage_contest)
    form = FeedbackForm()
    return confirm_action(lambda: score_reports.set_judges_feedback(current_user, contest, form.judges_feedback.data),
                          _("The setting has been saved."), url_for("organiser.judging.rounds_list",
                                                                    contest_id=contest.id), form=form)


@bp.route("/contests/<int:contest_id>/rounds/new", methods=["GET", "POST"])
@require(can_use_console)
def new_round(contest_id: int):
    return _save_round(load(Contest, contest_id, can_manage_contest), None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@require(can_use_console)
def edit_round(round_id: int):
    rnd = _round(round_id)
    return _save_round(rnd.contest, rnd)


def _panel_form(rnd: Round) -> PanelForm:
    form = PanelForm()
    form.categories.choices = [(c.id, f"{c.code} {c.name}") for c in rnd.categories]
    judges = db.session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                                .where(RoleGrant.role == "judge").distinct().order_by(User.id))
    form.judges.choices = [(u.id, u.real_name) for u in judges]
    if not form.is_submitted():
        form.categories.data = [c.id for c in rnd.categories]   # the usual case: every category
    return form


def _panel_by_judge(rnd: Round) -> list[tuple[User, list[PanelMember]]]:
    """The panel one line per judge (the conflict menu lists each judge once)."""
    by_judge: dict[int, list[PanelMember]] = {}
    for member in sorted(rnd.panel, key=lambda p: (p.category.position, p.category_id)):
        by_judge.setdefault(member.judge_id, []).append(member)
    return sorted(((members[0].judge, members) for members in by_judge.values()), key=lambda pair: pair[0].id)


def _round_page(rnd: Round, criterion_form: CriterionForm | None = None, status: int = 200):
    return render_template("organiser/judging/round.html", rnd=rnd, criterion_form=criterion_form or CriterionForm(),
                           panel_form=_panel_form(rnd), panel=_panel_by_judge(rnd), confirm=ConfirmForm(),
                           progress=rounds.progress(rnd), by_category=rounds.progress_by_category(rnd),
                           labels=_labels(), waiting=len(rounds.eligible_entries(rnd)),
                           self_named=rounds.self_named(rnd) if rnd.blind and status == 200 else []), status


@bp.route("/rounds/<int:round_id>")
@require(can_use_console)
def round_view(round_id: int):
    return _round_page(_round(round_id))


@bp.route("/rounds/<int:round_id>/criteria", methods=["POST"])
@require(can_use_console)
def add_criterion(round_id: int):
    rnd = _round(round_id)
    form = CriterionForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            rounds.save_criterion(current_user, rnd, None, {
                "name": form.name.data, "guidance": form.guidance.data, "max_points": form.max_points.data,
                "weight": form.weight.data})
        if outcome.ok:
            flash(_("The criterion has been added."), "success")
            return redirect(_back(rnd))
    return _round_page(rnd, form, 422)


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
@require(can_use_console)
def delete_criterion(criterion_id: int):
    criterion = load(Criterion, criterion_id, can_manage_contest, via="round.contest")
    return confirm_action(lambda: rounds.delete_criterion(current_user, criterion),
                          _("The criterion has been removed."), _back(criterion.round))


@bp.route("/rounds/<int:round_id>/panel", methods=["POST"])
@require(can_use_console)
def add_panel_member(round_id: int):
    rnd = _round(round_id)
    form = _panel_form(rnd)
    return confirm_action(
        lambda: rounds.add_judges(current_user, rnd, _chosen(Category, form.categories.data),
                                  _chosen(User, form.judges.data), form.max_load.data),
        lambda added: _("%(n)d places on the panel added.", n=added), _back(rnd), form=form)


def _chosen(model, ids: list[int] | None) -> list:
    # The ids were checked against the form's choices.
    return [db.session.get(model, i) for i in ids or []]


@bp.route("/panel/<int:member_id>/delete", methods=["POST"])
@require(can_use_console)
def remove_panel_member(member_id: int):
    member = load(PanelMember, member_id, can_manage_contest, via="round.contest")
    return confirm_action(lambda: rounds.remove_judge(current_user, member), None, _back(member.round))


STEPS = {
    "assign": (lambda rnd: judge_assignments.assign_judges(current_user, rnd), _l("The judges have been assigned.")),
    "open": (lambda rnd: rounds.open_round(current_user, rnd), _l("The round is open for scoring.")),
    "close": (lambda rnd: rounds.close_round(current_user, rnd), _l("The round is closed.")),
    "finalise": (lambda rnd: advancement.finalise_round(current_user, rnd), _l("The round is finalised.")),
}


@bp.route("/rounds/<int:round_id>/conflicts", methods=["POST"])
@require(can_use_console)
def declare_conflict(round_id: int):
    rnd = _round(round_id)
    judge = db.session.get(User, request.form.get("judge", type=int) or 0)
    if judge is None:
        return redirect(_back(rnd))
    return confirm_action(lambda: conflicts.declare_conflict(current_user, rnd, judge, request.form.get("number", ""),
                                                          request.form.get("reason", "")),
                          _("The conflict has been recorded."), _back(rnd))


@bp.route("/rounds/<int:round_id>/<any(assign, open, close, finalise):step>", methods=["POST"])
@require(can_use_console)
def round_step(round_id: int, step: str):
    rnd = _round(round_id)
    action, message = STEPS[step]
    return confirm_action(lambda: action(rnd), message, _back(rnd))


@bp.route("/rounds/<int:round_id>/results")
@require(can_use_console)
def round_results(round_id: int):
    rnd = _round(round_id)
    rows = results_table(rnd)
    # The rank under every method is a view of its own: it ranks the round four times.
    by_method = request.args.get("view") == "methods"
    stability = method_ranks(rnd) if by_method else {}
    sort = request.args.get("sort", "rank")
    # Categories compete separately: the table is grouped by category (in the contest's order), sorted within.
    categories = {c.id: c for c in rnd.contest.categories}
    order = {cat_id: i for i, cat_id in enumerate(categories)}
    if sort == "spread":
        rows.sort(key=lambda r: -(r["spread"] or 0))
    elif sort == "number":
        rows.sort(key=lambda r: r["entry"].number or "")
    rows.sort(key=lambda r: order.get(r["entry"].category_id, len(order)))   # stable: keeps the order within
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = 100
    shown = rows[(page - 1) * per_page: page * per_page]
    judges = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(
        {j for r in shown for j in r["totals"]})))}
    return render_template("organiser/judging/round_results.html", rnd=rnd, rows=shown, total=len(rows), page=page,
                           pages=max(1, -(-len(rows) // per_page)), judges=judges, stability=stability,
                           labels=_labels(), form=ReasonForm(), sort=sort, by_method=by_method,
                           categories=categories)


@bp.route("/round-entries/<int:round_entry_id>/advance", methods=["POST"])
@require(can_use_console)
def advance_entry(round_entry_id: int):
    item = load(RoundEntry, round_entry_id, can_manage_contest, via="round.contest")
    form = ReasonForm()
    return confirm_action(
        lambda: advancement.set_advancement(current_user, item, request.form.get("advanced") == "1", form.reason.data),
        _("The decision has been recorded."), url_for("organiser.judging.round_results", round_id=item.round_id),
        form=form)
