"""Labels are pure: marked for the catalog, translated when shown."""
import pytest

from contest import labels
from contest.labels import PHASE_LABELS

pytestmark = pytest.mark.pure   # no app, database or Redis: see tests/conftest.py


def test_a_label_is_its_message_until_a_gettext_is_installed_then_follows_it():
    installed = labels.install_gettext(str)
    try:
        assert str(PHASE_LABELS["voting"]) == "Public vote"
        labels.install_gettext(lambda msgid: {"Public vote": "网络投票"}.get(msgid, msgid))
        assert str(PHASE_LABELS["voting"]) == "网络投票"
        assert PHASE_LABELS["voting"].__html__() == "网络投票"
        assert PHASE_LABELS["voting"] == "网络投票"
    finally:
        labels.install_gettext(installed)   # the app's, for the tests after this one


def test_every_code_has_a_label():
    assert set(labels.PHASE_LABELS) == {"upcoming", "collecting", "screening", "voting", "judging",
                                        "reviewing", "publicity", "published", "showcase"}
    assert set(labels.ENTRY_STATUS_LABELS) == set(labels.ENTRY_STATUS_NEXT)


def test_numbers_read_without_a_trailing_point_zero():
    assert [labels.number_text(v) for v in (30.0, 1.0, 7.5, 86.333, 99.999, 0.0, -0.001)] == [
        "30", "1", "7.5", "86.33", "100", "0", "0"]
    assert labels.number_text(None) == "" and labels.number_text(86.5, 0) == "86"
