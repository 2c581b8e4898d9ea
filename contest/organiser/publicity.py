"""The organiser's 公示: publish the proposed list as a numbered version,
answer objections with reasons, publish the final result after the window;
every version stays readable here."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms_common import ConfirmForm, saving
from ..models import Contest, Objection, ResultVersion
from ..phases import SHANGHAI
from ..policies import can_use_console
from ..services import publicity, results
from ..view_gates import require
from .results import _contest
from .views import bp


def _back(contest: Contest):
    return redirect(url_for("organiser.publicity_overview", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/publicity")
@require(can_use_console)
def publicity_overview(contest_id: int):
    contest = _contest(contest_id)
    current = publicity.latest(contest)
    return render_template("organiser/publicity.html", contest=contest, versions=publicity.versions(contest),
                           current=current, open_now=publicity.window_open(current),
                           objections=publicity.objections(contest), award_label=results.award_label,
                           form=ConfirmForm())


@bp.route("/contests/<int:contest_id>/publicity/versions/<int:version_number>")
@require(can_use_console)
def publicity_version(contest_id: int, version_number: int):
    contest = _contest(contest_id)
    version = db.session.scalar(select(ResultVersion).where(ResultVersion.contest_id == contest.id,
                                                            ResultVersion.number == version_number)) or abort(404)
    return render_template("organiser/publicity_version.html", contest=contest, version=version,
                           award_label=results.award_label)


@bp.route("/contests/<int:contest_id>/publicity/publish", methods=["POST"])
@require(can_use_console)
def publicity_publish(contest_id: int):
    contest = _contest(contest_id)
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            version = publicity.publish_publicity(current_user, contest, request.form.get("days", 0, type=int),
                                                  request.form.get("note", ""))
        if outcome.ok:
            flash(_("Version %(n)d is published for publicity until %(end)s.", n=version.number,
                    end=version.ends_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")), "success")
    return _back(contest)


@bp.route("/contests/<int:contest_id>/publicity/final", methods=["POST"])
@require(can_use_console)
def publicity_final(contest_id: int):
    contest = _contest(contest_id)
    if ConfirmForm().validate_on_submit():
        with saving() as outcome:
            publicity.publish_final(current_user, contest)
        if outcome.ok:
            flash(_("The final result is published; entrants see it on their status pages."), "success")
    return _back(contest)


@bp.route("/contests/<int:contest_id>/objections/<int:objection_id>", methods=["POST"])
@require(can_use_console)
def objection_decide(contest_id: int, objection_id: int):
    contest = _contest(contest_id)
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.contest_id != contest.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        decision = request.form.get("decision")
        if decision not in ("uphold", "dismiss"):
            flash(_("Please choose to uphold or dismiss the objection."), "error")
            return _back(contest)
        with saving() as outcome:
            publicity.decide_objection(current_user, objection, decision == "uphold", request.form.get("reason", ""))
        if outcome.ok:
            flash(_("Objection %(n)d decided.", n=objection.id), "success")
    return _back(contest)
