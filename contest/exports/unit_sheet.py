"""The units-and-members import sheet: the template offices fill in
(XlsxWriter) and the reading of a filled-in one (openpyxl, read-only).

An upload is hostile until shown otherwise: it must be a zip (an xlsx is one)
of few, sanely named parts whose bytes, counted while they are inflated (the
sizes in the headers can lie), stay under a cap, so a zip bomb is refused
before openpyxl opens it. Cells are read as they are stored, formulas
included: "=..." comes back as that text and is never evaluated."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO

import openpyxl
import xlsxwriter

HEADERS = ("单位名称", "单位类型", "所属区", "联系人", "联系人手机号", "成员姓名", "成员手机号", "成员角色")
KEYS = ("unit", "kind", "district", "contact_name", "contact_phone", "member_name", "member_phone", "member_role")
EXAMPLE_MARK = "示例："
EXAMPLE = ("示例：珠海市某某中学", "学校", "香洲区", "张老师", "13800000000", "李同学", "13900000000", "参赛者")
MAX_PARTS = 200
MAX_INFLATED = 50 * 1024 * 1024   # all parts together, inflated
CHUNK = 64 * 1024


class SheetRefused(Exception):  # noqa: N818  (a refusal, not a bug)
    """The file as a whole is refused; `code` names why (the service words it)."""

    def __init__(self, code: str, limit: int | None = None):
        super().__init__(code)
        self.code = code
        self.limit = limit


def write_template(target: str | IO[bytes], *, kinds: Sequence[str], districts: Sequence[str],
                   roles: Sequence[str]) -> None:
    """The template: the headers, one example row and drop-down lists for the
    kind, district and role columns; a second sheet says how to fill it in."""
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    sheet = book.add_worksheet("单位和成员")
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center",
                            "valign": "vcenter", "text_wrap": True})
    text = book.add_format({"num_format": "@", "border": 1})
    example = book.add_format({"num_format": "@", "border": 1, "font_color": "#808080", "italic": True})
    widths = (28, 12, 14, 10, 16, 10, 16, 12)
    for col, (title, width) in enumerate(zip(HEADERS, widths, strict=True)):
        sheet.set_column(col, col, width, text)   # text cells: a phone keeps its digits
        sheet.write_string(0, col, title, head)
        sheet.write_string(1, col, EXAMPLE[col], example)
    sheet.set_row(0, 24)
    sheet.freeze_panes(1, 0)
    for col, values in ((1, kinds), (2, districts), (7, roles)):
        sheet.data_validation(1, col, 1000, col, {"validate": "list", "source": list(values)})
    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 100)
    lines = (
        "每行一个单位；同一单位有多名成员的，每名成员一行，单位名称写同一个。",
        "单位名称必填；新单位须填单位类型（从下拉列表中选择）。已有的单位按名称对应，其信息不改动。",
        "成员姓名和成员手机号可不填（只导入单位）；填写的，手机号须为11位大陆手机号。",
        "成员角色：参赛者或单位管理员，不填为参赛者。新成员的账号没有密码，导入报告中给出一次性设置链接。",
        f"以“{EXAMPLE_MARK}”开头的行不导入，可保留或删除。",
        "逐行导入：合格的行导入，不合格的行整行不导入并说明原因，不会只导入一行中的一部分。",
    )
    for row, line in enumerate(lines):
        notes.write_string(row, 0, line)
    book.close()


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRefused("not_xlsx") from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise SheetRefused("too_big")
        names = {p.filename for p in parts}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
            raise SheetRefused("not_xlsx")
        inflated = 0
        for part in parts:
            name = part.filename
            if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name:
                raise SheetRefused("not_xlsx")
            try:
                with archive.open(part) as stream:
                    while chunk := stream.read(CHUNK):
                        inflated += len(chunk)
                        if inflated > MAX_INFLATED:
                            raise SheetRefused("too_big")
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                raise SheetRefused("not_xlsx") from None


def cell_text(value: object) -> str:
    """A cell as text: a number typed into a phone column comes back as its digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_rows(data: bytes, *, max_rows: int) -> list[tuple[int, dict[str, str]]]:
    """The filled-in rows as (row number in the sheet, {key: text}); empty
    rows and example rows are skipped. SheetRefused when the file is not an
    xlsx, too big, has other headers, no rows, or more than `max_rows`."""
    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:   # openpyxl raises many kinds on a malformed part
        raise SheetRefused("not_xlsx") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = tuple(cell_text(v).rstrip("*＊") for v in next(rows, ()))
        if header[:len(HEADERS)] != HEADERS:
            raise SheetRefused("bad_headers")
        found = []
        for number, values in enumerate(rows, 2):
            cells = [cell_text(v) for v in values[:len(KEYS)]]
            if not any(cells) or cells[0].startswith(EXAMPLE_MARK):
                continue
            if len(found) == max_rows:
                raise SheetRefused("too_many_rows", max_rows)
            found.append((number, dict(zip(KEYS, cells + [""] * (len(KEYS) - len(cells)), strict=True))))
    finally:
        book.close()
    if not found:
        raise SheetRefused("empty")
    return found
