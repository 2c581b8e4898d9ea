"""A contest is public only once its organiser publishes it, and every console page says which it is."""
import re

from contest.extensions import db
from contest.models import AuditEvent, Contest
from tests.conftest import csrf_token, login
from tests.functional.test_console import _form


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def app_client_anonymous(client):
    return client.application.test_client()


def test_a_new_contest_starts_hidden_from_the_public(client, world):
    login(client, world.users["organiser"])
    new = client.get("/console/contests/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="published"[^>]*>', new).group(0)
    assert "checked" not in box
    data = _form(world)
    del data["published"]   # the box as the form first shows it: unticked
    r = client.post("/console/contests/new", data=dict(data, csrf_token=csrf_token(client, "/console/contests/new")))
    assert r.status_code == 302
    c = db.session.scalar(db.select(Contest).where(Contest.code == "GS27"))
    assert c.published is False
    assert Contest.__table__.c.published.default.arg is False
    assert app_client_anonymous(client).get(f"/contests/{c.slug}").status_code == 404


def test_the_contest_page_publishes_and_unpublishes_with_confirmation(client, world):
    c = world.contest
    c.published = False
    db.session.commit()
    login(client, world.users["organiser"])
    page = client.get(f"/console/contests/{c.id}").get_data(as_text=True)
    assert "未公开" in page and "已公开" not in page
    assert "确定在公众网站上发布该活动吗" in page      # the button asks before it acts
    token = csrf_token(client, f"/console/contests/{c.id}")
    r = client.post(f"/console/contests/{c.id}/publish", data={"published": "1", "csrf_token": token},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    assert db.session.get(Contest, c.id).published is True
    assert "活动已在公众网站上发布" in page and "已公开" in page
    assert [e.details["code"] for e in _events("contest.publish")] == [c.code]

    r = client.post(f"/console/contests/{c.id}/publish", data={"published": "0", "csrf_token": token})
    assert r.status_code == 302 and db.session.get(Contest, c.id).published is False
    assert len(_events("contest.unpublish")) == 1
    # Without the CSRF token nothing changes.
    client.post(f"/console/contests/{c.id}/publish", data={"published": "1"})
    assert db.session.get(Contest, c.id).published is False


def test_another_units_organiser_cannot_publish(client, world):
    world.contest.published = False
    db.session.commit()
    login(client, world.users["organiser_other"])
    token = csrf_token(client, "/console/")
    r = client.post(f"/console/contests/{world.contest.id}/publish", data={"published": "1", "csrf_token": token})
    assert r.status_code == 403 and db.session.get(Contest, world.contest.id).published is False


def test_every_console_page_of_a_contest_shows_whether_it_is_public(client, world):
    c = world.contest
    login(client, world.users["organiser"])
    pages = [f"/console/contests/{c.id}/entries", f"/console/contests/{c.id}/rounds",
             f"/console/contests/{c.id}/results", f"/console/contests/{c.id}/edit",
             f"/console/entries/{world.entry.id}", f"/console/contests/{c.id}/categories/new"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert 'class="console-contest"' in html and "已公开" in html, url
    c.published = False
    db.session.commit()
    for url in pages:
        assert "未公开" in client.get(url).get_data(as_text=True), url
    # Pages that are not about one contest carry no badge.
    assert 'class="console-contest"' not in client.get("/console/").get_data(as_text=True)
