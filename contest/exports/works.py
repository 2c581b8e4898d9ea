"""A text work as a file a reader opens in Notepad or Word: a header naming
the work (作品名称, 作者, 报名编号 …) above its text, paragraphs kept. Bare
story text in a zip says neither what it is nor whose it is."""
from __future__ import annotations

import html as htmllib
import re
from collections.abc import Sequence

BOM = "\ufeff"   # without it older Windows Notepad reads UTF-8 Chinese as GBK garble
_BREAK = re.compile(r"<br\s*/?>|</(?:p|h[1-6]|li|blockquote|div)\s*>|<hr\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def paragraphs(html: str | None) -> list[str]:
    """The visible text of sanitised story HTML, one item per paragraph or line."""
    text = htmllib.unescape(_TAG.sub("", _BREAK.sub("\n", html or "")))
    return [line for line in (_SPACES.sub(" ", raw).strip() for raw in text.split("\n")) if line]


def text_work(header: Sequence[tuple[str, str]], html: str | None) -> bytes:
    """The work as UTF-8 text with CRLF line ends: `header` lines ("作品名称：…"),
    a rule, then the text's paragraphs separated by blank lines."""
    lines = [f"{label}：{value}" for label, value in header]
    body = paragraphs(html)
    out = "\r\n".join([*lines, "—" * 20, "", "\r\n\r\n".join(body) if body else "（无正文）", ""])
    return (BOM + out).encode("utf-8")
