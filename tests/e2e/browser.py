"""What every browser test does: watch for errors, check the phone layout,
take screenshots, submit forms."""
from __future__ import annotations


def watch_for_errors(page) -> list[str]:
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


def no_horizontal_scroll(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width + 1, \
        f"page scrolls sideways on a phone: {scroll_width} > {inner_width} on {page.url}"


def screenshot(page, path) -> None:
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 10_000, f"screenshot missing or too small: {path}"
    print(f"screenshot: {path}")


def submit(page, button) -> None:
    """Click a submit button and wait for the page that answers."""
    with page.expect_navigation():
        button.click()


def log_in(page, base: str, phone: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{base}/account/login")
    page.get_by_label("手机号码", exact=True).fill(phone)
    page.get_by_label("密码", exact=True).fill(password)
    submit(page, page.locator("main").get_by_role("button", name="登录", exact=True))
