"""获奖证书: a PDF per award of the published final result (read back with
pypdf), in the contest's design, one at a time or as a streamed zip, each
linked to the public verification page, which confirms a real number with
names masked and says 证书编号不存在 for any other."""
import io
import re
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import AuditEvent, Certificate
from contest.models.timestamps import utcnow
from contest.services import certificates, publicity, results
from contest.services.errors import ServiceError
from contest.state import final_version
from tests.conftest import csrf_token, login
from tests.functional.test_results import ranked  # noqa: F401  (the fixture)


@pytest.fixture
def awarded(ranked, world):  # noqa: F811
    """A first and a second prize, not yet published."""
    contest, story, _rnd = ranked
    organiser = world.users["organiser"]
    results.set_award(organiser, contest, story[0], "first")
    results.set_award(organiser, contest, story[1], "second")
    db.session.commit()
    return contest, story


@pytest.fixture
def published(awarded, world):
    contest, story = awarded
    organiser = world.users["organiser"]
    version = publicity.publish_publicity(organiser, contest, 1, confirmed=True)   # the 公示 warnings seen
    version.ends_at = utcnow() - timedelta(minutes=1)
    publicity.publish_final(organiser, contest)
    db.session.commit()
    return contest, story


def _post(client, url, data=None, **options):
    return client.post(url, data={"csrf_token": csrf_token(client, "/console/"), **(data or {})}, **options)


def _single(client, contest, entry):
    return _post(client, f"/console/contests/{contest.id}/certificates/{entry.id}")


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    # letter-spaced headings (荣 誉 证 书) come back with spaces
    return reader, "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def _links(reader: PdfReader) -> set[str]:
    return {a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])}


def _row(contest, entry):
    return next(r for r in final_version(contest).rows if r["entry_id"] == entry.id)


def test_a_certificate_names_winner_work_level_contest_office_date_and_links_to_its_check(client, published, world):
    contest, story = published
    login(client, world.users["organiser"])
    answer = _single(client, contest, story[0])
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    reader, text = _pdf_text(answer.data)
    cert = db.session.scalar(select(Certificate).where(Certificate.entry_id == story[0].id))
    assert re.fullmatch(rf"{contest.code}-0001-[2-9A-HJ-NP-Z]{{6}}", cert.number)
    page = reader.pages[0]
    assert len(reader.pages) == 1 and page.mediabox.width > page.mediabox.height   # A4 landscape
    assert abs(float(page.mediabox.width) - 841.9) < 1
    row, day = _row(contest, story[0]), final_version(contest).published_at
    for expected in ("荣誉证书", row["authors"], story[0].title, "一等奖", contest.title, contest.lead_unit.name,
                     f"{day.year}年", "（盖章）", f"证书编号：{cert.number}", "特发此证"):
        assert expected in text, expected
    assert _links(reader) == {f"http://localhost/certificates/{cert.number}"}
    # the same certificate again: the same number, never a new one
    again = _single(client, contest, story[0])
    assert cert.number in _pdf_text(again.data)[1]
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2   # both awards numbered at once
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_printed_link_uses_the_configured_public_address(app, client, published, world, monkeypatch):
    contest, story = published
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://hwm.example.gov.cn/")
    login(client, world.users["organiser"])
    reader, _text = _pdf_text(_single(client, contest, story[1]).data)
    number = db.session.scalar(select(Certificate.number).where(Certificate.entry_id == story[1].id))
    assert _links(reader) == {f"https://hwm.example.gov.cn/certificates/{number}"}
    assert "二等奖" in _text


def test_the_batch_is_a_streamed_zip_of_every_award_in_the_chosen_design_and_is_audited(client, published, world):
    contest, story = published
    login(client, world.users["organiser"])
    assert _post(client, f"/console/contests/{contest.id}/certificates/design", {"design": "simple"}).status_code == 302
    assert certificates.design_of(contest) == "simple"
    # buffered: the streamed body is read while the request's context lives (see IsolatedClient)
    answer = _post(client, f"/console/contests/{contest.id}/certificates.zip", buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
    numbers = dict(db.session.execute(select(Certificate.entry_id, Certificate.number)).all())
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        names = archive.namelist()
        assert names[0].startswith(f"001_{numbers[story[0].id]}_") and names[0].endswith("_一等奖.pdf")
        assert names[1].startswith(f"002_{numbers[story[1].id]}_") and names[1].endswith("_二等奖.pdf")
        texts = [_pdf_text(archive.read(n))[1] for n in names]
    assert len(names) == 2 and all("获奖证书" in t and "荣誉证书" not in t for t in texts)   # 简约
    assert story[1].title in texts[1] and "二等奖" in texts[1]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("certificate.%"))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["certificate.design", "certificate.batch"]
    assert events[1].details["certificates"] == 2 and events[1].actor_id == world.users["organiser"].id
    assert sorted(events[1].details["numbers"]) == sorted(numbers.values())


def test_an_unknown_design_is_refused(client, published, world):
    contest, _story = published
    login(client, world.users["organiser"])
    answer = _post(client, f"/console/contests/{contest.id}/certificates/design", {"design": "fancy"})
    assert answer.status_code == 302 and certificates.design_of(contest) == "classic"
    assert "请选择证书样式" in client.get(answer.location).get_data(as_text=True)


def test_no_certificate_before_the_final_result_nor_for_an_entry_without_award(client, awarded, world):
    contest, story = awarded
    login(client, world.users["organiser"])
    answer = _single(client, contest, story[0])
    assert answer.status_code == 302
    assert "最终结果发布后方可颁发获奖证书" in client.get(answer.location).get_data(as_text=True)
    assert _post(client, f"/console/contests/{contest.id}/certificates.zip").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    page = client.get(f"/console/contests/{contest.id}/exports").get_data(as_text=True)
    assert "最终结果发布后可下载获奖证书" in page
    with pytest.raises(ServiceError):
        certificates.issue_for_download(world.users["organiser"], contest, story[2].id)
    db.session.rollback()


def test_an_entry_without_an_award_has_no_certificate(client, published, world):
    contest, story = published
    login(client, world.users["organiser"])
    answer = _single(client, contest, story[2])
    assert answer.status_code == 302
    assert "未获奖" in client.get(answer.location).get_data(as_text=True)
    page = client.get(f"/console/contests/{contest.id}/exports").get_data(as_text=True)
    assert story[0].title in page and "下载全部证书（2份" in page


@pytest.mark.parametrize("role, status", [("organiser_other", 403), ("entrant", 403), ("judge", 403)])
def test_only_the_contest_organisers_download_certificates(client, published, world, role, status):
    contest, story = published
    login(client, world.users[role])
    assert _single(client, contest, story[0]).status_code == status
    assert _post(client, f"/console/contests/{contest.id}/certificates.zip").status_code == status
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_the_public_check_confirms_a_real_number_with_names_masked(client, published, world):
    contest, story = published
    (cert,) = certificates.issue_for_download(world.users["organiser"], contest, story[0].id)
    db.session.commit()
    authors = _row(contest, story[0])["authors"]
    client.get("/")   # anonymous
    answer = client.get(f"/certificates/{cert.number}")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    for expected in ("真实有效", contest.title, story[0].title, "一等奖", contest.lead_unit.name,
                     authors[0] + "*" * (len(authors) - 1)):
        assert expected in page, expected
    assert authors not in page
    assert client.get(f"/certificates/{cert.number.lower()}").status_code == 200   # typed in lower case


def test_the_public_check_says_an_unknown_number_does_not_exist(client, published):
    answer = client.get("/certificates/ZNL26-0001-ABCDEF")
    assert answer.status_code == 404 and "证书编号不存在" in answer.get_data(as_text=True)


def test_a_certificate_of_an_unpublished_contest_or_withdrawn_award_is_not_confirmed(client, published, world):
    contest, story = published
    first, second = certificates.issue_for_download(world.users["organiser"], contest)
    db.session.commit()
    story[1].status = "withdrawn"
    db.session.commit()
    page = client.get(f"/certificates/{second.number}").get_data(as_text=True)
    assert "已失效" in page and "真实有效" not in page
    contest.published = False
    db.session.commit()
    answer = client.get(f"/certificates/{first.number}")
    assert answer.status_code == 404 and "证书编号不存在" in answer.get_data(as_text=True)


def test_the_zip_is_made_one_certificate_at_a_time(app):
    """Streamed: the first piece leaves before the second certificate is drawn."""
    from flask import render_template

    from contest.exports.certificates import CertificateData, certificates_zip

    drawn = []

    def render(template, **context):
        drawn.append(context["cert"].number)
        return render_template(template, **context)

    certs = [CertificateData(number=f"T-000{i}-ABCDEF", names=f"获奖者{i}", title="作品", category="组别",
                             nomination=False, award="一等奖", contest="活动", issuer="市委网信办",
                             date="2026年12月5日", verify_url=f"https://x.example/certificates/T-000{i}-ABCDEF")
             for i in (1, 2, 3)]
    with app.test_request_context():
        pieces = certificates_zip(certs, design="classic", render=render)
        first = next(pieces)
        assert drawn == ["T-0001-ABCDEF"] and first.startswith(b"PK")
        data = first + b"".join(pieces)
    assert drawn == [c.number for c in certs]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert len(archive.namelist()) == 3 and archive.testzip() is None
