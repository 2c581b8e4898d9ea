"""The judge's pages as a judge reads them: the scoring page's maxima, guidance,
navigation words and keyboard promises, the "已保存" after a submit, and the
home page telling apart rounds of the same name in different years."""
import re

from contest.extensions import db
from contest.services import judge_assignments, rounds, screening
from tests import factories
from tests.conftest import csrf_token, login
from tests.html_elements import elements


def test_the_scoring_page_reads_as_an_office_writes(client, judged):
    rnd, judges, _canary, _others = judged
    first, second = rnd.criteria
    first.guidance, second.max_points = "构图与色彩：画面完整、主题鲜明", 7.5
    db.session.commit()
    judge = judges[0]
    login(client, judge)
    items = factories.assignments_of(judge, rnd)
    html = client.get(f"/judge/assignments/{items[1].id}").get_data(as_text=True)

    assert "（0–10分）" in html and "（0–7.5分）" in html
    assert ".0分" not in html and "10.0" not in html
    assert "下一件 (J)" in html and "上一件 (K)" in html and "下一页" not in html
    # Nothing takes the focus on arrival, so J / K are the page's from the first key.
    assert not any("autofocus" in attrs for _tag, attrs in elements(html))
    assert "Esc 离开输入框" in html
    # The guidance is its own block under the box, tied to it for screen readers.
    box = re.search(rf'<input type="number" id="c{first.id}"[^>]*>\s*<p class="help criterion-guidance" '
                    rf'id="g{first.id}">构图与色彩：画面完整、主题鲜明</p>', html)
    assert box and f'aria-describedby="g{first.id}"' in box.group(0)
    assert 'max="7.5"' in html and 'max="10"' in html


def test_a_submitted_score_says_it_was_saved(client, judged):
    rnd, judges, _canary, _others = judged
    judge = judges[0]
    login(client, judge)
    items = factories.assignments_of(judge, rnd)
    c1, c2 = rnd.criteria
    token = csrf_token(client, f"/judge/assignments/{items[0].id}")
    r = client.post(f"/judge/assignments/{items[0].id}/score", follow_redirects=True,
                    data={f"c{c1.id}": "8", f"c{c2.id}": "7", "final": "1", "csrf_token": token})
    html = r.get_data(as_text=True)
    number_ = items[0].entry.number
    assert re.search(rf'<p class="flash flash-success" role="status">已保存：{number_} 的评分已提交。</p>', html)
    assert f"/judge/assignments/{items[1].id}" in r.request.path   # on to the next one to score

    r = client.post(f"/judge/assignments/{items[1].id}/score", follow_redirects=True,
                    data={f"c{c1.id}": "6", "csrf_token": token})
    assert f"已保存为草稿：{items[1].entry.number}。" in r.get_data(as_text=True)


def _old_round(world, judge):
    """Last year's contest with a round of the same name, long finished."""
    organiser = world.users["organiser"]
    prog = factories.programme(year=2020, lead=world.unit)
    contest = factories.contest(prog, world.unit, title=world.contest.title)
    cat = factories.category(contest, code="P", kind="image", name="图片组", min_chars=None, max_chars=None,
                             max_files=3, max_file_mb=5)
    entry = factories.image_entry(factories.user(), cat, color=(1, 2, 3))
    screening.screen_entry(organiser, entry, "accept")
    rnd = rounds.save_round(organiser, contest, None, {
        "name": "初评", "categories": [cat], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "top_n", "advance_value": 1, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "画面", "max_points": 10})
    rounds.add_judge(organiser, rnd, cat, judge)
    judge_assignments.assign_judges(organiser, rnd)
    rnd.state = "finalised"
    db.session.commit()
    return contest, rnd


def test_the_judges_home_tells_years_apart_current_first(client, world, judged):
    rnd, judges, _canary, _others = judged
    judge = judges[0]
    old_contest, old_round = _old_round(world, judge)
    this_year = world.contest.programme.year
    login(client, judge)
    html = client.get("/judge/").get_data(as_text=True)
    now_at = html.index(f"<h2>测试征集活动（{this_year}年，{world.contest.code}）</h2>")
    then_at = html.index(f"<h2>测试征集活动（2020年，{old_contest.code}）</h2>")
    assert now_at < then_at                                          # the open round first
    assert html.index(f"/judge/rounds/{rnd.id}") < html.index(f"/judge/rounds/{old_round.id}")
    assert html.count(world.contest.title) == 2 and html.count(">初评</a>") == 2
    assert "已评 0 / 1" in html
