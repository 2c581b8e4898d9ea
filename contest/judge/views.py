"""The judge's panel: a queue with progress, and a scoring page built for the
keyboard. Blind rounds show nothing of who made an entry."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db, limiter
from ..forms_common import ConfirmForm, saving
from ..h5_links import h5_src_for
from ..models import JudgeAssignment, Round
from ..policies import can_score, is_judge
from ..services import judge_assignments, judge_home, score_reports, score_sheets
from ..services.errors import ValidationErrors
from ..state import round_is_open
from ..templating import shanghai
from ..view_gates import require
from ..view_helpers import load

bp = Blueprint("judge", __name__)


def _mine(round_id: int | None = None):
    stmt = select(JudgeAssignment).where(JudgeAssignment.judge_id == current_user.id,
                                         JudgeAssignment.state != "recused")
    if round_id is not None:
        stmt = stmt.where(JudgeAssignment.round_id == round_id)
    return stmt


@bp.route("/")
@require(is_judge)
def home():
    return render_template("judge/home.html", groups=judge_home.rounds_by_contest(current_user))


@bp.route("/rounds/<int:round_id>")
@require(is_judge)
def queue(round_id: int):
    rnd = load(Round, round_id)
    items = list(db.session.scalars(_mine(round_id).order_by(JudgeAssignment.order_key, JudgeAssignment.id)
                                    .options(selectinload(JudgeAssignment.entry),
                                             selectinload(JudgeAssignment.score))))
    if not items:
        abort(404)
    done = sum(1 for i in items if i.state == "scored")
    show = request.args.get("show", "all")
    shown = [i for i in items if show == "all" or (show == "todo") == (i.state != "scored")]
    return render_template("judge/queue.html", rnd=rnd, items=shown, done=done, total=len(items), show=show)


def _item(assignment_id: int) -> JudgeAssignment:
    return load(JudgeAssignment, assignment_id, can_score)


def _neighbours(item: JudgeAssignment) -> tuple[int | None, int | None, int | None]:
    ids = [(i.id, i.state) for i in db.session.scalars(
        _mine(item.round_id).order_by(JudgeAssignment.order_key, JudgeAssignment.id))]
    order = [i for i, _state in ids]
    at = order.index(item.id)
    prev_id = order[at - 1] if at > 0 else None
    next_id = order[at + 1] if at + 1 < len(order) else None
    after = order[at + 1:] + order[:at]
    todo = next((i for i in after if dict(ids)[i] != "scored"), None)
    return prev_id, next_id, todo


@bp.route("/assignments/<int:assignment_id>")
@require(is_judge)
def score_page(assignment_id: int):
    item = _item(assignment_id)
    prev_id, next_id, _todo = _neighbours(item)
    items = list(db.session.scalars(_mine(item.round_id)))
    done = sum(1 for i in items if i.state == "scored")
    return render_template("judge/score.html", item=item, rnd=item.round, entry=item.entry,
                           prev_id=prev_id, next_id=next_id, done=done, total=len(items),
                           open_now=round_is_open(item), h5_src=h5_src_for(item.entry),
                           confirm=ConfirmForm())


@bp.route("/assignments/<int:assignment_id>/score", methods=["POST"])
@require(is_judge)
@limiter.limit(lambda: current_app.config["AUTOSAVE_LIMIT"], key_func=lambda: f"judge:{current_user.id}")
def save_score(assignment_id: int):
    item = _item(assignment_id)
    data = request.get_json(silent=True) if request.is_json else None
    as_json = request.is_json
    if as_json and not (isinstance(data, dict) and isinstance(data.get("values", {}), dict)):
        return jsonify(ok=False, message=_("The request could not be understood.")), 400
    if data is None:
        data = {"values": {k[1:]: v for k, v in request.form.items() if k.startswith("c") and k[1:].isdigit()},
                "comment": request.form.get("comment", ""), "version": request.form.get("version"),
                "final": request.form.get("final") == "1"}
    # A page loaded before any score existed carries no version: that is version 0,
    # so a second tab cannot overwrite a score it never saw.
    try:
        version = int(data.get("version") or 0)
    except (TypeError, ValueError):
        return jsonify(ok=False, message=_("The request could not be understood.")), 400
    comment = data.get("comment") if isinstance(data.get("comment"), str) else ""
    with saving(show=False) as outcome:
        score = score_sheets.record_score(current_user, item, data.get("values") or {}, comment,
                                          final=bool(data.get("final")), expected_version=version)
    if not outcome.ok:
        exc = outcome.error
        status = 409 if isinstance(exc, score_sheets.ScoreConflict) else 422 if isinstance(
            exc, ValidationErrors) else 403
        message = "；".join(exc.errors.values()) if isinstance(exc, ValidationErrors) else exc.message
        if as_json:
            return jsonify(ok=False, message=message), status
        flash(message, "error")
        return redirect(url_for("judge.score_page", assignment_id=item.id))
    if as_json:
        return jsonify(ok=True, version=score.version, final=score.final, total=score.total,
                       saved_at=shanghai(score.updated_at, "HH:mm"))
    if score.final:
        flash(_("Saved: the score for %(number)s is submitted.", number=item.entry.number), "success")
    else:
        flash(_("Saved as a draft: %(number)s.", number=item.entry.number), "success")
    _prev, _next, todo = _neighbours(item)
    if score.final and todo is not None:
        return redirect(url_for("judge.score_page", assignment_id=todo))
    return redirect(url_for("judge.queue", round_id=item.round_id))


@bp.route("/assignments/<int:assignment_id>/recuse", methods=["POST"])
@require(is_judge)
def recuse(assignment_id: int):
    item = _item(assignment_id)
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            judge_assignments.recuse(current_user, item, request.form.get("reason", ""))
        if not outcome.ok:
            return redirect(url_for("judge.score_page", assignment_id=item.id))
        flash(_("You have stepped back from this entry; it has gone to another judge."), "success")
    return redirect(url_for("judge.queue", round_id=item.round_id))


@bp.route("/rounds/<int:round_id>/sheet.pdf")
@require(is_judge)
def my_sheet(round_id: int):
    """The judge's own 评分表 of a round, to print and sign."""
    rnd = load(Round, round_id)
    if db.session.scalar(_mine(round_id).limit(1)) is None:
        abort(404)
    buffer = io.BytesIO()
    score_reports.write_judge_sheets(rnd, current_user, buffer)
    buffer.seek(0)
    response = send_file(buffer, mimetype="application/pdf",
                         download_name=_("%(round)s score sheet %(judge)s", round=rnd.name,
                                         judge=current_user.real_name) + ".pdf")
    response.headers["Cache-Control"] = "no-store"
    return response
