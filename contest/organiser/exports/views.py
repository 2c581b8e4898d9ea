"""The console's exports: the recommended list and the vote ledger, as files
made on request and sent once (nothing stays on disk)."""
from __future__ import annotations

import os
import tempfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...forms_common import ConfirmForm, saving
from ...models import CERTIFICATE_DESIGNS, Contest
from ...policies import can_export_personal_data, can_manage_results, can_use_console
from ...services import certificates, exports, results
from ...view_gates import require
from ...view_helpers import load

bp = Blueprint("exports", __name__)
EXPORT_KINDS = {"recommended": exports.FORMATS, "ledger": exports.LEDGER_FORMATS}
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "zip": "application/zip"}


@bp.route("/contests/<int:contest_id>/exports")
@require(can_use_console)
def exports_page(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    counts = {"recommended": len(results.recommended_ids(contest)), "ledger": exports.numbered_count(contest)}
    return render_template("organiser/exports/exports.html", contest=contest, kinds=EXPORT_KINDS, counts=counts,
                           recommended=counts["recommended"],
                           may_unmask=can_export_personal_data(current_user, contest), form=ConfirmForm(),
                           awarded=certificates.overview(contest), designs=CERTIFICATE_DESIGNS,
                           design=certificates.design_of(contest), award_label=results.award_label)


@bp.route("/contests/<int:contest_id>/exports/<kind>", methods=["POST"])
@require(can_use_console)
def export_download(contest_id: int, kind: str):
    contest = load(Contest, contest_id, can_manage_results)
    if kind not in EXPORT_KINDS:
        abort(404)
    back = redirect(url_for("organiser.exports.exports_page", contest_id=contest.id))
    if not ConfirmForm().validate_on_submit():
        return back
    fmt, full, reason = request.form.get("format", ""), request.form.get("full") == "1", request.form.get("reason")
    if fmt not in EXPORT_KINDS[kind]:
        flash(_("Unknown export format."), "error")
        return back
    handle, path = tempfile.mkstemp(prefix="contest-export-", suffix=f".{fmt}")
    os.close(handle)
    try:
        with saving() as outcome:
            done = getattr(exports, f"export_{kind}")(current_user, contest, fmt, path, full=full, reason=reason)
            # The file is made; the audit event is a short write of its own (record_export ends the reads).
            exports.record_export(current_user, contest, kind, fmt, done, full=full, reason=reason)
        # send_file closes it; the name is gone already.
        made = open(path, "rb") if outcome.ok else None  # noqa: SIM115
    finally:
        os.unlink(path)
    if made is None:
        return back
    name = {"recommended": _("recommended"), "ledger": _("ledger")}[kind]
    response = send_file(made, mimetype=MIMETYPES[fmt], as_attachment=True,
                         download_name=f"{contest.title}_{name}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response
