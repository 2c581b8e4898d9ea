"""The organiser's side of the public vote: settings (which entries, which
districts), the tally with a recount, the brushing flags with their evidence
and decisions, and the vote rows (no phone numbers) with invalidation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...forms_common import ConfirmForm, ReasonForm, saving
from ...models import Contest, Entry, Round, Vote, VoteFlag
from ...policies import can_manage_votes, can_use_console
from ...services import brushing_scan, votes
from ...state import voting_entries
from ...view_gates import require
from ...view_helpers import confirm_action, load

bp = Blueprint("votes", __name__)
ROWS_PER_PAGE = 100


@bp.route("/contests/<int:contest_id>/votes")
@require(can_use_console)
def votes_overview(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    rows = db.session.execute(
        voting_entries(contest).with_only_columns(Entry.id, Entry.number, Entry.title)
        .order_by(Entry.number)).all()
    invalid = dict(db.session.execute(
        select(Vote.entry_id, func.count(Vote.id)).where(Vote.contest_id == contest.id, Vote.status == "invalid")
        .group_by(Vote.entry_id)).all())
    counts = votes.tallies(contest)
    rows.sort(key=lambda r: (-counts.get(r.id, 0), r.number or ""))
    rounds = db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.position))
    open_flags = db.session.scalar(select(func.count(VoteFlag.id)).where(
        VoteFlag.contest_id == contest.id, VoteFlag.state == "open"))
    return render_template("organiser/votes/votes.html", contest=contest, rows=rows, counts=counts, invalid=invalid,
                           rounds=list(rounds), open_flags=open_flags, form=ConfirmForm())


@bp.route("/contests/<int:contest_id>/votes/settings", methods=["POST"])
@require(can_use_console)
def votes_settings(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    return confirm_action(lambda: votes.save_settings(current_user, contest, request.form.get("vote_round", type=int),
                                                      request.form.getlist("district")),
                          _("The vote's settings have been saved."),
                          url_for("organiser.votes.votes_overview", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/votes/recount", methods=["POST"])
@require(can_use_console)
def votes_recount(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    if ConfirmForm().validate_on_submit():
        result = votes.recount(contest)
        if result.broken_at is None and not result.drift:
            flash(_("Recount: %(n)d valid votes, every entry's chain intact, every tally equal to its rows.",
                    n=sum(result.counted.values())), "success")
        else:
            flash(_("Recount: the chain breaks at vote %(id)s; tallies differing: %(n)d. Keep the database "
                    "as it is and tell the platform's administrator.",
                    id=result.broken_at if result.broken_at is not None else "—", n=len(result.drift)), "error")
    return redirect(url_for("organiser.votes.votes_overview", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/votes/flags")
@require(can_use_console)
def vote_flags_list(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    state = request.args.get("state", "open")
    query = select(VoteFlag).where(VoteFlag.contest_id == contest.id).order_by(VoteFlag.start.desc())
    if state in ("open", "invalidated", "cleared"):
        query = query.where(VoteFlag.state == state)
    flags = db.session.scalars(query.limit(500)).all()
    return render_template("organiser/votes/vote_flags.html", contest=contest, flags=flags, state=state,
                           thresholds=brushing_scan.thresholds(), form=ReasonForm(), confirm=ConfirmForm())


@bp.route("/contests/<int:contest_id>/votes/scan", methods=["POST"])
@require(can_use_console)
def vote_flags_scan(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    return confirm_action(lambda: brushing_scan.scan(current_user, contest),
                          lambda found: _("Scan finished: %(n)d new groups to review.", n=found),
                          url_for("organiser.votes.vote_flags_list", contest_id=contest.id))


@bp.route("/vote-flags/<int:flag_id>/decide", methods=["POST"])
@require(can_use_console)
def vote_flag_decide(flag_id: int):
    flag = load(VoteFlag, flag_id, can_manage_votes, via="contest")
    form = ReasonForm()
    return confirm_action(lambda: brushing_scan.decide(current_user, flag, request.form.get("action", ""),
                                                    form.reason.data),
                          lambda changed: _("Done: %(n)d votes changed.", n=changed),
                          url_for("organiser.votes.vote_flags_list", contest_id=flag.contest_id), form=form)


@bp.route("/contests/<int:contest_id>/votes/rows")
@require(can_use_console)
def vote_rows(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    query = select(Vote, Entry.number).join(Entry, Entry.id == Vote.entry_id).where(Vote.contest_id == contest.id)
    number = (request.args.get("entry") or "").strip()
    status = request.args.get("status") or ""
    if number:
        query = query.where(Entry.number == number)
    if status in ("valid", "suspect", "invalid"):
        query = query.where(Vote.status == status)
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Vote.id.desc()).offset((page - 1) * ROWS_PER_PAGE)
                              .limit(ROWS_PER_PAGE)).all()
    return render_template("organiser/votes/vote_rows.html", contest=contest, rows=rows, number=number, status=status,
                           page=page, pages=max(1, -(-total // ROWS_PER_PAGE)), total=total, form=ReasonForm())


@bp.route("/contests/<int:contest_id>/votes/invalidate", methods=["POST"])
@require(can_use_console)
def votes_invalidate(contest_id: int):
    contest = load(Contest, contest_id, can_manage_votes)
    form = ReasonForm()
    ids = [int(i) for i in request.form.getlist("vote") if i.isdigit()]
    if form.validate_on_submit():
        if not ids:
            flash(_("Please choose the votes to invalidate."), "error")
        else:
            with saving() as outcome:
                changed = votes.invalidate(current_user, contest, ids, form.reason.data)
            if outcome.ok:
                flash(_("%(n)d votes marked invalid.", n=changed), "success")
    return redirect(url_for("organiser.votes.vote_rows", contest_id=contest.id, entry=request.args.get("entry", ""),
                            status=request.args.get("status", "")))

