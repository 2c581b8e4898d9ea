"""An organiser screens a queue without going back to the list: 保存并下一件
through two entries, a return without a reason answered beside the reason box,
and select-all on the list."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Entry
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, submit, watch_for_errors
from tests.functional.test_screening import unique_story

pytestmark = pytest.mark.e2e


def test_organiser_screens_two_entries_with_save_and_next(live_server, desk_page, tmp_path):
    world = factories.build_world()
    for i in range(2):
        factories.entry(factories.user(name=f"作者{i}"), world.category, title=f"排队作品{i}", body=unique_story(i))
    db.session.commit()
    organiser, contest_id, category_id = world.users["organiser"], world.contest.id, world.category.id
    phone = organiser.phone

    page = desk_page
    problems = watch_for_errors(page)
    log_in(page, live_server, phone, factories.PASSWORD)
    page.goto(f"{live_server}/console/contests/{contest_id}/entries?category={category_id}")
    boxes = page.locator("input[name=entry]")
    expect(boxes).to_have_count(3)

    # Select all, with its label; a click on an entry's box makes it "some".
    page.get_by_label("全选").check()
    for i in range(3):
        expect(boxes.nth(i)).to_be_checked()
    boxes.nth(1).uncheck()
    assert page.evaluate("document.getElementById('select-all').indeterminate")
    page.get_by_label("全选").check()            # from "some" back to all
    expect(boxes.nth(1)).to_be_checked()
    page.get_by_label("全选").uncheck()
    for i in range(3):
        expect(boxes.nth(i)).not_to_be_checked()
    screenshot(page, tmp_path / "screening-list.png")
    numbers = [n.strip() for n in page.locator("table.data tbody tr td:nth-child(2) a").all_inner_texts()]
    submit(page, page.locator("table.data tbody tr td:nth-child(2) a").first)

    # The first entry: accept, on to the next one waiting.
    expect(page.locator("h1")).to_contain_text(numbers[0])
    page.get_by_label("通过", exact=True).check()
    submit(page, page.get_by_role("button", name="保存并下一件"))
    expect(page.locator("h1")).to_contain_text(numbers[1])
    expect(page.locator(".flash-success")).to_contain_text(f"{numbers[0]}")
    assert f"category={category_id}" in page.url

    # The second: return it without a reason; the answer is beside the reason, in view, choice kept.
    page.get_by_label("退回修改", exact=True).check()
    submit(page, page.get_by_role("button", name="保存并下一件"))
    reason = page.locator("#reason")
    expect(reason).to_be_focused()
    expect(page.locator("#reason-error")).to_have_text("请填写原因，参赛者将看到该内容。")
    expect(page.locator("#reason-error")).to_be_in_viewport()
    expect(page.get_by_label("退回修改", exact=True)).to_be_checked()
    screenshot(page, tmp_path / "screening-refused.png")
    page.keyboard.type("请补充作品说明")
    submit(page, page.get_by_role("button", name="保存并下一件"))
    expect(page.locator("h1")).to_contain_text(numbers[2])

    # On a phone the entry page still fits.
    page.set_viewport_size({"width": 390, "height": 844})
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "screening-next-phone.png")

    db.session.rollback()   # end the test's read snapshot: see what the server wrote
    by_number = {e.number: e.status for e in db.session.scalars(db.select(Entry).where(Entry.number.in_(numbers)))}
    assert by_number == {numbers[0]: "accepted", numbers[1]: "returned", numbers[2]: "submitted"}
    # The one refused submit answered 422 by design; nothing else went wrong.
    assert [p for p in problems if "422" not in p or "/screen" not in p] == [], "\n".join(problems)
