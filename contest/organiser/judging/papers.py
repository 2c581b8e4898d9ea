"""A round's scores for its organisers: the judges' totals and comments on a
page, each judge's 评分表 and the panel's 汇总表 as PDFs to print and sign."""
from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _

from ...extensions import db
from ...models import Round, User
from ...policies import can_manage_contest, can_use_console
from ...services import score_reports
from ...view_gates import require
from ...view_helpers import load
from .views import _labels, bp

PER_PAGE = 100


def _pdf(write, name: str):
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    response = send_file(buffer, mimetype="application/pdf", download_name=f"{name}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/scores")
@require(can_use_console)
def round_scores(round_id: int):
    rnd = load(Round, round_id, can_manage_contest, via="contest")
    rows = score_reports.report_rows(rnd)
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template("organiser/judging/round_scores.html", rnd=rnd, rows=rows[(page - 1) * PER_PAGE:
                           page * PER_PAGE], total=len(rows), page=page, pages=pages, labels=_labels(),
                           judges=list(score_reports.sheet_judges(rnd)))


@bp.route("/rounds/<int:round_id>/sheets/<int:judge_id>.pdf")
@require(can_use_console)
def judge_sheet_pdf(round_id: int, judge_id: int):
    rnd = load(Round, round_id, can_manage_contest, via="contest")
    judge = db.session.get(User, judge_id)
    if judge is None or judge not in score_reports.sheet_judges(rnd):
        abort(404)
    return _pdf(lambda out: score_reports.write_judge_sheets(rnd, judge, out),
                _("%(round)s score sheet %(judge)s", round=rnd.name, judge=judge.real_name))


@bp.route("/rounds/<int:round_id>/summary.pdf")
@require(can_use_console)
def summary_pdf(round_id: int):
    rnd = load(Round, round_id, can_manage_contest, via="contest")
    return _pdf(lambda out: score_reports.write_summary(rnd, str(_labels()[rnd.aggregation]), out),
                _("%(round)s summary sheet", round=rnd.name))
