"""A round from set-up to finalisation, through the services."""
from datetime import UTC, datetime, timedelta

import pytest

from contest.extensions import db
from contest.models import AuditEvent, DeclaredConflict, JudgeAssignment, RoundEntry, ScoreRevision
from contest.services import (
    advancement,
    judge_assignments,
    round_results,
    round_totals,
    rounds,
    score_sheets,
    screening,
)
from contest.services.errors import ServiceError, ValidationErrors
from tests import factories
from tests.conftest import login
from tests.functional.test_screening import unique_story


@pytest.fixture
def setup(world):
    organiser = world.users["organiser"]
    entries = [world.entry]
    for i in range(5):
        entries.append(factories.entry(factories.user(name=f"作者{i}"), world.category, title=f"作品{i}",
                                       body=unique_story(i)))
    for e in entries:
        screening.screen_entry(organiser, e, "accept")
    judges = [factories.user("judge", name=f"评委{i}") for i in range(4)]
    # One judge works in the unit that submitted one entry: a conflict.
    judges[0].unit = world.other_unit
    entries[1].unit = world.other_unit
    rnd = rounds.save_round(organiser, world.contest, None, {
        "name": "初评", "categories": [world.category], "judges_per_entry": 2, "aggregation": "mean",
        "advance_rule": "top_n", "advance_value": 2, "blind": True})
    rounds.save_criterion(organiser, rnd, None, {"name": "内容", "max_points": 20})
    rounds.save_criterion(organiser, rnd, None, {"name": "创意", "max_points": 10, "guidance": "新颖独到"})
    for j in judges:
        rounds.add_judge(organiser, rnd, world.category, j)
    db.session.commit()
    return rnd, entries, judges, organiser


def test_assignment_gives_k_judges_without_conflicts(setup):
    rnd, entries, judges, organiser = setup
    loads = judge_assignments.assign_judges(organiser, rnd)
    rows = db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id)).all()
    per_entry = {}
    for row in rows:
        per_entry.setdefault(row.entry_id, set()).add(row.judge_id)
    assert all(len(js) == 2 for js in per_entry.values()) and len(per_entry) == 6
    assert judges[0].id not in per_entry[entries[1].id]
    assert max(loads.values()) - min(loads.values()) <= 1 and sum(loads.values()) == 12
    assert db.session.scalar(db.select(db.func.count(RoundEntry.id)).where(RoundEntry.round_id == rnd.id)) == 6


def test_impossible_assignment_is_explained_and_nothing_saved(setup):
    rnd, entries, judges, organiser = setup
    rnd.judges_per_entry = 4   # judge 0 conflicts with entry 1: only 3 left for it
    with pytest.raises(judge_assignments.AssignmentImpossible) as caught:
        judge_assignments.assign_judges(organiser, rnd)
    assert entries[1].number in caught.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(JudgeAssignment.id))) == 0


def test_a_round_cannot_open_without_criteria_panel_and_assignment(setup, world):
    rnd, entries, judges, organiser = setup
    with pytest.raises(ServiceError):
        rounds.open_round(organiser, rnd)   # not assigned yet
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    assert rnd.state == "open"
    with pytest.raises(ServiceError):
        rounds.save_criterion(organiser, rnd, None, {"name": "晚加的", "max_points": 5})


def _score_all(rnd, judges, points):
    for item in db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id,
                                                                    JudgeAssignment.state != "recused")):
        judge = next(j for j in judges if j.id == item.judge_id)
        c1, c2 = rnd.criteria
        content, idea = points[item.entry_id]
        score_sheets.record_score(judge, item, {str(c1.id): content, str(c2.id): idea}, final=True)


def test_scoring_finalising_and_the_next_round(setup):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    # Entry i gets content 20-2i of 20 and idea 10-i of 10: total (60 - 5i) / 30 × 100.
    points = {e.id: (20 - 2 * i, 10 - i) for i, e in enumerate(entries)}
    _score_all(rnd, judges, points)
    rows = round_results.results(rnd)
    assert [r["entry"].id for r in rows] == [e.id for e in entries]
    assert rows[0]["score"] == pytest.approx(100.0) and rows[1]["score"] == pytest.approx(100 * 27 / 30)
    with pytest.raises(ServiceError):
        advancement.finalise_round(organiser, rnd)   # still open
    rounds.close_round(organiser, rnd)
    advancement.finalise_round(organiser, rnd)
    advanced = {re.entry_id for re in db.session.scalars(db.select(RoundEntry).where(
        RoundEntry.round_id == rnd.id, RoundEntry.advanced.is_(True)))}
    assert advanced == {entries[0].id, entries[1].id}
    second = rounds.save_round(organiser, rnd.contest, None, {
        "name": "复评", "categories": rnd.categories, "judges_per_entry": None, "aggregation": "median",
        "advance_rule": "manual"})
    assert {e.id for e in rounds.eligible_entries(second)} == advanced
    assert {"round.open", "round.close", "round.finalise", "score.final"} <= set(
        db.session.scalars(db.select(AuditEvent.action)))


def test_ties_at_the_cut_all_advance_and_manual_changes_need_a_reason(setup):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    points = {e.id: (18, 9) if i < 3 else (10, 5) for i, e in enumerate(entries)}   # three tied at the top
    _score_all(rnd, judges, points)
    rounds.close_round(organiser, rnd)
    rows = round_results.preview_advancement(rnd)
    assert sum(1 for r in rows if r["advance"]) == 3
    assert sum(1 for r in rows if r.get("tied_at_cut")) == 3   # shown to the organiser as a tie
    last = db.session.get(RoundEntry, next(r["round_entry"].id for r in rows if r["entry"].id == entries[5].id))
    with pytest.raises(ValidationErrors):
        advancement.set_advancement(organiser, last, True, "")
    advancement.set_advancement(organiser, last, True, "评委会复议决定")
    advancement.finalise_round(organiser, rnd)
    assert db.session.get(RoundEntry, last.id).advanced is True


def test_score_rules(setup):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    item = db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id)
                             .order_by(JudgeAssignment.id)).first()
    judge = next(j for j in judges if j.id == item.judge_id)
    other = next(j for j in judges if j.id != item.judge_id)
    c1, c2 = rnd.criteria
    with pytest.raises(ServiceError):   # the round is not open yet
        score_sheets.record_score(judge, item, {str(c1.id): 10})
    rounds.open_round(organiser, rnd)
    with pytest.raises(ServiceError):   # somebody else's assignment
        score_sheets.record_score(other, item, {str(c1.id): 10})
    with pytest.raises(ValidationErrors):   # over the criterion's maximum
        score_sheets.record_score(judge, item, {str(c1.id): 21})
    with pytest.raises(ValidationErrors):   # final needs every criterion
        score_sheets.record_score(judge, item, {str(c1.id): 10}, final=True)
    draft = score_sheets.record_score(judge, item, {str(c1.id): 10})
    assert draft.total is None and item.state == "pending"
    score_sheets.record_score(judge, item, {str(c1.id): 10, str(c2.id): 5}, final=True,
                              expected_version=draft.version)
    with pytest.raises(score_sheets.ScoreConflict):   # a stale tab
        score_sheets.record_score(judge, item, {str(c1.id): 1, str(c2.id): 1}, expected_version=1)
    assert item.state == "scored" and item.score.total == pytest.approx(50.0)
    revisions = db.session.scalars(db.select(ScoreRevision).where(ScoreRevision.score_id == item.score.id)).all()
    assert [r.version for r in revisions] == [1, 2]
    rnd.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(ServiceError):   # after the round's closing time
        score_sheets.record_score(judge, item, {str(c1.id): 9, str(c2.id): 5}, final=True)


def test_recusal_reassigns_and_records_the_conflict(setup):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    item = db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.round_id == rnd.id)
                             .order_by(JudgeAssignment.id)).first()
    judge = next(j for j in judges if j.id == item.judge_id)
    with pytest.raises(ServiceError):
        judge_assignments.recuse(judge, item, "")
    replacement = judge_assignments.recuse(judge, item, "作者是我的学生")
    assert item.state == "recused" and replacement.judge_id != judge.id
    assert replacement.entry_id == item.entry_id
    assert db.session.scalar(db.select(DeclaredConflict).where(DeclaredConflict.judge_id == judge.id))
    holders = set(db.session.scalars(db.select(JudgeAssignment.judge_id).where(
        JudgeAssignment.entry_id == item.entry_id, JudgeAssignment.state != "recused")))
    assert len(holders) == 2 and judge.id not in holders


def test_results_table_follows_every_change(setup):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    points = {e.id: (10, 5) for e in entries}
    _score_all(rnd, judges, points)
    rows = round_results.results_table(rnd)
    assert {round(r["score"], 3) for r in rows} == {50.0}
    item = db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.entry_id == entries[0].id)
                             .order_by(JudgeAssignment.id)).first()
    judge = next(j for j in judges if j.id == item.judge_id)
    c1, c2 = rnd.criteria
    score_sheets.record_score(judge, item, {str(c1.id): 20, str(c2.id): 10}, final=True)
    rows = round_results.results_table(rnd)
    top = next(r for r in rows if r["entry"].id == entries[0].id)
    assert top["score"] == pytest.approx(75.0) and top["rank"] == 1
    assert round_results.method_ranks(rnd)[entries[0].id]["ranks"]["mean"] == 1
    # A decision by hand is a change too.
    rounds.close_round(organiser, rnd)
    last = next(r for r in rows if r["entry"].id == entries[5].id)
    assert last["advance"] is True   # six tied at 50 behind the top: all inside the cut of 2
    advancement.set_advancement(organiser, db.session.get(RoundEntry, last["round_entry"].id), False, "复议")
    again = next(r for r in round_results.results_table(rnd) if r["entry"].id == entries[5].id)
    assert again["advance"] is False and again["round_entry"].decision_reason == "复议"


def _stored(rnd):
    return {entry_id: sorted(round_totals.unpack(packed).items()) for entry_id, packed in db.session.execute(
        db.select(RoundEntry.entry_id, RoundEntry.totals).where(RoundEntry.round_id == rnd.id))}


def _from_scores(rnd):
    found = round_totals.final_totals(db.session.connection(), rnd.id)
    return {e.entry_id: sorted(map(tuple, found.get(e.entry_id, []))) for e in db.session.scalars(
        db.select(RoundEntry).where(RoundEntry.round_id == rnd.id))}


def test_stored_totals_follow_scores_drafts_and_recusals(setup):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    version = rnd.results_version
    _score_all(rnd, judges, {e.id: (10, 5) for e in entries})
    assert rnd.results_version > version
    stored = _stored(rnd)
    assert stored == _from_scores(rnd) and all(len(pairs) == 2 for pairs in stored.values())
    # A judge takes a score back to a draft: it leaves the entry's totals.
    item = db.session.scalars(db.select(JudgeAssignment).where(JudgeAssignment.entry_id == entries[2].id)
                             .order_by(JudgeAssignment.id)).first()
    judge = next(j for j in judges if j.id == item.judge_id)
    c1, _c2 = rnd.criteria
    version = rnd.results_version
    score_sheets.record_score(judge, item, {str(c1.id): 10})
    assert rnd.results_version > version
    assert _stored(rnd) == _from_scores(rnd) and [j for j, _t in _stored(rnd)[entries[2].id]] != [judge.id]
    assert len(_stored(rnd)[entries[2].id]) == 1
    # It steps back from the entry: another judge takes it, nothing scored yet.
    replacement = judge_assignments.recuse(judge, item, "认识作者")
    assert replacement is not None and _stored(rnd) == _from_scores(rnd)
    # The organiser's table reads the stored totals.
    row = next(r for r in round_results.results_table(rnd) if r["entry"].id == entries[2].id)
    assert list(row["totals"]) == [j for j, _t in _stored(rnd)[entries[2].id]]


def test_results_page_shows_the_rank_under_every_method_on_request(setup, client):
    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    _score_all(rnd, judges, {e.id: (20 - 2 * i, 10 - i) for i, e in enumerate(entries)})
    db.session.commit()
    login(client, organiser)
    plain = client.get(f"/console/rounds/{rnd.id}/results").get_data(as_text=True)
    by_method = client.get(f"/console/rounds/{rnd.id}/results?view=methods").get_data(as_text=True)
    assert "view=methods" in plain and "中位数：" not in plain
    assert "中位数：100.00分，第1名" in by_method and "显示各方法下的名次" in plain


def test_the_migration_fills_the_totals_of_rounds_judged_before_it(setup):
    from flask_migrate import downgrade, upgrade

    rnd, entries, judges, organiser = setup
    judge_assignments.assign_judges(organiser, rnd)
    rounds.open_round(organiser, rnd)
    _score_all(rnd, judges, {e.id: (20 - 2 * i, 10 - i) for i, e in enumerate(entries)})
    db.session.commit()
    expected = _from_scores(rnd)
    round_id = rnd.id
    db.session.remove()
    downgrade(revision="0004_judging")
    upgrade()
    rnd = db.session.get(type(rnd), round_id)
    assert _stored(rnd) == expected and all(len(pairs) == 2 for pairs in expected.values())
