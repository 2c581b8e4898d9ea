"""A netizen on a phone registers, logs out and in, and reads a contest page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from tests import factories

pytestmark = pytest.mark.e2e

PHONE = "13712345678"
PASSWORD = "haowangmin42"
NAME = "李明"
COUNTDOWN_RE = re.compile(r"^\d+ 天 \d+ 小时 \d+ 分 \d+ 秒$")


def _watch_for_errors(page) -> list[str]:
    """Console errors (a CSP violation is one), script errors, failed requests
    and error responses, as they happen."""
    problems: list[str] = []

    def on_console(msg):
        url = (msg.location or {}).get("url", "")
        if msg.type == "error":
            problems.append(f"console: {msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # A navigation cancels what the old page was still loading (ERR_ABORTED):
    # that is the browser's doing, not a failure of the site.
    page.on("requestfailed", lambda req: None if req.failure == "net::ERR_ABORTED" else
            problems.append(f"failed: {req.method} {req.url} {req.failure}"))
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}")
            if res.status >= 400 else None)
    return problems


def _no_horizontal_scroll(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width + 1, \
        f"page scrolls sideways on a phone: {scroll_width} > {inner_width} on {page.url}"


def _screenshot(page, path) -> None:
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 10_000, f"screenshot missing or too small: {path}"
    print(f"screenshot: {path}")


def _submit(page, button) -> None:
    """Click a submit button and wait for the page that answers."""
    with page.expect_navigation():
        button.click()


def _log_in(page, base: str, password: str) -> None:
    page.goto(f"{base}/account/login")
    page.get_by_label("手机号码", exact=True).fill(PHONE)
    page.get_by_label("密码", exact=True).fill(password)
    _submit(page, page.locator("main").get_by_role("button", name="登录", exact=True))


def test_netizen_registers_logs_in_and_reads_contest(live_server, page, tmp_path):
    world = factories.build_world()
    slug = world.contest.slug
    db.session.commit()  # end the test's transaction before the server thread reads
    problems = _watch_for_errors(page)
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
    _no_horizontal_scroll(page)
    _screenshot(page, tmp_path / "register.png")
    _submit(page, page.get_by_role("button", name="注册账号"))
    expect(page).to_have_url(f"{live_server}/")
    expect(header.get_by_role("link", name=NAME, exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="退出", exact=True)).to_be_visible()
    _no_horizontal_scroll(page)

    # Log out from the header, then back in.
    _submit(page, header.get_by_role("button", name="退出", exact=True))
    expect(header.get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(header.get_by_role("link", name=NAME, exact=True)).to_have_count(0)

    _log_in(page, live_server, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(header.get_by_role("link", name=NAME, exact=True)).to_be_visible()
    _submit(page, header.get_by_role("button", name="退出", exact=True))

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
    _no_horizontal_scroll(page)
    _screenshot(page, tmp_path / "contest.png")

    assert problems == [], "\n".join(problems)
