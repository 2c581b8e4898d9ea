"""A judge scores three entries with the keyboard alone and sees 已评 3 / N;
J / K work the moment a scoring page opens, Esc leaves a box."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Score
from contest.services import judge_assignments, rounds, screening
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, submit, watch_for_errors

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
        # Nothing has the focus on arrival: the first digit goes to the first empty box.
        assert page.evaluate("document.activeElement === document.body")
        page.keyboard.type(str(7 + n % 3))
        expect(page.get_by_label(re.compile("^画面"))).to_be_focused()
        page.keyboard.press("Enter")                 # to the next criterion
        expect(page.get_by_label(re.compile("^立意"))).to_be_focused()
        page.keyboard.type("8")
        if n == 0:
            screenshot(page, tmp_path / "scoring.png")
        with page.expect_navigation():
            page.keyboard.press("Enter")             # the last one: submit, on to the next entry
        expect(page.locator(".crumbs .progress-count")).to_have_text(f"已评 {n + 1} / 4")
        expect(page.locator(".flash-success")).to_have_text(re.compile(r"^已保存：.+ 的评分已提交。$"))

    # K at once on arrival: back to the previous entry, no click or blur first.
    with page.expect_navigation():
        page.keyboard.press("k")
    page.goto(f"{live_server}/judge/rounds/{round_id}")
    expect(page.locator("#progress")).to_have_text("已评 3 / 4")
    screenshot(page, tmp_path / "queue.png")
    db.session.expire_all()
    finals = db.session.scalars(db.select(Score).where(Score.final.is_(True))).all()
    assert sorted(round(s.total, 1) for s in finals) == [75.0, 80.0, 85.0]
    assert problems == [], "\n".join(problems)


def _open_round(world, n: int):
    organiser, judge = world.users["organiser"], world.users["judge"]
    pictures = [factories.image_entry(factories.user(), world.image_category, color=(40 * i, 20, 90))
                for i in range(n)]
    for e in pictures:
        screening.screen_entry(organiser, e, "accept")
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.image_category], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "top_n", "advance_value": 1, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {
        "name": "画面", "max_points": 30,
        "guidance": "构图完整、主题鲜明、色彩协调，能体现网络正能量；有明显拼接痕迹的酌情扣分"})
    rounds.save_criterion(organiser, rnd, None, {"name": "立意", "max_points": 7.5})
    rounds.add_judge(organiser, rnd, world.image_category, judge)
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    db.session.commit()
    return rnd.id, judge.phone


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)], ids=["phone", "desk"])
def test_j_and_k_work_on_arrival_and_guidance_sits_under_its_box(live_server, browser, tmp_path, size):
    world = factories.build_world()
    round_id, phone = _open_round(world, 3)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        problems = watch_for_errors(page)
        log_in(page, live_server, phone, factories.PASSWORD)
        page.goto(f"{live_server}/judge/rounds/{round_id}")
        submit(page, page.locator("ol.queue a").first)
        first_url = page.url
        expect(page.locator("#next-link")).to_have_text("下一件 (J) →")
        expect(page.get_by_text("（0–30分）")).to_be_visible()
        expect(page.get_by_text("（0–7.5分）")).to_be_visible()

        # The guidance is under the box, not beside or around it.
        box = page.get_by_label(re.compile("^画面")).bounding_box()
        help_ = page.locator(".criterion-guidance").bounding_box()
        assert help_["y"] >= box["y"] + box["height"] - 1
        assert abs(help_["x"] - box["x"]) < 2
        no_horizontal_scroll(page)
        screenshot(page, tmp_path / f"score-{size[0]}.png")

        with page.expect_navigation():
            page.keyboard.press("j")                 # straight away: no click, no blur
        second_url = page.url
        assert second_url != first_url
        expect(page.locator("#prev-link")).to_have_text("← 上一件 (K)")

        # In a score box: Esc leaves it, then K goes back.
        page.keyboard.type("5")
        expect(page.get_by_label(re.compile("^画面"))).to_have_value("5")
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement === document.body")
        with page.expect_navigation():
            page.keyboard.press("k")
        assert page.url == first_url
        # The 5 typed before leaving was saved on the way out.
        page.goto(second_url)
        expect(page.get_by_label(re.compile("^画面"))).to_have_value("5")

        # In the comment, J is a letter like any other.
        page.locator("#comment").click()
        page.keyboard.type("jk")
        expect(page.locator("#comment")).to_have_value("jk")
        assert page.url == second_url
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
