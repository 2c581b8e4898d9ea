from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..forms_common import safe_next
from ..models import Programme
from ..models.timestamps import utcnow
from ..phases import submission_open, timeline
from ..policies import can_view_contest
from ..services import contests, publicity
from ..state import voting_open
from ..view_helpers import load

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    now = utcnow()
    sections = [(p, contests.public_contests(p)) for p in contests.current_programmes(now)]
    return render_template("public/index.html", sections=sections, now=now,
                           phase=lambda c: contests.phase(c, now))


@bp.route("/archive")
def archive():
    sections = [(p, contests.public_contests(p)) for p in contests.archived_programmes()]
    return render_template("public/archive.html", sections=sections)


@bp.route("/programmes/<int:programme_id>")
def programme(programme_id: int):
    prog = load(Programme, programme_id)
    now = utcnow()
    return render_template("public/programme.html", programme=prog,
                           contests=contests.public_contests(prog),
                           phase=lambda c: contests.phase(c, now))


@bp.route("/contests/<slug>")
def contest(slug: str):
    c = contests.contest_by_slug(slug)
    if c is None or not can_view_contest(current_user, c):
        abort(404)
    now = utcnow()
    return render_template("public/contest.html", contest=c, now=now,
                           phase=contests.phase(c, now), steps=timeline(c),
                           open_for_entries=submission_open(c, now), voting_now=voting_open(c, now),
                           result=publicity.latest(c) if c.published else None)


@bp.route("/lang", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("public.index"))
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response
