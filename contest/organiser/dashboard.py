"""The console's front page: what waits for this user, then the contests and
programmes they manage."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Contest, Programme
from ..models.timestamps import utcnow
from ..policies import can_manage_contest, can_manage_programme, can_use_console
from ..services import contests, todo
from ..view_gates import require


@require(can_use_console)
def dashboard():
    programmes = [p for p in db.session.scalars(select(Programme).order_by(Programme.year.desc()))
                  if can_manage_programme(current_user, p)]
    mine = [c for c in db.session.scalars(select(Contest).order_by(Contest.id.desc()))
            if can_manage_contest(current_user, c)]
    waiting = todo.todo([c.id for c in mine], utcnow())
    return render_template("organiser/dashboard.html", contests=mine, programmes=programmes, phase=contests.phase,
                           todo=waiting, by_id={c.id: c for c in mine})
