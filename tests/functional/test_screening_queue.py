"""Screening a queue: a refusal that keeps the form in view, 保存并下一件 through
the entries still waiting (in list order, within the filter), select-all, the
⚑ that says why, and a failed bulk action that keeps its ticks."""
import re
from urllib.parse import parse_qs, urlsplit

from contest.extensions import db
from contest.models import Entry
from contest.services import entries
from tests import factories
from tests.conftest import csrf_token, login
from tests.functional.test_screening import unique_story
from tests.html_elements import elements


def _inputs(html: str, checked: bool = False, **match) -> list[dict]:
    return [attrs for tag, attrs in elements(html)
            if tag in ("input", "textarea") and all(attrs.get(k) == v for k, v in match.items())
            and (not checked or "checked" in attrs)]


def _list_order(client, contest_id: int, query: str) -> list[int]:
    html = client.get(f"/console/contests/{contest_id}/entries?{query}").get_data(as_text=True)
    return [int(a["value"]) for a in _inputs(html, name="entry")]


def test_a_refusal_without_reason_comes_back_with_the_form_in_view(client, world):
    login(client, world.users["organiser"])
    entry = world.entry
    page = f"/console/entries/{entry.id}"
    r = client.post(f"{page}/screen", data={"decision": "reject", "reason": "  ", "then": "next",
                                            "csrf_token": csrf_token(client, page)})
    assert r.status_code == 422 and db.session.get(Entry, entry.id).status == "submitted"
    html = r.get_data(as_text=True)
    # The choice still made, the reason box focused (and so scrolled into view) beside its error.
    assert 'id="decision"' in html
    [chosen] = _inputs(html, type="radio", checked=True)
    assert chosen["value"] == "reject"
    [reason] = _inputs(html, name="reason")
    assert "autofocus" in reason and reason["aria-invalid"] == "true"
    assert re.search(r'<textarea id="reason"[^>]*>\s*</textarea>\s*<p class="error" id="reason-error" role="alert">'
                     r'请填写原因，参赛者将看到该内容。</p>', html)

    # No choice at all: said in Chinese, the focus on the choices.
    r = client.post(f"{page}/screen", data={"reason": "理由", "csrf_token": csrf_token(client, page)})
    assert r.status_code == 422 and "请选择初审决定。" in r.get_data(as_text=True)
    assert "autofocus" in _inputs(r.get_data(as_text=True), type="radio")[0]


def test_save_and_next_walks_the_waiting_entries_in_list_order_within_the_filter(client, world):
    organiser = world.users["organiser"]
    for i in range(3):
        factories.entry(factories.user(name=f"作者{i}"), world.category, title=f"排队{i}", body=unique_story(i))
    db.session.commit()
    login(client, organiser)
    query = f"category={world.category.id}"
    order = _list_order(client, world.contest.id, query)
    assert len(order) == 4 and world.image_entry.id not in order
    first, second, third, fourth = order
    # The third is screened already: it is not waiting any more.
    entries_third = db.session.get(Entry, third)
    entries_third.status = "accepted"
    db.session.commit()

    html = client.get(f"/console/entries/{first}?{query}").get_data(as_text=True)
    assert "保存并下一件" in html
    assert f'href="/console/entries/{second}?{query}" id="next-waiting"' in html
    token = csrf_token(client, f"/console/entries/{first}?{query}")
    r = client.post(f"/console/entries/{first}/screen?{query}",
                    data={"decision": "accept", "then": "next", "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == f"/console/entries/{second}?{query}"
    r = client.post(f"/console/entries/{second}/screen?{query}",
                    data={"decision": "return", "reason": "请补充", "then": "next", "csrf_token": token})
    assert r.headers["Location"] == f"/console/entries/{fourth}?{query}"      # past the screened one
    r = client.post(f"/console/entries/{fourth}/screen?{query}",
                    data={"decision": "accept", "then": "next", "csrf_token": token}, follow_redirects=True)
    # Nothing waits in this 组别 any more (the picture in the other one is not offered): back to the list.
    assert r.request.path == f"/console/contests/{world.contest.id}/entries"
    assert parse_qs(urlsplit(r.request.url).query) == {"category": [str(world.category.id)]}
    assert "已没有待初审的作品。" in r.get_data(as_text=True)
    statuses = {i: db.session.get(Entry, i).status for i in order}
    assert statuses == {first: "accepted", second: "returned", third: "accepted", fourth: "accepted"}
    assert db.session.get(Entry, world.image_entry.id).status == "submitted"

    # Plain 保存 goes back to the list, filter kept.
    r = client.post(f"/console/entries/{first}/screen?{query}",
                    data={"decision": "accept", "then": "list", "csrf_token": token})
    assert r.headers["Location"] == f"/console/contests/{world.contest.id}/entries?{query}"


def test_the_end_of_the_list_wraps_round_to_the_first_waiting(client, world):
    login(client, world.users["organiser"])
    order = _list_order(client, world.contest.id, "")
    token = csrf_token(client, f"/console/entries/{order[-1]}")
    r = client.post(f"/console/entries/{order[-1]}/screen",
                    data={"decision": "accept", "then": "next", "csrf_token": token})
    assert r.headers["Location"] == f"/console/entries/{order[0]}"


def test_select_all_has_a_label_and_an_empty_bulk_action_says_so(client, world):
    login(client, world.users["organiser"])
    page = f"/console/contests/{world.contest.id}/entries"
    html = client.get(page).get_data(as_text=True)
    assert _inputs(html, id="select-all", type="checkbox")[0]["data-select-all"] == "entry"
    assert '<label for="select-all">全选</label>' in html
    assert "js/screening.js" in html
    r = client.post(page + "/bulk", data={"decision": "return", "reason": "统一退回",
                                          "csrf_token": csrf_token(client, page)})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and ">统一退回</textarea>" in html
    assert '<p class="error form-error" role="alert" tabindex="-1" autofocus>请先勾选作品。</p>' in html


def test_the_flag_says_why(client, world):
    body = "<p>" + "正常的文字内容，" * 100 + "这里出现了违禁词需要注意。" + "</p>"
    sensitive = factories.entry(factories.user(), world.category, body=body)
    twin = factories.image_entry(factories.user(), world.image_category)          # the same PNG bytes
    copier = factories.entry(factories.user(), world.category, body=world.entry.body.replace("身边", "周围", 3))
    db.session.commit()
    login(client, world.users["organiser"])
    html = client.get(f"/console/contests/{world.contest.id}/entries").get_data(as_text=True)
    assert '<span class="flag" title="敏感词：违禁词">⚑ 敏感词：违禁词</span>' in html
    same = f"与 {world.image_entry.number} 文件相同"
    assert f'<span class="flag" title="{same}">⚑ {same}</span>' in html
    similar = f"与 {world.entry.number} 文字相似度 \\d+%"
    assert re.search(f'<span class="flag" title="{similar}">⚑ {similar}</span>', html)
    assert f"与 {twin.number} 文件相同" in html and f"与 {copier.number} 文字相似度" in html
    assert "提示本身不决定初审结果" in html                                        # the legend
    page = client.get(f"/console/entries/{sensitive.id}").get_data(as_text=True)
    assert "⚑ 敏感词：违禁词" in page


def test_a_failed_bulk_action_keeps_the_ticks_and_says_what_failed(client, world):
    login(client, world.users["organiser"])
    page = f"/console/contests/{world.contest.id}/entries"
    ids = [world.entry.id, world.image_entry.id]
    r = client.post(page + "/bulk", data={"entry": [str(i) for i in ids], "decision": "reject", "reason": "",
                                          "csrf_token": csrf_token(client, page)})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert sorted(int(a["value"]) for a in _inputs(html, name="entry", checked=True)) == sorted(ids)
    assert "未作任何更改，已勾选的 2 件作品仍保持勾选。" in html
    # The page answers at the bulk address: its filter still asks the list, not that address.
    assert f'<form method="get" action="/console/contests/{world.contest.id}/entries" class="filters">' in html
    assert re.search(r'<textarea id="bulk-reason"[^>]*autofocus[^>]*>', html)
    assert "请填写原因，参赛者将看到该内容。" in html

    # Partly done: what was not changed stays ticked and is named.
    entries.withdraw_entry(world.users["entrant"], db.session.get(Entry, world.image_entry.id))
    db.session.commit()
    r = client.post(page + "/bulk?flagged=&page=1", data={"entry": [str(i) for i in ids], "decision": "accept",
                                                          "csrf_token": csrf_token(client, page)})
    assert r.status_code == 302 and parse_qs(urlsplit(r.headers["Location"]).query)["ticked"] == [
        str(world.image_entry.id)]
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert [int(a["value"]) for a in _inputs(html, name="entry", checked=True)] == [world.image_entry.id]
    assert f"以下作品未更改（草稿、已撤回或已进入评审），仍保持勾选：{world.image_entry.number}" in html
    assert db.session.get(Entry, world.entry.id).status == "accepted"
