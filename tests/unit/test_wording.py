"""The Chinese an office reads: one term for each thing, Chinese punctuation and units."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
HAN = r"[\u4e00-\u9fff]"


def _strings():
    with PO.open("rb") as fh:
        return [(m.id, m.string) for m in read_po(fh) if m.id and m.string]


def test_a_category_is_a_zubie_and_a_refusal_is_buyu_tongguo():
    for msgid, text in _strings():
        assert "类别" not in text, msgid
        assert "不符合要求" not in text, msgid
    strings = dict(_strings())
    assert strings["Entry category"] == "组别"
    assert strings["Not eligible"] == "不予通过"


def test_chinese_strings_use_full_width_colons():
    for msgid, text in _strings():
        assert not re.search(HAN + r"\s*:|:\s*" + HAN, text), msgid


def test_no_latin_units_in_chinese_strings():
    for msgid, text in _strings():
        if re.search(HAN, text):
            assert not re.search(r"\d\s*(s|min|sec)\b", text), msgid


@pytest.mark.parametrize("path", ["templates/organiser/contests/contest.html", "templates/entrant/_assets.html",
                                  "templates/organiser/screening/screening_entry.html"])
def test_templates_do_not_print_bare_second_units(path):
    assert not re.search(r"}}\s*s\b", (ROOT / path).read_text(encoding="utf-8"))
