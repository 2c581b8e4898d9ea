"""A round's results table: categories ranked apart and said so, scores
beside the ranks under every method, and decisions by hand told apart from
ties at the cut."""
from pathlib import Path

import pytest

from contest import scoring
from contest.extensions import db
from contest.services import advancement, judge_assignments, round_results, rounds, screening
from tests import factories
from tests.conftest import login
from tests.functional.test_judging_services import _score_all
from tests.functional.test_screening import unique_story
from tests.unit.test_scoring import _rows


@pytest.fixture
def two_categories(world):
    """A round over the stories (five) and the pictures (one), top 2 advance, scored and closed."""
    organiser = world.users["organiser"]
    stories = [world.entry] + [factories.entry(factories.user(name=f"作者{i}"), world.category, title=f"作品{i}",
                                               body=unique_story(i)) for i in range(4)]
    entries = stories + [world.image_entry]
    for e in entries:
        screening.screen_entry(organiser, e, "accept")
    judges = [factories.user("judge", name=f"评委{i}") for i in range(2)]
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.category, world.image_category], "judges_per_entry": 2,
        "aggregation": "mean", "advance_rule": "top_n", "advance_value": 2, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "内容", "max_points": 20})
    rounds.save_criterion(organiser, rnd, None, {"name": "创意", "max_points": 10})
    for j in judges:
        rounds.add_judge(organiser, rnd, world.category, j)
        rounds.add_judge(organiser, rnd, world.image_category, j)
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    # stories 100, 90, 80, 70, 60 (by 5 points of 30 each); the picture 50
    points = {e.id: (20 - 2 * i, 10 - i) for i, e in enumerate(entries)}
    _score_all(rnd, judges, points)
    rounds.close_round(organiser, rnd)
    db.session.commit()
    return rnd, stories, world.image_entry, organiser


def test_an_entry_let_through_by_hand_takes_no_place_and_is_not_called_a_tie():
    # top 3; rank 5 let through by hand: the three inside are not a tie, and it is not one either
    rows = _rows((1, 90, 1), (1, 80, 2), (1, 70, 3), (1, 60, 4), (1, 50, 5, True, "评委会复议"))
    scoring.apply_advancement_rule(rows, "top_n", 3)
    assert [r["advance"] for r in rows] == [True, True, True, False, True]
    assert [r["tied_at_cut"] for r in rows] == [False] * 5
    assert [r["by_hand"] for r in rows] == [False, False, False, False, True]
    # a real tie at the cut stays a tie beside a decision by hand
    rows = _rows((1, 90, 1), (1, 80, 2), (1, 80, 2), (1, 40, 4, True, "复议"))
    scoring.apply_advancement_rule(rows, "top_n", 2)
    assert [r["tied_at_cut"] for r in rows] == [False, True, True, False]


def test_the_page_labels_a_manual_advancement_and_groups_the_categories(two_categories, client):
    rnd, stories, picture, organiser = two_categories
    below = db.session.scalar(db.select(rounds.RoundEntry).where(
        rounds.RoundEntry.round_id == rnd.id, rounds.RoundEntry.entry_id == stories[4].id))
    advancement.set_advancement(organiser, below, True, "评委会复议决定")
    db.session.commit()
    login(client, organiser)
    html = client.get(f"/console/rounds/{rnd.id}/results").get_data(as_text=True)
    assert "手动晋级" in html and "并列" not in html
    assert html.count('<tr class="group">') == 2
    assert "组别：网民个人组" in html and "组别：图片组" in html
    assert "<th>组内名次</th>" in html and "<th>组别</th>" in html
    # two rank-1 rows, each beside its category
    picture_row = html[html.index(f'data-category="{picture.category_id}"'):]
    assert picture_row.split("</td>")[0].endswith("图片组") and picture_row.split("</td>")[1].endswith(">1")
    # the places of the stories are still the rule's two: the method view counts them so
    table = round_results.results_table(rnd)
    assert sum(1 for r in table if r["by_rule"] and r["entry"].category_id == stories[0].category_id) == 2


def test_the_method_view_shows_each_methods_score_beside_its_rank(two_categories, client):
    rnd, _stories, _picture, organiser = two_categories
    login(client, organiser)
    html = client.get(f"/console/rounds/{rnd.id}/results?view=methods").get_data(as_text=True)
    assert "各计分方法的得分与名次" in html
    assert "平均分：100.00分，第1名" in html and "中位数：90.00分，第2名" in html


def test_result_table_headers_do_not_break_per_character():
    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    assert "table.results th { white-space: nowrap; }" in css
