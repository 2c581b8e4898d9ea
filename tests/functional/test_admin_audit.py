"""The audit log in words: labels, people by name, readable details; filters,
search, paging that keeps them, and exports that are themselves recorded."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl

from contest.extensions import db
from contest.models import AuditEvent
from contest.models.timestamps import utcnow
from contest.services import accounts, audit
from tests.conftest import csrf_token, login


def _events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_events_read_in_chinese_with_names_and_details(client, world):
    admin, target = world.users["admin"], world.users["entrant"]
    accounts.grant_role(admin, target, "judge")
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=role.grant").get_data(as_text=True)
    assert "授予角色" in html and "role.grant</td>" not in html
    assert f"管理员（{accounts.mask_phone(admin.phone)}）" in html
    assert f"参赛者（{accounts.mask_phone(target.phone)}）" in html
    assert admin.phone not in html and target.phone not in html and "User " not in html
    assert "角色：评委；单位：—" in html and "unit=None" not in html


def test_booleans_and_contests_are_told_in_words(client, world):
    admin = world.users["admin"]
    audit.record(admin, "export.ledger", world.contest, details={"format": "csv", "full_personal_data": False})
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=export.ledger").get_data(as_text=True)
    assert "导出投票台账" in html and world.contest.title in html
    assert "含完整个人信息：否" in html and "False" not in html


def test_filters_by_actor_date_and_contest_and_search(client, world):
    admin, organiser = world.users["admin"], world.users["organiser"]
    old = audit.record(organiser, "contest.update", world.contest, details={"code": "OLD1"})
    old.created_at = utcnow() - timedelta(days=40)
    audit.record(organiser, "contest.update", world.other_contest, details={"code": "OTHER"})
    audit.record(admin, "sensitive_terms.add", None, details={"terms": ["刷屏词"]})
    db.session.commit()
    login(client, admin)

    def shown(query):
        return client.get("/admin/audit?" + query).get_data(as_text=True)

    by_phone = shown(f"actor={organiser.phone}&action=contest.update")
    assert "OLD1" in by_phone and "OTHER" in by_phone
    assert "OLD1" in shown(f"actor={organiser.phone[-4:]}&action=contest.update")
    assert "OLD1" not in shown(f"actor={admin.real_name}&action=contest.update")
    recent = shown(f"action=contest.update&date_from={(utcnow() - timedelta(days=2)).date().isoformat()}")
    assert "OTHER" in recent and "OLD1" not in recent
    one_contest = shown(f"action=contest.update&contest={world.contest.id}")
    assert "OLD1" in one_contest and "OTHER" not in one_contest
    # Chinese text inside the details is found, and an action by its Chinese name.
    assert "添加敏感词" in shown("q=刷屏词") and "OLD1" not in shown("q=刷屏词")
    assert "OLD1" in shown("q=修改活动")
    # A date that does not parse is left out rather than breaking the page.
    assert client.get("/admin/audit?date_from=yesterday").status_code == 200


def test_paging_keeps_the_filters(client, world):
    admin = world.users["admin"]
    for n in range(55):
        audit.record(admin, "votes.scan", world.contest, details={"flags": n, "votes": 0})
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=votes.scan").get_data(as_text=True)
    assert "共55条记录" in html
    assert "page=2" in html and "action=votes.scan" in html.split("page=2")[0].rsplit("href", 1)[1] + \
        html.split("page=2")[1].split('"')[0]
    second = client.get("/admin/audit?action=votes.scan&page=2").get_data(as_text=True)
    assert second.count("扫描刷票") >= 5 and "登录</td>" not in second


def test_viewing_the_log_is_recorded(client, world):
    admin = world.users["admin"]
    login(client, admin)
    client.get("/admin/audit?action=role.grant&q=x")
    [event] = _events("audit.view")[-1:]
    assert event.actor_id == admin.id
    assert event.details == {"filters": {"action": "role.grant", "q": "x"}, "page": 1}


def _export(client, fmt, **filters):
    token = csrf_token(client, "/admin/audit")
    response = client.post("/admin/audit/export", data={"csrf_token": token, "format": fmt, **filters})
    response.get_data()
    response.close()   # a file response holds its file open until closed
    return response


def test_export_xlsx_holds_the_filtered_events_formula_safe(client, world):
    admin = world.users["admin"]
    audit.record(admin, "results.recommend", world.entry, details={"reason": "=HYPERLINK(\"http://x\")"})
    audit.record(admin, "votes.scan", world.contest, details={"flags": 1, "votes": 2})
    db.session.commit()
    login(client, admin)
    response = _export(client, "xlsx", action="results.recommend")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    cells = [str(v) for row in values for v in row]
    assert "推荐作品" in cells and "扫描刷票" not in cells
    assert any("原因：=HYPERLINK" in c for c in cells)   # text in a cell, not a formula
    assert not any(c.startswith("=") for c in cells)
    [event] = _events("audit.export")[-1:]
    assert event.details == {"filters": {"action": "results.recommend"}, "format": "xlsx", "rows": 1}


def test_export_csv_neutralises_formulas(client, world):
    admin = world.users["admin"]
    audit.record(admin, "sensitive_terms.remove", None, details={"term": "x"})
    world.users["entrant"].real_name = "=cmd|' /C calc'!A0"
    audit.record(world.users["entrant"], "sensitive_terms.remove", None, details={"term": "y"})
    db.session.commit()
    login(client, admin)
    response = _export(client, "csv", action="sensitive_terms.remove")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "时间", "操作人", "操作", "对象", "详情"]
    actors = [r[2] for r in rows[1:] if len(r) > 2]
    assert any(a.startswith("'=cmd") for a in actors)
    assert len([r for r in rows[1:] if len(r) > 3 and r[3] == "删除敏感词"]) == 2


def test_only_admins_read_or_export_the_log(client, world):
    for role in ("organiser", "judge", "entrant"):
        login(client, world.users[role])
        assert client.get("/admin/audit").status_code == 403
    login(client, world.users["admin"])
    token = csrf_token(client, "/admin/audit")
    login(client, world.users["organiser"])
    assert client.post("/admin/audit/export", data={"csrf_token": token, "format": "csv"}).status_code in (400, 403)
    assert not _events("audit.export")
