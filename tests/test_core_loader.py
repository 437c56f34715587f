"""Rule files are data: strict decoding, and every error names file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.engine import Checker
from app.core.loader import apply_overrides, load_file, load_layers, load_text
from app.core.models import RuleOverride

GOOD_RULE = """\
  - id: t.vague
    kind: existence
    dimension: specific
    message: "'{match}' is vague"
    terms: [ensure]
    examples: {flag: ["Ensure it."], pass: ["Adopt it."]}
"""


def _errors(text: str) -> list[str]:
    return [str(e) for e in load_text(text, Path("pack.yaml")).errors]


def test_a_good_pack_loads() -> None:
    loaded = load_text("pack: t\nrules:\n" + GOOD_RULE)
    assert loaded.errors == []
    assert [r.id for r in loaded.rules] == ["t.vague"]


def test_unknown_key_names_file_line_and_key() -> None:
    text = "pack: t\nrules:\n" + GOOD_RULE + "    colour: red\n"
    assert _errors(text) == [
        "pack.yaml:9: colour: unknown key (allowed: dimension, enabled, examples, explanation, "
        "id, kind, link, message, outside_quotes, patterns, severity, terms)"
    ]


def test_unknown_top_level_key_and_kind() -> None:
    text = "pack: t\nrulez: []\nrules:\n  - id: t.x\n    kind: spelling\n"
    errors = _errors(text)
    assert errors[0] == "pack.yaml:2: rulez: unknown key (allowed: macros, overrides, pack, rules)"
    assert errors[1].startswith("pack.yaml:5: kind: unknown rule kind 'spelling'")


def test_missing_key_and_bad_value_are_located() -> None:
    text = (
        "pack: t\nrules:\n  - id: t.x\n    kind: existence\n    dimension: specific\n"
        "    severity: fatal\n    terms: [a]\n    examples: {flag: [a], pass: [b]}\n"
    )
    errors = _errors(text)
    assert "pack.yaml:3: message: required key is missing" in errors
    assert any(e.startswith("pack.yaml:6: severity:") for e in errors)


def test_bad_regex_and_unknown_macro() -> None:
    text = (
        "pack: t\nrules:\n  - id: t.x\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    patterns: ['ok', '(unclosed']\n    examples: {flag: [a], pass: [b]}\n"
        "  - id: t.y\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    patterns: ['by {yaer}']\n    examples: {flag: [a], pass: [b]}\n"
    )
    errors = _errors(text)
    assert errors[0].startswith("pack.yaml:7: patterns: invalid regular expression")
    assert errors[1].startswith("pack.yaml:13: patterns: unknown macro {yaer}")


def test_catastrophic_pattern_is_rejected_at_load() -> None:
    text = (
        "pack: t\nrules:\n  - id: t.x\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    patterns: ['(a|aa)+$']\n    examples: {flag: [a], pass: [b]}\n"
    )
    errors = _errors(text)
    assert len(errors) == 1 and "backtracks catastrophically" in errors[0]


def test_hostile_yaml_is_refused() -> None:
    assert "tag" in _errors("pack: !!python/object/apply:os.system ['echo hi']\n")[0]
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    assert "anchors and aliases" in _errors(bomb)[0]
    assert _errors("pack: t\npack: u\n") == ["pack.yaml:2: pack: duplicate key"]
    assert _errors("pack: [unclosed\n")[0].startswith("pack.yaml:2: invalid YAML")


def test_broken_file_does_not_stop_other_packs(tmp_path: Path) -> None:
    good = tmp_path / "a.yaml"
    good.write_text("pack: t\nrules:\n" + GOOD_RULE, encoding="utf-8")
    bad = tmp_path / "b.yaml"
    bad.write_text("pack: [", encoding="utf-8")
    loaded = load_layers([[good, bad]])
    assert [r.id for r in loaded.rules] == ["t.vague"]
    assert len(loaded.errors) == 1 and str(loaded.errors[0]).startswith(str(bad))


def test_duplicate_ids_in_a_layer_error_but_later_layers_override(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text("pack: t\nrules:\n" + GOOD_RULE, encoding="utf-8")
    second = tmp_path / "b.yaml"
    second.write_text(
        "pack: u\nrules:\n" + GOOD_RULE.replace("[ensure]", "[guarantee]"), encoding="utf-8"
    )
    same_layer = load_layers([[first, second]])
    assert "duplicate rule id 't.vague'" in str(same_layer.errors[0])
    layered = load_layers([[first], [second]])
    assert layered.errors == []
    assert layered.rules[0].terms == ["guarantee"]


def test_overrides_disable_change_severity_and_add_terms() -> None:
    loaded = load_text("pack: t\nrules:\n" + GOOD_RULE)
    errors: list = []
    rules = apply_overrides(
        loaded.rules,
        [
            (
                RuleOverride(rule_id="t.vague", severity="error", add_terms=["guarantee"]),
                None,
                None,
            ),
            (RuleOverride(rule_id="t.nope", enabled=False), Path("p.yaml"), 4),
        ],
        errors,
    )
    assert [str(e) for e in errors] == ["p.yaml:4: rule_id: no rule with id 't.nope'"]
    checker = Checker(rules)
    found = checker.check("Guarantee and ensure it.").findings
    assert [(f.matched, f.severity) for f in found] == [("Guarantee", "error"), ("ensure", "error")]
    off = apply_overrides(rules, [(RuleOverride(rule_id="t.vague", enabled=False), None, None)], [])
    assert Checker(off).check("Ensure it.").findings == ()


def test_override_entries_in_a_file(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text("overrides:\n  - rule_id: t.vague\n    enabled: false\n", encoding="utf-8")
    loaded = load_file(user)
    assert loaded.errors == [] and loaded.overrides[0][2] == 2


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_files_are_fine(text: str) -> None:
    assert load_text(text).errors == []


def test_runaway_pattern_that_passes_the_probe_is_cut_off_at_run_time(tmp_path: Path) -> None:
    """`(bcd|bcdbcd)+$` (a three-letter unit) slips past the load-time probes; the per-search
    timeout must still end it."""
    from app.core.engine import load_checker

    rules = tmp_path / "runaway.yaml"
    rules.write_text(
        "pack: t\nrules:\n  - id: t.runaway\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    patterns: ['(bcd|bcdbcd)+$']\n"
        "    examples: {flag: [bcd], pass: [a]}\n",
        encoding="utf-8",
    )
    checker = load_checker(extra_dirs=[rules], user_rules=False)
    assert checker.load_errors == []
    runaway = next(r for r in checker.rules if r.id == "t.runaway")
    assert runaway._timeout is not None
    assert all(r._timeout is None for r in checker.rules if r.id != "t.runaway")
    result = checker.check("bcd" * 80 + "!")  # 2^80 paths without the timeout
    assert "t.runaway" not in {f.rule_id for f in result.findings}
    assert "t.runaway" in {f.rule_id for f in checker.check("bcdbcd").findings}
