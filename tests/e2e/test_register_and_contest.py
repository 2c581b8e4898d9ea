"""A netizen on a phone registers, logs out and in, and reads a contest page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, submit, watch_for_errors

pytestmark = pytest.mark.e2e

PHONE = "13712345678"
PASSWORD = "haowangmin42"
NAME = "李明"
COUNTDOWN_RE = re.compile(r"^\d+ 天 \d+ 小时 \d+ 分 \d+ 秒$")


def _log_in(page, base: str, password: str) -> None:
    log_in(page, base, PHONE, password)


def test_netizen_registers_logs_in_and_reads_contest(live_server, page, tmp_path):
    world = factories.build_world()
    slug = world.contest.slug
    db.session.commit()  # end the test's transaction before the server thread reads
    problems = watch_for_errors(page)
    header = page.locator("header.site-header")

    # Register, in Chinese, on a phone.
    page.goto(f"{live_server}/account/register")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("手机号码", exact=True).fill(PHONE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码", exact=True).fill(PASSWORD)
    page.get_by_label("真实姓名", exact=True).fill(NAME)
    page.get_by_label("所属区", exact=True).select_option("香洲区")
    page.get_by_label("单位", exact=True).select_option(index=0)  # 个人 (no unit)
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "register.png")
    submit(page, page.get_by_role("button", name="注册账号"))
    expect(page).to_have_url(f"{live_server}/")
    expect(header.get_by_role("link", name=NAME, exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="退出", exact=True)).to_be_visible()
    no_horizontal_scroll(page)

    # Log out from the header, then back in.
    submit(page, header.get_by_role("button", name="退出", exact=True))
    expect(header.get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(header.get_by_role("link", name=NAME, exact=True)).to_have_count(0)

    _log_in(page, live_server, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(header.get_by_role("link", name=NAME, exact=True)).to_be_visible()
    submit(page, header.get_by_role("button", name="退出", exact=True))

    # A wrong password is refused in Chinese and the login page stays.
    _log_in(page, live_server, "wrong-password-1")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/account/login")))
    expect(page.locator("main .form-error")).to_have_text("手机号码或密码错误。")
    expect(header.get_by_role("link", name=NAME, exact=True)).to_have_count(0)

    # The contest page, in Chinese, with its live countdown.
    page.goto(f"{live_server}/contests/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="测试征集活动", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="组别", exact=True)).to_be_visible()
    countdown = page.locator(".countdown[data-deadline] .countdown-value")
    expect(countdown).to_have_text(COUNTDOWN_RE, timeout=2_500)
    first = countdown.inner_text()
    page.wait_for_function("([el, before]) => el.textContent !== before",
                           arg=[countdown.element_handle(), first], timeout=2_500)
    second = countdown.inner_text()
    assert COUNTDOWN_RE.match(second), second
    assert second != first
    assert second.startswith(("9 天", "10 天")), second  # the deadline is ~10 days ahead
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "contest.png")

    assert problems == [], "\n".join(problems)
