"""The vote is exempt from Flask-WTF's form check and from Flask-Limiter's
limits (their public exempt decorators), checks its CSRF token from the
header with validate_csrf and counts its own limits: both must refuse what
Flask-WTF and the limiter refuse elsewhere, and nothing else may lose them."""
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Vote
from tests import factories
from tests.conftest import csrf_token, login


def _url(contest, entry):
    return f"/vote/{contest.slug}/{entry.number}"


def _votes():
    db.session.commit()   # a fresh snapshot: votes made through another app's client are seen
    return db.session.scalar(select(func.count()).select_from(Vote))


def _refused(response):
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "表单已过期" in response.get_json()["message"]


def test_the_vote_refuses_a_missing_forged_foreign_or_form_only_token(voting, app, client):
    contest, entries = voting
    other = app.test_client()
    login(other, factories.user())
    foreign = csrf_token(other, f"/vote/{contest.slug}")   # valid, but another session's
    login(client, factories.user())
    db.session.commit()   # the vote reads the voter on a connection of its own
    mine = csrf_token(client, f"/vote/{contest.slug}")
    url = _url(contest, entries[0])
    _refused(client.post(url, json={}, headers={"Accept": "application/json"}))
    _refused(client.post(url, json={}, headers={"X-CSRFToken": "forged", "Accept": "application/json"}))
    _refused(client.post(url, json={}, headers={"X-CSRFToken": mine[:-2] + "xx", "Accept": "application/json"}))
    _refused(client.post(url, json={}, headers={"X-CSRFToken": foreign, "Accept": "application/json"}))
    # The vote is an XHR: a token in a form body is not looked at.
    _refused(client.post(url, data={"csrf_token": mine}, headers={"Accept": "application/json"}))
    assert _votes() == 0
    assert client.post(url, json={}, headers={"X-CSRF-Token": mine}).status_code == 200   # the other header name
    assert _votes() == 1


def test_over_https_the_referrer_must_be_this_host(voting, client):
    contest, entries = voting
    login(client, factories.user())
    db.session.commit()
    token = csrf_token(client, f"/vote/{contest.slug}")
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    url = _url(contest, entries[0])
    _refused(client.post(url, json={}, headers=headers, base_url="https://localhost"))
    _refused(client.post(url, json={}, base_url="https://localhost",
                         headers={**headers, "Referer": "https://evil.example/vote"}))
    assert _votes() == 0
    same = client.post(url, json={}, base_url="https://localhost",
                       headers={**headers, "Referer": f"https://localhost/vote/{contest.slug}"})
    assert same.status_code == 200 and _votes() == 1


def test_the_limiter_exempts_the_vote_and_nothing_else(voting, make_app):
    contest, entries = voting
    app = make_app(LOGIN_LIMIT_PER_IP="2 per hour")
    client = app.test_client()
    login(client, factories.user())
    db.session.commit()
    token = csrf_token(client, f"/vote/{contest.slug}")
    guesser = app.test_client()   # another browser on the same address
    guess = csrf_token(guesser, "/account/login")
    tries = [guesser.post("/account/login", data={"phone": f"1370000000{i}", "password": "wrong-password",
                                                  "csrf_token": guess}) for i in range(3)]
    # The hooks still limit the other routes, and still tell them so in the headers.
    assert [r.status_code for r in tries] == [200, 200, 429]
    assert "X-RateLimit-Remaining" in tries[0].headers
    answers = [client.post(_url(contest, e), json={}, headers={"X-CSRFToken": token}) for e in entries[:3]]
    assert [r.status_code for r in answers] == [200, 200, 200] and _votes() == 3
    # The vote, exempt, is given no limit of the limiter's (no headers): it counts its own.
    assert "X-RateLimit-Remaining" not in answers[0].headers
    assert "X-RateLimit-Remaining" in client.get("/vote/captcha.png").headers   # a limited route of its blueprint


def test_the_vote_keeps_its_own_rate_limits(voting, make_app):
    contest, entries = voting
    app = make_app(VOTE_LIMIT_PER_ACCOUNT="2 per minute")
    client = app.test_client()
    login(client, factories.user())
    db.session.commit()   # the vote reads the voter on a connection of its own
    token = csrf_token(client, f"/vote/{contest.slug}")
    statuses = [client.post(_url(contest, e), json={}, headers={"X-CSRFToken": token}).status_code
                for e in entries[:3]]
    assert statuses == [200, 200, 429] and _votes() == 2
