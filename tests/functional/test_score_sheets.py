"""A round's paper and the judges' comments: each judge's 评分表 (blind), the
panel's 汇总表, read back from the PDF, and the comments beside the totals."""
import io
import re

from pypdf import PdfReader

from contest.extensions import db
from contest.services import score_sheets
from tests import factories
from tests.conftest import csrf_token, login


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


def finalise_with_comments(world, rnd, judges, canary):
    """Every judge submits every entry with a comment (the canary's are 画面饱满 and 立意鲜明);
    one draft comment is left on another entry; the round is closed and finalised."""
    from contest.services import advancement, rounds

    c1, c2 = rnd.criteria
    words = {judges[0].id: "画面饱满", judges[1].id: "立意鲜明"}
    for judge in judges:
        for item in factories.assignments_of(judge, rnd):
            comment = words[judge.id] if item.entry_id == canary.id else "构图可再斟酌"
            score_sheets.record_score(judge, item, {str(c1.id): 9, str(c2.id): 8}, comment, final=True)
    rounds.close_round(world.users["organiser"], rnd)
    advancement.finalise_round(world.users["organiser"], rnd)
    db.session.commit()


def publish_final(contest):
    from contest.models import ResultVersion

    db.session.add(ResultVersion(contest_id=contest.id, number=2, kind="final", rows=[]))
    db.session.commit()


def test_entrants_read_the_judges_comments_without_names_and_only_after_the_final_result(client, world, judged):
    from contest.models import AuditEvent, Contest

    rnd, judges, canary, others = judged
    judges[0].real_name = "张评审员"
    finalise_with_comments(world, rnd, judges, canary)
    page = f"/entries/{canary.id}"

    def shown() -> str:
        login(client, canary.owner)
        return client.get(page).get_data(as_text=True)

    # The contest has not chosen to show feedback: nothing, even after the final result.
    publish_final(world.contest)
    assert "画面饱满" not in shown() and "评委评语" not in shown()

    # The organiser turns it on (audited).
    login(client, world.users["organiser"])
    rounds_page = f"/console/contests/{world.contest.id}/rounds"
    assert "向参赛者反馈评委评语" in client.get(rounds_page).get_data(as_text=True)
    r = client.post(f"/console/contests/{world.contest.id}/judges-feedback",
                    data={"csrf_token": csrf_token(client, rounds_page), "judges_feedback": "y"})
    assert r.status_code == 302 and db.session.get(Contest, world.contest.id).judges_feedback is True
    assert db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "contest.judges_feedback")) \
        == {"on": True}

    html = shown()
    block = re.search(r'<section class="card feedback">(.*?)</section>', html, re.S).group(1)
    assert "评委评语" in block and "初评" in block
    assert re.findall(r"<li>([^<]+)</li>", block) == ["画面饱满", "立意鲜明"]
    assert "不显示评委姓名" in block
    for judge in judges:
        assert judge.real_name not in html
    assert "构图可再斟酌" not in html   # another entry's comments
    # Nor another entrant's comments on the canary's page, and the other entrant reads their own.
    login(client, others[0].owner)
    other_page = client.get(f"/entries/{others[0].id}").get_data(as_text=True)
    assert "构图可再斟酌" in other_page and "画面饱满" not in other_page


def test_no_feedback_before_the_final_result(client, world, judged):
    rnd, judges, canary, _others = judged
    world.contest.judges_feedback = True
    finalise_with_comments(world, rnd, judges, canary)
    # 公示 is not the final result.
    from contest.models import ResultVersion

    db.session.add(ResultVersion(contest_id=world.contest.id, number=1, kind="publicity", rows=[]))
    db.session.commit()
    login(client, canary.owner)
    html = client.get(f"/entries/{canary.id}").get_data(as_text=True)
    assert "画面饱满" not in html and "评委评语" not in html


def test_a_draft_comment_never_reaches_the_entrant(client, world, judged):
    rnd, judges, canary, _others = judged
    world.contest.judges_feedback = True
    finalise_with_comments(world, rnd, judges, canary)
    item = next(i for i in factories.assignments_of(judges[0], rnd) if i.entry_id == canary.id)
    item.score.final = False
    db.session.commit()
    publish_final(world.contest)
    login(client, canary.owner)
    html = client.get(f"/entries/{canary.id}").get_data(as_text=True)
    assert "立意鲜明" in html and "画面饱满" not in html


def test_a_judge_prints_their_own_score_sheet_and_no_one_elses(client, world, judged):
    rnd, judges, _canary, _others = judged
    items = score_first_judge(rnd, judges)
    login(client, judges[0])
    queue = client.get(f"/judge/rounds/{rnd.id}").get_data(as_text=True)
    assert f"/judge/rounds/{rnd.id}/sheet.pdf" in queue
    text = pdf_text(client.get(f"/judge/rounds/{rnd.id}/sheet.pdf"))
    assert judges[0].real_name in text and "评委签名" in text and "构思新颖第0件" in text
    assert all(item.entry.number in text for item in items)
    for canary_text in factories.CANARIES:
        assert canary_text not in text, canary_text
    # The second judge's sheet carries none of the first judge's scores.
    login(client, judges[1])
    assert "构思新颖" not in pdf_text(client.get(f"/judge/rounds/{rnd.id}/sheet.pdf"))
    # A judge with nothing in this round has no sheet of it.
    login(client, factories.user("judge", name="局外评委"))
    assert client.get(f"/judge/rounds/{rnd.id}/sheet.pdf").status_code == 404
