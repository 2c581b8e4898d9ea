"""A round's paper and the judges' comments: each judge's 评分表 (blind), the
panel's 汇总表, read back from the PDF, and the comments beside the totals."""
import io
import re

from pypdf import PdfReader

from contest.extensions import db
from contest.services import score_sheets
from tests import factories
from tests.conftest import login


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    # Drop the layout's spaces and line breaks: what matters is what is printed.
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def score_first_judge(rnd, judges):
    """The first judge submits every entry but leaves a draft on the last; the second scores nothing."""
    c1, c2 = rnd.criteria
    items = factories.assignments_of(judges[0], rnd)
    for n, item in enumerate(items):
        last = n == len(items) - 1
        score_sheets.record_score(judges[0], item, {str(c1.id): 8 - n, str(c2.id): 6.5},
                                  f"构思新颖第{n}件", final=not last)
    db.session.commit()
    return items


def test_a_judges_score_sheet_lists_their_entries_scores_and_a_signature_line_and_nothing_of_the_author(
        client, world, judged):
    rnd, judges, canary, _others = judged
    items = score_first_judge(rnd, judges)
    login(client, world.users["organiser"])
    text = pdf_text(client.get(f"/console/rounds/{rnd.id}/sheets/{judges[0].id}.pdf"))
    assert "初评评分表" in text and f"评委：{judges[0].real_name}" in text
    assert "画面（10分）" in text and "立意（10分）" in text and "评委签名" in text and "日期" in text
    for item in items:
        assert item.entry.number in text
    assert "构思新颖第0件" in text and "72.5" in text     # 8 + 6.5 of 20 points: 72.5 on a 100 scale
    assert f"{items[0].entry.number}{items[0].entry.title}86.572.5构思新颖第0件" in text
    for canary_text in factories.CANARIES:
        assert canary_text not in text, canary_text
    assert canary.number in text   # the canary entry is on the sheet, by number only

    # A judge who has scored nothing gets the same sheet with the boxes blank, to fill by hand.
    blank = pdf_text(client.get(f"/console/rounds/{rnd.id}/sheets/{judges[1].id}.pdf"))
    assert judges[1].real_name in blank and "评委签名" in blank
    assert all(item.entry.number in blank for item in factories.assignments_of(judges[1], rnd))
    assert "6.5" not in blank and "72.5" not in blank and "构思新颖" not in blank


def test_the_summary_sheet_sets_entries_against_judges_with_the_panels_signatures(client, world, judged):
    rnd, judges, canary, others = judged
    c1, c2 = rnd.criteria
    for j, judge in enumerate(judges):
        for item in factories.assignments_of(judge, rnd):
            high = item.entry_id == canary.id
            score_sheets.record_score(judge, item, {str(c1.id): 10 if high else 5 + j, str(c2.id): 10}, final=True)
    db.session.commit()
    login(client, world.users["organiser"])
    text = pdf_text(client.get(f"/console/rounds/{rnd.id}/summary.pdf"))
    assert "初评评分汇总表" in text and "综合得分：平均分" in text and "评审组成员签名" in text
    assert f"名次报名编号作品名称{judges[0].real_name}{judges[1].real_name}综合得分晋级" in text
    # The canary entry: 100 from both judges, first; the others 75 and 80, mean 77.5, second (tied).
    assert f"1{canary.number}{canary.title}100100100" in text
    assert all(f"2{e.number}{e.title}758077.5" in text for e in others)
    # Each judge of the panel has a line to sign on.
    assert f"评审组成员签名：{judges[0].real_name}{judges[1].real_name}日期" in text


def test_the_organiser_reads_each_judges_comment_beside_their_total(client, world, judged):
    rnd, judges, _canary, _others = judged
    items = score_first_judge(rnd, judges)
    login(client, world.users["organiser"])
    html = client.get(f"/console/rounds/{rnd.id}/scores").get_data(as_text=True)
    first = items[0].entry.number
    row = re.search(rf"<tr><td>[^<]*</td><td>[^<]*</td><td>{first}</td>(.*?)</tr>", html, re.S).group(1)
    assert judges[0].real_name in row and "72.5" in row and "构思新颖第0件" in row
    assert judges[1].real_name in row and "未提交" in row
    # A draft's comment is shown, its total is not counted until submitted.
    last = re.search(rf"<td>{items[-1].entry.number}</td>(.*?)</tr>", html, re.S).group(1)
    assert f"构思新颖第{len(items) - 1}件" in last and "未提交" in last
    round_page = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    assert f"/console/rounds/{rnd.id}/scores" in round_page and f"/console/rounds/{rnd.id}/summary.pdf" in round_page
    assert f"/console/rounds/{rnd.id}/sheets/{judges[0].id}.pdf" in round_page


def test_only_the_contests_organisers_print_a_rounds_sheets(client, world, judged):
    rnd, judges, _canary, _others = judged
    urls = [f"/console/rounds/{rnd.id}/sheets/{judges[0].id}.pdf", f"/console/rounds/{rnd.id}/summary.pdf",
            f"/console/rounds/{rnd.id}/scores"]
    for who in (judges[0], world.users["organiser_other"], world.users["entrant"]):
        login(client, who)
        assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    # A user who judges nothing in this round has no sheet in it.
    login(client, world.users["organiser"])
    stranger = factories.user("judge", name="局外评委")
    assert client.get(f"/console/rounds/{rnd.id}/sheets/{stranger.id}.pdf").status_code == 404
