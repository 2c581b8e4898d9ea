"""公示 as a formal notice: the list in award order by category, warnings
that must be confirmed before the list goes public, the issuing office, the
date line, the period and the contact phone for objections."""
import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, ResultVersion
from contest.phases import SHANGHAI
from contest.services import publicity, results
from contest.services.errors import ServiceError
from tests.conftest import csrf_token, login
from tests.functional.test_results import ranked  # noqa: F401  (the fixture)


@pytest.fixture
def decided(ranked, world):  # noqa: F811
    """Counts planned for the stories (1 + 1 + 1); the fourth of the ranking
    second, the first third, the second first, the third recommended only."""
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    results.save_settings(organiser, contest, {"vote_weight": "0", "vote_mapping": "rank", "award_counts": {
        str(world.category.id): {"first": 1, "second": 1, "third": 1}}})
    results.set_award(organiser, contest, story[1], "first")
    results.set_award(organiser, contest, story[3], "second")
    results.set_award(organiser, contest, story[0], "third")
    results.set_recommendation(organiser, contest, story[2], True, "传播效果好")
    db.session.commit()
    return contest, story, organiser


def test_the_list_is_in_award_order_then_recommended_only(decided, client):
    contest, story, organiser = decided
    contest.publicity_phone = "0756-2123456"
    version = publicity.publish_publicity(organiser, contest, 7, confirmed=True)
    db.session.commit()
    expected = [story[1].id, story[3].id, story[0].id, story[2].id]   # 一等奖, 二等奖, 三等奖, recommended
    assert [r["entry_id"] for r in version.rows] == expected
    html = client.get(f"/results/{contest.slug}").get_data(as_text=True)
    places = [html.index(story[i].title) for i in (1, 3, 0, 2)]
    assert places == sorted(places)
    # a version frozen in the older (entry) order is shown in award order too
    version.rows = sorted(version.rows, key=lambda r: r["number"])
    db.session.commit()
    html = client.get(f"/results/{contest.slug}").get_data(as_text=True)
    assert [html.index(story[i].title) for i in (1, 3, 0, 2)] == sorted(html.index(story[i].title) for i in range(4))


def test_warnings_must_be_confirmed_before_the_list_goes_public(decided, world):
    contest, story, organiser = decided
    results.set_award(organiser, contest, story[0], "first")   # two firsts, no third
    db.session.commit()
    found = publicity.warnings(contest)
    assert found == [
        "公示名单只覆盖2个组别中的1个，以下组别没有获奖或推荐作品：图片组。",
        "网民个人组：一等奖已定2件，超出设定名额1件。",
        "网民个人组：三等奖设定名额1件，但尚无作品获得。",
        "尚未填写公示联系电话，公示公告将没有受理异议的电话。",
    ]
    with pytest.raises(ServiceError, match="发布前请核对") as refused:
        publicity.publish_publicity(organiser, contest, 7)
    assert refused.value.field == "confirmed" and "图片组" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(ResultVersion.id)) is None
    version = publicity.publish_publicity(organiser, contest, 7, confirmed=True)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.publicity")).one()
    assert event.details["warnings"] == found and version.number == 1


def test_the_page_shows_the_warnings_and_publishes_only_when_they_are_confirmed(decided, world, client):
    contest, _story, organiser = decided
    login(client, organiser)
    url = f"/console/contests/{contest.id}/publicity"
    html = client.get(url).get_data(as_text=True)
    assert "发布前请核对：" in html and "以下组别没有获奖或推荐作品：图片组" in html
    assert 'name="confirmed" value="1" required' in html
    token = csrf_token(client, url)
    refused = client.post(f"{url}/publish", data={"csrf_token": token, "days": "7"}, follow_redirects=True)
    assert "发布前请核对以下情况" in refused.get_data(as_text=True)
    assert db.session.scalar(select(ResultVersion.id)) is None
    r = client.post(f"{url}/publish", data={"csrf_token": token, "days": "7", "confirmed": "1"})
    assert r.status_code == 302 and db.session.scalar(select(ResultVersion.number)) == 1


def test_the_public_page_is_a_formal_notice_with_office_dates_and_phone(decided, world, client):
    contest, _story, organiser = decided
    login(client, organiser)
    url = f"/console/contests/{contest.id}/publicity"
    token = csrf_token(client, url)
    bad = client.post(f"{url}/phone", data={"csrf_token": token, "phone": "call me"}, follow_redirects=True)
    assert "请填写电话号码" in bad.get_data(as_text=True) and contest.publicity_phone == ""
    assert client.post(f"{url}/phone", data={"csrf_token": token, "phone": "0756-2123456"}).status_code == 302
    db.session.expire_all()
    assert contest.publicity_phone == "0756-2123456"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results.publicity_phone")).one()
    assert event.details == {"from": "", "to": "0756-2123456"}
    version = publicity.publish_publicity(organiser, contest, 7, confirmed=True)
    db.session.commit()
    start, end = (t.astimezone(SHANGHAI) for t in (version.published_at, version.ends_at))
    html = client.get(f"/results/{contest.slug}").get_data(as_text=True)
    assert f"关于“{contest.title}”评选结果的公示" in html
    assert f"公示期：{start.month}月{start.day}日至{end.month}月{end.day}日" in html
    assert "发布单位：市委网信办" in html
    assert f"发布日期：{start.year}年{start.month}月{start.day}日" in html
    assert "公示联系电话：0756-2123456" in html and "如何提出异议" in html
    assert "组别：网民个人组" in html


def test_the_objection_table_heads_its_decision_column_as_handling_not_screening(decided, client):
    contest, _story, organiser = decided
    login(client, organiser)
    html = client.get(f"/console/contests/{contest.id}/publicity").get_data(as_text=True)
    assert "<th>处理决定</th>" in html and "初审决定" not in html
