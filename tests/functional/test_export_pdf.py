"""The printed 推荐表: one A4 page per entry, Chinese drawn with a CJK font,
user text printed as text, nothing ever fetched."""
from __future__ import annotations

import io
import socket

import pytest
from flask import render_template
from pypdf import PdfReader
from weasyprint import HTML

from contest.exports import pdf
from contest.exports.pdf import RecommendationForm, write_recommendation_pdf

FORMULA = "最终得分 = 初评平均分 × 40% + 终评平均分 × 60%；同分时比较终评得分。"


def form(serial: int = 1, **changes) -> RecommendationForm:
    values = dict(
        serial=serial, number=f"HWM2025-{serial:04d}", category="网络文章", title=f"清朗网络第{serial}篇",
        authors="张三、李四", unit="香洲区委网信办", district="香洲区",
        summary="讲述社区网格员在网上传播正能量的故事。", rounds=(("初评", 86.333), ("终评", None)),
        vote_score=12.0, final_score=88.456, award="一等奖", reason=f"第{serial}号作品弘扬网络正能量",
    )
    values.update(changes)
    return RecommendationForm(**values)


def render(forms, target=None) -> tuple[int, PdfReader]:
    buffer = io.BytesIO()
    pages = write_recommendation_pdf(target or buffer, contest_title="2025年“好网民”评选", issuer="市委网信办",
                                     forms=forms, formula=FORMULA, render=render_template)
    reader = PdfReader(target or io.BytesIO(buffer.getvalue()))
    assert pages == len(reader.pages)
    return pages, reader


def font_names(page) -> set[str]:
    """The base names of the page's fonts and of their descendant (CID) fonts."""
    names = set()
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        names.add(str(font["/BaseFont"]))
        for descendant in font.get("/DescendantFonts", []):
            names.add(str(descendant.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def fetches(monkeypatch):
    """Every URL the PDF renderer asks for, and whether the fetcher refused it;
    any attempt to open a socket fails the test outright."""
    calls: list[tuple[str, bool]] = []
    refuse = pdf.RefusingFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = refuse(self, url, headers)
        except pdf.URLRefused:
            calls.append((url, True))
            raise
        calls.append((url, False))
        return response

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer opened a connection")

    monkeypatch.setattr(pdf.RefusingFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    return calls


def test_one_page_per_form_with_every_section_in_a_cjk_font(app, tmp_path):
    target = tmp_path / "推荐表.pdf"
    pages, reader = render([form(1), form(2, title="争做好网民")], target=target)
    assert pages == 2
    first, second = (page.extract_text() for page in reader.pages)
    for text in ("2025年“好网民”评选 推荐表", "清朗网络第1篇", "HWM2025-0001", "第1号作品弘扬网络正能量",
                 "初评：86.33", "终评：—", "网络投票得分：12.00", "最终得分：88.46", "一等奖",
                 "推荐单位意见", "盖章", "填报单位：市委网信办", FORMULA, "第 1 页 共 2 页"):
        assert text in first, text
    assert "争做好网民" in second and "第 2 页 共 2 页" in second
    assert "清朗网络第1篇" not in second and "HWM2025-0001" not in second
    for page in reader.pages:
        names = font_names(page)
        assert any("WenQuanYi" in name or "NotoSansCJK" in name for name in names), names


def test_hostile_text_prints_as_text_and_nothing_is_fetched(app, fetches):
    hostile = form(title="<b>加粗</b>标题",
                   summary='<script>alert(1)</script><img src="http://127.0.0.1:9/x.png">',
                   reason='<link rel="stylesheet" href="file:///etc/passwd">')
    _, reader = render([hostile])
    text = reader.pages[0].extract_text()
    assert "<b>加粗</b>标题" in text
    assert "<script>alert(1)</script>" in text and "127.0.0.1:9/x.png" in text
    assert "file:///etc/passwd" in text
    assert fetches == []


def test_the_fetcher_refuses_every_url(app, fetches):
    # Defence in depth: even markup that escaped Jinja would load nothing.
    html = ('<link rel="stylesheet" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
    HTML(string=html, base_url=None, url_fetcher=pdf.RefusingFetcher()).write_pdf(io.BytesIO())
    assert sorted(url for url, _ in fetches) == [
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=", "file:///etc/passwd", "http://127.0.0.1:9/x.png"]
    assert all(refused for _, refused in fetches)


def test_no_forms_gives_one_page_saying_so(app):
    pages, reader = render([])
    assert pages == 1
    text = reader.pages[0].extract_text()
    assert "暂无推荐作品" in text and "第 1 页 共 1 页" in text


def test_long_summaries_are_cut_to_keep_one_page_per_form(app):
    long = "网" * 2990 + "结尾十个字不应出现"
    pages, reader = render([form(1, summary=long, reason="荐" * 3000), form(2, summary=long)])
    assert pages == 2
    first = reader.pages[0].extract_text()
    assert "……" in first and "结尾十个字" not in first
    assert "推荐单位意见" in first and "第 1 页 共 2 页" in first
    assert "清朗网络第2篇" in reader.pages[1].extract_text()


def test_rendering_pdfs_leaves_pillows_truncated_image_check_on():
    # WeasyPrint turns LOAD_TRUNCATED_IMAGES on when imported; uploads in the same worker rely on it being off.
    from PIL import ImageFile

    import contest.exports.pdf  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
