import base64
import hashlib
import json
import zlib

from contest.extensions import db
from contest.models import AuditEvent, User
from tests import factories
from tests.conftest import csrf_token, login

PHONE = "13712345678"


def _register(client, **overrides):
    data = {"phone": PHONE, "password": "haowangmin42", "confirm": "haowangmin42",
            "real_name": "李明", "district": "香洲区", "unit": "0", "email": ""}
    data.update(overrides)
    data["csrf_token"] = csrf_token(client, "/account/register")
    return client.post("/account/register", data=data)


def _login(client, phone=PHONE, password="haowangmin42"):
    return client.post("/account/login", data={
        "phone": phone, "password": password, "csrf_token": csrf_token(client, "/account/login")})


def _user(phone=PHONE) -> User:
    return db.session.scalar(db.select(User).where(User.phone == phone))


def test_register_creates_an_entrant_and_logs_in(client):
    office = factories.unit()
    db.session.commit()
    r = _register(client, unit=str(office.id))
    assert r.status_code == 302
    user = _user()
    assert user.real_name == "李明" and user.unit_id == office.id and user.roles == {"entrant"}
    assert user.password_hash.startswith("scrypt:") and "haowangmin42" not in user.password_hash
    assert "李明" in client.get("/").get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "account.register"))


def test_register_errors_are_shown_next_to_the_field_in_chinese_and_nothing_is_saved(client):
    r = _register(client, phone="12345", password="short", confirm="short")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "请输入有效的中国大陆手机号码（11位）。" in html
    assert "密码长度至少为8位。" in html
    assert 'aria-invalid="true"' in html
    assert _user("12345") is None
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_a_phone_number_registers_once(client):
    assert _register(client).status_code == 302
    other = client.application.test_client()
    r = _register(other, real_name="冒名者")
    assert r.status_code == 200
    assert "已注册" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_unknown_phone_and_wrong_password_get_the_same_answer(client):
    factories.user(phone=PHONE, password="haowangmin42")
    wrong = _login(client, password="nope-nope-1").get_data(as_text=True)
    unknown = _login(client, phone="13700000000").get_data(as_text=True)
    assert "手机号码或密码错误" in wrong and "手机号码或密码错误" in unknown
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(wrong) == strip(unknown)


def test_login_logout_and_a_copied_cookie_stops_working(client, app):
    factories.user(phone=PHONE, password="haowangmin42", name="王小明")
    assert _login(client).status_code == 302
    assert "王小明" in client.get("/account/profile").get_data(as_text=True)
    stolen = client.get_cookie("session").value
    r = client.post("/account/logout", data={"csrf_token": csrf_token(client)})
    assert r.status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    r = thief.get("/account/profile")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_the_session_cookie_holds_no_personal_data(client):
    factories.user(phone=PHONE, password="haowangmin42", name="王小明")
    _login(client)
    value = client.get_cookie("session").value
    payload = value.split(".")[0] if not value.startswith(".") else value.split(".")[1]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if value.startswith("."):
        raw = zlib.decompress(raw)
    data = json.loads(raw)
    text = json.dumps(data, ensure_ascii=False)
    assert PHONE not in text and "王小明" not in text
    assert data["_user_id"].count(":") == 1
    # Flask-Login's bare sha512(ip|agent) would let a cookie holder recover the
    # address; the identifier is keyed with the secret instead.
    bare = hashlib.sha512(f"127.0.0.1|{None}".encode()).hexdigest()
    assert data["_id"] != bare and len(data["_id"]) == 64


def test_password_change_ends_other_sessions_but_keeps_this_one(client, app):
    factories.user(phone=PHONE, password="haowangmin42")
    other_device = app.test_client()
    _login(other_device)
    _login(client)
    r = client.post("/account/password", data={
        "current_password": "haowangmin42", "new_password": "newpass2026", "confirm": "newpass2026",
        "csrf_token": csrf_token(client, "/account/password")})
    assert r.status_code == 302
    assert client.get("/account/profile").status_code == 200
    assert other_device.get("/account/profile").status_code == 302
    assert _login(app.test_client(), password="haowangmin42").status_code == 200
    assert _login(app.test_client(), password="newpass2026").status_code == 302


def test_password_change_is_audited(client):
    user = factories.user(phone=PHONE, password="haowangmin42")
    login(client, user)
    client.post("/account/password", data={
        "current_password": "haowangmin42", "new_password": "newpass2026", "confirm": "newpass2026",
        "csrf_token": csrf_token(client, "/account/password")})
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "account.password_change"))
    assert event is not None and event.actor_id == user.id and event.ip_hash


def test_password_guessing_through_the_change_form_is_limited(client):
    user = factories.user(phone=PHONE, password="haowangmin42")
    login(client, user)
    codes = [client.post("/account/password", data={
        "current_password": f"guess-{i}-x", "new_password": "newpass2026", "confirm": "newpass2026",
        "csrf_token": csrf_token(client, "/account/password")}).status_code for i in range(6)]
    assert codes == [200] * 5 + [429]


def test_password_change_refuses_a_wrong_current_password(client):
    user = factories.user(phone=PHONE, password="haowangmin42")
    login(client, user)
    old_hash = user.password_hash
    r = client.post("/account/password", data={
        "current_password": "wrong-one-1", "new_password": "newpass2026", "confirm": "newpass2026",
        "csrf_token": csrf_token(client, "/account/password")})
    assert r.status_code == 200 and "当前密码不正确" in r.get_data(as_text=True)
    assert _user().password_hash == old_hash


def test_profile_edit(client):
    user = factories.user(phone=PHONE)
    login(client, user)
    r = client.post("/account/profile", data={
        "real_name": "李四", "district": "斗门区", "unit": "0", "email": "li@example.cn",
        "csrf_token": csrf_token(client, "/account/profile")})
    assert r.status_code == 302
    user = _user()
    assert (user.real_name, user.district, user.email) == ("李四", "斗门区", "li@example.cn")
    html = client.get("/account/profile").get_data(as_text=True)
    assert "137****5678" in html and PHONE not in html


def test_login_is_limited_per_account(client, app):
    factories.user(phone=PHONE, password="haowangmin42")
    statuses = [_login(app.test_client(), password=f"wrong-{i}-x").status_code for i in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    # Even the right password waits: the account is being guessed at.
    r = _login(app.test_client())
    assert r.status_code == 429 and "请求过于频繁" in r.get_data(as_text=True)


def test_login_is_limited_per_ip_across_accounts(client, app):
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per minute"
    try:
        codes = [_login(client, phone=f"1370000000{i}").status_code for i in range(4)]
    finally:
        app.config["LOGIN_LIMIT_PER_IP"] = "30 per 10 minutes"
    assert codes == [200, 200, 200, 429]


def test_safe_next_refuses_other_sites(client):
    factories.user(phone=PHONE, password="haowangmin42")
    r = client.post("/account/login?next=//evil.example/x", data={
        "phone": PHONE, "password": "haowangmin42", "csrf_token": csrf_token(client, "/account/login")})
    assert r.status_code == 302 and "evil.example" not in r.headers["Location"]


def test_successful_logins_do_not_use_up_the_limit(app):
    factories.user(phone=PHONE, password="haowangmin42")
    assert [_login(app.test_client()).status_code for _ in range(7)] == [302] * 7
