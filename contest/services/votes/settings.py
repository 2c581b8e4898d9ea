"""What a contest puts to its public vote, and to whom (when, and which entries: contest/state.py)."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Contest, Round, User
from .. import audit
from ..errors import ServiceError
from ..unit_of_work import writes


@writes
def save_settings(actor: User, contest: Contest, round_id: int | None, districts: list[str]) -> None:
    """Which entries are put to the vote (every accepted one, or a round's) and
    who may vote (everyone, or residents of the named districts)."""
    if round_id and db.session.scalar(select(Round.contest_id).where(Round.id == round_id)) != contest.id:
        raise ServiceError(_("Please choose a round of this contest."), field="vote_round")
    known = current_app.config["DISTRICTS"]
    contest.vote_round_id = round_id or None
    contest.voting_districts = [d for d in known if d in set(districts)]
    db.session.flush()
    audit.record(actor, "votes.settings", contest, details={
        "round": contest.vote_round_id, "districts": contest.voting_districts})
