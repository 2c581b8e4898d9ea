"""The organiser's screening (初审): the filtered list, an entry with all its
files and flags, decisions one by one or in bulk, the sensitive-word list."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...forms_common import ConfirmForm, ReasonForm, saving
from ...h5_links import h5_src_for
from ...labels import ENTRY_STATUS_LABELS
from ...models import Contest, Entry, SensitiveTerm, Unit
from ...models.entries import ENTRY_STATUSES
from ...policies import can_manage_contest, can_screen_entry, can_use_console
from ...services import screening, screening_flags
from ...services import sensitive_terms as term_list
from ...view_gates import require
from ...view_helpers import confirm_action, load

bp = Blueprint("screening", __name__)


def _filters() -> screening.Filters:
    args = request.args
    status = args.get("status") or None
    return screening.Filters(
        category_id=args.get("category", type=int), status=status if status in ENTRY_STATUSES else None,
        unit_id=args.get("unit", type=int), district=args.get("district") or None,
        flagged=args.get("flagged") == "1", q=(args.get("q") or "").strip()[:50],
    )


@bp.route("/contests/<int:contest_id>/entries")
@require(can_use_console)
def screening_list(contest_id: int):
    contest = load(Contest, contest_id, can_manage_contest)
    f = _filters()
    page = max(request.args.get("page", 1, type=int), 1)
    rows = screening.screening_page(contest, f, page)
    units = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.id))
    return render_template("organiser/screening/screening_list.html", contest=contest, rows=rows, f=f, units=units,
                           counts=screening.status_counts(contest), form=ReasonForm(),
                           args={k: v for k, v in request.args.items() if k != "page"})


@bp.route("/contests/<int:contest_id>/entries/bulk", methods=["POST"])
@require(can_use_console)
def screening_bulk(contest_id: int):
    contest = load(Contest, contest_id, can_manage_contest)
    form = ReasonForm()
    ids = [int(i) for i in request.form.getlist("entry") if i.isdigit()]
    decision = request.form.get("decision", "")
    back = url_for("organiser.screening.screening_list", contest_id=contest.id, **request.args)
    if not form.validate_on_submit() or decision not in screening.DECISIONS:
        abort(400)
    if not ids:
        flash(_("Please tick the entries first."), "error")
        return redirect(back)
    with saving() as outcome:
        result = screening.screen_many(current_user, contest, ids, decision, form.reason.data)
    if outcome.ok:
        flash(_("%(n)d entries updated.", n=len(result.done)), "success")
        if result.skipped:
            flash(_("Not changed (drafts or withdrawn): %(numbers)s", numbers="、".join(result.skipped)), "info")
    return redirect(back)


@bp.route("/entries/<int:entry_id>")
@require(can_use_console)
def screening_entry(entry_id: int):
    entry = load(Entry, entry_id, can_screen_entry)
    return render_template("organiser/screening/screening_entry.html", entry=entry, form=ReasonForm(),
                           h5_src=h5_src_for(entry))


@bp.route("/entries/<int:entry_id>/screen", methods=["POST"])
@require(can_use_console)
def screen(entry_id: int):
    entry = load(Entry, entry_id, can_screen_entry)
    form = ReasonForm()
    decision = request.form.get("decision", "")
    if not form.validate_on_submit():
        abort(400)
    with saving(form) as outcome:
        screening.screen_entry(current_user, entry, decision, form.reason.data)
    if outcome.ok:
        flash(_("Entry %(number)s: %(status)s.", number=entry.number,
                status=str(ENTRY_STATUS_LABELS[entry.status])), "success")
        return redirect(url_for("organiser.screening.screening_list", contest_id=entry.contest_id))
    return render_template("organiser/screening/screening_entry.html", entry=entry, form=form,
                           h5_src=h5_src_for(entry)), 422


@bp.route("/sensitive-terms", methods=["GET", "POST"])
@require(can_use_console)
def sensitive_terms():
    form = ReasonForm()
    if form.validate_on_submit():
        with saving(form) as outcome:
            done = term_list.add_terms(current_user, form.reason.data)
        if outcome.ok:
            flash(_("%(n)d terms added. %(scanned)d entries already submitted were scanned again; "
                    "%(flagged)d contain a new term and are flagged.",
                    n=len(done.added), scanned=done.scanned, flagged=done.flagged), "success")
            return redirect(url_for("organiser.screening.sensitive_terms"))
    terms = db.session.scalars(select(SensitiveTerm).order_by(SensitiveTerm.term))
    return render_template("organiser/screening/sensitive_terms.html", form=form, terms=terms,
                           delete_form=ConfirmForm())


@bp.route("/sensitive-terms/<int:term_id>/delete", methods=["POST"])
@require(can_use_console)
def delete_sensitive_term(term_id: int):
    term = load(SensitiveTerm, term_id)
    return confirm_action(lambda: screening_flags.remove_term(current_user, term), None,
                          url_for("organiser.screening.sensitive_terms"))
