"""A round's paper for signing: each judge's 评分表 and the panel's 汇总表
(A4 landscape, WeasyPrint, the CJK font named in score_sheets.css).

Like the 推荐表 (exports/pdf.py): ordinary Jinja templates rendered by the
function the caller passes, every value escaped, and nothing ever fetched.
The 评分表 is blind by construction: its rows hold an entry's number and
title and nothing else of the entry."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import BinaryIO

from weasyprint import CSS, HTML

from .pdf import RefusingFetcher, clip

SHEET_TEMPLATE = "exports/score_sheet.html"
SUMMARY_TEMPLATE = "exports/score_summary.html"
STYLESHEET = Path(__file__).with_name("score_sheets.css")
COMMENT_LIMIT = 200   # a comment longer than this is cut ("……"): the row must stay on its page
# Beyond this many judges in a category the 汇总表 lists each entry's totals in one
# cell instead of one column per judge (the columns would not fit across A4).
JUDGE_COLUMNS = 8


@dataclass(frozen=True)
class SheetEntry:
    serial: int
    number: str
    title: str
    points: tuple[float | None, ...]   # per criterion, in the round's order
    total: float | None
    comment: str


@dataclass(frozen=True)
class JudgeSheet:
    judge: str
    category: str
    entries: tuple[SheetEntry, ...]


@dataclass(frozen=True)
class SummaryRow:
    rank: int | None
    number: str
    title: str
    totals: tuple[float | None, ...]   # per judge of the group, in its order
    score: float | None
    advanced: bool | None


@dataclass(frozen=True)
class SummaryGroup:
    category: str
    judges: tuple[str, ...]
    rows: tuple[SummaryRow, ...]


def _write(target: str | PathLike[str] | BinaryIO, html: str) -> int:
    fetcher = RefusingFetcher()
    css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(stylesheets=[css])
    document.write_pdf(target)
    return len(document.pages)


def write_judge_sheets_pdf(target: str | PathLike[str] | BinaryIO, *, contest_title: str, round_name: str,
                           issuer: str, criteria: Sequence[tuple[str, float]], sheets: Sequence[JudgeSheet],
                           render: Callable[..., str]) -> int:
    """One 评分表 per sheet (a judge's entries in one category), each ending in
    the judge's signature and date lines; returns the page count."""
    sheets = [JudgeSheet(s.judge, s.category, tuple(
        SheetEntry(e.serial, e.number, e.title, e.points, e.total, clip(e.comment, COMMENT_LIMIT))
        for e in s.entries)) for s in sheets]
    return _write(target, render(SHEET_TEMPLATE, contest_title=contest_title, round_name=round_name,
                                 issuer=issuer, criteria=list(criteria), sheets=sheets))


def write_summary_pdf(target: str | PathLike[str] | BinaryIO, *, contest_title: str, round_name: str, issuer: str,
                      method: str, groups: Sequence[SummaryGroup], render: Callable[..., str]) -> int:
    """The 汇总表: per category, entries × judges with the combined score and
    rank, and a signature line for every judge of the panel; returns the page count."""
    return _write(target, render(SUMMARY_TEMPLATE, contest_title=contest_title, round_name=round_name,
                                 issuer=issuer, method=method, groups=list(groups), judge_columns=JUDGE_COLUMNS))
