"""Rule files that try to hang, exhaust or crash the loader are reported and skipped."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.core.engine import load_checker
from app.core.loader import load_file, load_text
from app.core.patterns import PatternError, compile_pattern

RULE = (
    "pack: hostile\nrules:\n  - id: hostile.{id}\n    kind: {kind}\n    dimension: specific\n"
    "    message: m\n    {key}: {value}\n    examples: {{flag: [{flag}], pass: [plain words]}}\n"
)


def errors_of(text: str) -> list[str]:
    return [str(e) for e in load_text(text, Path("hostile.yaml")).errors]


@pytest.mark.parametrize("depth", [1_000, 50_000])
def test_deep_nesting_is_an_error_not_a_recursion(depth: int) -> None:
    errors = errors_of("pack: x\nrules: " + "[" * depth + "]" * depth + "\n")
    # Our own limit (40), or libyaml's when the C loader refuses first: one clear line either way.
    assert errors in (["hostile.yaml:2: lists and mappings nest more than 40 levels deep"],
                      ["hostile.yaml:2: invalid YAML: exceeded maximum nesting depth"])


def test_nesting_just_past_our_limit_is_refused() -> None:
    errors = errors_of("pack: x\nrules: " + "[" * 41 + "]" * 41 + "\n")
    assert errors == ["hostile.yaml:2: lists and mappings nest more than 40 levels deep"]


def test_deep_user_file_does_not_take_builtins_down(tmp_path: Path) -> None:
    bad = tmp_path / "deep.yaml"
    bad.write_text("pack: x\nrules: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    checker = load_checker(extra_dirs=[bad], user_rules=False)
    assert len(checker.rules) > 50  # the built-in packs are all there
    assert any("nest" in str(e) for e in checker.load_errors)


def test_dev_zero_and_fifo_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        if not path.exists():
            continue
        errors = [str(e) for e in load_file(path).errors]
        assert errors == [f"{path}: cannot read file: not a regular file (a pipe or device?)"]


def test_size_is_measured_while_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * 2_100_000 + b"\n")
    assert [str(e) for e in load_file(big).errors] == [
        f"{big}: cannot read file: larger than the 2 MB limit"
    ]


def test_macro_expansion_is_bounded() -> None:
    macros = {"a": "{b}" * 200, "b": "{c}" * 200, "c": "xyz" * 100}
    started = time.monotonic()
    with pytest.raises(PatternError, match="expand to more than 50,000 characters"):
        compile_pattern("{a}", macros)
    assert time.monotonic() - started < 5  # before the change this took gigabytes


def test_self_referencing_macro_is_refused() -> None:
    with pytest.raises(PatternError, match="nest more than 5 levels"):
        compile_pattern("{a}", {"a": "x{a}"})


def test_nested_counted_repeats_are_refused_before_compiling() -> None:
    with pytest.raises(PatternError, match="counted repeats nest"):
        compile_pattern("(?:(?:(?:a{100}){100}){100})", {})


@pytest.mark.parametrize("pattern", ["(?:q|qq)+z", "(?:k|kk)+$", "(?:zx|zxzx)+y"])
def test_backtracking_on_the_patterns_own_letters_is_caught(pattern: str) -> None:
    with pytest.raises(PatternError, match="backtracks catastrophically"):
        compile_pattern(pattern, {})


def test_a_stalled_probe_on_a_busy_machine_does_not_reject_a_harmless_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The probe limit is wall-clock time: a busy machine must not cost a built-in rule."""
    import app.core.patterns as patterns

    monkeypatch.setattr(patterns, "_PROBE_TIMEOUT_S", 1e-9)  # every first try "stalls"
    assert compile_pattern(r"\bensure\s+that\s+no\s+\w+\s+(?:is|are)\b", {}).search(
        "ensure that no one is left"
    )
    with pytest.raises(PatternError, match="backtracks catastrophically"):
        compile_pattern("(?:q|qq)+z", {})


def test_conditional_rule_matching_the_empty_string_is_refused() -> None:
    text = RULE.format(id="empty", kind="conditional", key="match", value="'[a-z]*'",
                       flag="ICCPR")
    errors = errors_of(text)
    assert len(errors) == 1
    assert "matches the empty string" in errors[0]
    assert errors[0].startswith("hostile.yaml:7: match:")
