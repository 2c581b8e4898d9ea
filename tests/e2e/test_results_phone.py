"""On a phone: a netizen reads the 公示 and files an objection; after the
final result, a reader opens the showcase and a winning picture."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Objection, Round, RoundEntry
from contest.models.timestamps import utcnow
from contest.services import publicity, results, screening
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, watch_for_errors
from tests.functional.test_screening import unique_story

pytestmark = pytest.mark.e2e


def test_objection_then_showcase_on_a_phone(live_server, page, tmp_path):
    world = factories.build_world()
    organiser = world.users["organiser"]
    story = factories.entry(factories.user(name="故事作者"), world.category, title="网络文明故事",
                            body=unique_story(1))
    entries = [world.entry, story, world.image_entry]
    for e in entries:
        screening.screen_entry(organiser, e, "accept")
    contest = world.contest
    rnd = Round(contest_id=contest.id, position=1, name="终评", state="finalised",
                categories=[world.category, world.image_category])
    db.session.add(rnd)
    db.session.flush()
    for e, score in zip(entries, (91.0, 85.0, 88.0), strict=True):
        db.session.add(RoundEntry(round_id=rnd.id, entry_id=e.id, score=score, advanced=True))
    db.session.flush()
    for e, level in zip(entries, ("first", "second", "first"), strict=True):
        results.set_award(organiser, contest, e, level)
    publicity.publish_publicity(organiser, contest, 7, confirmed=True)
    netizen = factories.user(name="热心网民")
    slug, phone, label = contest.slug, netizen.phone, f"{story.number} {story.title}"
    notice_title = f"关于“{contest.title}”评选结果的公示"
    story_id = story.id
    db.session.commit()

    problems = watch_for_errors(page)
    log_in(page, live_server, phone, factories.PASSWORD)
    page.goto(f"{live_server}/results/{slug}")
    expect(page.get_by_role("heading", name=notice_title)).to_be_visible()
    expect(page.locator(".notice-signature")).to_contain_text("发布单位：市委网信办")
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "publicity-notice.png")
    page.select_option("#entry", label=label)
    page.fill("#reason", "该作品与某公众号文章高度雷同，链接见附件说明。")
    page.fill("#contact", "微信 rexin2026")
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".flash").first).to_contain_text("异议已收到")
    screenshot(page, tmp_path / "publicity-objection.png")
    db.session.rollback()   # a fresh snapshot: the server committed the objection after ours began
    objection = db.session.scalars(db.select(Objection)).one()
    assert objection.entry_id == story_id and objection.contact == "微信 rexin2026"

    publicity.decide_objection(organiser, objection, False, "经核查系作者本人首发")
    publicity.latest(contest).ends_at = utcnow() - timedelta(minutes=1)   # the window has passed
    publicity.publish_final(organiser, contest)
    db.session.commit()

    page.goto(f"{live_server}/showcase/{slug}")
    expect(page.get_by_role("heading", name="获奖作品展示")).to_be_visible()
    no_horizontal_scroll(page)
    page.get_by_role("link", name="采风图片").click()
    expect(page.locator(".showcase-entry h1")).to_have_text("采风图片")
    picture = page.locator(".gallery img").first
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator(".qr svg")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "showcase-entry.png")
    assert problems == [], problems
