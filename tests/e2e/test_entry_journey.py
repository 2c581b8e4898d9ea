"""A netizen on a phone: register, write a story that autosaves, add a picture
with a real progress bar, pledge, submit, read the number on the receipt and
find the entry under 我的作品."""
from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from contest.extensions import db
from contest.models import Entry
from tests import factories
from tests.e2e.browser import no_horizontal_scroll, screenshot, submit, watch_for_errors

pytestmark = pytest.mark.e2e
PHONE, PASSWORD, NAME = "13712345679", "haowangmin42", "陈晓"
STORY = "好网民在身边，传递正能量。" * 70  # 910 characters: above the category's 800


def _noisy_png(side: int = 900) -> bytes:
    # Random pixels do not compress: about 2.4 MB, enough to watch the bar move.
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def test_netizen_submits_a_story_with_a_picture(live_server, page, tmp_path):
    world = factories.build_world()
    slug, contest_code = world.contest.slug, world.contest.code
    db.session.commit()
    problems = watch_for_errors(page)

    page.goto(f"{live_server}/account/register")
    page.get_by_label("手机号码", exact=True).fill(PHONE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码", exact=True).fill(PASSWORD)
    page.get_by_label("真实姓名", exact=True).fill(NAME)
    page.get_by_label("所属区", exact=True).select_option("香洲区")
    submit(page, page.get_by_role("button", name="注册账号"))

    page.goto(f"{live_server}/contests/{slug}/enter")
    submit(page, page.get_by_role("button", name="开始报名").first)
    expect(page).to_have_url(re.compile(r"/entries/\d+/edit$"))
    entry_id = int(re.search(r"/entries/(\d+)/edit", page.url).group(1))

    page.get_by_label("标题", exact=True).fill("我身边的好网民")
    editor = page.locator(".richtext-editor .ql-editor")
    editor.click()
    page.keyboard.insert_text(STORY)
    expect(page.locator("#char-counter")).to_contain_text("910")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^已自动保存 \d\d:\d\d$"), timeout=12_000)
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).body_chars == 910  # really on the server
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "draft-autosaved.png")

    # A slow uplink, so the progress bar can be seen moving.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 50,
                                                  "downloadThroughput": 4_000_000, "uploadThroughput": 600_000})
    page.locator("#file-input").set_input_files(
        {"name": "我的照片.png", "mimeType": "image/png", "buffer": _noisy_png()})
    bar = page.locator("#upload-queue progress")
    page.wait_for_function("() => { const p = document.querySelector('#upload-queue progress');"
                           " return p && p.value > 0 && p.value < 100; }", timeout=10_000)
    # While the file is on its way, there is nothing to retry.
    expect(page.locator("#upload-queue button")).to_be_hidden()
    screenshot(page, tmp_path / "upload-progress.png")
    expect(page.locator("#asset-list li.asset img")).to_have_count(1, timeout=30_000)
    expect(bar).to_have_count(0)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})

    submit(page, page.get_by_role("button", name="下一步：承诺并提交"))
    expect(page.get_by_role("heading", name="原创承诺")).to_be_visible()
    page.get_by_label("本人已阅读并同意上述原创承诺。").check()
    page.get_by_label("本人已阅读并同意作出上述公益宣传使用授权。").check()
    page.get_by_label("出生日期", exact=True).fill("1995-06-01")
    screenshot(page, tmp_path / "pledge.png")
    submit(page, page.get_by_role("button", name="提交作品"))

    number = page.locator(".receipt .entry-number")
    expect(number).to_have_text(f"{contest_code}-A-0002")
    expect(page.locator(".receipt-qr svg")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, tmp_path / "receipt.png")

    page.goto(f"{live_server}/me/entries")
    expect(page.get_by_text(f"{contest_code}-A-0002")).to_be_visible()
    expect(page.get_by_text("已提交", exact=True)).to_be_visible()
    screenshot(page, tmp_path / "my-entries.png")
    assert problems == [], "\n".join(problems)
