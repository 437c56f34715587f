"""The built-in packs load cleanly and every rule's examples hold (the proselint meta-test)."""

from __future__ import annotations

import pytest

from app.core.engine import Checker, load_checker


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


def test_builtin_packs_load_without_errors(checker: Checker) -> None:
    assert [str(e) for e in checker.load_errors] == []
    assert len(checker.rules) >= 20


def test_every_rule_has_flag_and_pass_examples(checker: Checker) -> None:
    missing = [r.id for r in checker.rules if not (r.examples.flag and r.examples.pass_)]
    assert missing == []


def test_every_rule_example_holds(checker: Checker) -> None:
    failures = [str(f) for f in checker.run_examples()]
    assert failures == []


def test_meta_test_catches_a_rule_without_examples() -> None:
    from app.core.loader import load_text

    loaded = load_text(
        "pack: t\nrules:\n  - id: t.x\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    terms: [ensure]\n    examples: {flag: [Ensure it.]}\n"
    )
    failures = Checker(loaded.rules).run_examples()
    assert [f.expectation for f in failures] == ["pass"]
    assert "missing" in failures[0].detail


def test_meta_test_catches_a_wrong_example() -> None:
    from app.core.loader import load_text

    loaded = load_text(
        "pack: t\nrules:\n  - id: t.x\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    terms: [ensure]\n"
        "    examples: {flag: [Adopt it.], pass: [Ensure it.]}\n"
    )
    failures = Checker(loaded.rules).run_examples()
    assert sorted(f.expectation for f in failures) == ["flag", "pass"]
