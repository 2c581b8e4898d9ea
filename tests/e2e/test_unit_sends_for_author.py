"""A unit administrator on a phone sends a child's story: the author's phone
and the guardian's name and phone autosave with the text (the tick box too),
the pledge is the unit's, and the organiser sees the author's contact."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Entry
from tests import factories
from tests.e2e.browser import log_in, no_horizontal_scroll, screenshot, submit, watch_for_errors

pytestmark = pytest.mark.e2e
STORY = "好网民在身边，传递正能量。" * 70


def test_a_unit_sends_a_childs_story_with_the_authors_and_guardians_contact(live_server, page, tmp_path):
    world = factories.build_world()
    slug, admin_phone, category_id = world.contest.slug, world.users["unit_admin"].phone, world.category.id
    db.session.commit()
    problems = watch_for_errors(page)
    log_in(page, live_server, admin_phone, factories.PASSWORD)

    page.goto(f"{live_server}/contests/{slug}/enter")
    page.locator(f"#authors-{category_id}").fill("王小丫")
    submit(page, page.get_by_role("button", name="以单位名义报送").first)
    expect(page).to_have_url(re.compile(r"/entries/\d+/edit$"))
    entry_id = int(re.search(r"/entries/(\d+)/edit", page.url).group(1))

    page.get_by_label("标题", exact=True).fill("我的网络老师")
    page.locator(".richtext-editor .ql-editor").click()
    page.keyboard.insert_text(STORY)
    page.get_by_label("作者联系电话", exact=True).fill("13955550002")
    page.get_by_label("作者未满14周岁", exact=True).check()
    page.get_by_label("监护人姓名", exact=True).fill("王家长")
    page.get_by_label("监护人联系电话", exact=True).fill("13966660003")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^已自动保存 \d\d:\d\d$"), timeout=12_000)
    db.session.rollback()   # a fresh snapshot: the server wrote in its own thread
    entry = db.session.get(Entry, entry_id)
    assert (entry.author_phone, entry.author_minor, entry.guardian_name, entry.guardian_phone) == \
        ("13955550002", True, "王家长", "13966660003")   # saved on the server, tick box included
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "unit-entry-contact.png")

    submit(page, page.get_by_role("button", name="下一步：承诺并提交"))
    expect(page.get_by_text("本单位已征得作者（未满14周岁的作者，已征得其监护人）同意")).to_be_visible()
    page.get_by_label("本单位已征得作者同意，并代表作者作出上述原创承诺。").check()
    page.get_by_label("本单位已征得作者同意，并代表作者作出上述公益宣传使用授权。").check()
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "unit-pledge.png")
    submit(page, page.get_by_role("button", name="提交作品"))
    expect(page.locator(".receipt .entry-number")).to_be_visible()

    page.goto(f"{live_server}/entries/{entry_id}")
    contact = page.locator("#contact")
    expect(contact).to_contain_text("13955550002")
    expect(contact).to_contain_text("王家长")
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "unit-entry-status.png")
    assert problems == [], "\n".join(problems)
