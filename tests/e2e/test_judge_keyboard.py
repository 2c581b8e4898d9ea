"""A judge scores three entries with the keyboard alone and sees 已评 3 / N."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Score
from contest.services import judge_assignments, rounds, screening
from tests import factories
from tests.e2e.browser import log_in, screenshot, submit, watch_for_errors

pytestmark = pytest.mark.e2e


def test_judge_scores_three_entries_by_keyboard(live_server, desk_page, tmp_path):
    world = factories.build_world()
    organiser, judge = world.users["organiser"], world.users["judge"]
    pictures = [factories.image_entry(factories.user(), world.image_category, color=(30 * i, 90, 150))
                for i in range(4)]
    for e in pictures:
        screening.screen_entry(organiser, e, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.image_category], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "top_n", "advance_value": 2, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "画面", "max_points": 10, "guidance": "构图与色彩"})
    rounds.save_criterion(organiser, rnd, None, {"name": "立意", "max_points": 10})
    rounds.add_judge(organiser, rnd, world.image_category, judge)
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    round_id, phone = rnd.id, judge.phone
    db.session.commit()

    page = desk_page
    problems = watch_for_errors(page)
    log_in(page, live_server, phone, factories.PASSWORD)
    page.goto(f"{live_server}/judge/rounds/{round_id}")
    expect(page.locator("#progress")).to_have_text("已评 0 / 4")
    submit(page, page.locator("ol.queue a").first)

    for n in range(3):
        expect(page.get_by_label(re.compile("^画面"))).to_be_focused()
        page.keyboard.type(str(7 + n % 3))
        page.keyboard.press("Enter")                 # to the next criterion
        expect(page.get_by_label(re.compile("^立意"))).to_be_focused()
        page.keyboard.type("8")
        if n == 0:
            screenshot(page, tmp_path / "scoring.png")
        with page.expect_navigation():
            page.keyboard.press("Enter")             # the last one: submit, on to the next entry
        expect(page.locator(".crumbs .progress-count")).to_have_text(f"已评 {n + 1} / 4")

    # K: back to the previous entry (outside a field, the letter navigates).
    page.evaluate("document.activeElement.blur()")
    with page.expect_navigation():
        page.keyboard.press("k")
    page.goto(f"{live_server}/judge/rounds/{round_id}")
    expect(page.locator("#progress")).to_have_text("已评 3 / 4")
    screenshot(page, tmp_path / "queue.png")
    db.session.expire_all()
    finals = db.session.scalars(db.select(Score).where(Score.final.is_(True))).all()
    assert sorted(round(s.total, 1) for s in finals) == [75.0, 80.0, 85.0]
    assert problems == [], "\n".join(problems)
