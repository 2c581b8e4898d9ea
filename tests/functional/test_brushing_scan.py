"""Brushing flags through the service and the organiser's pages: a scan marks
a pattern's votes suspect (still counted); invalidating lowers the tally by
exactly the votes marked; clearing gives them back; phones never appear."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import AuditEvent, Vote, VoteFlag
from contest.services import brushing_scan, votes
from contest.services.errors import ServiceError
from tests import factories
from tests.conftest import csrf_token, login


@pytest.fixture
def rapid(voting):
    """One account votes for all five entries within four seconds; five
    others vote slowly for one entry each, from different networks."""
    contest, entries = voting
    contest.votes_per_day = 10
    start = contest.voting_start + timedelta(minutes=5)
    bot = factories.user()
    for i, e in enumerate(entries):
        votes.cast_vote(contest, e.number, bot, ip="198.51.100.9", device="bot", now=start + timedelta(seconds=i))
    for i, e in enumerate(entries):
        votes.cast_vote(contest, e.number, factories.user(), ip=f"10.{i}.0.1", device=f"phone{i}",
                        now=start + timedelta(minutes=10 * i + 1))
    db.session.commit()
    return contest, entries, bot


def _statuses(voter):
    return sorted(db.session.scalars(select(Vote.status).where(Vote.voter_id == voter.id)))


def test_a_scan_flags_the_pattern_marks_its_votes_suspect_and_counts_nothing_down(rapid, world):
    contest, entries, bot = rapid
    before = votes.tallies(contest)
    assert brushing_scan.scan(world.users["organiser"], contest) == 1
    flag = db.session.scalars(select(VoteFlag)).one()
    assert (flag.rule, flag.voter_id, len(flag.vote_ids), flag.evidence["entries"]) == (
        "rapid_multi_entry", bot.id, 5, 5)
    assert _statuses(bot) == ["suspect"] * 5 and votes.tallies(contest) == before
    assert brushing_scan.scan(world.users["organiser"], contest) == 0   # the same finding is not raised twice


def test_invalidating_a_group_needs_a_reason_and_lowers_each_tally_by_its_votes(rapid, world):
    contest, entries, bot = rapid
    organiser = world.users["organiser"]
    brushing_scan.scan(organiser, contest)
    flag = db.session.scalars(select(VoteFlag)).one()
    with pytest.raises(ServiceError):
        brushing_scan.decide(organiser, flag, "invalidate", "")
    assert brushing_scan.decide(organiser, flag, "invalidate", "4秒内连投5件作品") == 5
    assert _statuses(bot) == ["invalid"] * 5 and flag.state == "invalidated"
    assert votes.tallies(contest) == {e.id: 1 for e in entries}
    assert votes.recount(contest).counted == votes.tallies(contest)
    with pytest.raises(ServiceError):
        brushing_scan.decide(organiser, flag, "clear", "")   # decided once
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "votes.flag_invalidated"))


def test_clearing_a_group_makes_its_votes_valid_again(rapid, world):
    contest, entries, bot = rapid
    organiser = world.users["organiser"]
    brushing_scan.scan(organiser, contest)
    flag = db.session.scalars(select(VoteFlag)).one()
    assert brushing_scan.decide(organiser, flag, "clear", "") == 5
    assert _statuses(bot) == ["valid"] * 5 and flag.state == "cleared"


def _network_votes(contest, entry, start, n, first=0):
    return [votes.cast_vote(contest, entry.number, factories.user(), ip=f"192.0.2.{first + i + 1}",
                            device=f"d{first + i}", now=start + timedelta(seconds=17 * (first + i))).vote_id
            for i in range(n)]


def _burst_flags():
    return db.session.scalars(select(VoteFlag).where(VoteFlag.rule == "ip_prefix_burst").order_by(VoteFlag.id)).all()


def test_a_burst_from_one_network_is_flagged_and_followed_as_it_grows(voting, world, app):
    contest, entries = voting
    organiser = world.users["organiser"]
    start = contest.voting_start + timedelta(minutes=1)
    first = _network_votes(contest, entries[0], start, app.config["VOTE_PREFIX_MIN_VOTES"])
    db.session.commit()
    brushing_scan.scan(organiser, contest)
    [flag] = _burst_flags()
    assert sorted(flag.vote_ids) == sorted(first)
    more = _network_votes(contest, entries[0], start, 10, first=len(first))   # the burst goes on
    assert brushing_scan.scan(organiser, contest) >= 1
    [flag] = _burst_flags()
    assert sorted(flag.vote_ids) == sorted(first + more)
    assert set(db.session.scalars(select(Vote.status).where(Vote.id.in_(more)))) == {"suspect"}
    assert brushing_scan.decide(organiser, flag, "invalidate", "同一网段集中投票") == len(first + more)
    later = _network_votes(contest, entries[0], start, 5, first=len(first + more))
    brushing_scan.scan(organiser, contest)
    decided, fresh = _burst_flags()
    assert decided.state == "invalidated" and fresh.state == "open" and sorted(fresh.vote_ids) == sorted(later)
    assert fresh.key == decided.key + "#2"


def test_the_organiser_pages_show_evidence_and_records_without_phones(rapid, world, client):
    contest, entries, bot = rapid
    organiser = world.users["organiser"]
    login(client, organiser)
    token = csrf_token(client, f"/console/contests/{contest.id}/votes")
    r = client.post(f"/console/contests/{contest.id}/votes/scan", data={"csrf_token": token}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "一个账号在 4 秒内为 5 件作品投票" in html and f"投票人 #{bot.id}" in html
    flag = db.session.scalars(select(VoteFlag)).one()
    r = client.post(f"/console/vote-flags/{flag.id}/decide", data={
        "csrf_token": token, "action": "invalidate", "reason": "机器连投"}, follow_redirects=True)
    assert "已处理：5 张票" in r.get_data(as_text=True)
    rows = client.get(f"/console/contests/{contest.id}/votes/rows").get_data(as_text=True)
    overview = client.get(f"/console/contests/{contest.id}/votes").get_data(as_text=True)
    for page in (rows, overview, html):
        assert bot.phone not in page and world.users["entrant"].phone not in page
    assert "无效" in rows and entries[0].number in overview
    r = client.post(f"/console/contests/{contest.id}/votes/recount", data={"csrf_token": token},
                    follow_redirects=True)
    assert "每件作品的哈希链完整" in r.get_data(as_text=True)


def test_the_organiser_invalidates_chosen_records_with_a_reason(rapid, world, client):
    contest, entries, bot = rapid
    login(client, world.users["organiser"])
    token = csrf_token(client, f"/console/contests/{contest.id}/votes/rows")
    ids = [str(i) for i in db.session.scalars(select(Vote.id).where(Vote.voter_id == bot.id))][:2]
    refused = client.post(f"/console/contests/{contest.id}/votes/invalidate",
                          data={"csrf_token": token, "vote": ids, "reason": ""}, follow_redirects=True)
    assert "请填写作废这些投票的理由" in refused.get_data(as_text=True)
    client.post(f"/console/contests/{contest.id}/votes/invalidate",
                data={"csrf_token": token, "vote": ids, "reason": "核实为同一人"})
    assert _statuses(bot).count("invalid") == 2 and sum(votes.tallies(contest).values()) == 8


def test_settings_choose_the_round_and_the_districts(voting, world, client):
    from contest.services import rounds

    contest, entries = voting
    rnd = rounds.save_round(world.users["organiser"], contest, None, {
        "name": "初评", "categories": [world.category], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "manual"})
    login(client, world.users["organiser"])
    token = csrf_token(client, f"/console/contests/{contest.id}/votes")
    client.post(f"/console/contests/{contest.id}/votes/settings", data={
        "csrf_token": token, "vote_round": str(rnd.id), "district": ["香洲区", "不存在区"]})
    assert contest.vote_round_id == rnd.id and contest.voting_districts == ["香洲区"]
    from contest.models import Round

    elsewhere = Round(contest=world.other_contest, name="初评", position=1)
    db.session.add(elsewhere)
    db.session.flush()
    with pytest.raises(ServiceError):
        votes.save_settings(world.users["organiser"], contest, elsewhere.id, [])
