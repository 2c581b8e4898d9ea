"""The entrant's journey: start an entry, write and upload with autosave,
pledge and submit, read the receipt, follow the status, withdraw."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db, limiter
from ..file_store import storage
from ..forms_common import ConfirmForm, saving
from ..models import Asset, Category, Entry, Unit
from ..policies import (
    can_edit_entry,
    can_view_contest,
    can_view_entry,
    can_withdraw_entry,
    sees_as_judge_only,
    speaks_for_entry,
    unit_admin_units,
)
from ..qr import status_qr_svg
from ..requests import upload_route
from ..services import contests, entries, entry_contacts, uploads
from ..services.advancement import outcomes_for
from ..services.publicity import outcome_for
from ..services.results import award_label
from ..templating import shanghai
from ..view_helpers import confirm_action, load
from .forms import EntryForm, StartForm, SubmitForm

bp = Blueprint("entrant", __name__)


def _entry(entry_id: int, check=can_view_entry) -> Entry:
    return load(Entry, entry_id, check, visible=can_view_entry)


def _submitting_unit() -> Unit | None:
    """The unit a unit administrator submits for (the first, if several)."""
    unit_ids = unit_admin_units(current_user)
    return db.session.get(Unit, min(unit_ids)) if unit_ids else None


@bp.route("/contests/<slug>/enter")
@login_required
def choose(slug: str):
    contest = contests.contest_by_slug(slug)
    if contest is None or not can_view_contest(current_user, contest):
        abort(404)
    user = current_user._get_current_object()
    unit = _submitting_unit()
    problem = entries.eligibility_problem(user, contest)
    held = {c.id: entries.entries_held(user, c) for c in contest.categories}
    # The quota a unit shares with its members: shown before it is hit.
    quota_unit = unit or user.unit
    unit_held = {c.id: entries.unit_entries_held(quota_unit, c) for c in contest.categories} if quota_unit else {}
    return render_template("entrant/choose.html", contest=contest, problem=problem, held=held,
                           unit=unit, quota_unit=quota_unit, unit_held=unit_held,
                           can_submit_for_unit=unit is not None, form=StartForm(),
                           needs_birth_date=user.birth_date is None and (contest.min_age or contest.max_age),
                           open_now=contests.phase(contest) == "collecting")


@bp.route("/contests/<slug>/entries", methods=["POST"])
@login_required
def start(slug: str):
    contest = contests.contest_by_slug(slug)
    if contest is None or not can_view_contest(current_user, contest):
        abort(404)
    form = StartForm()
    category = db.session.get(Category, request.form.get("category", type=int) or 0)
    if category is None or category.contest_id != contest.id or not form.validate_on_submit():
        abort(400)
    unit = None
    if form.on_behalf.data:
        unit = _submitting_unit()
        if unit is None:
            abort(403)
    authors = [a for a in (form.authors.data or "").replace("，", ",").replace("、", ",").split(",")]
    with saving() as outcome:
        entry = entries.start_entry(current_user, category, on_behalf_unit=unit, authors=authors)
    if not outcome.ok:
        return redirect(url_for("entrant.choose", slug=slug))
    return redirect(url_for("entrant.edit", entry_id=entry.id))


def _entry_form(entry: Entry) -> EntryForm:
    form = EntryForm(obj=entry)
    if not form.is_submitted():
        form.version.data = entry.version
    if entry.category.kind == "nomination":
        form.body.label.text = _("Main deeds")
    return form


def _read_only(entry: Entry):
    """Where a page that changes the entry sends its user once it cannot change."""
    flash(_("This entry can no longer be changed."), "info")
    return redirect(url_for("entrant.status", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    entry = _entry(entry_id, speaks_for_entry)
    if not can_edit_entry(current_user, entry):
        return _read_only(entry)
    form = _entry_form(entry)
    if form.validate_on_submit():
        with saving(form) as outcome:
            entries.save_draft(entry, _text_fields(form), expected_version=_version(form.version.data))
        if outcome.ok:
            if request.form.get("then") == "submit":
                return redirect(url_for("entrant.submit", entry_id=entry.id))
            flash(_("Your draft has been saved."), "success")
            return redirect(url_for("entrant.edit", entry_id=entry.id))
    return render_template("entrant/edit.html", entry=entry, form=form, limit_mb=uploads.max_bytes(entry) // 2**20,
                           delete_form=ConfirmForm())


DRAFT_FIELDS = ("title", "summary", "body", "h5_url", "nominee_name", "nominee_kind", *entry_contacts.FIELDS)


def _text_fields(form: EntryForm) -> dict:
    return {name: getattr(form, name).data for name in DRAFT_FIELDS}


def _version(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _per_user() -> str:
    return f"user:{current_user.get_id() or request.remote_addr}"


@bp.route("/entries/<int:entry_id>/autosave", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["AUTOSAVE_LIMIT"], key_func=_per_user)
def autosave(entry_id: int):
    entry = _entry(entry_id, speaks_for_entry)
    if not can_edit_entry(current_user, entry):
        return jsonify(ok=False, message=_("This entry can no longer be changed.")), 403
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(ok=False, message=_("The request could not be understood.")), 400
    fields = {k: v for k, v in data.items() if k in DRAFT_FIELDS and (v is None or isinstance(v, str))}
    with saving(refusals=entries.EditConflict, show=False) as outcome:
        entries.save_draft(entry, fields, expected_version=_version(data.get("version")))
    if not outcome.ok:
        return jsonify(ok=False, message=outcome.error.message, conflict=True), 409
    return jsonify(ok=True, version=entry.version, saved_at=shanghai(entry.updated_at, "HH:mm"),
                   chars=entry.body_chars)


@upload_route("entrant.upload", uploads.receive_file)
def _upload_limit(view_args: dict) -> int | None:
    entry = db.session.get(Entry, view_args.get("entry_id", 0))
    return uploads.max_bytes(entry) if entry is not None else None


@bp.route("/entries/<int:entry_id>/files", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["UPLOAD_LIMIT"], key_func=_per_user)
def upload(entry_id: int):
    entry = _entry(entry_id, speaks_for_entry)
    if not can_edit_entry(current_user, entry):
        return jsonify(ok=False, message=_("This entry can no longer be changed.")), 403
    file = request.files.get("file")
    if file is None or not file.filename:
        return jsonify(ok=False, message=_("Please choose a file.")), 400
    with saving(show=False) as outcome:
        try:
            asset = uploads.add_upload(current_user, entry, file.stream, file.filename)
        finally:
            file.close()
    if not outcome.ok:
        refused = outcome.error
        status = refused.status if isinstance(refused, uploads.UploadRejected) else 422
        return jsonify(ok=False, message=refused.message), status
    return jsonify(ok=True, asset=asset_json(asset)), 201


def asset_json(asset: Asset) -> dict:
    variant = "thumb" if "thumb" in asset.variants else "poster" if "poster" in asset.variants else None
    return {
        "id": asset.id, "role": asset.role, "name": asset.original_name, "size": asset.size,
        "url": url_for("files.download", asset_id=asset.id),
        "thumb": url_for("files.download", asset_id=asset.id, variant=variant) if variant else None,
        "delete": url_for("entrant.remove_file", entry_id=asset.entry_id, asset_id=asset.id),
    }


@bp.route("/entries/<int:entry_id>/files/<int:asset_id>/delete", methods=["POST"])
@login_required
def remove_file(entry_id: int, asset_id: int):
    entry = _entry(entry_id, speaks_for_entry)
    asset = db.session.get(Asset, asset_id)
    if asset is None or asset.entry_id != entry.id:
        abort(404)
    if not can_edit_entry(current_user, entry):
        abort(403)
    with saving(refusals=()):   # it refuses nothing: the checks above are the view's
        keys = uploads.remove_upload(current_user, asset)
    for key in keys:
        storage().delete(key)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=True)
    flash(_("The file has been removed."), "success")
    return redirect(url_for("entrant.edit", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/submit", methods=["GET", "POST"])
@login_required
def submit(entry_id: int):
    entry = _entry(entry_id, speaks_for_entry)
    if not can_edit_entry(current_user, entry):
        return _read_only(entry)
    form = SubmitForm()
    if entry.on_behalf:
        # The unit administrator ticks the boxes: the unit pledges, for the author.
        form.pledge.label.text = _("The unit has the author's consent and makes the originality pledge above "
                                   "on the author's behalf.")
        form.licence.label.text = _("The unit has the author's consent and grants the licence above "
                                    "on the author's behalf.")
    owner = entry.owner
    if form.validate_on_submit():
        with saving(form) as outcome:
            entries.submit_entry(current_user, entry, pledge=form.pledge.data, licence=form.licence.data,
                                 ip=request.remote_addr, guardian_name=form.guardian_name.data,
                                 birth_date=form.birth_date.data)
        if outcome.ok:
            return redirect(url_for("entrant.receipt", entry_id=entry.id))
    problems = entries.submission_errors(entry)
    return render_template("entrant/submit.html", entry=entry, form=form, problems=problems,
                           on_behalf=entry.on_behalf,
                           ask_birth_date=not entry.on_behalf and owner.birth_date is None,
                           ask_guardian=not entry.on_behalf and (owner.birth_date is None
                                                                 or entries.needs_guardian(owner)))


@bp.route("/entries/<int:entry_id>")
@login_required
def status(entry_id: int):
    entry = _entry(entry_id)
    if sees_as_judge_only(current_user, entry):
        abort(404)   # a judge reads entries on the judging page, where authors are hidden
    return render_template("entrant/status.html", entry=entry, withdraw_form=ConfirmForm(),
                           outcomes=outcomes_for(entry), final=outcome_for(entry), award_label=award_label,
                           can_edit=can_edit_entry(current_user, entry),
                           can_withdraw=can_withdraw_entry(current_user, entry))


@bp.route("/entries/<int:entry_id>/receipt")
@login_required
def receipt(entry_id: int):
    entry = _entry(entry_id, speaks_for_entry)
    if entry.number is None:
        abort(404)
    link = url_for("entrant.status", entry_id=entry.id, _external=True)
    return render_template("entrant/receipt.html", entry=entry, qr_svg=status_qr_svg(link), link=link)


@bp.route("/entries/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw(entry_id: int):
    entry = _entry(entry_id, can_withdraw_entry)
    return confirm_action(lambda: entries.withdraw_entry(current_user, entry, ip=request.remote_addr),
                          _("The entry has been withdrawn. Its number is not given to anyone else."),
                          url_for("entrant.status", entry_id=entry.id))


@bp.route("/me/entries")
@login_required
def mine():
    return render_template("entrant/mine.html", rows=entries.my_entries(current_user))

