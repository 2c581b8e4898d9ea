"""Setting a round up in the console: buttons that name their action and ask
first, the panel built in one submit, each judge once in the conflict menu,
numbers as offices write them, status markers in text."""
import re
from pathlib import Path

import pytest

from contest.extensions import db
from contest.models import AuditEvent, PanelMember
from contest.services import judge_assignments, rounds, screening
from tests import factories
from tests.conftest import csrf_token, login
from tests.html_elements import elements

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def draft(world):
    """A draft round over the world's two categories, with its criteria and no panel."""
    organiser = world.users["organiser"]
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.category, world.image_category], "judges_per_entry": 1,
        "aggregation": "mean", "advance_rule": "top_n", "advance_value": 1.0, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "内容", "max_points": 30.0})
    rounds.save_criterion(organiser, rnd, None, {"name": "创意", "max_points": 10.0, "weight": 7.5})
    judges = [factories.user("judge", name=f"评委{n}") for n in "甲乙丙"]
    db.session.commit()
    return rnd, judges


def buttons(html: str) -> dict[str, dict]:
    """Each submit button's text -> its attributes."""
    found = {}
    for match in re.finditer(r"<button([^>]*)>([^<]+)</button>", html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
        found[match.group(2).strip()] = attrs
    return found


def panel_pairs(rnd) -> set[tuple[int, int]]:
    return set(db.session.execute(db.select(PanelMember.judge_id, PanelMember.category_id)
                                  .where(PanelMember.round_id == rnd.id)).all())


def test_the_round_buttons_name_their_action_and_the_irreversible_ones_ask_first(client, world, draft):
    rnd, judges = draft
    organiser = world.users["organiser"]
    login(client, organiser)
    page = f"/console/rounds/{rnd.id}"
    shown = buttons(client.get(page).get_data(as_text=True))
    assert "开始评分" in shown and "评分中" not in shown
    assert "评分标准不能再修改" in shown["开始评分"]["data-confirm"]
    assert "data-confirm" not in shown["分配评委"]   # assigning again is harmless

    for entry in (world.entry, world.image_entry):
        screening.screen_entry(organiser, entry, "accept")
    rounds.add_judges(organiser, rnd, rnd.categories, judges[:1])
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    db.session.commit()
    shown = buttons(client.get(page).get_data(as_text=True))
    assert "结束评分" in shown and "无法撤销" in shown["结束评分"]["data-confirm"]
    assert "开始评分" not in shown

    rounds.close_round(organiser, rnd)
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    shown = buttons(html)
    assert "无法撤销" in shown["确认本轮结果"]["data-confirm"]
    # The state is a badge beside the title, never a button.
    assert re.search(r'<span class="status status-round-closed">已结束</span>', html)


def test_one_submit_puts_several_judges_on_every_category_each_audited(client, world, draft):
    rnd, judges = draft
    login(client, world.users["organiser"])
    page = f"/console/rounds/{rnd.id}"
    html = client.get(page).get_data(as_text=True)
    # Every category is ticked to begin with: the usual set-up is one tick per judge and one submit.
    ticked = {a["value"] for tag, a in elements(html) if tag == "input" and a.get("name") == "categories"
              and "checked" in a}
    assert ticked == {str(c.id) for c in rnd.categories}
    data = {"csrf_token": csrf_token(client, page), "judges": [j.id for j in judges],
            "categories": [c.id for c in rnd.categories]}
    r = client.post(f"/console/rounds/{rnd.id}/panel", data=data, follow_redirects=True)
    assert "已加入评委组6人次" in r.get_data(as_text=True)
    assert panel_pairs(rnd) == {(j.id, c.id) for j in judges for c in rnd.categories}
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "round.panel_add")).all()
    assert sorted((e.details["judge"], e.details["category"]) for e in events) == sorted(
        (j.id, c.code) for j in judges for c in rnd.categories)

    # Again: nothing is doubled.
    r = client.post(f"/console/rounds/{rnd.id}/panel", data=data, follow_redirects=True)
    assert "已加入评委组0人次" in r.get_data(as_text=True) and len(panel_pairs(rnd)) == 6


def test_a_judge_can_join_a_chosen_set_of_categories(client, world, draft):
    rnd, judges = draft
    login(client, world.users["organiser"])
    page = f"/console/rounds/{rnd.id}"
    client.post(f"/console/rounds/{rnd.id}/panel", data={
        "csrf_token": csrf_token(client, page), "judges": [judges[0].id], "categories": [world.image_category.id],
        "max_load": "5"})
    assert panel_pairs(rnd) == {(judges[0].id, world.image_category.id)}
    assert db.session.scalar(db.select(PanelMember.max_load).where(PanelMember.round_id == rnd.id)) == 5


def test_a_panel_submit_without_a_judge_says_so_and_adds_nothing(client, world, draft):
    rnd, _judges = draft
    login(client, world.users["organiser"])
    page = f"/console/rounds/{rnd.id}"
    r = client.post(f"/console/rounds/{rnd.id}/panel", data={
        "csrf_token": csrf_token(client, page), "categories": [c.id for c in rnd.categories]},
        follow_redirects=True)
    assert "请至少选择一位评委。" in r.get_data(as_text=True) and not panel_pairs(rnd)


def test_the_conflict_menu_and_the_panel_list_each_judge_once(client, world, draft):
    rnd, judges = draft
    rounds.add_judges(world.users["organiser"], rnd, rnd.categories, judges)
    db.session.commit()
    login(client, world.users["organiser"])
    html = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    menu = re.search(r'<select name="judge"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', menu)
    assert options == [(str(j.id), j.real_name) for j in judges]
    panel = re.search(r'<table class="data panel">(.*?)</table>', html, re.S).group(1)
    assert [panel.count(f"<td>{j.real_name}</td>") for j in judges] == [1, 1, 1]


def test_numbers_read_as_offices_write_them(client, world, draft):
    rnd, _judges = draft
    login(client, world.users["organiser"])
    html = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    assert "每组前1名" in html and "<td>30</td>" in html and "<td>7.5</td>" in html
    assert not re.search(r"\d\.0\b", html)
    listing = client.get(f"/console/contests/{world.contest.id}/rounds").get_data(as_text=True)
    assert "设置中" in listing and 'class="status status-round-draft"' in listing


def test_judges_behind_are_marked_in_text_not_an_emoji(client, world, draft):
    rnd, judges = draft
    organiser = world.users["organiser"]
    for entry in (world.entry, world.image_entry):
        screening.screen_entry(organiser, entry, "accept")
    rounds.add_judges(organiser, rnd, rnd.categories, judges[:1])
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    db.session.commit()
    login(client, organiser)
    html = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    assert '<span class="status status-behind">未评完</span>' in html
    css = (ROOT / "static/css/app.css").read_text(encoding="utf-8")
    assert "⏳" not in html and "⏳" not in css
