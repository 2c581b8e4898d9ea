"""A submitting unit (报送单位): its members' entries and its quotas."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Entry, Unit
from ..policies import is_unit_admin, unit_admin_units
from ..services import entries
from ..services.contests import current_programmes
from ..view_gates import require

bp = Blueprint("unit", __name__)


@bp.route("/entries")
@require(is_unit_admin)
def unit_entries():
    unit_ids = unit_admin_units(current_user)
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))))
    rows = list(db.session.scalars(
        select(Entry).where(Entry.unit_id.in_(unit_ids), Entry.status != "draft")
        .options(selectinload(Entry.authors), selectinload(Entry.category), selectinload(Entry.contest))
        .order_by(Entry.submitted_at.desc())))
    # Quotas of the categories the unit has sent entries to or may send to now.
    categories = {e.category for e in rows}
    for programme in current_programmes():
        for contest in programme.contests:
            categories.update(c for c in contest.categories if c.unit_quota)
    # This year's contests first; a 2020 and a 2026 contest may share a title.
    quotas = sorted(
        ((c, unit, entries.unit_entries_held(unit, c)) for c in categories for unit in units),
        key=lambda row: (-row[0].contest.programme.year, row[0].contest_id, row[0].position, row[1].id))
    return render_template("unit/entries.html", units=units, rows=rows, quotas=quotas)
