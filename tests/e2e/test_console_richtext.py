"""An organiser edits a contest's description in the rich-text editor."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Contest
from tests import factories
from tests.e2e.browser import log_in, screenshot, submit, watch_for_errors

pytestmark = pytest.mark.e2e


def test_organiser_formats_a_description_and_it_is_saved_clean(live_server, desk_page, tmp_path):
    world = factories.build_world()
    organiser, contest_id = world.users["organiser"], world.contest.id
    phone = organiser.phone
    db.session.commit()
    page = desk_page
    problems = watch_for_errors(page)

    log_in(page, live_server, phone, factories.PASSWORD)

    page.goto(f"{live_server}/console/contests/{contest_id}/edit")
    editor = page.locator(".richtext-editor .ql-editor").first
    expect(editor).to_be_visible()
    expect(page.locator("textarea#description")).to_be_hidden()
    expect(editor).to_contain_text("活动说明")  # the saved description is loaded

    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+b")
    page.keyboard.type("重点提示")
    page.keyboard.press("Control+b")
    page.keyboard.type(" 请按时提交")
    screenshot(page, tmp_path / "console-richtext.png")
    submit(page, page.get_by_role("button", name="保存", exact=True))
    expect(page.locator(".flash-success")).to_be_visible()

    db.session.expire_all()
    description = db.session.get(Contest, contest_id).description
    assert "<strong>重点提示</strong>" in description, description
    assert "请按时提交" in description and "&nbsp;" not in description
    assert "活动说明" in description
    assert problems == [], "\n".join(problems)
