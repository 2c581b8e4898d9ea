"""The 推荐表 (recommendation form) an organiser prints, stamps and sends on:
one A4 page per recommended entry.

WeasyPrint lays out HTML and print CSS (page size, page counters, page breaks)
without a browser, so the form is an ordinary Jinja template. The print CSS
names a CJK font ("WenQuanYi Micro Hei", from Debian's fonts-wqy-microhei):
WeasyPrint embeds only the fonts Pango picks, and with no CJK font available
every Chinese character prints as an empty box.

The form embeds nothing from outside, so the URL fetcher refuses every URL:
user text is escaped by Jinja anyway, and nothing in a summary can make the
server fetch a URL (SSRF) or read a local file.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import BinaryIO

import weasyprint.images  # noqa: F401  (imported here so that the setting below comes after it)
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

# WeasyPrint's image module turns Pillow's process-wide LOAD_TRUNCATED_IMAGES
# on when first imported, which would let truncated pictures through the
# upload checks of the same worker: turn it off again (the forms embed no
# pictures; media/images.py insists on it as well).
ImageFile.LOAD_TRUNCATED_IMAGES = False

log = logging.getLogger(__name__)

# One page must hold the whole form: longer text is cut, with "……" to show it.
SUMMARY_LIMIT = 600
REASON_LIMIT = 300
DEEDS_LIMIT = 900  # a nomination's form has no 作品简介: its 主要事迹 take the room
TEMPLATE = "exports/recommendation.html"
STYLESHEET = Path(__file__).with_name("recommendation.css")


@dataclass(frozen=True)
class RecommendationForm:
    serial: int
    number: str
    category: str
    title: str
    authors: str
    unit: str
    district: str
    summary: str
    rounds: tuple[tuple[str, float | None], ...]
    vote_score: float | None
    final_score: float | None
    award: str
    reason: str
    phone: str = ""          # the author's, masked unless unmasked data was asked for
    guardian: str = ""       # a child author's parent or guardian: name and phone
    nominee: str = ""        # a nomination's 被推荐对象, with 个人/组织
    nominee_post: str = ""   # 工作单位及职务
    nominee_phone: str = ""
    deeds: str = ""          # 主要事迹


class URLRefused(ValueError):
    """A resource was requested while rendering a form; nothing may be fetched."""


class RefusingFetcher(URLFetcher):
    """Refuses every URL (http, file, data alike): the form needs no resource,
    so any request is a template bug or injected markup. WeasyPrint catches the
    error, logs it and renders the document without the resource."""

    def fetch(self, url: str, headers: dict | None = None):
        log.warning("refused to fetch %.200s while rendering a PDF form", url)
        raise URLRefused(f"fetching is disabled for PDF forms: {url[:200]}")


def clip(text: str, limit: int) -> str:
    """`text` on one line (blank lines could push the form onto a second page),
    cut to `limit` characters, the last two being "……"."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 2].rstrip() + "……"


def write_recommendation_pdf(target: str | PathLike[str] | BinaryIO, *, contest_title: str, issuer: str,
                             forms: Sequence[RecommendationForm], formula: str,
                             render: Callable[..., str]) -> int:
    """Write the forms to `target` (a path or a binary file) as a PDF; return its page count.

    `render(template_name, **context)` renders the Jinja template (the app's
    `render_template`: this module does not reach for the app itself)."""
    html = render(
        TEMPLATE,
        contest_title=contest_title,
        issuer=issuer,
        formula=formula,
        forms=[(form, clip(form.summary, SUMMARY_LIMIT), clip(form.reason, REASON_LIMIT),
                clip(form.deeds, DEEDS_LIMIT)) for form in forms],
    )
    fetcher = RefusingFetcher()
    css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(stylesheets=[css])
    document.write_pdf(target)
    return len(document.pages)
