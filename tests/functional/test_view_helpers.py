"""The views' shared plumbing: load() answers 404 or 403 as the console's
pages did one by one; confirm_action() commits once, flashes, redirects."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_login import login_user
from werkzeug.exceptions import Forbidden, NotFound

from contest.extensions import db
from contest.models import Category, Contest, Entry, SensitiveTerm
from contest.policies import can_manage_contest, can_view_entry
from contest.services.errors import ServiceError
from contest.view_helpers import confirm_action, load


class _Confirmed:
    def __init__(self, ok: bool = True):
        self.ok = ok

    def validate_on_submit(self) -> bool:
        return self.ok


def test_load_answers_404_or_403_by_the_policy(app, world):
    with app.test_request_context("/", method="POST"):
        login_user(world.users["organiser"])
        assert load(Contest, world.contest.id, can_manage_contest) == world.contest
        with pytest.raises(Forbidden):
            load(Contest, world.other_contest.id, can_manage_contest)
        with pytest.raises(NotFound):
            load(Contest, 999_999, can_manage_contest)
        with pytest.raises(NotFound):
            load(Contest, None)
        # The check is about the category's contest.
        assert load(Category, world.category.id, can_manage_contest, via="contest") == world.category
        # Another contest's row is as missing as one that does not exist.
        with pytest.raises(NotFound):
            load(Category, world.category.id, within=world.other_contest)
        assert load(Entry, world.entry.id, within=world.contest) == world.entry


def test_load_hides_what_the_user_may_not_see(app, world):
    with app.test_request_context("/"):
        login_user(world.users["judge"])
        with pytest.raises(NotFound):
            load(Entry, world.entry.id, can_view_entry, visible=can_view_entry)
        login_user(world.users["entrant"])
        with pytest.raises(Forbidden):
            load(Entry, world.entry.id, lambda _user, _entry: False, visible=can_view_entry)


def test_confirm_action_commits_once_and_flashes(app, world):
    with app.test_request_context("/", method="POST"):
        def add():
            db.session.add(SensitiveTerm(term="新词"))
            return 1

        response = confirm_action(add, lambda n: f"{n} added", "/back", form=_Confirmed())
        assert response.status_code == 302 and response.location == "/back"
        assert get_flashed_messages(with_categories=True) == [("success", "1 added")]
    db.session.rollback()   # what was committed stays
    assert db.session.scalar(db.select(SensitiveTerm).where(SensitiveTerm.term == "新词")) is not None


def test_confirm_action_without_a_valid_token_does_nothing(app, world):
    called = []
    with app.test_request_context("/", method="POST"):
        response = confirm_action(lambda: called.append(1), "done", "/back", form=_Confirmed(False))
        assert response.location == "/back" and not called
        assert get_flashed_messages() == []


def test_confirm_action_rolls_back_a_refusal_and_shows_it(app, world):
    with app.test_request_context("/", method="POST"):
        def refuse():
            db.session.add(SensitiveTerm(term="不该留下"))
            db.session.flush()
            raise ServiceError("不行")

        response = confirm_action(refuse, "done", "/back", form=_Confirmed())
        assert response.location == "/back"
        assert get_flashed_messages(with_categories=True) == [("error", "不行")]
    assert db.session.scalar(db.select(SensitiveTerm).where(SensitiveTerm.term == "不该留下")) is None
