"""Units and members imported from the xlsx template: a row-by-row report in
Chinese, nothing half-saved for a row, hostile files refused whole."""
from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from contest.exports.unit_sheet import HEADERS, SheetRefused, read_rows
from contest.extensions import db
from contest.models import AuditEvent, Unit, User
from contest.services import people, unit_import
from tests.conftest import csrf_token, login

PAGE = "/admin/units/import"


def _sheet(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, data: bytes, name="units.xlsx"):
    token = csrf_token(client, PAGE)
    return client.post(PAGE, data={"csrf_token": token, "sheet": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_template_has_the_headers_and_an_example(client, world):
    login(client, world.users["admin"])
    r = client.get("/admin/units/template.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True, max_row=2))
    assert tuple(rows[0]) == HEADERS and rows[1][0].startswith("示例：")
    book.close()
    r.close()
    # The template itself imports nothing: its example row is skipped.
    assert "没有可导入的行" in _upload(client, r.data).get_data(as_text=True)


def test_rows_are_imported_or_refused_each_with_its_reason(app, client, world):
    login(client, world.users["admin"])
    entrant = world.users["entrant"]
    rows = [
        ("珠海市第二中学", "学校", "香洲区", "陈老师", "13911112222", "林同学", "13600001001", "参赛者"),
        ("珠海市第二中学", "", "", "", "", "黄老师", "13600001002", "单位管理员"),
        ("珠海市第三中学", "学校", "", "", "", "坏号码", "1360000", ""),
        ("新单位无类型", "", "", "", "", "", "", ""),
        ("市总工会", "", "", "", "", "", entrant.phone, ""),
        ("珠海市第四中学", "外星组织", "", "", "", "", "", ""),
        ("=HYPERLINK(\"http://x\",\"点我\")", "企业", "", "", "", "", "", ""),
    ]
    r = _upload(client, _sheet(rows))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "4行已导入，3行未导入" in html
    assert "第4行：成员手机号格式不正确" in html
    assert "第5行：新单位须填写单位类型" in html
    assert "第7行：单位类型“外星组织”不在可选范围内" in html
    school = db.session.scalar(db.select(Unit).where(Unit.name == "珠海市第二中学"))
    assert (school.kind, school.district, school.contact_name) == ("school", "香洲区", "陈老师")
    student = db.session.scalar(db.select(User).where(User.phone == "13600001001"))
    teacher = db.session.scalar(db.select(User).where(User.phone == "13600001002"))
    assert student.unit_id == school.id and student.roles == {"entrant"} and not people.has_password(student)
    assert teacher.unit_ids_for("unit_admin") == {school.id}
    # Row 4 refused whole: its new unit was not left behind.
    assert db.session.scalar(db.select(Unit).where(Unit.name == "珠海市第三中学")) is None
    # An existing account joins the unit without a link.
    assert db.session.get(User, entrant.id).unit_id == world.other_unit.id
    # A formula is a name like any other text, stored as written, shown escaped.
    assert db.session.scalar(db.select(Unit).where(Unit.name.startswith("=HYPERLINK"))).kind == "enterprise"
    assert "<a href=\"http://x\"" not in html
    links = re.findall(r'value="https?://[^"]+/account/setup/([^"]+)"', html)
    assert len(links) == 2
    with app.test_request_context():
        assert {people.user_for_setup(t).phone for t in links} == {"13600001001", "13600001002"}
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "unit.import")).all()
    assert event.details == {"rows": 7, "imported": 4, "refused": 3}


def test_a_member_of_another_unit_is_refused(client, world):
    login(client, world.users["admin"])
    unit_admin = world.users["unit_admin"]   # a member of 珠海市第一中学
    html = _upload(client, _sheet([("市总工会", "", "", "", "", "", unit_admin.phone, "")])).get_data(as_text=True)
    assert "第2行：该手机号已是珠海市第一中学的成员" in html
    assert db.session.get(User, unit_admin.id).unit.name == "珠海市第一中学"


@pytest.mark.parametrize("data, message", [
    (b"not a zip at all, just text", "不是xlsx"),
    (_sheet([("a",)], headers=("名称", "类型")), "表头"),
])
def test_a_file_that_is_not_the_template_is_refused_whole(client, world, data, message):
    login(client, world.users["admin"])
    before = db.session.scalar(db.select(db.func.count(Unit.id)))
    html = _upload(client, data).get_data(as_text=True)
    assert message in html
    assert db.session.scalar(db.select(db.func.count(Unit.id))) == before


def test_a_zip_bomb_is_refused_before_it_is_opened(client, world):
    login(client, world.users["admin"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    html = _upload(client, buffer.getvalue()).get_data(as_text=True)
    assert "文件过大" in html


def test_too_many_rows_are_refused(client, world):
    rows = [(f"单位{n}", "企业", "", "", "", "", "", "") for n in range(4)]
    assert len(read_rows(_sheet(rows), max_rows=4)) == 4
    with pytest.raises(SheetRefused) as refused:
        read_rows(_sheet(rows), max_rows=3)
    assert "超过3行" in unit_import.file_refusal(refused.value)
    login(client, world.users["admin"])
    many = [(f"单位{n}", "企业", "", "", "", "", "", "") for n in range(unit_import.MAX_ROWS + 1)]
    html = _upload(client, _sheet(many)).get_data(as_text=True)
    assert f"超过{unit_import.MAX_ROWS}行" in html
    assert db.session.scalar(db.select(Unit).where(Unit.name == "单位0")) is None


def test_a_large_upload_is_refused_before_it_is_read(client, world):
    login(client, world.users["admin"])
    r = _upload(client, b"PK" + b"x" * (3 * 1024 * 1024))
    assert r.status_code == 413


def test_only_admins_import(client, world):
    login(client, world.users["organiser"])
    assert client.get(PAGE).status_code == 403
    assert client.get("/admin/units/template.xlsx").status_code == 403
