
import pytest

from contest.sanitize import clean_html, plain_text
from tests.html_elements import assert_only_allowed


@pytest.mark.parametrize("hostile, forbidden", [
    ("<p>hi<script>alert(1)</script></p>", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<p style="background:url(x)">x</p>', "style="),
    ("<iframe src='https://evil.example'></iframe>", "<iframe"),
    ("<svg><animate onbegin=alert(1)></svg>", "onbegin"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ("<!-- <script>x</script> -->", "<!--"),
    ('<form action="/account/logout"><button>x</button></form>', "<form"),
])
def test_hostile_markup_is_removed(hostile, forbidden):
    assert forbidden not in clean_html(hostile).lower()


def test_formatting_is_kept_and_links_are_made_safe():
    out = clean_html('<h2>标题</h2><p><strong>好</strong>网民</p><ol><li>一</li></ol>'
                     '<a href="https://example.cn/x">链接</a>')
    assert "<h2>标题</h2>" in out and "<strong>好</strong>" in out and "<li>一</li>" in out
    assert 'rel="noopener noreferrer nofollow"' in out


def test_plain_text_counts_characters_not_markup():
    assert plain_text("<p>争做<strong>中国</strong>好网民</p>") == "争做 中国 好网民"
    assert clean_html(None) == "" and plain_text(None) == ""


# --- properties -------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py

TAGS = ["p", "strong", "em", "a", "script", "img", "svg", "style", "iframe", "ol", "li", "span", "form",
        "button", "h2", "blockquote", "math", "template", "noscript", "textarea"]
ATTRS = ["href", "src", "onerror", "onclick", "style", "formaction", "data-list", "title", "class"]
VALUES = ["javascript:alert(1)", "java\tscript:alert(1)", "&#106;avascript:alert(1)", "data:text/html,x",
          "https://example.cn/", "url(javascript:x)", "x", '"><script>alert(1)</script>']


@st.composite
def markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "tag", "raw"]))
        if kind == "text":
            parts.append(draw(st.text(alphabet="好网民<>&\"' ab/=;", max_size=12)))
        elif kind == "raw":
            parts.append(draw(st.sampled_from(["<!--x-->", "<![CDATA[x]]>", "</p>", "<p", "&amp;", "&#x3c;"])))
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(f' {draw(st.sampled_from(ATTRS))}="{draw(st.sampled_from(VALUES))}"'
                            for _ in range(draw(st.integers(0, 2))))
            inner = draw(markup(depth + 1)) if depth < 2 else ""
            parts.append(f"<{tag}{attrs}>{inner}</{tag}>")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(markup())
def test_sanitising_twice_changes_nothing(html):
    once = clean_html(html)
    assert clean_html(once) == once


@settings(max_examples=300, deadline=None)
@given(markup())
def test_only_allowed_elements_and_safe_links_survive(html):
    assert_only_allowed(clean_html(html))
