"""The audit log as a file (xlsx or CSV), from lines already told in words:
time, actor, action, subject, details. Text goes through sheets.py, which
neutralises formulas (an entrant's title can start with "=")."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from .sheets import Column, write_csv, write_xlsx

FORMATS = ("xlsx", "csv")
COLUMNS = (
    Column("时间", 18),
    Column("操作人", 22),
    Column("操作", 22),
    Column("对象", 30, "longtext"),
    Column("详情", 50, "longtext"),
)


def write_audit_log(target: IO[bytes], fmt: str, rows: Iterable[Sequence[str]], *, unit: str, date: str,
                    notes: Sequence[str] = ()) -> int:
    """Write the rows (time, actor, action, subject, details) as `fmt`; return how many."""
    if fmt == "xlsx":
        return write_xlsx(target, title="操作日志", unit=unit, date=date, columns=COLUMNS, rows=rows,
                          sheet_name="操作日志", notes=notes)
    if fmt == "csv":
        return write_csv(target, columns=COLUMNS, rows=rows, notes=notes)
    raise ValueError(f"unknown format {fmt!r}")
