"""The audit log: filtered, searched, paged and exported; reading it is itself recorded."""
import os
import tempfile

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..exports.audit_log import FORMATS, write_audit_log
from ..extensions import db
from ..forms_common import ConfirmForm, saving
from ..labels import AUDIT_ACTION_LABELS
from ..models import Contest
from ..models.timestamps import utcnow
from ..policies import can_manage_users
from ..services import audit_log as trail
from ..services.audit_log import AuditFilters
from ..templating import shanghai
from ..view_gates import require
from .blueprint import PAGE_SIZE, bp
from .forms import AuditFilterForm

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _valid(field):
    """A filter's value, or None when it does not parse (a bad date is left out, not an error page)."""
    return field.data if not field.errors else None


def _filters(args) -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(args)
    form.action.choices = [("", _("— all actions —"))] + sorted(
        ((code, str(label)) for code, label in AUDIT_ACTION_LABELS.items()), key=lambda c: c[0])
    form.contest.choices = [(0, _("— all contests —"))] + [
        (c.id, c.title) for c in db.session.scalars(select(Contest).order_by(Contest.id.desc()))]
    form.validate()
    return form, AuditFilters(action=_valid(form.action) or "", actor=(_valid(form.actor) or "").strip(),
                              date_from=_valid(form.date_from), date_to=_valid(form.date_to),
                              contest=_valid(form.contest) or None, q=(_valid(form.q) or "").strip())


@bp.route("/audit")
@require(can_manage_users)
def audit_log():
    form, filters = _filters(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.paginate(trail.events_query(filters), page=page, per_page=PAGE_SIZE, error_out=False)
    lines = trail.describe(rows.items)
    with saving():
        trail.record_view(current_user, filters, page)
    return render_template("admin/audit.html", form=form, rows=rows, lines=lines, args=filters.as_args(),
                           formats=FORMATS, export_form=ConfirmForm())


@bp.route("/audit/export", methods=["POST"])
@require(can_manage_users)
def audit_export():
    """The filtered events as a file, made on request and sent once."""
    _form, filters = _filters(request.form)
    fmt = request.form.get("format", "")
    if not ConfirmForm().validate_on_submit() or fmt not in FORMATS:
        flash(_("Unknown export format."), "error")
        return redirect(url_for("admin.audit_log", **filters.as_args()))
    handle, path = tempfile.mkstemp(prefix="contest-audit-", suffix=f".{fmt}")
    os.close(handle)
    try:
        rows = ((shanghai(line.event.created_at, "yyyy-MM-dd HH:mm:ss"), line.actor, line.action, line.subject,
                 line.details_text) for line in trail.export_lines(filters))
        with open(path, "wb") as target:
            count = write_audit_log(target, fmt, rows, unit=current_user.unit.name if current_user.unit else "",
                                    date=shanghai(utcnow(), "yyyy-MM-dd"),
                                    notes=[trail.filters_note(filters)])
        with saving():
            trail.record_export(current_user, filters, fmt, count)
        made = open(path, "rb")  # noqa: SIM115  (send_file closes it; the name is gone already)
    finally:
        os.unlink(path)
    response = send_file(made, mimetype=MIMETYPES[fmt], as_attachment=True,
                         download_name=f"{_('Audit log')}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response
