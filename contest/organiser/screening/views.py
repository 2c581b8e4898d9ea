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
from .forms import DecisionForm

bp = Blueprint("screening", __name__)


FILTER_KEYS = ("category", "status", "unit", "district", "flagged", "q")


def _filters() -> screening.Filters:
    args = request.args
    status = args.get("status") or None
    return screening.Filters(
        category_id=args.get("category", type=int), status=status if status in ENTRY_STATUSES else None,
        unit_id=args.get("unit", type=int), district=args.get("district") or None,
        flagged=args.get("flagged") == "1", q=(args.get("q") or "").strip()[:50],
    )


def _filter_args() -> dict[str, str]:
    """The list's filter, carried to an entry and on to the next one waiting."""
    return {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}


def _list_page(contest: Contest, form: ReasonForm, ticked: set[int], status: int = 200):
    page = max(request.args.get("page", 1, type=int), 1)
    rows = screening.screening_page(contest, _filters(), page)
    units = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.id))
    args = {k: v for k, v in request.args.items() if k not in ("page", "ticked")}
    return render_template("organiser/screening/screening_list.html", contest=contest, rows=rows, f=_filters(),
                           units=units, counts=screening.status_counts(contest), form=form, ticked=ticked,
                           args=args, page=page), status


@bp.route("/contests/<int:contest_id>/entries")
@require(can_use_console)
def screening_list(contest_id: int):
    contest = load(Contest, contest_id, can_manage_contest)
    ticked = {int(i) for i in request.args.getlist("ticked") if i.isdigit()}
    return _list_page(contest, ReasonForm(), ticked)


@bp.route("/contests/<int:contest_id>/entries/bulk", methods=["POST"])
@require(can_use_console)
def screening_bulk(contest_id: int):
    contest = load(Contest, contest_id, can_manage_contest)
    form = ReasonForm()
    ids = [int(i) for i in request.form.getlist("entry") if i.isdigit()]
    decision = request.form.get("decision", "")
    if not form.validate_on_submit() or decision not in screening.DECISIONS:
        abort(400)
    if not ids:
        form.form_errors.append(_("Please tick the entries first."))
        return _list_page(contest, form, set(), 422)
    with saving(form) as outcome:
        result = screening.screen_many(current_user, contest, ids, decision, form.reason.data)
    if not outcome.ok:
        # Nothing was saved: the same page again, the ticks and the reason as they were.
        form.form_errors.append(_("Nothing was changed; the %(n)d ticked entries are still ticked.", n=len(ids)))
        return _list_page(contest, form, set(ids), 422)
    flash(_("%(n)d entries updated.", n=len(result.done)), "success")
    if result.skipped:
        flash(_("Not changed (drafts, withdrawn or already being judged), still ticked: %(numbers)s",
                numbers="、".join(result.skipped)), "error")
    back = {k: v for k, v in request.args.items() if k != "ticked"}
    return redirect(url_for("organiser.screening.screening_list", contest_id=contest.id, **back,
                            ticked=result.skipped_ids))


def _entry_page(entry: Entry, form: DecisionForm, status: int = 200):
    return render_template("organiser/screening/screening_entry.html", entry=entry, form=form,
                           h5_src=h5_src_for(entry), args=_filter_args(),
                           next_entry=screening.next_waiting(entry, _filters())), status


@bp.route("/entries/<int:entry_id>")
@require(can_use_console)
def screening_entry(entry_id: int):
    entry = load(Entry, entry_id, can_screen_entry)
    return _entry_page(entry, DecisionForm())


@bp.route("/entries/<int:entry_id>/screen", methods=["POST"])
@require(can_use_console)
def screen(entry_id: int):
    entry = load(Entry, entry_id, can_screen_entry)
    form = DecisionForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _entry_page(entry, form, 422)
    with saving(form) as outcome:
        screening.screen_entry(current_user, entry, form.decision.data, form.reason.data)
    if not outcome.ok:
        return _entry_page(entry, form, 422)
    flash(_("Entry %(number)s: %(status)s.", number=entry.number,
            status=str(ENTRY_STATUS_LABELS[entry.status])), "success")
    if request.form.get("then") == "next":
        following = screening.next_waiting(entry, _filters())
        if following is not None:
            return redirect(url_for("organiser.screening.screening_entry", entry_id=following.id,
                                    **_filter_args()))
        flash(_("No more entries are waiting for screening."), "info")
    return redirect(url_for("organiser.screening.screening_list", contest_id=entry.contest_id, **_filter_args()))


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
