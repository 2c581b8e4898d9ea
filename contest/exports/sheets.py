"""xlsx and CSV exports in the layout offices hand to the province and keep as
their records (台账). XlsxWriter runs in constant-memory mode (each row goes to a
temp file once the next starts: 100,000 rows take a few MB, but rows must come
strictly in order). Text is neutralised and written with `write_string`, as
`write` would make "=..." a live formula (formula injection). CSV starts with a
UTF-8 BOM, without which Excel reads Chinese as GBK garble."""
from __future__ import annotations

import contextlib
import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from os import PathLike
from typing import IO, Any, NamedTuple

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from contest.exports.cells import as_text, finite, fit_excel, is_number, neutralise, number_text

KINDS = ("text", "number", "int", "longtext")
BOM = b"\xef\xbb\xbf"
INDEX_TITLE = "序号"
INDEX_WIDTH = 6
LONGTEXT_MIN_WIDTH = 40
FOOTER = "&C第 &P 页 共 &N 页"
NOTE_LINE_HEIGHT = 16  # points per wrapped line of a note row
ROW_LINE_HEIGHT = 15  # points per wrapped line of a data row (Excel's default row is one line, 15)
MAX_ROW_HEIGHT = 409  # Excel's limit, in points


class Column(NamedTuple):
    """One exported column. kind: "text" (centred), "number" (2 decimals shown),
    "int" (no decimals shown) or "longtext" (at least 40 wide, left-aligned).
    Every data cell wraps its text."""

    title: str
    width: float = 14
    kind: str = "text"


def _check_row(columns: Sequence[Column], number: int, values: Sequence) -> None:
    if len(values) != len(columns):
        raise ValueError(f"row {number} has {len(values)} cells, expected {len(columns)}")


def _line_count(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` characters wide (CJK counts double)."""
    if len(text) * 2 <= width and "\n" not in text:   # fits on one line even if every character is CJK
        return 1
    units = [sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in text.split("\n")]
    return sum(max(1, math.ceil(u / max(width, 1))) for u in units)


def _note_height(note: str, width: float) -> float:
    """Row height for a wrapped note; constant-memory mode cannot autofit."""
    return NOTE_LINE_HEIGHT * _line_count(note, width)


def _row_height(values: Sequence, widths: Sequence[float]) -> float | None:
    """Height for a data row whose text wraps, None for one line. Neither
    XlsxWriter nor LibreOffice grows a row: without it the second line prints
    over the next rows. A cell holds about width - 1 characters (its padding)."""
    lines = max((_line_count(as_text(v), w - 1) for v, w in zip(values, widths, strict=True)
                 if v is not None and not is_number(v)), default=1)
    return min(ROW_LINE_HEIGHT * lines, MAX_ROW_HEIGHT) if lines > 1 else None


def _merged(sheet: Worksheet, row: int, first: int, last: int, text: str, fmt: Format) -> None:
    # merge_range() writes its data with write(), which would make "=..." a
    # formula: merge with a blank, then put the text in with write_string().
    if last > first:
        sheet.merge_range(row, first, row, last, "", fmt)
    sheet.write_string(row, first, fit_excel(neutralise(text)), fmt)


def _formats(book: xlsxwriter.Workbook) -> dict[str, Format]:
    cell = {"border": 1, "text_wrap": True, "valign": "vcenter", "align": "center"}
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "unit": book.add_format({"align": "left", "valign": "vcenter"}),
        "date": book.add_format({"align": "right", "valign": "vcenter"}),
        "note": book.add_format({"align": "left", "valign": "vcenter", "text_wrap": True}),
        "header": book.add_format({**cell, "bold": True, "bg_color": "#D9D9D9"}),
        "text": book.add_format(cell),
        "longtext": book.add_format({**cell, "align": "left"}),
        "number": book.add_format({**cell, "num_format": "0.00"}),
        "int": book.add_format({**cell, "num_format": "0"}),
    }


def _write_cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif is_number(value):
        sheet.write_number(row, col, finite(value), fmt)
    else:
        sheet.write_string(row, col, fit_excel(neutralise(as_text(value))), fmt)


def write_xlsx(
    target: str | PathLike[str] | IO[bytes],
    *,
    title: str,
    unit: str,
    date: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    sheet_name: str = "Sheet1",
    notes: Sequence[str] = (),
) -> int:
    """Write one sheet in the office layout; return the number of data rows.

    `target`: a path (str, os.PathLike) or a binary file object open for writing
    (XlsxWriter hands it to zipfile.ZipFile, which copes with unseekable ones).
    Layout: title; 填报单位 left, 填报日期 right; a merged row per note; header
    (序号 first); rows numbered 1, 2, 3... Numbers (int, float, Decimal; not
    bool) become numeric cells, None a bordered blank, the rest text (cells.
    as_text, neutralise, fit_excel). XlsxWriter stores control characters as
    OOXML _xHHHH_ escapes: Excel decodes them, openpyxl does not. If writing
    fails the target may hold a partial workbook: discard it."""
    if not columns:
        raise ValueError("an export needs at least one column")
    if bad := [c.kind for c in columns if c.kind not in KINDS]:
        raise ValueError(f"unknown column kind {bad[0]!r}")
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    try:
        sheet, fmt = book.add_worksheet(sheet_name), _formats(book)
        last = len(columns)  # column 0 is 序号
        widths = [max(c.width, LONGTEXT_MIN_WIDTH) if c.kind == "longtext" else c.width for c in columns]
        for col, width in enumerate([INDEX_WIDTH, *widths]):
            sheet.set_column(col, col, width)
        sheet.set_row(0, 32)
        _merged(sheet, 0, 0, last, title, fmt["title"])
        sheet.set_row(1, 22)
        _merged(sheet, 1, 0, last // 2, f"填报单位：{unit}", fmt["unit"])
        _merged(sheet, 1, last // 2 + 1, last, f"填报日期：{date}", fmt["date"])
        for row, note in enumerate(notes, 2):
            sheet.set_row(row, _note_height(note, INDEX_WIDTH + sum(widths)))
            _merged(sheet, row, 0, last, note, fmt["note"])
        header = 2 + len(notes)
        sheet.set_row(header, 30)
        for col, text in enumerate([INDEX_TITLE, *(c.title for c in columns)]):
            sheet.write_string(header, col, fit_excel(neutralise(text)), fmt["header"])
        sheet.freeze_panes(header + 1, 0)
        sheet.repeat_rows(header)
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.set_footer(FOOTER)
        sheet.center_horizontally()
        formats = [fmt[c.kind] for c in columns]
        count = 0
        for count, values in enumerate(rows, 1):
            _check_row(columns, count, values)
            if height := _row_height(values, widths):
                sheet.set_row(header + count, height)
            sheet.write_number(header + count, 0, count, fmt["text"])
            for col, (value, cell_format) in enumerate(zip(values, formats, strict=True), 1):
                _write_cell(sheet, header + count, col, value, cell_format)
    except BaseException:
        with contextlib.suppress(Exception):
            book.close()  # removes the constant-memory temp file
        raise
    book.close()
    return count


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if is_number(value):
        return number_text(value, whole=kind == "int")
    return neutralise(as_text(value))


def write_csv(target: IO[bytes], *, columns: Sequence[Column], rows: Iterable[Sequence],
              notes: Sequence[str] = ()) -> int:
    """Write UTF-8 CSV with BOM and CRLF line ends; return the number of data rows.

    `target`: anything with write(bytes); it gets the file row by row and is left
    open. Rows go through a small StringIO rather than an io.TextIOWrapper round
    `target`, whose finaliser closes the caller's stream if detach() fails. Text
    is neutralised, never truncated; numbers as cells.number_text ("87.50", whole
    in "int" columns); None is an empty cell. `notes` (the scoring rule) follow
    the data after an empty line, each in the second cell of its own row, so
    the 序号 column holds numbers only."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # "excel" dialect: comma, minimal quoting, CRLF

    def emit(cells: Sequence[Any]) -> None:
        writer.writerow(cells)
        target.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()

    target.write(BOM)
    emit([INDEX_TITLE, *(neutralise(c.title) for c in columns)])
    count = 0
    for count, values in enumerate(rows, 1):
        _check_row(columns, count, values)
        emit([count, *(_csv_cell(v, c.kind) for v, c in zip(values, columns, strict=True))])
    if notes:
        emit([])
        for note in notes:
            emit(["", neutralise(note)])
    return count
