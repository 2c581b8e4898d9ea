"""公示, objections, the final result and the public showcase: frozen
numbered versions, decisions with reasons, what entrants are told, and
nothing unpublished reaching the public."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, Objection, ResultVersion, Round, RoundEntry
from contest.models.timestamps import utcnow
from contest.services import publicity, results, screening
from contest.services.errors import ServiceError
from tests import factories
from tests.conftest import csrf_token, login
from tests.functional.test_results import ranked  # noqa: F401  (the fixture)
from tests.functional.test_screening import unique_story


@pytest.fixture
def proposed(ranked, world):  # noqa: F811
    """Awards for the first two of the ranking, a recommendation for the first."""
    contest, story, rnd = ranked
    organiser = world.users["organiser"]
    results.set_award(organiser, contest, story[0], "first")
    results.set_award(organiser, contest, story[1], "second")
    results.set_recommendation(organiser, contest, story[0], True, "立意高远")
    db.session.commit()
    return contest, story, organiser


def _publish(contest, organiser, days=7, **kw):
    kw.setdefault("confirmed", True)   # the warnings (tests/functional/test_publicity_notice.py) seen
    version = publicity.publish_publicity(organiser, contest, days, **kw)
    db.session.commit()
    return version


def test_nothing_is_public_before_publication(client, proposed):
    contest, story, _organiser = proposed
    for path in (f"/results/{contest.slug}", f"/showcase/{contest.slug}",
                 f"/showcase/{contest.slug}/{story[0].number}"):
        assert client.get(path).status_code == 404, path


def test_publicity_freezes_a_numbered_version_and_shows_the_list_rules_and_how_to_object(client, proposed, world):
    contest, story, organiser = proposed
    version = _publish(contest, organiser, days=5)
    assert (version.number, version.kind) == (1, "publicity")
    assert [r["entry_id"] for r in version.rows] == [story[0].id, story[1].id]
    assert version.ends_at - version.published_at == timedelta(days=5)
    assert f"/results/{contest.slug}" in client.get(f"/contests/{contest.slug}").get_data(as_text=True)
    html = client.get(f"/results/{contest.slug}").get_data(as_text=True)
    assert story[0].title in html and "二等奖" in html and "最终得分 =" in html and "如何提出异议" in html
    assert "登录后提出异议" in html and story[2].number not in html   # not awarded: not on the list
    # later decisions do not rewrite what was published
    results.set_award(organiser, contest, story[2], "third")
    db.session.commit()
    db.session.expire_all()
    assert [r["entry_id"] for r in db.session.get(ResultVersion, version.id).rows] == [story[0].id, story[1].id]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.publicity")).one()
    assert event.details["version"] == 1 and event.details["entries"] == 2


def test_objections_are_filed_in_the_window_with_reasons_and_contact_seen_only_by_organisers(client, proposed, world):
    contest, story, organiser = proposed
    _publish(contest, organiser)
    objector = factories.user(name="异议人")
    login(client, objector)
    url = f"/results/{contest.slug}"
    token = csrf_token(client, url)
    r = client.post(f"{url}/objections", data={"csrf_token": token, "entry": story[0].id,
                                               "reason": "与某网站文章雷同", "contact": "微信 yiyi2026"},
                    follow_redirects=True)
    assert "异议已收到" in r.get_data(as_text=True)
    again = client.post(f"{url}/objections", data={"csrf_token": token, "entry": story[0].id,
                                                   "reason": "再说一次", "contact": "x"}, follow_redirects=True)
    assert "已对这件作品提出异议" in again.get_data(as_text=True)
    off_list = client.post(f"{url}/objections", data={"csrf_token": token, "entry": story[3].id,
                                                      "reason": "理由", "contact": "x"}, follow_redirects=True)
    assert "请选择公示名单中的作品" in off_list.get_data(as_text=True)
    (objection,) = db.session.scalars(select(Objection)).all()
    assert objection.user_id == objector.id and objection.contact == "微信 yiyi2026"
    assert "yiyi2026" not in client.get(url).get_data(as_text=True)
    login(client, organiser)
    assert "yiyi2026" in client.get(f"/console/contests/{contest.id}/publicity").get_data(as_text=True)
    with pytest.raises(ServiceError, match="公示期内"):
        publicity.file_objection(objector, contest, story[1].id, "理由", "电话", now=utcnow() + timedelta(days=8))


def test_an_upheld_objection_changes_the_list_in_a_new_version_and_the_old_stays_readable(client, proposed):
    contest, story, organiser = proposed
    first = _publish(contest, organiser)
    objection = publicity.file_objection(factories.user(), contest, story[1].id, "抄袭", "13800000000")
    with pytest.raises(ServiceError, match="理由"):
        publicity.decide_objection(organiser, objection, True, " ")
    publicity.decide_objection(organiser, objection, True, "经核查属实")
    results.set_award(organiser, contest, story[1], None)
    second = _publish(contest, organiser, note="采纳异议 1，撤销 T 的二等奖")
    assert second.number == 2 and [r["entry_id"] for r in second.rows] == [story[0].id]
    login(client, organiser)
    old = client.get(f"/console/contests/{contest.id}/publicity/versions/1").get_data(as_text=True)
    assert story[1].title in old and "二等奖" in old
    assert story[1].title not in client.get(f"/results/{contest.slug}").get_data(as_text=True)
    assert db.session.get(Objection, objection.id).state == "upheld"
    assert first.rows != second.rows


def test_the_final_result_waits_for_the_window_and_the_objections_then_freezes_everything(proposed):
    contest, story, organiser = proposed
    _publish(contest, organiser, days=3)
    later = utcnow() + timedelta(days=4)
    with pytest.raises(ServiceError, match="公示期"):
        publicity.publish_final(organiser, contest)
    objection = publicity.file_objection(factories.user(), contest, story[0].id, "疑似代写", "邮箱 a@b.cn")
    with pytest.raises(ServiceError, match="异议"):
        publicity.publish_final(organiser, contest, now=later)
    publicity.decide_objection(organiser, objection, False, "查无实据")
    results.set_award(organiser, contest, story[2], "third")
    with pytest.raises(ServiceError, match="重新公示"):
        publicity.publish_final(organiser, contest, now=later)
    results.set_award(organiser, contest, story[2], None)
    final = publicity.publish_final(organiser, contest, now=later)
    db.session.commit()
    assert final.kind == "final" and final.number == 2
    for change in (lambda: results.set_award(organiser, contest, story[1], "first"),
                   lambda: results.set_recommendation(organiser, contest, story[1], True, "x"),
                   lambda: publicity.publish_publicity(organiser, contest, 7)):
        with pytest.raises(ServiceError, match="已发布"):
            change()


def _final(contest, organiser):
    version = publicity.publish_publicity(organiser, contest, 1, confirmed=True)
    version.ends_at = utcnow() - timedelta(minutes=1)
    publicity.publish_final(organiser, contest)
    db.session.commit()


def test_entrants_are_told_awarded_shortlisted_or_not_selected(client, proposed, world):
    contest, story, organiser = proposed
    outsider = factories.entry(factories.user(name="落选者"), world.category, title="未入选作品",
                               body=unique_story(99))
    screening.screen_entry(organiser, outsider, "accept")
    db.session.commit()
    assert publicity.outcome_for(story[0]) is None   # nothing said before the final result
    _final(contest, organiser)
    assert publicity.outcome_for(story[0]) == ("awarded", "first")
    assert publicity.outcome_for(story[2]) == ("shortlisted", None)
    assert publicity.outcome_for(outsider) == ("not_selected", None)
    login(client, story[0].owner)
    assert "获奖：一等奖" in client.get(f"/entries/{story[0].id}").get_data(as_text=True)
    login(client, outsider.owner)
    assert "未入选" in client.get(f"/entries/{outsider.id}").get_data(as_text=True)


def test_the_showcase_shows_published_winners_only_and_forgets_a_withdrawn_one(client, proposed, world):
    contest, story, organiser = proposed
    contest.voting_end = utcnow() - timedelta(minutes=1)   # the public vote over: only the showcase opens files
    picture = world.image_entry
    screening.screen_entry(organiser, picture, "accept")
    rnd_id = db.session.scalar(select(RoundEntry.round_id).where(RoundEntry.entry_id == story[0].id))
    db.session.add(RoundEntry(round_id=rnd_id, entry_id=picture.id, score=88.0, advanced=True))
    db.session.flush()
    results.set_award(organiser, contest, picture, "first")
    db.session.commit()
    image = picture.assets[0]
    assert client.get(f"/files/{image.id}/thumb").status_code == 404   # not yet published
    _final(contest, organiser)
    page = client.get(f"/showcase/{contest.slug}").get_data(as_text=True)
    assert story[0].title in page and picture.title in page and story[2].title not in page
    entry_page = client.get(f"/showcase/{contest.slug}/{story[0].number}").get_data(as_text=True)
    assert "一等奖" in entry_page and story[0].authors[0].name in entry_page and 'property="og:title"' in entry_page
    assert "<svg" in entry_page and f"/showcase/{contest.slug}/{story[0].number}" in entry_page
    assert client.get(f"/showcase/{contest.slug}/{story[2].number}").status_code == 404
    opened = client.get(f"/files/{image.id}/thumb")
    opened.close()
    assert opened.status_code == 200
    year = client.get(f"/showcase/year/{contest.programme.year}").get_data(as_text=True)
    assert contest.title in year and story[0].title in year
    assert client.get("/showcase/year/1999").status_code == 404
    picture.status = "withdrawn"
    db.session.commit()
    assert client.get(f"/showcase/{contest.slug}/{picture.number}").status_code == 404
    assert client.get(f"/files/{image.id}/thumb").status_code == 404
    assert picture.title not in client.get(f"/showcase/{contest.slug}").get_data(as_text=True)


def test_the_final_result_is_the_last_publicised_list_word_for_word(proposed):
    contest, story, organiser = proposed
    first = _publish(contest, organiser, days=1)
    first.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    results.set_recommendation(organiser, contest, story[0], False, "")
    results.set_recommendation(organiser, contest, story[0], True, "理由改了")   # same entries, another reason
    with pytest.raises(ServiceError, match="重新公示"):
        publicity.publish_final(organiser, contest)
    db.session.rollback()
    results.set_recommendation(organiser, contest, story[0], False, "")
    results.set_recommendation(organiser, contest, story[0], True, "立意高远")
    final = publicity.publish_final(organiser, contest)
    assert final.rows == first.rows and final.formula == first.formula


def test_after_the_final_result_rounds_stay_and_exports_show_what_was_published(app, proposed, tmp_path):
    contest, story, organiser = proposed
    _final(contest, organiser)
    from contest.models import ResultDecision
    from contest.services import advancement

    next_round = Round(contest_id=contest.id, position=2, name="复核", state="closed")
    db.session.add(next_round)
    db.session.flush()
    with pytest.raises(ServiceError, match="已发布"):
        advancement.finalise_round(organiser, next_round)
    db.session.rollback()
    # even a change made behind the services' back leaves the published list as it was
    db.session.execute(ResultDecision.__table__.update().values(reason="后来改的"))
    db.session.commit()
    out = tmp_path / "r.csv"
    assert app.test_cli_runner().invoke(args=["export", "recommended", "--contest", contest.slug, "--format", "csv",
                                              "--output", str(out)]).exit_code == 0
    text = out.read_text("utf-8-sig")
    assert "立意高远" in text and "后来改的" not in text


def test_publicity_needs_a_published_contest_and_a_closed_vote_when_votes_count(proposed):
    contest, _story, organiser = proposed
    contest.published = False
    with pytest.raises(ServiceError, match="活动"):
        publicity.publish_publicity(organiser, contest, 7)
    contest.published = True
    results.save_settings(organiser, contest, {"vote_weight": "30", "vote_mapping": "rank"})
    with pytest.raises(ServiceError, match="网络投票"):   # the voting fixture's vote is still open
        publicity.publish_publicity(organiser, contest, 7)
