"""A voter on a phone votes, watches the votes left today fall, and is
refused politely at the quota."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models.timestamps import utcnow
from contest.services import screening
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, watch_for_errors
from tests.functional.test_screening import unique_story

pytestmark = pytest.mark.e2e


def test_a_voter_votes_on_a_phone_until_the_quota(live_server, page, tmp_path):
    world = factories.build_world()
    organiser = world.users["organiser"]
    entries = [world.entry, world.image_entry] + [
        factories.entry(factories.user(), world.category, title=f"网络文明故事{i}", body=unique_story(i))
        for i in range(2)]
    for e in entries:
        screening.screen_entry(organiser, e, "accept")
    contest = world.contest
    contest.voting_enabled, contest.votes_per_day = True, 2
    contest.voting_start, contest.voting_end = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=2)
    voter = factories.user(name="投票网民")
    slug, phone = contest.slug, voter.phone
    db.session.commit()

    problems = watch_for_errors(page)
    log_in(page, live_server, phone, factories.PASSWORD)
    page.goto(f"{live_server}/vote/{slug}")
    remaining = page.locator("[data-remaining]").first
    expect(remaining).to_have_text("2")
    no_horizontal_scroll(page)
    cards = page.locator(".vote-card")
    expect(cards).to_have_count(4)

    cards.nth(0).get_by_role("button", name="投票").click()
    expect(cards.nth(0).locator(".vote-message")).to_have_text("投票成功，今天还可以投 1 票。")
    expect(remaining).to_have_text("1")
    expect(cards.nth(0).locator(".vote-button")).to_have_text("今日已投")
    expect(cards.nth(0).locator("[data-count]")).to_have_text("1")

    cards.nth(1).get_by_role("button", name="投票").click()
    expect(remaining).to_have_text("0")
    cards.nth(2).get_by_role("button", name="投票").click()
    refusal = cards.nth(2).locator(".vote-message")
    expect(refusal).to_have_text("今天的 2 票已经投完了，明天再来吧。")
    expect(refusal).to_have_class("vote-message refused")
    refusal.scroll_into_view_if_needed()
    screenshot(page, tmp_path / "vote-quota.png")
    # The only error response is the quota's 429 (and the console line about it), which the page explains.
    assert [p for p in problems if "429" not in p] == [] and len(problems) == 2, problems

    page.reload()   # the server remembers: two voted, none left
    expect(page.locator("[data-remaining]").first).to_have_text("0")
    expect(page.get_by_role("button", name="今日已投")).to_have_count(2)
