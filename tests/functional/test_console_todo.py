"""The console's home says what waits for the organiser, with counts and links."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from contest.extensions import db
from contest.models import JudgeAssignment, Objection, ResultVersion, Round, VoteFlag
from contest.services import screening, todo
from tests import factories
from tests.conftest import login
from tests.functional.test_screening import unique_story

NOW = datetime.now(UTC)


def _round(contest, position, closes_at, pending, scored, judge, entries):
    rnd = Round(contest_id=contest.id, position=position, name=f"第{position}轮", state="open",
                opens_at=NOW - timedelta(days=5), closes_at=closes_at)
    db.session.add(rnd)
    db.session.flush()
    for i, e in enumerate(entries[:pending + scored]):
        db.session.add(JudgeAssignment(round_id=rnd.id, entry_id=e.id, judge_id=judge.id,
                                       state="pending" if i < pending else "scored"))
    return rnd


@pytest.fixture
def busy(world):
    """The organiser's contest with work of every kind waiting; the other unit's contest with some too."""
    c = world.contest
    flagged = factories.entry(factories.user(), world.category, body="<p>" + "正文内容，" * 200 + "违禁词</p>")
    accepted = factories.entry(factories.user(), world.category, body=unique_story(7))   # no near-duplicate
    screening.screen_entry(world.users["organiser"], accepted, "accept")
    other_cat = factories.category(world.other_contest)
    factories.entry(factories.user(), other_cat)
    for key, state in (("a", "open"), ("b", "open"), ("c", "cleared")):
        db.session.add(VoteFlag(contest_id=c.id, rule="ip_prefix_burst", key=key, start=NOW, end=NOW, state=state))
    version = ResultVersion(contest_id=c.id, number=1, kind="publicity", ends_at=NOW + timedelta(days=3))
    db.session.add(version)
    db.session.flush()
    for state in ("open", "dismissed"):
        db.session.add(Objection(contest_id=c.id, version_id=version.id, entry_id=accepted.id,
                                 user_id=world.users["entrant"].id, reason="非原创", contact="13900000000",
                                 state=state))
    judge = world.users["judge"]
    entries = [world.entry, world.image_entry, flagged, accepted]
    overdue = _round(c, 1, NOW - timedelta(hours=3), 1, 1, judge, entries)
    near = _round(c, 2, NOW + timedelta(days=1), 2, 0, judge, entries)
    _round(c, 3, NOW + timedelta(days=1), 0, 2, judge, entries)      # near its end, all scored: on time
    _round(c, 4, NOW + timedelta(days=10), 3, 0, judge, entries)     # far from its end: on time
    db.session.commit()
    return world, overdue, near


def test_todo_counts_each_kind_in_one_query_per_kind(busy, app):
    world, overdue, near = busy
    ids = [world.contest.id, world.other_contest.id]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        waiting = todo.todo(ids, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.startswith("SELECT")]) == 5
    assert waiting.to_screen == {world.contest.id: 3, world.other_contest.id: 1}
    assert waiting.flagged == {world.contest.id: 1}
    assert waiting.vote_flags == {world.contest.id: 2}
    assert waiting.objections == {world.contest.id: 1}
    assert [(r.round.id, r.pending, r.overdue) for r in waiting.late_rounds] == [(overdue.id, 1, True),
                                                                                 (near.id, 2, False)]
    assert waiting.totals() == {"to_screen": 4, "flagged": 1, "vote_flags": 2, "objections": 1, "late_rounds": 2}


def test_the_console_home_shows_the_counts_with_links(busy, client):
    world, overdue, near = busy
    c = world.contest
    login(client, world.users["organiser"])
    page = client.get("/console/").get_data(as_text=True)
    assert "待办事项" in page
    assert "待初审作品：3件" in page and "其中有提示的：1件" in page      # only this organiser's contest
    assert "待处理的投票异常：2组" in page and "待处理的公示异议：1件" in page
    assert "进度滞后的评审轮次：2个" in page
    assert f'href="/console/contests/{c.id}/entries?status=submitted"' in page
    assert f'href="/console/contests/{c.id}/entries?status=submitted&amp;flagged=1"' in page
    assert f'href="/console/contests/{c.id}/votes/flags"' in page
    assert f'href="/console/contests/{c.id}/publicity"' in page
    assert f'href="/console/rounds/{overdue.id}"' in page and f'href="/console/rounds/{near.id}"' in page
    assert "已过截止时间" in page and "尚有1份评分任务未完成" in page and "尚有2份评分任务未完成" in page


def test_an_organiser_with_nothing_waiting_is_told_so(client, world):
    login(client, world.users["organiser_other"])
    page = client.get("/console/").get_data(as_text=True)
    assert "暂无待办事项。" in page and "待初审作品：" not in page
