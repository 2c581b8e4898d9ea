"""Who an entry is about and how the office reaches them: a nomination's
nominee (contact, work unit and post, 主要事迹) and, for an entry a unit sends,
the author and a child's guardian, not the unit administrator. Read back from
the forms, the organiser's pages, and every export format."""
import csv
import io
import zipfile

import openpyxl
import pytest
from flask import render_template
from pypdf import PdfReader

from contest.exports import pdf
from contest.extensions import db
from contest.models import Entry, Round, RoundEntry
from contest.services import entries, exports, results, screening
from tests import factories
from tests.conftest import csrf_token, login

DEEDS = "她十年来坚持在网上开展防诈骗科普，累计发布科普短文三百余篇。" * 6
NOMINEE_PHONE = "13812340001"
AUTHOR_PHONE = "13955550002"
GUARDIAN_PHONE = "13966660003"


def _post(client, url, data, page=None):
    return client.post(url, data=dict(data, csrf_token=csrf_token(client, page or url)))


def _masked(phone):
    return f"{phone[:3]}****{phone[-4:]}"


@pytest.fixture
def sent(world):
    """A nomination and a child's story, both sent by the school, both
    recommended on after a finalised round."""
    admin = world.users["unit_admin"]
    nominations = factories.category(world.contest, code="N", kind="nomination", name="先进个人",
                                     min_chars=None, max_chars=3000)
    nomination = entries.start_entry(admin, nominations, on_behalf_unit=admin.unit, authors=["一中团委"])
    entries.save_draft(nomination, {"title": "推荐李红", "body": f"<p>{DEEDS}</p>", "nominee_name": "李红",
                                    "nominee_kind": "person", "nominee_post": "珠海市第一中学 教师",
                                    "nominee_phone": NOMINEE_PHONE})
    entries.submit_entry(admin, nomination, pledge=True, licence=True, ip=None)
    story = entries.start_entry(admin, world.category, on_behalf_unit=admin.unit, authors=["王小丫"])
    entries.save_draft(story, {"title": "我的网络老师", "body": factories.STORY, "author_phone": AUTHOR_PHONE,
                               "author_minor": "y", "guardian_name": "王家长", "guardian_phone": GUARDIAN_PHONE})
    entries.submit_entry(admin, story, pledge=True, licence=True, ip=None)
    organiser = world.users["organiser"]
    for e in (nomination, story):
        screening.screen_entry(organiser, e, "accept")
    rnd = Round(contest_id=world.contest.id, position=1, name="终评", state="finalised",
                categories=[nominations, world.category])
    db.session.add(rnd)
    db.session.flush()
    for e, score in ((nomination, 91.0), (story, 88.0)):
        db.session.add(RoundEntry(round_id=rnd.id, entry_id=e.id, score=score, advanced=True))
    db.session.flush()
    results.set_recommendation(organiser, world.contest, nomination, True, "事迹突出")
    results.set_recommendation(organiser, world.contest, story, True, "童心向善")
    db.session.commit()
    return world.contest, nomination, story


# --- the forms --------------------------------------------------------------

def test_a_unit_gives_the_authors_phone_and_a_childs_guardian_before_it_can_submit(client, world):
    admin = world.users["unit_admin"]
    login(client, admin)
    _post(client, f"/contests/{world.contest.slug}/entries",
          {"category": str(world.category.id), "on_behalf": "1", "authors": "王小丫"},
          f"/contests/{world.contest.slug}/enter")
    entry = db.session.scalar(db.select(Entry).where(Entry.owner_id == admin.id).order_by(Entry.id.desc()))
    edit = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert "作者联系方式" in edit and 'name="author_phone"' in edit and "作者未满14周岁" in edit

    def submit():
        return _post(client, f"/entries/{entry.id}/submit", {"pledge": "y", "licence": "y"})

    def save(**fields):
        e = db.session.get(Entry, entry.id)
        db.session.refresh(e)
        _post(client, f"/entries/{entry.id}/edit", {"title": "我的网络老师", "body": factories.STORY,
                                                     "version": str(e.version), "then": "save", **fields})

    save()
    page = submit().get_data(as_text=True)
    assert "请填写作者的联系电话" in page and db.session.get(Entry, entry.id).status == "draft"
    save(author_phone="12345")
    assert "“12345”不是有效的电话号码" in submit().get_data(as_text=True)
    save(author_phone=AUTHOR_PHONE, author_minor="y")
    page = submit().get_data(as_text=True)
    assert "请填写作者监护人的姓名" in page and "请填写作者监护人的联系电话" in page
    save(author_phone=AUTHOR_PHONE, author_minor="y", guardian_name="王家长", guardian_phone=GUARDIAN_PHONE)
    assert submit().status_code == 302
    entry = db.session.get(Entry, entry.id)
    db.session.refresh(entry)
    assert (entry.status, entry.author_phone, entry.author_minor, entry.guardian_name, entry.guardian_phone) == \
        ("submitted", AUTHOR_PHONE, True, "王家长", GUARDIAN_PHONE)
    assert entry.contact_phone == AUTHOR_PHONE != admin.phone


def test_the_pledge_is_the_units_when_a_unit_administrator_ticks_it(client, world):
    admin = world.users["unit_admin"]
    entry = factories.entry(admin, world.category, on_behalf_unit=admin.unit, authors=["王小丫"], submit=False)
    db.session.commit()
    login(client, admin)
    page = client.get(f"/entries/{entry.id}/submit").get_data(as_text=True)
    assert "本单位已征得作者同意，并代表作者作出上述原创承诺" in page
    assert "本单位已征得作者同意，并代表作者作出上述公益宣传使用授权" in page
    assert "作品系作者（作者团队）独立创作" in page and "由本单位和作者承担全部责任" in page
    assert "本人" not in page
    netizen = factories.user(name="网民")
    own = factories.entry(netizen, world.category, submit=False)
    db.session.commit()
    login(client, netizen)
    page = client.get(f"/entries/{own.id}/submit").get_data(as_text=True)
    assert "本人已阅读并同意上述原创承诺" in page and "本单位" not in page


def test_a_nomination_asks_for_the_nominees_contact_and_main_deeds(client, world):
    nominations = factories.category(world.contest, code="N", kind="nomination", name="先进个人",
                                     min_chars=None, max_chars=3000)
    admin = world.users["unit_admin"]
    entry = entries.start_entry(admin, nominations, on_behalf_unit=admin.unit, authors=["一中团委"])
    entries.save_draft(entry, {"title": "推荐李红", "nominee_name": "李红", "nominee_kind": "person"})
    db.session.commit()
    login(client, admin)
    edit = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert "被推荐对象联系电话" in edit and "工作单位及职务" in edit and "主要事迹" in edit
    problems = entries.submission_errors(entry)
    assert problems["nominee_phone"] == "请填写被推荐对象的联系电话。"
    assert problems["nominee_post"] == "请填写被推荐对象的工作单位及职务。"
    assert problems["body"] == "请填写被推荐对象的主要事迹。"
    entries.save_draft(entry, {"nominee_kind": "organisation", "nominee_phone": "0756-2212345",
                               "body": f"<p>{DEEDS}</p>"})
    assert entries.submission_errors(entry) == {}   # an organisation has no post


# --- the organiser's pages --------------------------------------------------

def test_the_organisers_entry_page_shows_the_authors_contact_not_the_unit_administrators(client, world, sent):
    _contest, nomination, story = sent
    login(client, world.users["organiser"])
    page = client.get(f"/console/entries/{story.id}").get_data(as_text=True)
    assert "作者联系方式" in page and AUTHOR_PHONE in page and "王家长" in page and GUARDIAN_PHONE in page
    assert world.users["unit_admin"].phone not in page
    page = client.get(f"/console/entries/{nomination.id}").get_data(as_text=True)
    assert "李红（个人）" in page and "珠海市第一中学 教师" in page and NOMINEE_PHONE in page
    status = client.get(f"/entries/{nomination.id}").get_data(as_text=True)
    assert "主要事迹" in status and NOMINEE_PHONE in status and "珠海市第一中学 教师" in status


def test_a_co_organiser_sees_the_phones_masked(client, world, sent):
    _contest, nomination, story = sent
    co = world.users["organiser_other"]
    world.contest.co_units.append(co.unit)
    db.session.commit()
    login(client, co)
    page = client.get(f"/entries/{story.id}").get_data(as_text=True)
    assert _masked(AUTHOR_PHONE) in page and AUTHOR_PHONE not in page and GUARDIAN_PHONE not in page
    page = client.get(f"/entries/{nomination.id}").get_data(as_text=True)
    assert _masked(NOMINEE_PHONE) in page and NOMINEE_PHONE not in page


# --- the exports ------------------------------------------------------------

def _sheet_rows(path):
    values = [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "序号")
    return values[header], values[header + 1:]


def _by_number(header, rows, number):
    row = next(r for r in rows if number in r)
    return dict(zip(header, row, strict=True))


def test_xlsx_shows_nominee_contact_and_deeds_and_the_authors_phone(world, sent, tmp_path):
    contest, nomination, story = sent
    out = tmp_path / "r.xlsx"
    exports.export_recommended(world.users["organiser"], contest, "xlsx", out, full=True, reason="联系获奖者")
    header, rows = _sheet_rows(out)
    assert {"被推荐对象", "工作单位及职务", "被推荐对象联系电话", "主要事迹", "联系电话", "监护人"} <= set(header)
    row = _by_number(header, rows, nomination.number)
    assert row["被推荐对象"] == "李红（个人）" and row["工作单位及职务"] == "珠海市第一中学 教师"
    assert row["被推荐对象联系电话"] == NOMINEE_PHONE and row["主要事迹"] == DEEDS
    row = _by_number(header, rows, story.number)
    assert row["联系电话"] == AUTHOR_PHONE and row["监护人"] == f"王家长 {GUARDIAN_PHONE}"
    assert row["被推荐对象"] is None
    # masked without the right and a reason; the unit administrator's phone nowhere
    exports.export_recommended(world.users["organiser"], contest, "xlsx", out)
    header, rows = _sheet_rows(out)
    text = str(rows)
    assert _masked(NOMINEE_PHONE) in text and _masked(AUTHOR_PHONE) in text and _masked(GUARDIAN_PHONE) in text
    assert NOMINEE_PHONE not in text and AUTHOR_PHONE not in text
    assert _masked(world.users["unit_admin"].phone) not in text


def test_csv_shows_nominee_contact_and_deeds(world, sent, tmp_path):
    contest, nomination, story = sent
    out = tmp_path / "r.csv"
    exports.export_recommended(world.users["organiser"], contest, "csv", out)
    rows = list(csv.reader(io.StringIO(out.read_bytes()[3:].decode("utf-8"))))
    header = rows[0]
    row = dict(zip(header, next(r for r in rows if nomination.number in r), strict=True))
    assert row["被推荐对象"] == "李红（个人）" and row["工作单位及职务"] == "珠海市第一中学 教师"
    assert row["被推荐对象联系电话"] == _masked(NOMINEE_PHONE) and row["主要事迹"] == DEEDS
    row = dict(zip(header, next(r for r in rows if story.number in r), strict=True))
    assert row["联系电话"] == _masked(AUTHOR_PHONE) and row["监护人"] == f"王家长 {_masked(GUARDIAN_PHONE)}"


def test_the_ledger_carries_the_same_columns(world, sent, tmp_path):
    contest, nomination, _story = sent
    out = tmp_path / "l.xlsx"
    exports.export_ledger(world.users["organiser"], contest, "xlsx", out, full=True, reason="联系获奖者")
    header, rows = _sheet_rows(out)
    row = _by_number(header, rows, nomination.number)
    assert row["被推荐对象"] == "李红（个人）" and row["被推荐对象联系电话"] == NOMINEE_PHONE
    assert row["主要事迹"] == DEEDS


def test_the_pdf_form_shows_nominee_contact_and_deeds_one_page_each(world, sent, tmp_path):
    contest, nomination, story = sent
    out = tmp_path / "r.pdf"
    done = exports.export_recommended(world.users["organiser"], contest, "pdf", out)
    reader = PdfReader(out)
    assert done.rows == 2 and len(reader.pages) == 2
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    nominee_page = next(p for p in pages if nomination.number in p)
    for text in ("被推荐对象", "李红（个人）", "工作单位及职务", "珠海市第一中学教师", "主要事迹", "推荐单位",
                 _masked(NOMINEE_PHONE), DEEDS[:40]):
        assert text in nominee_page, text
    story_page = next(p for p in pages if story.number in p)
    assert "联系电话" + _masked(AUTHOR_PHONE) in story_page and "监护人王家长" + _masked(GUARDIAN_PHONE) in story_page
    assert "被推荐对象" not in story_page


def test_long_deeds_are_cut_to_keep_the_form_on_one_page(app):
    long_form = pdf.RecommendationForm(
        serial=1, number="ZNL26-N-0001", category="先进个人", title="推荐李红", authors="一中团委",
        unit="珠海市第一中学", district="香洲区", summary="", rounds=(("初评", 90.0), ("终评", 91.0)),
        vote_score=12.0, final_score=91.0, award="一等奖", reason="事迹突出" * 70, nominee="李红（个人）",
        nominee_post="珠海市第一中学 教师" * 8, nominee_phone=_masked(NOMINEE_PHONE), deeds=DEEDS * 20)
    buffer = io.BytesIO()
    pages = pdf.write_recommendation_pdf(buffer, contest_title="2026年网络正能量", issuer="市委网信办",
                                         forms=[long_form], formula="最终得分 = 终评平均分", render=render_template)
    assert pages == 1
    text = "".join(PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text().split())
    assert DEEDS[:30] in text and "……" in text


def test_the_works_zip_names_the_nominee_above_the_deeds(world, sent, tmp_path):
    contest, nomination, _story = sent
    out = tmp_path / "w.zip"
    exports.export_recommended(world.users["organiser"], contest, "zip", out, full=True, reason="联系获奖者")
    with zipfile.ZipFile(out) as archive:
        name = next(n for n in archive.namelist() if nomination.number in n and n.endswith(".txt"))
        text = archive.read(name).decode("utf-8-sig")
    assert "被推荐对象：李红（个人）" in text and "工作单位及职务：珠海市第一中学 教师" in text
    assert DEEDS[:30] in text and NOMINEE_PHONE not in text


def test_results_and_the_publicity_list_name_the_nominee_not_the_nominating_body(sent):
    contest, nomination, story = sent
    assert results.authors_line(nomination) == "李红"
    assert results.authors_line(story) == "王小丫"
    assert results.people([nomination.id])[nomination.id][0] == "李红"
