"""Every action code the code base records has a name in the audit log."""
from __future__ import annotations

import ast
from pathlib import Path

from contest.labels import AUDIT_ACTION_LABELS
from contest.models.voting import FLAG_STATES
from contest.services.screening import DECISIONS

SOURCE = Path(__file__).resolve().parents[2] / "contest"
# The codes made with an f-string, and every value their placeholder takes.
DYNAMIC = {
    "entry.screen.": set(DECISIONS),
    "results.objection_": {"upheld", "dismissed"},
    "votes.flag_": set(FLAG_STATES) - {"open"},
    "export.": {"recommended", "ledger"},
}


def _codes(node: ast.expr) -> tuple[set[str], set[str]]:
    """(literal codes, f-string prefixes) an action argument can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, set()
    if isinstance(node, ast.IfExp):
        a, b = _codes(node.body), _codes(node.orelse)
        return a[0] | b[0], a[1] | b[1]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return set(), {node.values[0].value}
    raise AssertionError(f"an audit action that is not a literal: {ast.unparse(node)}")


def emitted() -> tuple[set[str], set[str]]:
    literal, prefixes = set(), set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "record" and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == "audit":
                action = node.args[1] if len(node.args) > 1 else next(k.value for k in node.keywords
                                                                       if k.arg == "action")
                found = _codes(action)
                literal |= found[0]
                prefixes |= found[1]
    return literal, prefixes


def test_the_scan_finds_the_codes_it_should():
    literal, prefixes = emitted()
    assert {"role.grant", "unit.create", "audit.view", "account.setup"} <= literal
    assert "entry.screen." in prefixes
    assert len(literal) > 40


def test_every_recorded_action_has_a_label():
    literal, prefixes = emitted()
    unknown = sorted(prefixes - DYNAMIC.keys())
    assert not unknown, f"an f-string audit code: list its values in DYNAMIC here: {unknown}"
    codes = literal | {prefix + value for prefix in prefixes for value in DYNAMIC[prefix]}
    missing = sorted(codes - AUDIT_ACTION_LABELS.keys())
    assert not missing, f"audit codes without a name: add them to AUDIT_ACTION_LABELS in contest/labels.py: {missing}"
