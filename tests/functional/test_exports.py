"""Exports of a contest's results, through the command line and the console:
the recommended list in every format, the 台账, masking, formula injection,
the audit trail with the file's sha256."""
import csv
import hashlib
import io
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from contest.extensions import db
from contest.file_store import storage
from contest.models import AuditEvent
from contest.sanitize import plain_text
from contest.services import exports, results
from contest.services.errors import ServiceError
from tests import factories
from tests.conftest import csrf_token, login
from tests.functional.test_results import ranked  # noqa: F401  (the fixture)


@pytest.fixture
def recommended(ranked, world):  # noqa: F811
    contest, story, rnd = ranked
    organiser = world.users["organiser"]
    story[1].title = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    results.set_recommendation(organiser, contest, story[1], True, "传播正能量，影响广泛")
    results.set_recommendation(organiser, contest, story[0], True, "+立意高远")
    results.set_award(organiser, contest, story[0], "first")
    db.session.commit()
    return contest, story


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["export", *args])


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _audits(kind):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == f"export.{kind}")
                              .order_by(AuditEvent.id)).all()


def test_xlsx_in_the_office_layout_masked_and_neutralised_with_an_audit(app, recommended, tmp_path):
    contest, story = recommended
    out = tmp_path / "r.xlsx"
    result = _cli(app, "recommended", "--contest", contest.slug, "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert contest.title in values[0][0] and "填报单位" in str(values[1][0])
    assert any("最终得分 =" in str(v) for row in values[2:4] for v in row)   # the formula on the sheet
    header = next(i for i, row in enumerate(values) if row[0] == "序号")
    assert values[header][1:4] == ["报名编号", "组别", "作品名称"] and "推荐理由" in values[header]
    data = values[header + 1:]
    assert [row[1] for row in data] == [story[0].number, story[1].number]   # final order (judges alone)
    assert data[1][3].startswith("'=HYPERLINK") and data[0][-1] == "'+立意高远"
    phone = story[0].owner.phone
    assert f"{phone[:3]}****{phone[-4:]}" in data[0] and phone not in str(values)
    assert data[0][-2] == "一等奖"
    (event,) = _audits("recommended")
    assert event.details == {"format": "xlsx", "rows": 2, "sha256": _sha(out), "full_personal_data": False,
                             "reason": None}
    assert f"rows=2 sha256={_sha(out)}" in result.output


def test_csv_opens_in_excel_in_chinese_and_neutralises_formulas(app, recommended, tmp_path):
    contest, story = recommended
    out = tmp_path / "r.csv"
    assert _cli(app, "recommended", "--contest", contest.slug, "--format", "csv", "--output", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0][:3] == ["序号", "报名编号", "组别"]
    assert rows[2][3].startswith("'=HYPERLINK") and rows[1][-1] == "'+立意高远"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[3] == [] and rows[4][0] == "" and rows[4][1].startswith("最终得分 =")   # the rule after the data


def test_unmasked_numbers_need_a_reason_and_are_recorded(app, recommended, tmp_path):
    contest, story = recommended
    out = tmp_path / "full.csv"
    refused = _cli(app, "recommended", "--contest", contest.slug, "--format", "csv", "--output", str(out),
                   "--full-personal-data")
    assert refused.exit_code != 0 and "理由" in refused.output and not out.exists()
    assert _audits("recommended") == []
    ok = _cli(app, "recommended", "--contest", contest.slug, "--format", "csv", "--output", str(out),
              "--full-personal-data", "--reason", "通知获奖者")
    assert ok.exit_code == 0
    assert story[0].owner.phone in out.read_text("utf-8-sig")
    (event,) = _audits("recommended")
    assert event.details["full_personal_data"] is True and event.details["reason"] == "通知获奖者"
    with pytest.raises(ServiceError):   # someone without the right: refused even with a reason
        exports.check_full_access(story[0].owner, contest, True, "想看")


def test_pdf_has_one_form_per_recommended_entry_in_chinese(app, recommended, tmp_path):
    contest, story = recommended
    out = tmp_path / "r.pdf"
    assert _cli(app, "recommended", "--contest", contest.slug, "--format", "pdf", "--output", str(out)).exit_code == 0
    pages = PdfReader(out).pages
    assert len(pages) == 2
    first, second = pages[0].extract_text(), pages[1].extract_text()
    assert story[0].number in first and "立意高远" in first and "推荐单位意见" in first and "一等奖" in first
    assert story[1].number in second and "传播正能量" in second and story[0].number not in second


def test_zip_holds_the_works_under_standard_names_byte_for_byte(app, recommended, tmp_path, world):
    contest, story = recommended
    out = tmp_path / "r.zip"
    assert _cli(app, "recommended", "--contest", contest.slug, "--format", "zip", "--output", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        readme, *names = archive.namelist()
        assert readme == "000_说明.txt" and "最终得分 =" in archive.read(readme).decode()
        assert names[0] == f"001_{story[0].number}_{story[0].title}.txt"
        text = archive.read(names[0]).decode("utf-8-sig")
        assert text.startswith(f"作品名称：{story[0].title}\r\n") and f"报名编号：{story[0].number}" in text
        assert plain_text(story[0].body) in text.replace("\r\n", " ")
        # the title '=HYPERLINK("http://evil.example","点我")': no slash, colon or quote reaches the name
        assert names[1].startswith(f"002_{story[1].number}_") and names[1].endswith(".txt")
        assert not set('/\\:"') & set(names[1])


def test_ledger_lists_every_numbered_entry_with_status_rounds_votes_and_award(app, recommended, tmp_path, world):
    contest, story = recommended
    out = tmp_path / "ledger.xlsx"
    assert _cli(app, "ledger", "--contest", contest.slug, "--format", "xlsx", "--output", str(out)).exit_code == 0
    values = [[c.value for c in row] for row in openpyxl.load_workbook(out).active.iter_rows()]
    header_at = next(i for i, row in enumerate(values) if row[0] == "序号")
    header, data = values[header_at], values[header_at + 1:]
    assert "终评：得分" in header and "有效票" in header and "奖项" in header
    numbers = [row[1] for row in data]
    assert numbers == sorted(numbers) and story[0].number in numbers and world.image_entry.number in numbers
    row = data[numbers.index(story[0].number)]
    assert row[header.index("状态")] == "初审通过" and row[header.index("奖项")] == "一等奖"
    assert row[header.index("终评：得分")] == 90.0 and row[header.index("已推荐")] == "是"
    (event,) = _audits("ledger")
    assert event.details["rows"] == len(data) and event.details["sha256"] == _sha(out)


def test_the_console_download_is_for_the_contests_organisers_and_audited(client, recommended, world):
    contest, story = recommended
    url = f"/console/contests/{contest.id}/exports"
    login(client, world.users["organiser"])
    token = csrf_token(client, url)
    r = client.post(f"{url}/recommended", data={"csrf_token": token, "format": "xlsx"})
    body = r.get_data()
    r.close()   # the file sent is closed with the response, as the server does
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    (event,) = _audits("recommended")
    assert event.actor_id == world.users["organiser"].id
    assert event.details["sha256"] == hashlib.sha256(body).hexdigest()
    refused = client.post(f"{url}/recommended", data={"csrf_token": token, "format": "csv", "full": "1"},
                          follow_redirects=True)
    assert "理由" in refused.get_data(as_text=True) and len(_audits("recommended")) == 1
    login(client, world.users["organiser_other"])
    assert client.post(f"{url}/ledger", data={"csrf_token": token, "format": "csv"}).status_code == 403
    login(client, world.users["entrant"])
    assert client.get(url).status_code == 403


def test_a_recommended_picture_is_zipped_as_stored(app, ranked, world, tmp_path):  # noqa: F811
    contest, story, rnd = ranked
    from contest.models import RoundEntry
    from contest.services import screening

    picture = world.image_entry
    screening.screen_entry(world.users["organiser"], picture, "accept") if picture.status != "accepted" else None
    db.session.add(RoundEntry(round_id=rnd.id, entry_id=picture.id, score=75.0, advanced=True))
    db.session.flush()
    results.set_recommendation(world.users["organiser"], contest, picture, True, "画面感人")
    db.session.commit()
    out = tmp_path / "works.zip"
    assert _cli(app, "recommended", "--contest", contest.slug, "--format", "zip", "--output", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        (name,) = [n for n in archive.namelist() if picture.number in n]
        stored = picture.assets[0]
        assert name.endswith(".jpg") or name.endswith(".png") or name.endswith(".jpeg")
        with storage().open(stored.storage_key) as f:
            assert archive.read(name) == f.read()


def test_the_zip_leaves_supporting_documents_out_unless_unmasked_data_is_asked_for(app, recommended, tmp_path):
    contest, story = recommended
    from contest.models import Asset

    stored = storage().save_bytes(b"%PDF-1.4 phone 13812345678", "documents/nomination-form.pdf")
    db.session.add(Asset(entry_id=story[0].id, role="document", storage_key=stored.key, sha256=stored.sha256,
                         size=stored.size, mime="application/pdf", original_name="推荐表.pdf"))
    db.session.commit()
    masked, full = tmp_path / "masked.zip", tmp_path / "full.zip"
    args = ["recommended", "--contest", contest.slug, "--format", "zip"]
    assert _cli(app, *args, "--output", str(masked)).exit_code == 0
    assert _cli(app, *args, "--output", str(full), "--full-personal-data", "--reason", "省里要原件").exit_code == 0
    with zipfile.ZipFile(masked) as archive:
        assert not any(n.endswith(".pdf") for n in archive.namelist())
    with zipfile.ZipFile(full) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert pdfs == [f"001_{story[0].number}_{story[0].title}_1.pdf"]


def test_a_made_up_format_is_refused_with_a_message(client, recommended, world):
    contest, _story = recommended
    url = f"/console/contests/{contest.id}/exports"
    login(client, world.users["organiser"])
    token = csrf_token(client, url)
    for fmt in ("/", "x/..", "pdf"):   # pdf: not a format of the ledger
        r = client.post(f"{url}/ledger", data={"csrf_token": token, "format": fmt}, follow_redirects=True)
        assert r.status_code == 200 and "不支持的导出格式" in r.get_data(as_text=True)
    assert _audits("ledger") == []


def test_only_the_lead_units_organisers_may_unmask(recommended, world):
    contest, story = recommended
    co_organiser = factories.user("organiser", world.other_unit, name="协办单位组织者")
    contest.co_units.append(world.other_unit)
    db.session.commit()
    from contest import policies

    assert policies.can_manage_contest(co_organiser, contest)
    with pytest.raises(ServiceError, match="无权"):
        exports.check_full_access(co_organiser, contest, True, "联系获奖者")
    exports.check_full_access(world.users["organiser"], contest, True, "联系获奖者")
