"""The console's 获奖证书: the contest's design, one certificate or all of them
(a zip streamed certificate by certificate). Only once the final result is
published; every download is audited by the service that issues the numbers."""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import (
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ...exports.certificates import certificate_pdf, certificates_zip
from ...forms_common import ConfirmForm, saving
from ...models import Contest
from ...policies import can_manage_results, can_use_console
from ...services import certificates
from ...view_gates import require
from ...view_helpers import confirm_action, load
from .views import bp


def verify_url(number: str) -> str:
    """The public verification page of `number`, from the configured public
    address when there is one (a printed link must not carry the host the
    organiser happened to use)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("showcase.certificate", number=number)
    return url_for("showcase.certificate", number=number, _external=True)


def _back_url(contest: Contest) -> str:
    return url_for("organiser.exports.exports_page", contest_id=contest.id) + "#certificates"


def _back(contest: Contest):
    return redirect(_back_url(contest))


def _disposition(name: str, fallback: str) -> str:
    """An attachment header for a streamed answer (send_file writes the same
    for a file): an ASCII name, and the Chinese one as RFC 6266 filename*."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.route("/contests/<int:contest_id>/certificates/design", methods=["POST"])
@require(can_use_console)
def certificate_design(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    return confirm_action(lambda: certificates.set_design(current_user, contest, request.form.get("design", "")),
                          _("The certificate design is saved."), _back_url(contest))


@bp.route("/contests/<int:contest_id>/certificates/<int:entry_id>", methods=["POST"])
@require(can_use_console)
def certificate_pdf_download(contest_id: int, entry_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    if not ConfirmForm().validate_on_submit():
        return _back(contest)
    with saving() as outcome:
        issued = certificates.issue_for_download(current_user, contest, entry_id)
    if not outcome.ok:
        return _back(contest)
    (data,) = certificates.certificate_data(contest, issued, verify_url)
    pdf = certificate_pdf(data, design=certificates.design_of(contest), render=render_template)
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"获奖证书_{data.number}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/contests/<int:contest_id>/certificates.zip", methods=["POST"])
@require(can_use_console)
def certificates_batch(contest_id: int):
    contest = load(Contest, contest_id, can_manage_results)
    if not ConfirmForm().validate_on_submit():
        return _back(contest)
    with saving() as outcome:
        issued = certificates.issue_for_download(current_user, contest)
    if not outcome.ok:
        return _back(contest)
    data = certificates.certificate_data(contest, issued, verify_url)
    design = certificates.design_of(contest)
    response = Response(stream_with_context(certificates_zip(data, design=design, render=render_template)),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = _disposition(f"{contest.title}_获奖证书.zip", "certificates.zip")
    response.headers["Cache-Control"] = "no-store"
    return response
