"""The organiser's results: the blend of judging and the public vote, the
final ranking per category with suggested awards, award levels and
recommendations to the provincial selection; then the 公示: publish the
proposed list as a numbered version, answer objections with reasons, publish
the final result after the window; every version stays readable here."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...forms_common import ConfirmForm
from ...models import AWARD_LEVELS, Category, Contest, Entry, Objection, ResultVersion
from ...phases import SHANGHAI
from ...policies import can_manage_results, can_use_console
from ...services import publicity, results
from ...view_gates import require
from ...view_helpers import confirm_action, load

bp = Blueprint("results", __name__)
PER_PAGE = 50


@bp.route("/contests/<int:contest_id>/results")
@require(can_use_console)
def results_overview(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    settings = results.settings_for(contest)
    ranking = results.ranking(contest, settings)
    categories = [c for c in contest.categories if c.id in ranking] or list(contest.categories)
    chosen = request.args.get("category", type=int)
    category = next((c for c in categories if c.id == chosen), categories[0] if categories else None)
    rows = ranking.get(category.id, []) if category else []
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    recommended = sum(1 for r in rows if r.recommended)   # the ranking is computed once per page
    # Each level as set against its count: a tie on a boundary can fill a level twice and leave the next empty.
    counts = (settings.award_counts or {}).get(str(category.id), {}) if category else {}
    levels = [(lv, sum(1 for r in rows if r.award == lv), counts.get(lv, 0)) for lv in AWARD_LEVELS]
    return render_template(
        "organiser/results/results.html", contest=contest, settings=settings, formula=results.formula_text(settings),
        judging_round=results.judging_round(contest, settings), rounds=results.finalised_rounds(contest),
        categories=categories, category=category, rows=shown, people=results.people([r.entry_id for r in shown]),
        page=page, pages=pages, total=len(rows), recommended=recommended, quotas=results.quotas(contest, ranking),
        levels=AWARD_LEVELS, level_totals=levels, award_label=results.award_label, form=ConfirmForm())


def _back(contest: Contest, **args) -> str:
    return url_for("organiser.results.results_overview", contest_id=contest.id, **args)


@bp.route("/contests/<int:contest_id>/results/settings", methods=["POST"])
@require(can_use_console)
def results_settings(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    counts = {str(c.id): {lv: request.form.get(f"award_{c.id}_{lv}", "") for lv in AWARD_LEVELS}
              for c in contest.categories}
    return confirm_action(lambda: results.save_settings(current_user, contest, {
        "vote_weight": request.form.get("vote_weight"),
        "vote_mapping": request.form.get("vote_mapping"),
        "round_id": request.form.get("round_id", type=int), "award_counts": counts}),
        _("The result settings have been saved."), _back(contest))


@bp.route("/contests/<int:contest_id>/results/<int:entry_id>/decide", methods=["POST"])
@require(can_use_console)
def results_decide(contest_id: int, entry_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    entry = load(Entry, entry_id, within=contest)
    return confirm_action(
        lambda: results.decide(current_user, contest, entry, request.form.get("award") or None,
                               request.form.get("recommended") == "1", request.form.get("reason", "")),
        _("%(number)s: award and recommendation saved.", number=entry.number),
        _back(contest, category=entry.category_id, page=request.form.get("page", 1, type=int),
              _anchor=f"entry-{entry.id}"))


@bp.route("/contests/<int:contest_id>/results/categories/<int:category_id>/apply", methods=["POST"])
@require(can_use_console)
def results_apply(contest_id: int, category_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    category = load(Category, category_id, within=contest)
    return confirm_action(lambda: results.apply_suggestions(current_user, contest, category),
                          lambda changed: _("Suggested awards applied: %(n)d entries changed.", n=changed),
                          _back(contest, category=category.id))


# --- 公示 (publicity) -------------------------------------------------------

def _publicity(contest: Contest) -> str:
    return url_for("organiser.results.publicity_overview", contest_id=contest.id)


@bp.route("/contests/<int:contest_id>/publicity")
@require(can_use_console)
def publicity_overview(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    current = publicity.latest(contest)
    final = current is not None and current.kind == "final"
    return render_template("organiser/results/publicity.html", contest=contest, versions=publicity.versions(contest),
                           current=current, open_now=publicity.window_open(current),
                           warnings=[] if final else publicity.warnings(contest),
                           objections=publicity.objections(contest), award_label=results.award_label,
                           form=ConfirmForm())


@bp.route("/contests/<int:contest_id>/publicity/versions/<int:version_number>")
@require(can_use_console)
def publicity_version(contest_id: int, version_number: int):
    contest = load(Contest, contest_id, can_manage_results)
    version = db.session.scalar(select(ResultVersion).where(ResultVersion.contest_id == contest.id,
                                                            ResultVersion.number == version_number)) or abort(404)
    return render_template("organiser/results/publicity_version.html", contest=contest, version=version,
                           award_label=results.award_label)


@bp.route("/contests/<int:contest_id>/publicity/publish", methods=["POST"])
@require(can_use_console)
def publicity_publish(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    return confirm_action(
        lambda: publicity.publish_publicity(current_user, contest, request.form.get("days", 0, type=int),
                                            request.form.get("note", ""),
                                            confirmed=request.form.get("confirmed") == "1"),
        lambda version: _("Version %(n)d is published for publicity until %(end)s.", n=version.number,
                          end=version.ends_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")),
        _publicity(contest))


@bp.route("/contests/<int:contest_id>/publicity/phone", methods=["POST"])
@require(can_use_console)
def publicity_phone(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    return confirm_action(lambda: publicity.set_contact_phone(current_user, contest, request.form.get("phone", "")),
                          _("The contact phone for objections has been saved."), _publicity(contest))


@bp.route("/contests/<int:contest_id>/publicity/final", methods=["POST"])
@require(can_use_console)
def publicity_final(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    return confirm_action(lambda: publicity.publish_final(current_user, contest),
                          _("The final result is published; entrants see it on their status pages."),
                          _publicity(contest))


@bp.route("/contests/<int:contest_id>/objections/<int:objection_id>", methods=["POST"])
@require(can_use_console)
def objection_decide(contest_id: int, objection_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    objection = load(Objection, objection_id, within=contest)
    decision = request.form.get("decision")
    if decision not in ("uphold", "dismiss") and ConfirmForm().validate_on_submit():
        flash(_("Please choose to uphold or dismiss the objection."), "error")
        return redirect(_publicity(contest))
    return confirm_action(
        lambda: publicity.decide_objection(current_user, objection, decision == "uphold",
                                           request.form.get("reason", "")),
        _("Objection %(n)d decided.", n=objection.id), _publicity(contest))
