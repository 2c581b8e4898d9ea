"""Judging through the real routes: the judge's panel, the organiser's round,
access rules and blind review."""
import json

import pytest

from contest.extensions import db
from contest.models import JudgeAssignment, Round, Score
from contest.services import advancement, rounds
from tests import factories
from tests.conftest import csrf_token, login


def test_blind_round_shows_the_judge_nothing_of_the_author(client, judged):
    rnd, judges, canary, _others = judged
    judge = judges[0]
    login(client, judge)
    item = next(i for i in factories.assignments_of(judge, rnd) if i.entry_id == canary.id)
    pages = [client.get("/judge/"), client.get(f"/judge/rounds/{rnd.id}"),
             client.get(f"/judge/rounds/{rnd.id}?show=todo"), client.get(f"/judge/assignments/{item.id}")]
    token = csrf_token(client, f"/judge/assignments/{item.id}")
    pages.append(client.post(f"/judge/assignments/{item.id}/score", data=json.dumps(
        {"values": {str(rnd.criteria[0].id): 7}, "version": None, "final": False}),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"}))
    asset = canary.assets[0]
    for variant in ("", "/large", "/thumb"):
        pages.append(client.get(f"/files/{asset.id}{variant}"))
    for response in pages:
        assert response.status_code == 200, response.request.path
        blob = response.get_data() + str(response.headers).encode()
        response.close()
        for canary_text in factories.CANARIES:
            assert canary_text.encode() not in blob, (canary_text, response.request.path)


def test_the_organiser_is_warned_when_an_entry_names_its_author(client, world, judged):
    rnd, judges, canary, _others = judged
    canary.title = "金丝雀作者的故事"
    db.session.commit()
    login(client, world.users["organiser"])
    page = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    assert canary.number in page and "金丝雀作者" in page


def test_a_judge_scores_and_sees_progress(client, judged):
    rnd, judges, _canary, _others = judged
    judge = judges[0]
    login(client, judge)
    items = factories.assignments_of(judge, rnd)
    c1, c2 = rnd.criteria
    for n, item in enumerate(items, start=1):
        token = csrf_token(client, f"/judge/assignments/{item.id}")
        r = client.post(f"/judge/assignments/{item.id}/score",
                        data={f"c{c1.id}": "8", f"c{c2.id}": "6.5", "final": "1", "comment": "好",
                              "csrf_token": token})
        assert r.status_code == 302
        page = client.get(f"/judge/rounds/{rnd.id}").get_data(as_text=True)
        assert f"已评 {n} / {len(items)}" in page
    scores = db.session.scalars(db.select(Score).join(JudgeAssignment).where(JudgeAssignment.judge_id == judge.id))
    assert all(s.final and s.total == pytest.approx(72.5) for s in scores)


def test_a_judge_never_sees_another_judges_scores(client, judged):
    rnd, judges, _canary, _others = judged
    first, second = judges
    c1, c2 = rnd.criteria
    from contest.services import score_sheets

    for item in factories.assignments_of(second, rnd):
        score_sheets.record_score(second, item, {str(c1.id): 3.5, str(c2.id): 2.5}, "第二评委的评语", final=True)
    db.session.commit()
    login(client, first)
    for item in factories.assignments_of(first, rnd):
        page = client.get(f"/judge/assignments/{item.id}").get_data(as_text=True)
        assert "第二评委的评语" not in page and 'value="3.5"' not in page
    assert "第二评委的评语" not in client.get(f"/judge/rounds/{rnd.id}").get_data(as_text=True)


def test_judging_access_rules(client, world, judged):
    rnd, judges, _canary, _others = judged
    first, second = judges
    theirs = factories.assignments_of(second, rnd)[0]
    c1 = rnd.criteria[0]
    login(client, first)
    token = csrf_token(client)
    # another judge's assignment
    assert client.get(f"/judge/assignments/{theirs.id}").status_code == 403
    r = client.post(f"/judge/assignments/{theirs.id}/score", data={f"c{c1.id}": "9", "csrf_token": token})
    assert r.status_code == 403
    # a judge cannot reach organiser pages
    assert client.get(f"/console/rounds/{rnd.id}").status_code == 403
    assert client.get(f"/console/rounds/{rnd.id}/results").status_code == 403
    # an organiser of another unit sees nothing of this contest's judging
    login(client, world.users["organiser_other"])
    for url in (f"/console/rounds/{rnd.id}", f"/console/rounds/{rnd.id}/results",
                f"/console/contests/{world.contest.id}/rounds"):
        assert client.get(url).status_code == 403
    # outside the round's window the score is refused
    mine = factories.assignments_of(first, rnd)[0]
    db.session.get(Round, rnd.id).state = "closed"
    db.session.commit()
    login(client, first)
    r = client.post(f"/judge/assignments/{mine.id}/score",
                    data=json.dumps({"values": {str(c1.id): 5}, "final": False}),
                    headers={"X-CSRFToken": csrf_token(client), "Content-Type": "application/json"})
    assert r.status_code == 403 and r.get_json()["ok"] is False


def test_stale_tab_gets_a_conflict_message(client, judged):
    rnd, judges, _canary, _others = judged
    judge = judges[0]
    item = factories.assignments_of(judge, rnd)[0]
    c1 = rnd.criteria[0]
    login(client, judge)
    headers = {"X-CSRFToken": csrf_token(client), "Content-Type": "application/json"}
    first = client.post(f"/judge/assignments/{item.id}/score", headers=headers,
                        data=json.dumps({"values": {str(c1.id): 5}, "version": None, "final": False}))
    version = first.get_json()["version"]
    client.post(f"/judge/assignments/{item.id}/score", headers=headers,
                data=json.dumps({"values": {str(c1.id): 6}, "version": version, "final": False}))
    stale = client.post(f"/judge/assignments/{item.id}/score", headers=headers,
                        data=json.dumps({"values": {str(c1.id): 9}, "version": version, "final": False}))
    assert stale.status_code == 409 and "其他窗口" in stale.get_json()["message"]
    assert db.session.get(JudgeAssignment, item.id).score.values[str(c1.id)] == 6


def test_organiser_runs_the_round_to_the_end(client, world, judged):
    rnd, judges, _canary, _others = judged
    from contest.services import score_sheets

    c1, c2 = rnd.criteria
    for judge in judges:
        for i, item in enumerate(factories.assignments_of(judge, rnd)):
            score_sheets.record_score(judge, item, {str(c1.id): 5 + i, str(c2.id): 5}, final=True)
    db.session.commit()
    login(client, world.users["organiser"])
    page = f"/console/rounds/{rnd.id}"
    assert "第二评委" in client.get(page).get_data(as_text=True)
    r = client.post(f"/console/rounds/{rnd.id}/close", data={"csrf_token": csrf_token(client, page)})
    assert r.status_code == 302 and db.session.get(Round, rnd.id).state == "closed"
    results = client.get(f"/console/rounds/{rnd.id}/results").get_data(as_text=True)
    assert all(e.number in results for e in [judged[2], *judged[3]])
    r = client.post(f"/console/rounds/{rnd.id}/finalise", data={"csrf_token": csrf_token(client, page)})
    assert db.session.get(Round, rnd.id).state == "finalised"


def test_recusal_through_the_page(client, world, judged):
    rnd, judges, _canary, _others = judged
    judge = judges[0]
    # a third judge, so the entry can move
    third = factories.user("judge", name="第三评委")
    rounds.add_judge(world.users["organiser"], rnd, rnd.categories[0], third)
    db.session.commit()
    item = factories.assignments_of(judge, rnd)[0]
    login(client, judge)
    token = csrf_token(client, f"/judge/assignments/{item.id}")
    r = client.post(f"/judge/assignments/{item.id}/recuse", data={"reason": "作者是我的亲属", "csrf_token": token})
    assert r.status_code == 302
    assert db.session.get(JudgeAssignment, item.id).state == "recused"
    assert db.session.scalar(db.select(JudgeAssignment).where(
        JudgeAssignment.entry_id == item.entry_id, JudgeAssignment.judge_id == third.id)) is not None
    assert client.get(f"/judge/assignments/{item.id}").status_code == 403



def test_entrant_sees_whether_it_advanced_but_no_score(client, world, judged):
    rnd, judges, canary, others = judged
    from contest.services import score_sheets

    c1, c2 = rnd.criteria
    for judge in judges:
        for item in factories.assignments_of(judge, rnd):
            high = item.entry_id == canary.id
            score_sheets.record_score(judge, item, {str(c1.id): 9.5 if high else 3, str(c2.id): 9}, "评委甲的意见",
                                      final=True)
    rounds.close_round(world.users["organiser"], rnd)
    advancement.finalise_round(world.users["organiser"], rnd)
    db.session.commit()
    login(client, canary.owner)
    page = client.get(f"/entries/{canary.id}").get_data(as_text=True)
    assert "初评" in page and "入围" in page and "未入围" not in page
    assert "评委甲的意见" not in page and "92.5" not in page and judges[0].real_name not in page
    login(client, others[0].owner)
    assert "未入围" in client.get(f"/entries/{others[0].id}").get_data(as_text=True)


def test_organiser_declares_a_conflict_and_the_entry_moves(client, world, judged):
    rnd, judges, canary, _others = judged
    third = factories.user("judge", name="第三评委")
    rounds.add_judge(world.users["organiser"], rnd, rnd.categories[0], third)
    db.session.commit()
    item = next(i for i in factories.assignments_of(judges[0], rnd))
    number = item.entry.number
    login(client, world.users["organiser"])
    page = f"/console/rounds/{rnd.id}"
    r = client.post(f"/console/rounds/{rnd.id}/conflicts", data={
        "judge": judges[0].id, "number": number, "reason": "评委与作者同校", "csrf_token": csrf_token(client, page)})
    assert r.status_code == 302
    assert db.session.get(JudgeAssignment, item.id).state == "recused"
    holders = set(db.session.scalars(db.select(JudgeAssignment.judge_id).where(
        JudgeAssignment.entry_id == item.entry_id, JudgeAssignment.state != "recused")))
    assert judges[0].id not in holders and len(holders) == 2
