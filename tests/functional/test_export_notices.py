"""What an office reads when it exports: a text work in the zip says what it is
and whose it is; an export with no rows says so, on the page and in the file;
the command line answers in Chinese and takes the contest's code as well as
its slug."""
import zipfile

import openpyxl
import pytest

from contest.extensions import db
from contest.services import results
from tests.conftest import login
from tests.functional.test_results import ranked  # noqa: F401  (the fixture)

STORY = "<p>第一段：清朗网络&amp;你我同行。</p><p>第二段<br>换行之后。</p>"


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def one_recommended(ranked, world):  # noqa: F811
    contest, story, _rnd = ranked
    story[0].body = STORY
    results.set_recommendation(world.users["organiser"], contest, story[0], True, "事迹突出")
    db.session.commit()
    return contest, story[0]


def test_a_text_work_in_the_zip_names_its_title_author_and_number(app, one_recommended, tmp_path):
    contest, entry = one_recommended
    out = tmp_path / "works.zip"
    result = _cli(app, "export", "recommended", "--contest", contest.code, "--format", "zip", "--output", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        name = f"001_{entry.number}_{entry.title}.txt"
        raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf")   # Notepad reads it as UTF-8
    lines = raw.decode("utf-8-sig").rstrip("\r\n").split("\r\n")
    assert lines[:5] == [f"作品名称：{entry.title}", f"作者：{results.authors_line(entry)}",
                         f"报名编号：{entry.number}", f"组别：{entry.category.name}",
                         f"报送单位：{entry.unit.name if entry.unit else ''}"]
    # paragraphs and line breaks kept, entities decoded, no markup left
    assert lines[-6:] == ["", "第一段：清朗网络&你我同行。", "", "第二段", "", "换行之后。"]
    assert not any("<" in line for line in lines)


def test_an_export_with_no_rows_says_so_in_the_file_and_on_the_page(app, client, world, tmp_path):
    contest = world.contest
    out = tmp_path / "empty.xlsx"
    result = _cli(app, "export", "recommended", "--contest", contest.slug, "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "无符合条件的作品" in result.output and "rows=0" in result.output
    values = [c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row]
    assert "无符合条件的作品。" in values
    csv_out = tmp_path / "empty.csv"
    assert _cli(app, "export", "recommended", "--contest", contest.slug, "--format", "csv",
                "--output", str(csv_out)).exit_code == 0
    assert "无符合条件的作品。" in csv_out.read_bytes().decode("utf-8-sig")
    login(client, world.users["organiser"])
    page = client.get(f"/console/contests/{contest.id}/exports").get_data(as_text=True)
    assert "尚无推荐作品" in page
    assert "尚无已编号的作品" not in page   # the 台账 has rows
    login(client, world.users["organiser_other"])   # the union's contest: no entry numbered, the 台账 warns too
    page = client.get(f"/console/contests/{world.other_contest.id}/exports").get_data(as_text=True)
    assert "尚无已编号的作品" in page


def test_the_page_does_not_warn_when_there_are_rows(client, one_recommended, world):
    contest, _entry = one_recommended
    login(client, world.users["organiser"])
    page = client.get(f"/console/contests/{contest.id}/exports").get_data(as_text=True)
    assert "尚无推荐作品" not in page and "尚无已编号的作品" not in page


def test_the_command_line_takes_the_code_in_any_case_and_answers_in_chinese(app, one_recommended, tmp_path):
    contest, _entry = one_recommended
    for ref in (contest.code, contest.code.lower(), contest.slug):
        out = tmp_path / f"{ref}.csv"
        result = _cli(app, "export", "ledger", "--contest", ref, "--format", "csv", "--output", str(out))
        assert result.exit_code == 0 and "rows=" in result.output, result.output
    recount = _cli(app, "votes", "recount", "--contest", contest.code)
    assert recount.exit_code == 0 and "chain=ok" in recount.output
    missing = _cli(app, "export", "ledger", "--contest", "NOPE99", "--format", "csv",
                   "--output", str(tmp_path / "x.csv"))
    assert missing.exit_code != 0 and "没有代码或别名为“NOPE99”的比赛" in missing.output
    missing = _cli(app, "votes", "recount", "--contest", "NOPE99")
    assert missing.exit_code != 0 and "没有代码或别名为“NOPE99”的比赛" in missing.output
    refused = _cli(app, "export", "ledger", "--contest", contest.code, "--format", "csv", "--output",
                   str(tmp_path / "y.csv"), "--full-personal-data")
    assert refused.exit_code != 0 and "须填写理由" in refused.output
    no_unit = _cli(app, "admin", "create-user", "--phone", "13912345678", "--name", "某人", "--role", "organiser",
                   "--unit", "不存在的单位", "--password", "correct-horse-42")
    assert no_unit.exit_code != 0 and "没有名为“不存在的单位”的单位" in no_unit.output
