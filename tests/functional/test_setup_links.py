"""Accounts made for someone else: no usable password, a one-time set-up link
(used, replaced, expired or tampered: refused), audit events."""
from __future__ import annotations

import re
import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from contest.extensions import db
from contest.models import AuditEvent, Unit, User
from contest.services import accounts, people
from tests.conftest import csrf_token, login

LINK_RE = re.compile(r'value="(https?://[^"]+/account/setup/([^"]+))"')


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def _create(client, phone="13700000001", name="王评委", role="judge", unit="0"):
    token = csrf_token(client, "/admin/users/new")
    return client.post("/admin/users/new", data={"csrf_token": token, "phone": phone, "name": name,
                                                "role": role, "unit": unit})


def _set_password(client, token, password="new-pass-123"):
    form_token = csrf_token(client, f"/account/setup/{token}")
    return client.post(f"/account/setup/{token}", data={"csrf_token": form_token, "password": password,
                                                        "confirm": password})


def test_admin_creates_a_judge_who_sets_a_password_once(app, client, world):
    login(client, world.users["admin"])
    r = _create(client)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "账号已开通" in html and "一次性设置链接" in html
    user = db.session.scalar(db.select(User).where(User.phone == "13700000001"))
    assert user.real_name == "王评委" and user.roles == {"judge"} and user.password_hash == ""
    assert accounts.authenticate("13700000001", "") is None
    [event] = _events("account.invite")
    assert event.object_id == str(user.id) and event.actor_id == world.users["admin"].id
    assert _events("role.grant")[-1].details["role"] == "judge"
    link, token = LINK_RE.search(html).groups()

    invitee = app.test_client()
    page = invitee.get(f"/account/setup/{token}")
    assert page.status_code == 200 and "137****0001" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    r = _set_password(invitee, token)
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]
    assert accounts.authenticate("13700000001", "new-pass-123") is not None
    assert _events("account.setup")[-1].object_id == str(user.id)
    # Used: it opens no more, and a second password cannot be set through it.
    again = invitee.get(f"/account/setup/{token}")
    assert again.status_code == 404 and "链接无效" in again.get_data(as_text=True)
    assert invitee.post(f"/account/setup/{token}", data={"password": "other-pass-1", "confirm": "other-pass-1",
                                                         "csrf_token": csrf_token(invitee)}).status_code == 404
    assert accounts.authenticate("13700000001", "new-pass-123") is not None


class PastSigner(TimestampSigner):
    """Signs as if it were 1 minute past the link's lifetime ago."""
    def get_timestamp(self) -> int:
        return int(time.time()) - people.SETUP_LINK_HOURS * 3600 - 60


def test_a_tampered_or_expired_link_is_refused(app, client, world):
    login(client, world.users["admin"])
    _create(client, phone="13700000002")
    user = db.session.scalar(db.select(User).where(User.phone == "13700000002"))
    with app.test_request_context():
        token = people.setup_token(user)
    invitee = app.test_client()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert invitee.get(f"/account/setup/{tampered}").status_code == 404
    # Another account's id in a token signed with another key.
    assert invitee.get("/account/setup/WzEsImFiYyJd.ZZZZ.abc").status_code == 404
    expired = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="account-setup", signer=PastSigner) \
        .dumps([user.id, people.link_fingerprint(user)])
    assert invitee.get(f"/account/setup/{expired}").status_code == 404
    assert invitee.get(f"/account/setup/{token}").status_code == 200


def test_a_new_link_replaces_the_old_one(app, client, world):
    admin = world.users["admin"]
    login(client, admin)
    first = LINK_RE.search(_create(client, phone="13700000003").get_data(as_text=True)).group(2)
    user = db.session.scalar(db.select(User).where(User.phone == "13700000003"))
    token = csrf_token(client, f"/admin/users/{user.id}")
    html = client.post(f"/admin/users/{user.id}/setup-link", data={"csrf_token": token}).get_data(as_text=True)
    second = LINK_RE.search(html).group(2)
    assert second != first and _events("account.setup_link")[-1].actor_id == admin.id
    invitee = app.test_client()
    assert invitee.get(f"/account/setup/{first}").status_code == 404
    assert invitee.get(f"/account/setup/{second}").status_code == 200


def test_no_link_for_an_account_with_a_password(client, world):
    login(client, world.users["admin"])
    entrant = world.users["entrant"]
    token = csrf_token(client, f"/admin/users/{entrant.id}")
    html = client.post(f"/admin/users/{entrant.id}/setup-link", data={"csrf_token": token}).get_data(as_text=True)
    assert "本人已设置密码" in html and not LINK_RE.search(html)
    assert not _events("account.setup_link")


def test_an_existing_number_only_gets_the_role(client, world):
    login(client, world.users["admin"])
    entrant = world.users["entrant"]
    html = _create(client, phone=entrant.phone, name="").get_data(as_text=True)
    assert "已为其增加角色" in html and not LINK_RE.search(html)
    assert db.session.get(User, entrant.id).has_role("judge")
    assert not _events("account.invite")


def test_bad_input_creates_nothing(client, world):
    login(client, world.users["admin"])
    html = _create(client, phone="123", name="").get_data(as_text=True)
    assert "请输入有效的" in html or "手机号" in html
    html = _create(client, phone="13700000009", name="").get_data(as_text=True)
    assert "请输入本人真实姓名" in html
    html = _create(client, phone="13700000009", name="李四", role="organiser").get_data(as_text=True)
    assert "该角色须指定所属单位" in html
    assert db.session.scalar(db.select(User).where(User.phone == "13700000009")) is None
    unit = db.session.scalar(db.select(Unit).where(Unit.name == "市总工会"))
    _create(client, phone="13700000009", name="李四", role="organiser", unit=str(unit.id))
    user = db.session.scalar(db.select(User).where(User.phone == "13700000009"))
    assert user.unit_ids_for("organiser") == {unit.id} and user.unit_id == unit.id


def test_only_admins_create_accounts(client, world):
    for role in ("organiser", "judge", "unit_admin"):
        login(client, world.users[role])
        assert client.get("/admin/users/new").status_code == 403
    login(client, world.users["admin"])
    token = csrf_token(client, "/admin/users/new")
    login(client, world.users["organiser"])
    r = client.post("/admin/users/new", data={"csrf_token": token, "phone": "13700000008", "name": "x",
                                              "role": "admin", "unit": "0"})
    assert r.status_code in (400, 403)
    assert db.session.scalar(db.select(User).where(User.phone == "13700000008")) is None
