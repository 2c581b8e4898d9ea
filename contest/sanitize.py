"""The one HTML sanitiser. User HTML is cleaned once, when it is written.

nh3 (Rust's ammonia) replaces bleach, which is no longer maintained."""
from __future__ import annotations

import html as htmllib
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "h2", "h3", "h4", "ol", "ul", "li", "a", "span", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "li": {"data-list"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean_html(html: str | None) -> str:
    if not html:
        return ""
    # Quill 2 writes every space as &nbsp;, which would stop lines wrapping.
    html = html.replace("&nbsp;", " ").replace("\u00a0", " ")
    # Broken nesting (<p><button></p>) can clean to markup that parses anew
    # differently; clean until it is stable, so cleaning twice changes nothing.
    for _ in range(3):
        cleaned = _clean_once(html)
        if cleaned == html:
            break
        html = cleaned
    return cleaned


def _clean_once(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        # "*": nothing on every tag (ammonia would otherwise allow lang and title everywhere).
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        url_schemes=ALLOWED_SCHEMES,
        url_relative="deny",  # a story links out with a full address or not at all
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(html: str | None) -> str:
    """Visible text of sanitised HTML (for counting and summaries)."""
    text = _TAG.sub(" ", html or "")
    return _SPACE.sub(" ", htmllib.unescape(text)).strip()
