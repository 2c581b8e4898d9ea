"""On a phone: an organiser puts two judges on both categories of a round in
one submit, assigns them, and starts scoring only after confirming."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import PanelMember, Round
from contest.services import rounds, screening
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, submit, watch_for_errors

pytestmark = pytest.mark.e2e


def test_a_panel_in_one_submit_then_start_scoring_after_confirming(live_server, page, tmp_path):
    world = factories.build_world()
    organiser = world.users["organiser"]
    for entry in (world.entry, world.image_entry):
        screening.screen_entry(organiser, entry, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.category, world.image_category], "judges_per_entry": 1,
        "aggregation": "mean", "advance_rule": "top_n", "advance_value": 1.0, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "内容", "max_points": 30.0})
    judges = [factories.user("judge", name=name) for name in ("评委张老师", "评委李老师")]
    round_id, phone = rnd.id, organiser.phone
    db.session.commit()

    problems = watch_for_errors(page)
    log_in(page, live_server, phone, factories.PASSWORD)
    page.goto(f"{live_server}/console/rounds/{round_id}")
    no_horizontal_scroll(page)
    for judge in judges:
        page.get_by_label(judge.real_name, exact=True).check()
    screenshot(page, tmp_path / "round-panel-ticked.png")
    submit(page, page.get_by_role("button", name="加入评委组"))
    expect(page.locator(".flash").first).to_contain_text("已加入评委组4人次")
    panel = page.locator("table.panel")
    for judge in judges:
        expect(panel.get_by_role("cell", name=judge.real_name, exact=True)).to_have_count(1)
    submit(page, page.get_by_role("button", name="分配评委"))

    # Declining the confirmation changes nothing; accepting it opens the round.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="开始评分").click()
    db.session.rollback()   # a fresh snapshot: the server commits in its own thread
    assert db.session.get(Round, round_id).state == "draft"
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page, page.get_by_role("button", name="开始评分"))
    expect(page.locator("h1 .status")).to_have_text("评分中")
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "round-open.png")
    db.session.rollback()   # a fresh snapshot: the server commits in its own thread
    assert db.session.get(Round, round_id).state == "open"
    assert db.session.scalar(db.select(db.func.count(PanelMember.id))) == 4
    assert problems == []
