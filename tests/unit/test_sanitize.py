import pytest

from contest.sanitize import clean_html, plain_text


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
