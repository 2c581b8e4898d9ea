"""Cell values for exported spreadsheets and CSV files: formula-injection
neutralising, masking of personal data, and numbers, dates and long text made
fit for a cell."""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PHONE_KEEP_HEAD = 3
PHONE_KEEP_TAIL = 4
MIN_HIDDEN = 4  # a masked value hides at least this many characters, or all of them


def neutralise(value: Any) -> Any:
    """Return `value` safe to put into a spreadsheet cell.

    Excel, WPS and LibreOffice treat text starting with `=`, `+`, `-`, `@`,
    tab or carriage return as a formula when a CSV file is opened, or when a
    cell is edited and confirmed. Entrants control much of the exported text
    (titles, names, descriptions), so a value such as `=HYPERLINK(...)` or
    `-2+3+cmd|' /C calc'!A0` could run in an organiser's spreadsheet
    ("CSV/formula injection"). Such text gets a leading apostrophe, which makes
    it plain text everywhere. Other text and every non-text value (numbers,
    dates, None) are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _mask(text: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters when that still hides
    at least MIN_HIDDEN of them; otherwise hide everything."""
    hidden = len(text) - head - tail
    if hidden < MIN_HIDDEN:
        return "*" * len(text)
    return text[:head] + "*" * hidden + text[len(text) - tail :]


def mask_phone(phone: str | None) -> str:
    """Mask a phone number for a printed list: "13812345678" -> "138****5678".

    The first 3 and last 4 characters stay only when at least 4 characters are
    hidden (11 characters or more); a shorter value is masked completely, so
    nothing of it leaks. None and "" give "". Surrounding whitespace is dropped.
    """
    if phone is None:
        return ""
    return _mask(str(phone).strip(), PHONE_KEEP_HEAD, PHONE_KEEP_TAIL)


def mask_id_number(value: str | None) -> str:
    """Mask an identity document number.

    An 18-character resident ID keeps its region code (first 6) and last 4:
    "110101199003071234" -> "110101********1234". Any other length keeps the
    first and the last character with stars between; values of 1 or 2
    characters become all stars. None and "" give "". Surrounding whitespace is
    dropped.
    """
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) == 18:
        return text[:6] + "*" * 8 + text[-4:]
    if len(text) <= 2:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 2) + text[-1]


XLSX_MAX_CHARS = 32_767  # Excel's limit per cell, counted in UTF-16 code units


def is_number(value: Any) -> bool:
    """int, float and Decimal are numbers; bool is not (it is exported as text)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def finite(value: int | float | Decimal) -> float:
    """The number as a float; NaN and infinities raise ValueError (no silent blanks)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot export the non-finite number {value!r}")
    return number


def as_text(value: Any) -> str:
    """A non-number cell value as text: datetimes as "2024-05-01 09:30:00",
    dates as "2024-05-01", anything else by str()."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fit_excel(text: str) -> str:
    """Cut text to Excel's cell limit without splitting a character above U+FFFF."""
    if len(text) <= XLSX_MAX_CHARS // 2:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > XLSX_MAX_CHARS:
            return text[:index]
    return text


def number_text(value: int | float | Decimal, whole: bool = False) -> str:
    """A number as plain text for CSV: ints as they are; floats and Decimals
    rounded half up to 2 decimals ("87.5" -> "87.50"), or to a whole number when
    `whole`; never "-0.00". Floats are rounded from their shortest repr, so
    2.675 gives "2.68", as Excel shows it with 2 decimals."""
    if isinstance(value, int):
        return str(value)
    finite(value)
    number = Decimal(repr(value)) if isinstance(value, float) else value
    with localcontext(rounding=ROUND_HALF_UP):
        text = f"{number:.0f}" if whole else f"{number:.2f}"
    return text.removeprefix("-") if Decimal(text) == 0 else text
