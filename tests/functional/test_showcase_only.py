"""展播 contests: collected, screened and shown, with no judging, vote or awards."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Contest, Round
from contest.phases import current_phase, timeline
from contest.policies import shown_in_showcase
from contest.services import contests, screening
from tests import factories
from tests.conftest import csrf_token, login
from tests.functional.test_console import _form
from tests.functional.test_screening import unique_story

NOW = datetime.now(UTC)


def _showcase(world, **dates):
    values = dict(submission_start=NOW - timedelta(days=20), submission_end=NOW - timedelta(days=10),
                  screening_end=NOW + timedelta(days=2))
    values.update(dates)
    c = factories.contest(world.programme, world.unit, showcase_only=True, title="最美巾帼奋斗者 故事宣传展播",
                          **values)
    cat = factories.category(c, name="巾帼奋斗者故事")
    return c, cat


def _entries(world, cat):
    """Three works sent in while collecting was open; one accepted, one rejected, one left to screen."""
    c = cat.contest
    c.submission_end = NOW + timedelta(days=1)
    made = [factories.entry(factories.user(name=f"作者{i}"), cat, title=f"巾帼故事{i}", body=unique_story(40 + i))
            for i in range(3)]
    c.submission_end = NOW - timedelta(days=10)
    screening.screen_entry(world.users["organiser"], made[0], "accept")
    screening.screen_entry(world.users["organiser"], made[1], "reject", "与主题不符")
    db.session.commit()
    return made


def test_a_showcase_goes_from_screening_to_its_showcase():
    c = Contest(showcase_only=True, voting_enabled=True, submission_start=NOW - timedelta(days=20),
                submission_end=NOW - timedelta(days=10), screening_end=NOW - timedelta(days=1),
                voting_start=NOW - timedelta(days=5), voting_end=NOW + timedelta(days=5),
                judging_start=NOW - timedelta(days=5), judging_end=NOW + timedelta(days=5))
    assert current_phase(c, NOW) == "showcase"
    assert current_phase(c, NOW - timedelta(days=3)) == "screening"   # not 网络投票 nor 专家评审
    assert [s.key for s in timeline(c)] == ["collecting", "screening", "showcase"]
    c.results_at = NOW + timedelta(days=3)
    assert current_phase(c, NOW) == "reviewing" and current_phase(c, NOW + timedelta(days=4)) == "showcase"


def test_the_contest_form_sets_a_showcase_and_refuses_a_vote_or_judging(client, world):
    login(client, world.users["organiser"])
    page = client.get("/console/contests/new").get_data(as_text=True)
    assert "展播：只征集、初审和展示，不评审、不投票" in page
    r = client.post("/console/contests/new", data=dict(
        _form(world, showcase_only="y", voting_enabled="y", voting_start="2027-07-01T09:00",
              voting_end="2027-07-05T09:00"), csrf_token=csrf_token(client, "/console/contests/new")))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "展播活动不设网络投票。" in html and "展播活动不设此环节" in html
    assert db.session.scalar(db.select(Contest).where(Contest.code == "GS27")) is None
    r = client.post("/console/contests/new", data=dict(
        _form(world, showcase_only="y", judging_start="", judging_end="", publicity_start="", publicity_end=""),
        csrf_token=csrf_token(client, "/console/contests/new")))
    assert r.status_code == 302
    c = db.session.scalar(db.select(Contest).where(Contest.code == "GS27"))
    assert c.showcase_only is True
    page = client.get(f"/console/contests/{c.id}").get_data(as_text=True)
    assert "本活动为展播" in page and "评审轮次" not in page and "结果与奖项" not in page
    assert f"/console/contests/{c.id}/rounds" not in page
    # The console's other pages for it say that it is a 展播.
    assert "展播：不评审、不投票、不评奖" in client.get(f"/console/contests/{c.id}/entries").get_data(as_text=True)


def test_accepted_works_are_shown_once_screening_ends(client, world):
    c, cat = _showcase(world)
    accepted, rejected, waiting = _entries(world, cat)
    assert client.get(f"/showcase/{c.slug}").status_code == 404          # still screening
    assert client.get(f"/showcase/{c.slug}/{accepted.number}").status_code == 404

    c.screening_end = NOW - timedelta(hours=1)
    db.session.commit()
    assert contests.phase(c) == "showcase"
    page = client.get(f"/showcase/{c.slug}").get_data(as_text=True)
    assert "展播作品" in page and "巾帼故事0" in page and "巾帼奋斗者故事" in page
    assert "巾帼故事1" not in page and "巾帼故事2" not in page
    assert "一等奖" not in page and "推荐" not in page
    entry_page = client.get(f"/showcase/{c.slug}/{accepted.number}").get_data(as_text=True)
    assert "巾帼故事0" in entry_page and "作者0" in entry_page
    assert client.get(f"/showcase/{c.slug}/{rejected.number}").status_code == 404
    assert client.get(f"/showcase/{c.slug}/{waiting.number}").status_code == 404
    assert "巾帼故事0" in client.get(f"/showcase/year/{c.programme.year}").get_data(as_text=True)
    assert "展播作品" in client.get(f"/contests/{c.slug}").get_data(as_text=True)

    # Off the public site, nothing is shown.
    contests.set_published(world.users["organiser"], c, False)
    db.session.commit()
    assert client.get(f"/showcase/{c.slug}").status_code == 404
    assert client.get(f"/showcase/{c.slug}/{accepted.number}").status_code == 404


def test_a_showcase_work_is_public_only_while_shown(client, world):
    c, cat = _showcase(world)
    accepted, _rejected, waiting = _entries(world, cat)
    assert not shown_in_showcase(accepted)
    c.screening_end = NOW - timedelta(hours=1)
    db.session.commit()
    assert shown_in_showcase(accepted) and not shown_in_showcase(waiting)


def test_the_console_refuses_rounds_votes_and_results_for_a_showcase(client, world):
    c, _cat = _showcase(world)
    db.session.commit()
    pages = (f"/console/contests/{c.id}/rounds", f"/console/contests/{c.id}/rounds/new",
             f"/console/contests/{c.id}/votes", f"/console/contests/{c.id}/results")
    for path in pages:   # anyone but its organisers gets the view's own answer
        assert client.get(path).status_code == 302 and "/login" in client.get(path).location
    login(client, world.users["organiser_other"])
    assert all(client.get(path).status_code == 403 for path in pages)
    login(client, world.users["organiser"])
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 302 and answer.location.endswith(f"/console/contests/{c.id}"), path
    page = client.get(f"/console/contests/{c.id}").get_data(as_text=True)
    assert "展播活动不设评审轮次、网络投票和评选结果" in page
    post = client.post(f"/console/contests/{c.id}/rounds/new", data={"csrf_token": csrf_token(client)})
    assert post.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Round).where(Round.contest_id == c.id)) == 0
