from contest.extensions import db
from contest.models import AuditEvent, RoleGrant, Unit, User
from contest.services import accounts
from tests import factories
from tests.conftest import csrf_token, login


def _post(client, url, data, page):
    return client.post(url, data=dict(data, csrf_token=csrf_token(client, page)))


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_admin_grants_and_removes_a_role_with_audit_events(client, world):
    admin, target = world.users["admin"], world.users["entrant"]
    login(client, admin)
    page = f"/admin/users/{target.id}"
    r = _post(client, f"/admin/users/{target.id}/grants", {"role": "organiser", "unit": str(world.unit.id)}, page)
    assert r.status_code == 302
    grant = db.session.scalar(db.select(RoleGrant).where(RoleGrant.user_id == target.id,
                                                         RoleGrant.role == "organiser"))
    assert grant.unit_id == world.unit.id and grant.granted_by_id == admin.id
    [event] = _events("role.grant")[-1:]
    assert event.actor_id == admin.id and event.object_id == str(target.id)
    assert event.details == {"role": "organiser", "unit": world.unit.name}

    version = db.session.get(User, target.id).session_version
    grant_id = grant.id
    r = _post(client, f"/admin/grants/{grant_id}/revoke", {}, page)
    assert r.status_code == 302
    assert db.session.get(RoleGrant, grant_id) is None
    assert db.session.get(User, target.id).session_version == version + 1
    assert _events("role.revoke")[-1].details["role"] == "organiser"


def test_a_unit_scoped_role_needs_a_unit(client, world):
    login(client, world.users["admin"])
    target = world.users["entrant"]
    r = _post(client, f"/admin/users/{target.id}/grants", {"role": "organiser", "unit": "0"},
              f"/admin/users/{target.id}")
    assert r.status_code == 422 and "该角色须指定所属单位" in r.get_data(as_text=True)
    assert not db.session.get(User, target.id).has_role("organiser")
    assert not [e for e in _events("role.grant") if e.object_id == str(target.id)]


def test_role_removal_ends_the_users_open_session(client, app, world):
    organiser = world.users["organiser"]
    their_browser = app.test_client()
    login(their_browser, organiser)
    assert their_browser.get("/console/").status_code == 200
    login(client, world.users["admin"])
    grant = next(g for g in organiser.grants if g.role == "organiser")
    _post(client, f"/admin/grants/{grant.id}/revoke", {}, f"/admin/users/{organiser.id}")
    r = their_browser.get("/console/")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_admin_cannot_remove_own_admin_role(client, world):
    admin = world.users["admin"]
    login(client, admin)
    grant = next(g for g in admin.grants if g.role == "admin")
    _post(client, f"/admin/grants/{grant.id}/revoke", {}, f"/admin/users/{admin.id}")
    assert db.session.get(User, admin.id).has_role("admin")


def test_admin_adds_a_unit(client, world):
    login(client, world.users["admin"])
    r = _post(client, "/admin/units", {"name": "珠海市第二中学", "kind": "school", "district": "香洲区"},
              "/admin/units")
    assert r.status_code == 302
    assert db.session.scalar(db.select(Unit).where(Unit.name == "珠海市第二中学")).kind == "school"
    r = _post(client, "/admin/units", {"name": "珠海市第二中学", "kind": "school", "district": ""},
              "/admin/units")
    assert r.status_code == 200 and "已存在" in r.get_data(as_text=True)
    assert _events("unit.create")


def test_user_list_masks_phones_and_searches(client, world):
    login(client, world.users["admin"])
    html = client.get("/admin/users?q=评委").get_data(as_text=True)
    judge = world.users["judge"]
    assert judge.phone not in html and accounts.mask_phone(judge.phone) in html
    assert world.users["organiser"].real_name not in html


def test_cli_create_user_grants_the_role_and_audits(app):
    factories.unit("市总工会", "member")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "create-user", "--phone", "13600000001", "--name", "组织者",
                                 "--role", "organiser", "--unit", "市总工会", "--password", "secret-pass-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.phone == "13600000001"))
    assert user.has_role("organiser") and user.unit_ids_for("organiser") == {user.unit_id}
    assert _events("role.grant")[-1].object_id == str(user.id)
    again = runner.invoke(args=["admin", "create-user", "--phone", "13600000001", "--name", "x",
                                "--password", "secret-pass-1"])
    assert again.exit_code != 0 and "13600000001" not in again.output.replace("136****0001", "")
    bad = runner.invoke(args=["admin", "create-user", "--phone", "13600000002", "--name", "x",
                              "--role", "organiser", "--password", "secret-pass-1"])
    assert bad.exit_code != 0 and "该角色须指定所属单位" in bad.output
    assert db.session.scalar(db.select(User).where(User.phone == "13600000002")) is None
