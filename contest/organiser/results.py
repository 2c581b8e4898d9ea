"""The organiser's results page: the blend of judging and the public vote,
the final ranking per category with suggested awards, award levels and
recommendations to the provincial selection; and the exports."""
from __future__ import annotations

import os
import tempfile

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms_common import ConfirmForm, saving
from ..models import AWARD_LEVELS, Category, Contest, Entry
from ..policies import can_export_personal_data, can_manage_results, can_use_console
from ..services import exports, results
from ..services.errors import ServiceError
from ..view_gates import require
from .views import bp

PER_PAGE = 50


def _contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id) or abort(404)
    if not can_manage_results(current_user, contest):
        abort(403)
    return contest


def _entry(contest: Contest, entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.contest_id != contest.id:
        abort(404)
    return entry


@bp.route("/contests/<int:contest_id>/results")
@require(can_use_console)
def results_overview(contest_id: int):
    contest = _contest(contest_id)
    settings = results.settings_for(contest)
    ranking = results.ranking(contest, settings)
    categories = [c for c in contest.categories if c.id in ranking] or list(contest.categories)
    chosen = request.args.get("category", type=int)
    category = next((c for c in categories if c.id == chosen), categories[0] if categories else None)
    rows = ranking.get(category.id, []) if category else []
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    recommended = sum(1 for r in rows if r.recommended)   # the ranking is computed once per page
    # Each level as set against its count: a tie on a boundary can fill a level twice and leave the next empty.
    counts = (settings.award_counts or {}).get(str(category.id), {}) if category else {}
    levels = [(lv, sum(1 for r in rows if r.award == lv), counts.get(lv, 0)) for lv in AWARD_LEVELS]
    return render_template(
        "organiser/results.html", contest=contest, settings=settings, formula=results.formula_text(settings),
        judging_round=results.judging_round(contest, settings), rounds=results.finalised_rounds(contest),
        categories=categories, category=category, rows=rows[(page - 1) * PER_PAGE: page * PER_PAGE], page=page,
        pages=pages, total=len(rows), recommended=recommended, levels=AWARD_LEVELS, level_totals=levels,
        award_label=results.award_label, form=ConfirmForm())


def _back(contest: Contest, **args):
    return redirect(url_for("organiser.results_overview", contest_id=contest.id, **args))


@bp.route("/contests/<int:contest_id>/results/settings", methods=["POST"])
@require(can_use_console)
def results_settings(contest_id: int):
    contest = _contest(contest_id)
    if ConfirmForm().validate_on_submit():
        counts = {str(c.id): {lv: request.form.get(f"award_{c.id}_{lv}", "") for lv in AWARD_LEVELS}
                  for c in contest.categories}
        with saving() as outcome:
            results.save_settings(current_user, contest, {
                "judge_weight": request.form.get("judge_weight"), "vote_weight": request.form.get("vote_weight"),
                "vote_mapping": request.form.get("vote_mapping"),
                "round_id": request.form.get("round_id", type=int), "award_counts": counts})
        if outcome.ok:
            flash(_("The result settings have been saved."), "success")
    return _back(contest)


@bp.route("/contests/<int:contest_id>/results/<int:entry_id>/award", methods=["POST"])
@require(can_use_console)
def results_award(contest_id: int, entry_id: int):
    contest = _contest(contest_id)
    entry = _entry(contest, entry_id)
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            results.set_award(current_user, contest, entry, request.form.get("award") or None)
        if outcome.ok:
            flash(_("%(number)s: award saved.", number=entry.number), "success")
    return _back(contest, category=entry.category_id, page=request.form.get("page", 1, type=int))


@bp.route("/contests/<int:contest_id>/results/<int:entry_id>/recommend", methods=["POST"])
@require(can_use_console)
def results_recommend(contest_id: int, entry_id: int):
    contest = _contest(contest_id)
    entry = _entry(contest, entry_id)
    if ConfirmForm().validate_on_submit():
        wanted = request.form.get("recommended") == "1"
        with saving() as outcome:
            results.set_recommendation(current_user, contest, entry, wanted, request.form.get("reason", ""))
        if outcome.ok:
            flash(_("%(number)s: recommendation saved.", number=entry.number) if wanted
                  else _("%(number)s: recommendation withdrawn.", number=entry.number), "success")
    return _back(contest, category=entry.category_id, page=request.form.get("page", 1, type=int))


@bp.route("/contests/<int:contest_id>/results/categories/<int:category_id>/apply", methods=["POST"])
@require(can_use_console)
def results_apply(contest_id: int, category_id: int):
    contest = _contest(contest_id)
    category = db.session.get(Category, category_id)
    if category is None or category.contest_id != contest.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            changed = results.apply_suggestions(current_user, contest, category)
        if outcome.ok:
            flash(_("Suggested awards applied: %(n)d entries changed.", n=changed), "success")
    return _back(contest, category=category.id)


EXPORT_KINDS = {"recommended": exports.FORMATS, "ledger": exports.LEDGER_FORMATS}
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "zip": "application/zip"}


@bp.route("/contests/<int:contest_id>/exports")
@require(can_use_console)
def exports_page(contest_id: int):
    contest = _contest(contest_id)
    return render_template("organiser/exports.html", contest=contest, kinds=EXPORT_KINDS,
                           recommended=len(results.recommended_ids(contest)),
                           may_unmask=can_export_personal_data(current_user, contest), form=ConfirmForm())


@bp.route("/contests/<int:contest_id>/exports/<kind>", methods=["POST"])
@require(can_use_console)
def export_download(contest_id: int, kind: str):
    contest = _contest(contest_id)
    if kind not in EXPORT_KINDS:
        abort(404)
    back = redirect(url_for("organiser.exports_page", contest_id=contest.id))
    if not ConfirmForm().validate_on_submit():
        return back
    fmt, full, reason = request.form.get("format", ""), request.form.get("full") == "1", request.form.get("reason")
    if fmt not in EXPORT_KINDS[kind]:
        flash(_("Unknown export format."), "error")
        return back
    handle, path = tempfile.mkstemp(prefix="contest-export-", suffix=f".{fmt}")
    os.close(handle)
    try:
        done = getattr(exports, f"export_{kind}")(current_user, contest, fmt, path, full=full, reason=reason)
        # The file is made; the audit event is a short write of its own (record_export ends the reads).
        exports.record_export(current_user, contest, kind, fmt, done, full=full, reason=reason)
        db.session.commit()
        made = open(path, "rb")   # noqa: SIM115 (send_file closes it; the name is gone already)
    except ServiceError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return back
    finally:
        os.unlink(path)
    name = {"recommended": _("recommended"), "ledger": _("ledger")}[kind]
    response = send_file(made, mimetype=MIMETYPES[fmt], as_attachment=True,
                         download_name=f"{contest.title}_{name}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response
