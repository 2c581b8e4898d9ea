"""The Chinese catalog is complete and sits where Babel looks for it."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def test_every_message_in_the_code_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    translated = {m.id for m in _catalog() if m.id and m.string}
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated (run `make translations`, then translate): {missing}"


def test_placeholders_survive_translation():
    for message in _catalog():
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_catalog_uses_the_locale_babel_actually_loads():
    # Babel parses zh_CN as zh_Hans_CN: a zh_CN folder would be ignored silently.
    assert PO.exists()
    assert not (ROOT / "translations" / "zh_CN").exists()
