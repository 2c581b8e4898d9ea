"""xlsx and CSV exports read back with openpyxl and the csv module."""
import csv
import io
import re
import tempfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contest.exports.cells import (
    FORMULA_STARTS,
    XLSX_MAX_CHARS,
    as_text,
    fit_excel,
    mask_id_number,
    mask_phone,
    neutralise,
    number_text,
)
from contest.exports.sheets import Column, write_csv, write_xlsx

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py

COLUMNS = [Column("姓名", 10), Column("作品", 30, "longtext"), Column("得分", 10, "number"), Column("票数", 8, "int")]
ROWS = [["张三", "清朗网络", 87.5, 12], ["李四", "=HYPERLINK(\"http://x\")", Decimal("90.125"), None]]
META = {"title": "2024年度好网民评选结果", "unit": "市委网信办", "date": "2024年5月1日"}
INJECTIONS = ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"]
OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def ooxml_decode(value):
    """What Excel shows for a stored string: XlsxWriter writes control characters
    (and U+FFFE/U+FFFF) as _xHHHH_ and a literal "_xHHHH_" as "_x005F_xHHHH_";
    Excel decodes these, openpyxl hands them over as they are."""
    return OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def export(target, rows=ROWS, columns=COLUMNS, **kwargs):
    return write_xlsx(target, **{**META, **kwargs}, columns=columns, rows=rows)


def load(source):
    book = openpyxl.load_workbook(source)
    return book, book.active


def csv_rows(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


# --- cells -------------------------------------------------------------------

@pytest.mark.parametrize("text", INJECTIONS)
def test_neutralise_prefixes_formula_starts(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "", "a=1", " =1", "'=1", 12, -3, 1.5, Decimal("-2"), None, date(2024, 1, 2)])
def test_neutralise_leaves_other_values(value):
    assert neutralise(value) is value


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), (" 13812345678 ", "138****5678"), ("+8613812345678", "+86*******5678"),
    ("1234567890", "**********"), ("12345678", "********"), ("1234567", "*******"), ("123", "***"),
    ("", ""), (None, ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("value, masked", [
    ("110101199003071234", "110101********1234"), ("11010119900307123X", "110101********123X"),
    ("110101900307123", "1*************3"), ("G1234567", "G******7"), ("abc", "a*c"),
    ("ab", "**"), ("a", "*"), ("", ""), (None, ""),
])
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize("value, whole, text", [
    (12, False, "12"), (-3, False, "-3"), (87.5, False, "87.50"), (2.675, False, "2.68"),
    (Decimal("90.125"), False, "90.13"), (-0.001, False, "0.00"), (3.5, True, "4"), (-0.4, True, "0"),
])
def test_number_text(value, whole, text):
    assert number_text(value, whole=whole) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("-Infinity")])
def test_non_finite_numbers_are_refused(tmp_path, value):
    with pytest.raises(ValueError):
        number_text(value)
    with pytest.raises(ValueError):
        export(tmp_path / "x.xlsx", rows=[["a", "b", value, 1]])


def test_as_text_and_fit_excel():
    assert as_text(date(2024, 5, 1)) == "2024-05-01"
    assert as_text(datetime(2024, 5, 1, 9, 30, 5, 123)) == "2024-05-01 09:30:05"
    assert as_text(True) == "True"
    assert fit_excel("x" * 40_000) == "x" * XLSX_MAX_CHARS
    assert fit_excel("😀" * 20_000) == "😀" * (XLSX_MAX_CHARS // 2)  # two UTF-16 units each, none split


# --- xlsx ----------------------------------------------------------------------

def test_layout(tmp_path):
    assert export(tmp_path / "r.xlsx") == 2
    book, ws = load(tmp_path / "r.xlsx")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:E1" in merged and ws["A1"].value == META["title"] and ws["A1"].font.b
    assert {"A2:C2", "D2:E2"} <= merged
    assert ws["A2"].value == "填报单位：市委网信办" and ws["D2"].value == "填报日期：2024年5月1日"
    assert [c.value for c in ws[3]] == ["序号", "姓名", "作品", "得分", "票数"]
    assert [ws.cell(r, 1).value for r in (4, 5)] == [1, 2] and ws.max_row == 5
    assert [c.value for c in ws[4]] == [1, "张三", "清朗网络", 87.5, 12]
    score, votes = ws["D5"], ws["E5"]
    assert score.data_type == "n" and score.value == 90.125 and score.number_format == "0.00"
    assert votes.value is None and votes.border.left.style == "thin"
    assert ws["E4"].data_type == "n" and ws["E4"].number_format == "0"
    assert ws.column_dimensions["A"].width < ws.column_dimensions["B"].width < ws.column_dimensions["C"].width
    book.close()


def test_print_settings(tmp_path):
    export(tmp_path / "r.xlsx", notes=["总分 = 评委分 × 70% + 投票分 × 30%"])
    book, ws = load(tmp_path / "r.xlsx")
    assert ws.freeze_panes == "A5"  # header is row 4
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0  # 1 is the default width
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    book.close()


def test_notes_between_meta_and_header(tmp_path):
    notes = ["总分 = 评委分 × 70% + 投票分 × 30%", "-同分时评委分高者在前", "说明" * 200]
    export(tmp_path / "r.xlsx", notes=notes)
    book, ws = load(tmp_path / "r.xlsx")
    assert [ws.cell(r, 1).value for r in (3, 4, 5)] == [notes[0], "'" + notes[1], notes[2]]
    assert {"A3:E3", "A4:E4", "A5:E5"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws.row_dimensions[5].height > ws.row_dimensions[3].height  # the long note gets more lines
    assert ws["A6"].value == "序号" and ws["A7"].value == 1
    book.close()


def test_formula_injection(tmp_path):
    columns = [Column(f"c{i}") for i in range(len(INJECTIONS) + 1)]
    export(tmp_path / "r.xlsx", columns=columns, rows=[[*INJECTIONS, "张三"]], title="=cmd|' /C calc'!A0")
    book, ws = load(tmp_path / "r.xlsx")
    cells = ws[4][1:]
    for cell, text in zip(cells, INJECTIONS, strict=False):
        assert cell.data_type == "s" and ooxml_decode(cell.value) == "'" + text
    assert cells[-1].value == "张三"
    assert ws["A1"].value == "'=cmd|' /C calc'!A0" and ws["A1"].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    book.close()


def test_single_column_and_no_rows(tmp_path):
    assert export(tmp_path / "r.xlsx", columns=[Column("姓名")], rows=[]) == 0
    book, ws = load(tmp_path / "r.xlsx")
    assert [c.value for c in ws[2]] == ["填报单位：市委网信办", "填报日期：2024年5月1日"]
    assert [c.value for c in ws[3]] == ["序号", "姓名"] and ws.max_row == 3
    book.close()


def test_long_text_is_cut_to_excel_limit(tmp_path):
    export(tmp_path / "r.xlsx", columns=[Column("a", kind="longtext")], rows=[["长" * 40_000], ["-" * 40_000]])
    book, ws = load(tmp_path / "r.xlsx")
    assert ws["B4"].value == "长" * XLSX_MAX_CHARS
    assert ws["B5"].value == "'" + "-" * (XLSX_MAX_CHARS - 1)
    book.close()


def test_file_object_target_and_dates():
    target = io.BytesIO()
    export(target, rows=[["王五", date(2024, 5, 1), 1, True]])
    book, ws = load(io.BytesIO(target.getvalue()))
    assert [c.value for c in ws[4]] == [1, "王五", "2024-05-01", 1, "True"]
    book.close()


def test_failed_export_leaves_no_temp_files(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def rows():
        yield ["a", "b", 1, 2]
        yield ["too", "short"]

    with pytest.raises(ValueError, match="row 2 has 2 cells"):
        export(tmp_path / "r.xlsx", rows=rows())
    assert list(scratch.iterdir()) == []
    with pytest.raises(ValueError, match="unknown column kind"):
        export(tmp_path / "r.xlsx", columns=[Column("a", kind="date")])


def test_constant_memory_many_rows(tmp_path):
    rows = ([f"姓名{i}", f"作品{i}", i / 3, i] for i in range(20_000))
    assert export(tmp_path / "big.xlsx", rows=rows) == 20_000
    book = openpyxl.load_workbook(tmp_path / "big.xlsx", read_only=True)
    data = list(book.active.iter_rows(min_row=4, values_only=True))
    book.close()
    assert len(data) == 20_000
    assert data[0][:2] == (1, "姓名0") and data[-1][0] == 20_000 and data[-1][4] == 19_999


cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)  # lone surrogates cannot be UTF-8
cell_values = st.tuples(st.sampled_from(("", *FORMULA_STARTS)), cell_text).map("".join)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(cell_values, min_size=1, max_size=6))
@example(["_x0041_", "\x00\x1f\ufffe", " a ", "\r\n", "'=1"])
def test_xlsx_round_trip(cells):
    # Control characters are kept: XlsxWriter stores them as OOXML escapes,
    # which ooxml_decode undoes just as Excel does.
    target = io.BytesIO()
    write_xlsx(target, **META, columns=[Column(f"c{i}") for i in range(len(cells))], rows=[cells])
    book, ws = load(io.BytesIO(target.getvalue()))
    back = ws[4][1:]
    book.close()
    for cell, text in zip(back, cells, strict=True):
        assert cell.data_type == "s" and ooxml_decode(cell.value) == neutralise(text)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.lists(cell_values, min_size=2, max_size=2), max_size=5))
@example([["\r", "a\r\nb"], ["\x00", '"q",']])
def test_csv_round_trip(rows):
    target = io.BytesIO()
    assert write_csv(target, columns=[Column("a"), Column("b")], rows=rows) == len(rows)
    header, *back = csv_rows(target.getvalue())
    assert header == ["序号", "a", "b"]
    assert back == [[str(i), *map(neutralise, row)] for i, row in enumerate(rows, 1)]
    assert not any(c.startswith(FORMULA_STARTS) for row in back for c in row)


def test_csv_encoding_line_ends_and_stream():
    target = io.BytesIO()
    assert write_csv(target, columns=COLUMNS, rows=ROWS) == 2
    data = target.getvalue()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    data.decode("utf-8")
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 3 and b"\n" not in data.replace(b"\r\n", b"")
    assert csv_rows(data) == [
        ["序号", "姓名", "作品", "得分", "票数"],
        ["1", "张三", "清朗网络", "87.50", "12"],
        ["2", "李四", "'=HYPERLINK(\"http://x\")", "90.13", ""],
    ]
    assert not target.closed
    target.write(b"more")
    assert target.getvalue().endswith(b"\r\nmore")


def test_csv_to_file_stays_open(tmp_path):
    with open(tmp_path / "r.csv", "wb") as fh:
        write_csv(fh, columns=[Column("姓名"), Column("票数", kind="int")], rows=[["张三", 3.0], [None, 7]])
        assert not fh.closed
        fh.write(b"#")
    assert (tmp_path / "r.csv").read_bytes() == "\ufeff序号,姓名,票数\r\n1,张三,3\r\n2,,7\r\n#".encode()


def test_wrapped_rows_get_the_height_of_their_lines(tmp_path):
    # A long-text column is at least 40 wide: about 19 Chinese characters a line, so 63 take 4 lines.
    long_title = "争做中国好网民" * 9 + "故事"
    columns = [Column("报名编号", 16), Column("作品名称", 28, "longtext"), Column("得分", 10, "number")]
    rows = [["ZNL26-A-0001", "短标题", 90.0], ["ZNL26-A-0002", long_title, 88.5], ["ZNL26-A-0003", "长" * 40_000, 1]]
    export(tmp_path / "r.xlsx", columns=columns, rows=rows)
    book, ws = load(tmp_path / "r.xlsx")
    assert ws["C5"].value == long_title
    assert ws.row_dimensions[4].height is None   # one line: Excel's default height
    assert ws.row_dimensions[5].height >= 15 * 4   # room for every wrapped line
    assert 400 < ws.row_dimensions[6].height <= 409   # Excel's maximum
    book.close()
