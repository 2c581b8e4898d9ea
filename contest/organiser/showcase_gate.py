"""A 展播 contest collects, screens and shows: it has no rounds, vote or
results. The console's pages for those answer its organisers with the reason
and send them back to the contest, rather than offering set-up that would
contradict the contest's own rules."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Contest
from ..policies import can_manage_contest


def refuse_for_showcase_only():
    contest_id = (request.view_args or {}).get("contest_id")
    contest = db.session.get(Contest, contest_id) if contest_id is not None else None
    # Anyone else gets the view's own answer (login, 403 or 404): nothing learnt here.
    if contest is None or not contest.showcase_only or not can_manage_contest(current_user, contest):
        return None
    flash(_("This is a showcase-only contest: it has no judging rounds, public vote or results."), "error")
    return redirect(url_for("organiser.contests.contest", contest_id=contest.id))
