"""The final ranking (judging blended with the vote), awards and
recommendations: through the service and the organiser's page."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from contest.extensions import db
from contest.models import AuditEvent, Contest, ResultDecision, Round, RoundEntry
from contest.services import results, votes
from contest.services.errors import ServiceError, ValidationErrors
from tests import factories
from tests.conftest import csrf_token, login

# entry index -> judges' score in the finalised round, and votes cast for it
JUDGE = [90.0, 80.0, 80.0, 70.0]
VOTES = [0, 3, 1, 0]


@pytest.fixture
def ranked(voting, world):
    """Four entries of one category scored in a finalised round, with votes."""
    contest, entries = voting
    story = [e for e in entries if e.category_id == entries[0].category_id][:4]
    rnd = Round(contest_id=contest.id, position=1, name="终评", state="finalised",
                categories=[story[0].category, world.image_category])
    db.session.add(rnd)
    db.session.flush()
    for e, score in zip(story, JUDGE, strict=True):
        db.session.add(RoundEntry(round_id=rnd.id, entry_id=e.id, score=score, advanced=True))
    for e, n in zip(story, VOTES, strict=True):
        for _ in range(n):
            votes.cast_vote(contest, e.number, factories.user(), ip="198.51.100.4", device="d")
    db.session.commit()
    return contest, story, rnd


def _order(contest):
    (rows,) = results.ranking(contest).values()
    return rows


def test_judging_alone_ranks_by_the_judges_score_and_says_so(ranked):
    contest, story, _rnd = ranked
    rows = _order(contest)
    assert [r.entry_id for r in rows] == [story[0].id, story[1].id, story[2].id, story[3].id]
    # equal judges' scores: more votes first (80 with 3 votes before 80 with 1)
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    text = results.formula_text(results.settings_for(contest))
    assert "× 100%" in text and "网络投票不计入" in text and "并列" in text


def test_the_contests_announced_vote_weight_counts_without_saving_anything(ranked):
    contest, story, _rnd = ranked
    contest.vote_weight = 20   # announced on the contest form: 网络投票在总成绩中的权重（%）
    db.session.commit()
    rows = {r.entry_id: r for r in _order(contest)}
    # votes 0, 3, 1, 0 -> distinct counts 0, 1, 3 -> 0, 50, 100, 0
    assert rows[story[1].id].final == pytest.approx(0.8 * 80 + 0.2 * 100)
    assert rows[story[2].id].final == pytest.approx(0.8 * 80 + 0.2 * 50)
    assert rows[story[0].id].final == pytest.approx(0.8 * 90)
    text = results.formula_text(results.settings_for(contest))
    assert "专家评审得分 × 80% + 网络投票得分 × 20%" in text
    contest.voting_enabled = False   # no public vote: the judges alone, whatever the figure
    assert results.settings_for(contest).vote_weight == 0


def test_the_weight_changed_on_the_results_page_is_the_contests(ranked, world):
    contest, story, _rnd = ranked
    contest.vote_weight = 20
    results.save_settings(world.users["organiser"], contest, {
        "vote_weight": "40", "vote_mapping": "rank", "round_id": None, "award_counts": {}})
    db.session.commit()
    db.session.expire_all()
    assert contest.vote_weight == 40   # one setting: the contest's announced figure follows
    rows = {r.entry_id: r for r in _order(contest)}
    assert rows[story[1].id].final == pytest.approx(0.6 * 80 + 0.4 * 100)
    assert rows[story[0].id].final == pytest.approx(0.6 * 90)
    # story 1 (80, three votes: 88) and story 2 (80, one vote: 68) against story 0 (90, none: 54)
    assert [r.entry_id for r in _order(contest)] == [story[1].id, story[2].id, story[0].id, story[3].id]
    assert "× 40%" in results.formula_text(results.settings_for(contest))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.settings")).one()
    assert event.details["vote_weight"] == {"from": 20, "to": 40}


def test_bad_settings_are_refused_and_nothing_is_saved(ranked, world):
    contest, _story, _rnd = ranked
    contest.vote_weight = 20
    db.session.commit()
    with pytest.raises(ValidationErrors) as refused:
        results.save_settings(world.users["organiser"], contest, {
            "vote_weight": "-1", "vote_mapping": "dice", "round_id": 999999})
    assert set(refused.value.errors) == {"vote_weight", "vote_mapping", "round_id"}
    db.session.rollback()
    assert contest.vote_weight == 20 and results.settings_for(contest).vote_weight == 0.2


def test_withdrawn_or_unscored_entries_are_not_ranked(ranked):
    contest, story, rnd = ranked
    story[3].status = "withdrawn"
    db.session.execute(RoundEntry.__table__.update().where(RoundEntry.entry_id == story[2].id).values(score=None))
    db.session.commit()
    assert {r.entry_id for r in _order(contest)} == {story[0].id, story[1].id}
    with pytest.raises(ServiceError):
        results.set_award(factories.user("organiser"), contest, story[3], "first")


def test_awards_are_suggested_applied_and_changed_by_hand_with_an_audit_trail(ranked, world):
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    results.save_settings(organiser, contest, {
        "vote_weight": "0", "vote_mapping": "rank",
        "award_counts": {str(world.category.id): {"first": 1, "second": 1, "third": 1}}})
    assert [r.suggested for r in _order(contest)] == ["first", "second", "third", None]
    assert results.apply_suggestions(organiser, contest, world.category) == 3
    results.set_award(organiser, contest, story[3], "merit")
    db.session.commit()
    assert [r.award for r in _order(contest)] == ["first", "second", "third", "merit"]
    trail = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("results.%"))
                               .order_by(AuditEvent.id)).all()
    assert [e.action for e in trail][-2:] == ["results.apply_suggestions", "results.award"]
    assert trail[-1].details == {"from": None, "to": "merit"}


def test_recommendation_needs_a_reason_and_stays_within_the_quota(ranked, world):
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    world.category.recommend_quota = 1
    db.session.commit()
    with pytest.raises(ServiceError, match="理由"):
        results.set_recommendation(organiser, contest, story[0], True, "  ")
    results.set_recommendation(organiser, contest, story[0], True, "立意高远，传播广泛")
    db.session.commit()
    with pytest.raises(ServiceError, match="最多推荐 1"):
        results.set_recommendation(organiser, contest, story[1], True, "也很好")
    db.session.rollback()
    assert results.recommended_ids(contest) == {story[0].id}
    results.set_recommendation(organiser, contest, story[0], False, "")
    results.set_recommendation(organiser, contest, story[1], True, "也很好")
    db.session.commit()
    decided = {d.entry_id: d for d in db.session.scalars(select(ResultDecision))}
    assert decided[story[1].id].recommended and decided[story[1].id].reason == "也很好"
    assert not decided[story[0].id].recommended
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("results.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["results.recommend", "results.unrecommend", "results.recommend"]


def test_the_organisers_page_shows_the_formula_and_the_ranking_and_saves_decisions(ranked, world, client):
    contest, story, _rnd = ranked
    login(client, world.users["organiser"])
    url = f"/console/contests/{contest.id}/results"
    html = client.get(url).get_data(as_text=True)
    assert "最终得分 = 专家评审得分 × 100%" in html and story[0].number in html and "终评" in html
    assert "网络投票在总成绩中的权重（%）" in html and 'name="vote_weight"' in html and 'max="100"' in html
    token = csrf_token(client, url)
    r = client.post(f"{url}/{story[1].id}/decide",
                    data={"csrf_token": token, "recommended": "1", "reason": "<script>x</script>好作品"})
    assert r.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;好作品" in html and "<script>x" not in html
    assert "已推荐参加省级评选：1 件" in html
    r = client.post(f"{url}/settings", data={"csrf_token": token, "vote_weight": "0.2",
                                            "vote_mapping": "rank"}, follow_redirects=True)
    assert "请输入0至100之间的整数" in r.get_data(as_text=True)
    assert results.settings_for(contest).judge_weight == 1.0
    r = client.post(f"{url}/settings", data={"csrf_token": token, "vote_weight": "25", "vote_mapping": "rank"})
    assert r.status_code == 302
    db.session.expire_all()
    assert contest.vote_weight == 25
    assert "专家评审得分 × 75% + 网络投票得分 × 25%" in client.get(url).get_data(as_text=True)


def test_another_units_organiser_cannot_see_or_decide(ranked, world, client):
    contest, story, _rnd = ranked
    login(client, world.users["organiser_other"])
    assert client.get(f"/console/contests/{contest.id}/results").status_code == 403
    login(client, world.users["organiser"])
    token = csrf_token(client, f"/console/contests/{contest.id}/results")
    login(client, world.users["organiser_other"])
    r = client.post(f"/console/contests/{contest.id}/results/{story[0].id}/decide",
                    data={"csrf_token": token, "award": "first"})
    assert r.status_code == 403
    assert db.session.scalar(select(ResultDecision.id)) is None


def test_each_category_counts_the_last_finalised_round_that_judged_it(ranked, world):
    contest, story, rnd = ranked
    rnd.categories = [story[0].category]   # the story round judged the stories only
    picture = world.image_entry
    from contest.services import screening

    screening.screen_entry(world.users["organiser"], picture, "accept")
    pictures_round = Round(contest_id=contest.id, position=2, name="图片终评", state="finalised",
                           categories=[world.image_category])
    db.session.add(pictures_round)
    db.session.flush()
    db.session.add(RoundEntry(round_id=pictures_round.id, entry_id=picture.id, score=77.0, advanced=True))
    db.session.commit()
    ranking = results.ranking(contest)
    assert {r.entry_id for r in ranking[world.category.id]} == {e.id for e in story}
    assert [(r.entry_id, r.judge) for r in ranking[world.image_category.id]] == [(picture.id, 77.0)]
    results.set_award(world.users["organiser"], contest, story[0], "first")   # still in the ranking


def test_a_recommendation_can_be_withdrawn_after_its_entry_left_the_ranking_and_frees_the_quota(ranked, world):
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    world.category.recommend_quota = 1
    results.set_recommendation(organiser, contest, story[0], True, "立意高远")
    story[0].status = "withdrawn"   # it leaves the ranking
    db.session.commit()
    results.set_recommendation(organiser, contest, story[1], True, "后补")   # the place is free again
    results.set_recommendation(organiser, contest, story[0], False, "")
    db.session.commit()
    assert results.recommended_ids(contest) == {story[1].id}


def test_numbers_that_are_not_numbers_are_refused(ranked, world):
    contest, _story, _rnd = ranked
    with pytest.raises(ValidationErrors) as refused:
        results.save_settings(world.users["organiser"], contest, {
            "vote_weight": "inf", "vote_mapping": "rank",
            "award_counts": {str(world.category.id): {"first": "abc", "second": "3.5", "third": "2"}}})
    assert set(refused.value.errors) == {"vote_weight", f"award_{world.category.id}_first",
                                         f"award_{world.category.id}_second"}


def test_the_page_counts_each_level_against_its_planned_number(ranked, world, client):
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    results.save_settings(organiser, contest, {"vote_weight": "0", "vote_mapping": "rank",
                                               "award_counts": {str(world.category.id): {"first": 1, "second": 2}}})
    results.set_award(organiser, contest, story[0], "first")
    results.set_award(organiser, contest, story[1], "first")
    db.session.commit()
    login(client, organiser)
    html = client.get(f"/console/contests/{contest.id}/results").get_data(as_text=True)
    assert '<span class="warn">一等奖：已定 2 件，名额 1 件</span>' in html
    assert '<span class="warn">二等奖：已定 0 件，名额 2 件</span>' in html
    assert "<span>三等奖：已定 0 件，名额 0 件" in html


def test_the_migration_makes_a_vote_weight_saved_on_the_results_page_the_contests(ranked):
    contest, _story, _rnd = ranked
    contest.vote_weight = 20
    db.session.commit()
    contest_id = contest.id
    db.session.remove()
    downgrade(revision="0008_publicity")
    db.session.execute(text("INSERT INTO result_settings (contest_id, judge_weight, vote_weight, vote_mapping, "
                            "award_counts, updated_at) VALUES (:c, 0.9, 0.6, 'rank', '{}', CURRENT_TIMESTAMP)"),
                       {"c": contest_id})
    db.session.commit()
    db.session.remove()
    upgrade()
    assert db.session.get(Contest, contest_id).vote_weight == 40   # 0.6 of 1.5: the ranking it gave stays


def test_one_submit_sets_the_award_and_the_recommendation_and_the_page_shows_who_and_the_quota(
        ranked, world, client):
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    world.category.recommend_quota = 1
    story[1].unit = world.other_unit
    db.session.commit()
    login(client, organiser)
    url = f"/console/contests/{contest.id}/results"
    html = client.get(url).get_data(as_text=True)
    assert "<th>作者</th>" in html and "<th>单位</th>" in html
    assert f"<td>{story[1].authors[0].name}</td><td>{world.other_unit.name}</td>" in html
    quotas = html[html.index('id="quotas"'):html.index("</table>", html.index('id="quotas"'))]
    assert "<td>网民个人组</td><td>0</td>\n    <td>1</td><td>1</td>" in quotas and "<td>图片组</td>" in quotas
    assert html.index('id="quotas"') < html.index('class="data results"')   # up front, before the list
    token = csrf_token(client, url)
    r = client.post(f"{url}/{story[1].id}/decide", data={
        "csrf_token": token, "award": "second", "recommended": "1", "reason": "传播广泛"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#entry-{story[1].id}")
    decision = db.session.scalars(select(ResultDecision).where(ResultDecision.entry_id == story[1].id)).one()
    assert (decision.award, decision.recommended, decision.reason) == ("second", True, "传播广泛")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("results.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["results.award", "results.recommend"]
    html = client.get(url).get_data(as_text=True)
    assert "<td>网民个人组</td><td>1</td>\n    <td>1</td><td>已满</td>" in html
    assert "名额已满" in html and html.count('name="recommended" value="1" disabled') == 3
    # a refusal changes nothing: a second recommendation beyond the quota, with an award
    r = client.post(f"{url}/{story[0].id}/decide", data={
        "csrf_token": token, "award": "first", "recommended": "1", "reason": "也好"}, follow_redirects=True)
    assert "最多推荐 1" in r.get_data(as_text=True)
    assert db.session.scalar(select(ResultDecision.award).where(ResultDecision.entry_id == story[0].id)) is None
    # unticked: the recommendation is withdrawn, the award kept, in the same single submit
    client.post(f"{url}/{story[1].id}/decide", data={"csrf_token": token, "award": "second", "reason": ""})
    db.session.expire_all()
    assert (decision.award, decision.recommended) == ("second", False)
