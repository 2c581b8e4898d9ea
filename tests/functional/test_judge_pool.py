"""The console's judges' pool: organisers invite judges by phone number; a new
account's one-time link is shown to them, never for a privileged account."""
from __future__ import annotations

import re

from contest.extensions import db
from contest.models import AuditEvent, User
from contest.services import accounts, people
from tests.conftest import csrf_token, login

LINK_RE = re.compile(r'value="(https?://[^"]+/account/setup/([^"]+))"')
PAGE = "/console/people/judges"


def _invite(client, phone, name="赵评委"):
    token = csrf_token(client, PAGE)
    return client.post(f"{PAGE}/invite", data={"csrf_token": token, "phone": phone, "name": name})


def test_an_organiser_invites_a_new_judge_and_sees_the_link(app, client, world):
    organiser = world.users["organiser"]
    login(client, organiser)
    r = _invite(client, "13800001111")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "一次性设置链接" in html
    judge = db.session.scalar(db.select(User).where(User.phone == "13800001111"))
    assert judge.roles == {"judge"} and not people.has_password(judge)
    # Listed with a masked phone only.
    assert "138****1111" in html and "13800001111" not in html.replace(LINK_RE.search(html).group(1), "")
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.object_id == str(judge.id))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["account.invite", "role.grant"]
    assert all(e.actor_id == organiser.id for e in events)
    token = LINK_RE.search(html).group(2)
    invitee = app.test_client()
    form = csrf_token(invitee, f"/account/setup/{token}")
    invitee.post(f"/account/setup/{token}", data={"csrf_token": form, "password": "judge-pass-1",
                                                  "confirm": "judge-pass-1"})
    assert accounts.authenticate("13800001111", "judge-pass-1") is not None
    assert "已设置" in client.get(PAGE).get_data(as_text=True)


def test_an_existing_account_gets_the_role_only(client, world):
    login(client, world.users["organiser"])
    entrant = world.users["entrant"]
    html = _invite(client, entrant.phone, name="").get_data(as_text=True)
    assert not LINK_RE.search(html) and "已成为评委" in html
    assert db.session.get(User, entrant.id).has_role("judge")
    again = _invite(client, entrant.phone, name="")
    assert again.status_code == 422 and "已拥有此角色" in again.get_data(as_text=True)


def test_no_link_for_a_privileged_account_without_a_password(client, world):
    admin = world.users["admin"]
    account, _created = people.invite(admin, phone="13800002222", name="某组织者", role="organiser",
                                      unit=world.unit)
    db.session.commit()
    login(client, world.users["organiser"])
    html = _invite(client, "13800002222", name="").get_data(as_text=True)
    assert db.session.get(User, account.id).has_role("judge")
    assert not LINK_RE.search(html)
    token = csrf_token(client, PAGE)
    r = client.post(f"{PAGE}/{account.id}/setup-link", data={"csrf_token": token})
    assert r.status_code == 403
    assert not db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "account.setup_link")).all()


def test_a_new_link_for_a_judge_who_has_not_set_a_password(client, world):
    login(client, world.users["organiser"])
    first = LINK_RE.search(_invite(client, "13800003333").get_data(as_text=True)).group(2)
    judge = db.session.scalar(db.select(User).where(User.phone == "13800003333"))
    token = csrf_token(client, PAGE)
    html = client.post(f"{PAGE}/{judge.id}/setup-link", data={"csrf_token": token}).get_data(as_text=True)
    second = LINK_RE.search(html).group(2)
    assert second != first
    with client.application.test_request_context():
        assert people.user_for_setup(first) is None and people.user_for_setup(second).id == judge.id


def test_bad_numbers_and_missing_names_are_refused(client, world):
    login(client, world.users["organiser"])
    r = _invite(client, "12345")
    assert r.status_code == 422 and "手机号" in r.get_data(as_text=True)
    r = _invite(client, "13800004444", name="")
    assert r.status_code == 422 and "请输入本人真实姓名" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.phone == "13800004444")) is None


def test_only_console_users_see_or_use_the_pool(client, world):
    for role in ("judge", "entrant", "unit_admin"):
        login(client, world.users[role])
        assert client.get(PAGE).status_code == 403
    login(client, world.users["organiser"])
    token = csrf_token(client, PAGE)
    login(client, world.users["judge"])
    assert client.post(f"{PAGE}/invite", data={"csrf_token": token, "phone": "13800005555",
                                                "name": "x"}).status_code in (400, 403)
    assert db.session.scalar(db.select(User).where(User.phone == "13800005555")) is None
