"""An H5 package that tries to read the viewer's cookies, the page around it
and the platform's routes gets nothing: it runs in a sandbox without the
platform's origin."""
from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from contest.extensions import db
from contest.services import entries, uploads
from tests import factories
from tests.e2e.browser import log_in, screenshot

pytestmark = pytest.mark.e2e

HOSTILE_INDEX = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<h1>H5作品</h1><pre id="out"></pre>
<script>
function out(line) { document.getElementById("out").textContent += line + "\\n"; }
try { out("cookie:" + (document.cookie === undefined ? "none" : "READ " + document.cookie)); }
catch (e) { out("cookie:blocked"); }
try { out("parent:READ " + parent.document.title); } catch (e) { out("parent:blocked"); }
try { localStorage.setItem("x", "1"); out("storage:READ"); } catch (e) { out("storage:blocked"); }
fetch("/me/entries", {credentials: "include"})
  .then(function (r) { return r.text(); })
  .then(function (t) { out("fetch:" + (t.indexOf("我的作品") >= 0 ? "READ" : "no-data")); })
  .catch(function () { out("fetch:blocked"); });
fetch("/account/logout", {method: "POST", credentials: "include", mode: "no-cors"})
  .then(function () { out("logout:sent"); }).catch(function () { out("logout:blocked"); });
</script></body></html>"""


def _package() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("index.html", HOSTILE_INDEX)
    return buf.getvalue()


def test_h5_package_cannot_reach_cookies_page_or_routes(live_server, desk_page, tmp_path):
    world = factories.build_world()
    h5 = factories.category(world.contest, code="H", kind="h5", name="H5组", min_chars=None, max_chars=None)
    owner = factories.user(name="H5作者")
    entry = entries.start_entry(owner, h5)
    entries.save_draft(entry, {"title": "会偷看的H5"})
    uploads.add_upload(owner, entry, io.BytesIO(_package()), "h5.zip")
    owner.birth_date = owner.birth_date or __import__("datetime").date(1990, 1, 1)
    entries.submit_entry(owner, entry, pledge=True, licence=True, ip="127.0.0.1")
    organiser_phone, entry_id = world.users["organiser"].phone, entry.id
    db.session.commit()

    page = desk_page
    log_in(page, live_server, organiser_phone, factories.PASSWORD)

    page.goto(f"{live_server}/console/entries/{entry_id}")
    frame = page.frame_locator("iframe.h5-frame")
    report = frame.locator("#out")
    expect(report).to_contain_text("fetch:", timeout=10_000)
    expect(report).to_contain_text("logout:", timeout=10_000)
    text = report.inner_text()
    assert "cookie:blocked" in text, text
    assert "parent:blocked" in text, text
    assert "storage:blocked" in text, text
    assert "fetch:READ" not in text, text
    screenshot(page, tmp_path / "h5-sandbox.png")
    # The no-cors logout the package fired carried no cookie: the organiser is still in.
    page.goto(f"{live_server}/console/")
    expect(page.get_by_role("heading", name="活动管理后台")).to_be_visible()
