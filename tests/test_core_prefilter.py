"""Literal prefilters skip a pattern only when it cannot match: never a lost match."""

from __future__ import annotations

import regex

from app.core import patterns as pat
from app.core.document import Document
from app.core.engine import Checker, load_checker
from app.core.kinds.base import TextMatch, unmark
from app.core.loader import load_text
from app.core.models import CheckContext
from app.core.prefilter import LiteralScreen, fold, may_match, required_literals


def test_required_words_of_a_concatenation_and_an_alternation() -> None:
    assert required_literals(r"\bwithdraw\p{L}*\s+reservations?\b") == {"reservation"}
    assert required_literals(r"\b(?:ratify|accede)\s+to\b") == {"accede", "ratify"}


def test_optional_parts_and_negative_lookarounds_require_nothing() -> None:
    assert required_literals(r"(?:the\s+)?\d+") is None
    assert required_literals(r"(?<!not\s)\d+") is None
    assert required_literals(r"(?:ratify|\d+)") is None  # one branch needs no word


def test_syntax_python_cannot_read_requires_nothing() -> None:
    assert required_literals(r"(?<name>a)(?&name)") is None


def test_case_partners_of_ascii_letters_are_folded() -> None:
    """IGNORECASE matches the long s and the dotted capital I to ASCII letters."""
    source = r"reservations?"
    compiled = pat.compile_pattern(source, {})
    for text in ("Lift the reſervations.", "Lift the RESERVATİONS.", "Lift the \u212aeys."):
        required = required_literals(source)
        assert required is not None
        found = LiteralScreen(required).present(fold(text))
        assert compiled.search(text) is None or may_match(required, found)
    screen = LiteralScreen({"reservation"})
    assert not may_match(frozenset({"reservation"}), screen.present("ratify it."))
    assert may_match(frozenset({"reservation"}), None)  # nothing screened: the pattern runs


def test_no_builtin_pattern_matches_where_its_prefilter_says_it_cannot() -> None:
    """Every example sentence of every built-in rule, run against every pattern."""
    checker = load_checker(user_rules=False)
    texts = {
        unmark(example)[0]
        for rule in checker.rules
        for example in (*rule.examples.flag, *rule.examples.pass_)
    }
    texts |= {t.upper() for t in texts}
    checked = 0
    for rule in checker.rules:
        if not isinstance(rule, TextMatch):
            continue
        for compiled in rule._compiled:
            required = required_literals(compiled.pattern)
            for text in texts:
                if any(m.end() > m.start() for m in compiled.finditer(text)):
                    checked += 1
                    found = LiteralScreen(required or ()).present(fold(text))
                    assert may_match(required, found), (rule.id, compiled.pattern, text)
    assert checked > 100


def test_a_rule_with_a_prefilter_still_finds_its_match() -> None:
    loaded = load_text(
        "pack: t\nrules:\n  - id: t.x\n    kind: existence\n    dimension: specific\n"
        "    message: m\n    patterns: ['\\bwithdraw\\p{L}*\\s+reservations?']\n"
        "    examples: {flag: [Withdraw reservations.], pass: [Withdraw troops.]}\n"
    )
    rule = loaded.rules[0]
    assert isinstance(rule, TextMatch)
    assert rule._required == [{"reservation"}]
    assert isinstance(rule._compiled[0], regex.Pattern)
    assert Checker(loaded.rules).run_examples() == []
    result = Checker(loaded.rules).check("Please WITHDRAWING RESERVATIONS now.")
    assert [f.rule_id for f in result.findings if f.rule_id == "t.x"] == ["t.x"]


def test_the_engine_screens_every_active_pattern_literal_once_per_draft() -> None:
    """Each draft is searched for the union of all patterns' literals, so a pattern is skipped
    only when none of its own literals is there."""
    checker = load_checker(user_rules=False)
    wanted = {
        literal
        for rule in checker.rules
        if isinstance(rule, TextMatch) and rule.enabled
        for required in rule._required
        if required is not None
        for literal in required
    }
    assert set(checker._index._pattern_literals) == wanted
    run = checker._run(Document("Withdraw the reservations to CEDAW."), CheckContext())
    assert run.literals is not None
    assert "reservation" in run.literals
    assert run.literals <= wanted
    absent = Document("Ratify the Convention.")
    assert "reservation" not in (checker._run(absent, CheckContext()).literals or ())


def test_the_screen_finds_overlapping_and_nested_literals() -> None:
    """Literals inside others, sharing letters, or repeated: each is found where it occurs."""
    screen = LiteralScreen(["ratif", "ratification", "cation", "tion o", "zzz", "ƒ"])
    assert screen.present("ratification of it") == {"ratif", "ratification", "cation", "tion o"}
    assert screen.present("") == frozenset()
    assert LiteralScreen([]).present("anything") == frozenset()
