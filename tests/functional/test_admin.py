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


def test_user_search_by_full_masked_last_four_and_name(client, world):
    login(client, world.users["admin"])
    judge, organiser = world.users["judge"], world.users["organiser"]

    def found(q):
        html = client.get("/admin/users", query_string={"q": q}).get_data(as_text=True)
        return {name for name in ("评委", "网信办组织者", "参赛者") if f">{name}</a>" in html}

    assert found(judge.phone) == {"评委"}
    assert found(f"+86 {judge.phone[:3]} {judge.phone[3:7]} {judge.phone[7:]}") == {"评委"}
    assert found(accounts.mask_phone(judge.phone)) == {"评委"}
    assert "评委" in found(judge.phone[-4:]) and "网信办组织者" not in found(judge.phone[-4:])
    assert found("网信办") == {"网信办组织者"}
    # A fragment of the number is not a name: "%" and "_" match themselves only.
    assert found("%") == set() and found(organiser.phone[:5] + "_") == set()


def test_admin_edits_a_unit_with_its_contact(client, world):
    login(client, world.users["admin"])
    unit = world.other_unit
    page = f"/admin/units/{unit.id}"
    r = _post(client, page, {"name": "市总工会宣传部", "kind": "member", "district": "香洲区",
                             "contact_name": "张老师", "contact_phone": "13912345678"}, page)
    assert r.status_code == 302
    saved = db.session.get(Unit, unit.id)
    assert (saved.name, saved.district, saved.contact_name, saved.contact_phone) == (
        "市总工会宣传部", "香洲区", "张老师", "13912345678")
    event = _events("unit.update")[-1]
    assert set(event.details["changed"]) == {"name", "district", "contact_name", "contact_phone"}
    assert "13912345678" not in str(event.details)
    listing = client.get("/admin/units").get_data(as_text=True)
    assert "139****5678" in listing and "13912345678" not in listing
    r = _post(client, page, {"name": "市委网信办", "kind": "member", "contact_phone": "123"}, page)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "已存在" in html and "手机号" in html
    assert db.session.get(Unit, unit.id).name == "市总工会宣传部"


def test_a_unit_in_use_is_not_removed(client, world):
    login(client, world.users["admin"])
    unit = world.unit
    page = f"/admin/units/{unit.id}"
    assert "该单位不能删除" in client.get(page).get_data(as_text=True)
    r = _post(client, f"/admin/units/{unit.id}/delete", {}, page)
    assert r.status_code == 302
    assert db.session.get(Unit, unit.id) is not None
    flashed = client.get("/admin/units").get_data(as_text=True)
    assert "不能删除" in flashed and "活动" in flashed and "成员" in flashed
    assert not _events("unit.delete")


def test_an_unused_unit_is_removed_and_audited(client, world):
    login(client, world.users["admin"])
    spare = factories.unit("珠海市第三中学", "school")
    db.session.commit()
    spare_id = spare.id
    r = _post(client, f"/admin/units/{spare_id}/delete", {}, f"/admin/units/{spare_id}")
    assert r.status_code == 302
    assert db.session.get(Unit, spare_id) is None
    assert _events("unit.delete")[-1].details == {"name": "珠海市第三中学", "unit": spare_id}


def test_non_admins_cannot_edit_or_remove_units(client, world):
    spare = factories.unit("珠海市第四中学", "school")
    db.session.commit()
    login(client, world.users["admin"])
    token = csrf_token(client, "/admin/units")
    for role in ("organiser", "unit_admin"):
        login(client, world.users[role])
        assert client.get(f"/admin/units/{spare.id}").status_code == 403
        assert client.post(f"/admin/units/{spare.id}/delete", data={"csrf_token": token}).status_code in (400, 403)
    assert db.session.get(Unit, spare.id) is not None
