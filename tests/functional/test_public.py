import re
from datetime import UTC, datetime, timedelta

from contest.extensions import db
from tests import factories
from tests.conftest import csrf_token


def test_home_lists_this_years_contests_with_their_phase(client, world):
    html = client.get("/").get_data(as_text=True)
    assert world.contest.title in html and world.programme.title in html
    assert "作品征集" in html  # the phase, in Chinese by default
    assert '<html lang="zh-CN">' in html


def test_contest_page_shows_rules_categories_organisers_dates_and_countdown(client, world):
    c = world.contest
    c.co_units = [world.other_unit]
    # 16:00 UTC on 31 December is midnight on 1 January in Beijing.
    c.submission_end = datetime(datetime.now(UTC).year + 1, 12, 31, 16, 0, tzinfo=UTC)
    db.session.commit()
    html = client.get(f"/contests/{c.slug}").get_data(as_text=True)
    assert "主题：网络正能量" in html and "参赛规则" in html
    assert world.category.name in html and "故事/征文" in html
    assert "主办单位：市委网信办" in html and "协办单位：市总工会" in html
    year = c.submission_end.year + 1
    assert f"{year}-01-01 00:00" in html and "北京时间" in html
    match = re.search(r'class="countdown card" data-deadline="([^"]+)"\s+data-now="([^"]+)"', html)
    assert match, "no countdown"
    assert datetime.fromisoformat(match.group(1)) == c.submission_end
    assert abs(datetime.fromisoformat(match.group(2)) - datetime.now(UTC)) < timedelta(minutes=1)


def test_closed_contest_has_no_countdown(client, world):
    now = datetime.now(UTC)
    world.contest.submission_start = now - timedelta(days=20)
    world.contest.submission_end = now - timedelta(days=1)
    db.session.commit()
    html = client.get(f"/contests/{world.contest.slug}").get_data(as_text=True)
    assert "data-deadline" not in html and "初审" in html


def test_archive_lists_past_programmes_only(client, world):
    office = world.unit
    old = factories.programme(year=2020, lead=office, title="珠海市2020年争做中国好网民工程")
    factories.contest(old, office, title="珠海好网民故事征集2020")
    db.session.commit()
    html = client.get("/archive").get_data(as_text=True)
    assert old.title in html and world.programme.title not in html
    assert "珠海好网民故事征集2020" not in client.get("/").get_data(as_text=True)
    assert "珠海好网民故事征集2020" in client.get(f"/programmes/{old.id}").get_data(as_text=True)


def test_language_switch_to_english_and_back(client, world):
    r = client.post("/lang", data={"lang": "en", "next": f"/contests/{world.contest.slug}",
                                   "csrf_token": csrf_token(client)})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/contests/{world.contest.slug}")
    html = client.get(f"/contests/{world.contest.slug}").get_data(as_text=True)
    assert '<html lang="en">' in html and "Categories" in html and "组别" not in html
    client.post("/lang", data={"lang": "zh_Hans_CN", "csrf_token": csrf_token(client)})
    assert "组别" in client.get(f"/contests/{world.contest.slug}").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client):
    r = client.post("/lang", data={"lang": "fr", "next": "https://evil.example/",
                                   "csrf_token": csrf_token(client)})
    assert r.headers["Location"] == "/" and "lang=" not in r.headers.get("Set-Cookie", "")


def test_unknown_contest_is_404_in_chinese(client):
    r = client.get("/contests/no-such-contest")
    assert r.status_code == 404 and "页面不存在" in r.get_data(as_text=True)
