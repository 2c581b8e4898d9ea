"""The public vote through its service and its route: quota, days, windows,
idempotency, the hash chain and recount, invalidation."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from contest.extensions import db
from contest.models import AuditEvent, Vote, VoterDay
from contest.services import votes
from contest.services.votes import casting
from tests import factories
from tests.conftest import csrf_token, login


def _cast(contest, entry, voter, **kw):
    kw.setdefault("ip", "203.0.113.7")
    kw.setdefault("device", "dev|UA")
    return votes.cast_vote(contest, entry.number, voter, **kw)


def _count(model=Vote):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_vote_is_one_row_counted_once_with_its_chain(voting):
    contest, entries = voting
    voter = factories.user()
    outcome = _cast(contest, entries[0], voter)
    assert outcome.remaining_today == 2 and not outcome.replayed
    row = db.session.get(Vote, outcome.vote_id)
    assert (row.voter_id, row.entry_id, row.status) == (voter.id, entries[0].id, "valid")
    assert len(row.chain) == 64 and row.ip_hash != "203.0.113.7" and "203.0.113" not in row.ip_prefix
    assert votes.tallies(contest) == {entries[0].id: 1}


def test_once_per_entry_per_day_and_the_daily_quota(voting):
    contest, entries = voting
    voter = factories.user()
    _cast(contest, entries[0], voter)
    with pytest.raises(votes.VoteRefused) as again:
        _cast(contest, entries[0], voter)
    assert again.value.status == 409 and again.value.remaining == 2
    _cast(contest, entries[1], voter)
    assert _cast(contest, entries[2], voter).remaining_today == 0
    with pytest.raises(votes.VoteRefused) as over:
        _cast(contest, entries[3], voter)
    assert over.value.status == 429 and "3" in over.value.message
    assert _count() == 3 and db.session.scalar(select(VoterDay.used)) == 3


def test_the_day_is_the_shanghai_calendar_day_from_the_server_clock(voting):
    contest, entries = voting
    contest.voting_start = datetime(2026, 11, 30, tzinfo=UTC)
    contest.voting_end = datetime(2026, 12, 3, tzinfo=UTC)
    voter = factories.user()
    before = datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)   # 23:59:59 in Shanghai
    after = datetime(2026, 12, 1, 16, 0, 0, tzinfo=UTC)      # 00:00:00 the next day
    first = _cast(contest, entries[0], voter, now=before)
    second = _cast(contest, entries[0], voter, now=after)
    assert (first.day.isoformat(), second.day.isoformat()) == ("2026-12-01", "2026-12-02")
    with pytest.raises(votes.VoteRefused) as same_day:
        _cast(contest, entries[0], voter, now=after + timedelta(hours=23, minutes=59))
    assert same_day.value.status == 409


def test_refusals_outside_the_window_outside_the_vote_and_outside_the_districts(voting, world):
    contest, entries = voting
    voter = factories.user()
    with pytest.raises(votes.VoteRefused) as early:
        _cast(contest, entries[0], voter, now=contest.voting_start - timedelta(seconds=1))
    with pytest.raises(votes.VoteRefused) as late:
        _cast(contest, entries[0], voter, now=contest.voting_end)
    draft = factories.entry(factories.user(), world.category, submit=False)
    draft.number = "T-DRAFT-1"
    with pytest.raises(votes.VoteRefused) as unknown:
        votes.cast_vote(contest, "T-DRAFT-1", voter, ip="1.2.3.4", device="d")
    contest.voting_districts = ["斗门区"]
    with pytest.raises(votes.VoteRefused) as elsewhere:
        _cast(contest, entries[0], voter)   # the voter lives in 香洲区
    assert [e.value.status for e in (early, late, unknown, elsewhere)] == [403, 403, 404, 403]
    assert "斗门区" in elsewhere.value.message and _count() == 0


def _vote_on_a_round(contest, world, entry):
    """Put only the entries of a new round (here: `entry`) to the vote."""
    from contest.models import RoundEntry
    from contest.services import rounds

    rnd = rounds.save_round(world.users["organiser"], contest, None, {
        "name": "初评", "categories": [world.category], "judges_per_entry": 1, "aggregation": "mean",
        "advance_rule": "manual"})
    db.session.add(RoundEntry(round=rnd, entry=entry))
    contest.vote_round_id = rnd.id


def test_a_round_chosen_for_the_vote_limits_it_to_its_entries(voting, world):
    contest, entries = voting
    _vote_on_a_round(contest, world, entries[0])
    db.session.flush()
    _cast(contest, entries[0], factories.user())
    with pytest.raises(votes.VoteRefused) as outside:
        _cast(contest, entries[2], factories.user())
    assert outside.value.status == 404


def test_a_replayed_idempotency_key_gives_the_same_answer_and_no_second_row(voting):
    contest, entries = voting
    voter = factories.user()
    first = _cast(contest, entries[0], voter, idempotency_key="k-1")
    again = _cast(contest, entries[0], voter, idempotency_key="k-1")
    assert again.replayed and again.vote_id == first.vote_id and again.remaining_today == 2
    assert _count() == 1
    other = factories.user()   # the same key from someone else is their own request
    assert not _cast(contest, entries[0], other, idempotency_key="k-1").replayed


def test_every_accepted_row_is_stamped_before_the_close(voting):
    contest, entries = voting
    close = contest.voting_end
    readings = iter([close - timedelta(milliseconds=5), close - timedelta(milliseconds=4), close])

    with pytest.raises(votes.VoteRefused) as late:
        _cast(contest, entries[0], factories.user(), clock=lambda: next(readings))
    assert late.value.status == 403 and _count() == 0


def test_recount_equals_the_tally_and_a_hand_edit_breaks_the_chain(voting, app):
    contest, entries = voting
    voters = [factories.user() for _ in range(4)]
    for i, voter in enumerate(voters):
        _cast(contest, entries[i % 2], voter)
        _cast(contest, entries[2], voter)
    db.session.commit()
    result = votes.recount(contest)
    assert result.counted == votes.tallies(contest) and result.broken_at is None and not result.drift
    runner = app.test_cli_runner()
    out = runner.invoke(args=["votes", "recount", "--contest", contest.slug]).output.splitlines()
    assert out[-1] == "total=8 chain=ok"
    assert f"{entries[2].number} 4" in out and f"{entries[0].number} 2" in out
    assert f"{entries[4].number} 0" in out and len(out) == len(entries) + 1   # every entry in the vote
    target = db.session.scalars(select(Vote).where(Vote.entry_id == entries[2].id).order_by(Vote.id)).all()[1]
    db.session.execute(update(Vote).where(Vote.id == target.id).values(ip_hash="0" * 64))
    db.session.commit()
    out = runner.invoke(args=["votes", "recount", "--contest", contest.slug]).output.splitlines()
    assert out[-1] == f"total=8 chain=broken at {target.id}"


def test_invalidation_marks_rows_lowers_the_tally_by_exactly_that_and_is_audited(voting, world):
    contest, entries = voting
    ids = [_cast(contest, entries[0], factories.user()).vote_id for _ in range(5)]
    organiser = world.users["organiser"]
    with pytest.raises(votes.ServiceError):
        votes.invalidate(organiser, contest, ids[:2], "  ")
    assert votes.invalidate(organiser, contest, ids[:2], "同一IP段集中刷票") == 2
    assert votes.invalidate(organiser, contest, ids[:3], "再次标记") == 1   # two were already invalid
    assert votes.tallies(contest)[entries[0].id] == 2 and _count() == 5
    assert votes.recount(contest).counted[entries[0].id] == 2
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "votes.invalidate")
                                 .order_by(AuditEvent.id)).first()
    assert event.details["votes"] == 2 and event.details["reason"] == "同一IP段集中刷票"


def _vote_url(contest, entry):
    return f"/vote/{contest.slug}/{entry.number}"


def _post(client, contest, entry, token, **headers):
    return client.post(_vote_url(contest, entry), json={}, headers={"X-CSRFToken": token, **headers})


def test_the_route_answers_json_with_the_remaining_votes(voting, client):
    contest, entries = voting
    voter = factories.user()
    login(client, voter)
    token = csrf_token(client, f"/vote/{contest.slug}")
    r = _post(client, contest, entries[0], token)
    assert r.status_code == 200 and r.get_json() == {
        "ok": True, "message": "投票成功，今天还可以投 2 票。", "remaining_today": 2, "replayed": False}
    again = _post(client, contest, entries[0], token)
    assert again.status_code == 409 and again.get_json()["remaining_today"] == 2
    assert "今天已经为这件作品投过票" in again.get_json()["message"]
    assert _post(client, contest, entries[1], token, **{"Idempotency-Key": "abc"}).status_code == 200
    replay = _post(client, contest, entries[1], token, **{"Idempotency-Key": "abc"})
    assert replay.status_code == 200 and replay.get_json()["replayed"] is True
    _post(client, contest, entries[2], token)
    over = _post(client, contest, entries[3], token)
    assert over.status_code == 429 and over.get_json()["remaining_today"] == 0
    missing = client.post(f"/vote/{contest.slug}/NOPE-1", json={}, headers={"X-CSRFToken": token})
    assert missing.status_code == 404 and missing.get_json()["ok"] is False
    assert _count() == 3


def test_the_route_refuses_without_login_or_csrf_header(voting, client):
    contest, entries = voting
    token = csrf_token(client, f"/vote/{contest.slug}")
    anonymous = _post(client, contest, entries[0], token)
    assert anonymous.status_code == 403 and "登录" in anonymous.get_json()["message"]
    login(client, factories.user())
    no_header = client.post(_vote_url(contest, entries[0]), json={}, headers={"Accept": "application/json"})
    assert no_header.status_code == 400 and _count() == 0


def test_a_disabled_account_or_an_ended_session_cannot_vote(voting, client):
    # The route reads the voter itself (not through the login loader): it must refuse the same sessions.
    contest, entries = voting
    voter = factories.user()
    login(client, voter)
    token = csrf_token(client, f"/vote/{contest.slug}")
    voter.session_version += 1   # "log out everywhere", a password change
    db.session.commit()
    ended = _post(client, contest, entries[0], token)
    assert ended.status_code == 403 and "登录" in ended.get_json()["message"]
    login(client, voter)
    voter.active = False
    db.session.commit()
    assert _post(client, contest, entries[0], token).status_code == 403
    voter.active = True
    db.session.commit()
    assert _post(client, contest, entries[0], token).status_code == 200
    assert _count() == 1


def test_a_failure_between_insert_and_commit_leaves_no_row_and_no_drift(voting, client, monkeypatch):
    contest, entries = voting
    _cast(contest, entries[0], factories.user())
    db.session.commit()
    login(client, factories.user())
    token = csrf_token(client, f"/vote/{contest.slug}")

    write = casting.cast

    def inserted_then_failing(*args, **kwargs):
        outcome = write(*args, **kwargs)   # row, tally and counter written, in the request's transaction
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 2 and outcome.vote_id
        raise RuntimeError("disk full")

    monkeypatch.setattr(votes, "cast", inserted_then_failing)
    r = _post(client, contest, entries[0], token)
    monkeypatch.undo()
    assert r.status_code == 500
    db.session.rollback()
    assert _count() == 1 and votes.tallies(contest) == {entries[0].id: 1}
    assert db.session.scalar(select(func.sum(VoterDay.used))) == 1
    assert votes.recount(contest).drift == {}


def test_a_busy_address_must_solve_the_captcha(voting, make_app, monkeypatch):
    contest, entries = voting
    app = make_app(VOTE_CAPTCHA_AFTER="2 per hour")
    client = app.test_client()
    monkeypatch.setattr("contest.vote.captcha.new_code", lambda: "KKKK")
    voters = [factories.user() for _ in range(3)]
    db.session.commit()
    statuses = []
    for voter in voters[:2]:
        login(client, voter)
        statuses.append(_post(client, contest, entries[0], csrf_token(client, f"/vote/{contest.slug}")).status_code)
    login(client, voters[2])
    token = csrf_token(client, f"/vote/{contest.slug}")
    asked = _post(client, contest, entries[0], token)
    assert statuses == [200, 200] and asked.status_code == 428 and asked.get_json()["captcha"]
    picture = client.get(asked.get_json()["captcha"])
    assert picture.status_code == 200 and picture.data[:8] == b"\x89PNG\r\n\x1a\n"
    wrong = client.post(_vote_url(contest, entries[0]), json={"captcha": "XXXX"}, headers={"X-CSRFToken": token})
    assert wrong.status_code == 428
    client.get(asked.get_json()["captcha"])   # a wrong answer used the picture up: a new one
    right = client.post(_vote_url(contest, entries[0]), json={"captcha": "kkkk"}, headers={"X-CSRFToken": token})
    db.session.rollback()   # this client is not the isolating one: read afresh
    assert right.status_code == 200 and _count() == 3


def test_vote_pages_show_the_work_never_its_maker_and_files_close_with_the_vote(voting, client, world):
    contest, entries = voting
    picture = world.image_entry
    page = client.get(f"/vote/{contest.slug}/{picture.number}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and picture.title in html and "<svg" in html
    assert "参赛者" not in html and world.users["entrant"].phone not in html
    asset = picture.assets[0]
    shown = client.get(f"/files/{asset.id}/large")
    shown.close()
    assert shown.status_code == 200 and "作品.png" not in shown.headers["Content-Disposition"]
    gallery = client.get(f"/vote/{contest.slug}?q={picture.number}").get_data(as_text=True)
    assert picture.title in gallery and entries[2].title not in gallery
    contest.voting_end = contest.voting_start   # the vote is over
    db.session.commit()
    closed = client.get(f"/files/{asset.id}/large")
    closed.close()
    after = client.get(f"/vote/{contest.slug}/{picture.number}").get_data(as_text=True)
    assert closed.status_code == 404 and f"/files/{asset.id}" not in after and "投票已结束" in after


def test_each_voter_has_a_stable_order_of_their_own(voting, client):
    contest, entries = voting

    def order(user):
        login(client, user)
        html = client.get(f"/vote/{contest.slug}").get_data(as_text=True)
        return [e.number for e in sorted(entries, key=lambda e: html.index(f"/vote/{contest.slug}/{e.number}\""))]

    voters = [factories.user() for _ in range(6)]
    orders = [order(v) for v in voters]
    assert order(voters[0]) == orders[0]                  # the same on every visit
    assert len({tuple(o) for o in orders}) > 1            # not the same for everyone
    assert len({o[0] for o in orders}) > 1                # no entry always first


def test_hidden_counts_are_not_shown_nor_sortable(voting, client):
    contest, entries = voting
    _cast(contest, entries[0], factories.user())
    contest.show_vote_counts = False
    db.session.commit()
    gallery = client.get(f"/vote/{contest.slug}?sort=votes").get_data(as_text=True)
    page = client.get(f"/vote/{contest.slug}/{entries[0].number}").get_data(as_text=True)
    assert "data-count" not in gallery and "data-count" not in page and "按票数" not in gallery
    contest.show_vote_counts = True
    db.session.commit()
    shown = client.get(f"/vote/{contest.slug}/{entries[0].number}").get_data(as_text=True)
    assert 'data-count>1</span>' in shown


@pytest.mark.parametrize("setting, key", [("VOTE_LIMIT_PER_ACCOUNT", "account"), ("VOTE_LIMIT_PER_IP", "address")])
def test_rate_limits_per_account_and_per_address_answer_429(voting, make_app, setting, key):
    contest, entries = voting
    app = make_app(**{setting: "2 per minute"})
    voters = [factories.user() for _ in range(3)]
    db.session.commit()
    statuses = []
    client = app.test_client()
    for i in range(3):
        login(client, voters[0] if key == "account" else voters[i])
        token = csrf_token(client, f"/vote/{contest.slug}")
        r = client.post(_vote_url(contest, entries[i]), json={}, headers={"X-CSRFToken": token})
        statuses.append(r.status_code)
    assert statuses == [200, 200, 429] and "请稍等一分钟" in r.get_json()["message"]
    db.session.rollback()
    assert _count() == 2


def test_at_the_quota_a_replay_is_still_a_replay_and_a_repeat_still_a_repeat(voting):
    contest, entries = voting   # three votes a day
    voter = factories.user()
    for i in range(3):
        _cast(contest, entries[i], voter, idempotency_key=f"k{i}")
    replay = _cast(contest, entries[2], voter, idempotency_key="k2")
    assert replay.replayed and replay.remaining_today == 0
    with pytest.raises(votes.VoteRefused) as repeat:
        _cast(contest, entries[0], voter, idempotency_key="new")
    with pytest.raises(votes.VoteRefused) as over:
        _cast(contest, entries[3], voter, idempotency_key="k0")   # the same key for another entry: a new vote
    assert (repeat.value.status, over.value.status) == (409, 429) and _count() == 3


def test_the_captcha_answers_once_and_for_one_account(voting, make_app, monkeypatch):
    contest, entries = voting
    app = make_app(VOTE_CAPTCHA_AFTER="1 per hour")
    monkeypatch.setattr("contest.vote.captcha.new_code", lambda: "KKKK")
    voters = [factories.user() for _ in range(3)]
    db.session.commit()
    client = app.test_client()
    login(client, voters[0])
    token = csrf_token(client, f"/vote/{contest.slug}")
    assert _post(client, contest, entries[0], token).status_code == 200
    login(client, voters[1])
    asked = _post(client, contest, entries[0], token)
    assert asked.status_code == 428
    client.get(asked.get_json()["captcha"])
    with_picture = client.get_cookie("session").value
    wrong = client.post(_vote_url(contest, entries[0]), json={"captcha": "XXXX"}, headers={"X-CSRFToken": token})
    client.set_cookie("session", with_picture)   # the old cookie, picture and all, sent again
    replayed = client.post(_vote_url(contest, entries[0]), json={"captcha": "KKKK"}, headers={"X-CSRFToken": token})
    assert (wrong.status_code, replayed.status_code) == (428, 428)
    client.get(asked.get_json()["captcha"])
    solved = client.post(_vote_url(contest, entries[0]), json={"captcha": "KKKK"}, headers={"X-CSRFToken": token})
    assert solved.status_code == 200
    login(client, voters[2])   # same browser, another account: its own captcha
    assert _post(client, contest, entries[0], token).status_code == 428


def test_the_public_sees_the_work_but_never_supporting_documents(voting, client, world):
    from contest.models import Asset

    contest, entries = voting
    picture = world.image_entry.assets[0]
    form = Asset(entry_id=world.image_entry.id, role="document", storage_key=picture.variants["thumb"],
                 sha256=picture.sha256, size=picture.size, mime="application/pdf", original_name="推荐表.pdf")
    db.session.add(form)
    db.session.commit()
    shown, hidden = client.get(f"/files/{picture.id}"), client.get(f"/files/{form.id}")
    shown.close()
    hidden.close()
    page = client.get(f"/vote/{contest.slug}/{world.image_entry.number}").get_data(as_text=True)
    assert (shown.status_code, hidden.status_code) == (200, 404) and f"/files/{form.id}" not in page
    contest.published = False
    db.session.commit()
    gone = client.get(f"/files/{picture.id}")
    gone.close()
    assert gone.status_code == 404


def test_the_route_keeps_to_the_round_chosen_and_to_published_contests(voting, world, client):
    contest, entries = voting
    _vote_on_a_round(contest, world, entries[0])
    login(client, factories.user())
    token = csrf_token(client, f"/vote/{contest.slug}")
    assert _post(client, contest, entries[2], token).status_code == 404   # not in the round
    assert _post(client, contest, entries[0], token).status_code == 200
    contest.published = False
    login(client, factories.user())   # a fresh voter: published, this vote would count
    assert _post(client, contest, entries[0], csrf_token(client, f"/vote/{contest.slug}")).status_code == 404


def test_the_contest_page_counts_down_to_the_vote_only_while_it_is_open(voting, client):
    contest, _entries = voting
    page = client.get(f"/contests/{contest.slug}").get_data(as_text=True)
    assert f'href="/vote/{contest.slug}"' in page and "网络投票剩余时间" in page
    contest.voting_end = contest.voting_start
    db.session.commit()
    assert "网络投票剩余时间" not in client.get(f"/contests/{contest.slug}").get_data(as_text=True)
