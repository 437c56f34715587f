"""Literal prefilters for rule patterns: skip a regex when its required words are absent.

Most drafts contain none of the words a given pattern needs ("reservation", "ratif", "publish"),
yet the regex engine still tries the pattern at every position. `required_literals` reads a
pattern's syntax tree and returns a few literal strings of which at least one must occur in the
text for the pattern to match anywhere. The engine looks for every rule's literals once per
draft (`LiteralScreen`), so each pattern is then decided by one set operation, however many rules
share a literal. The analysis is conservative: whatever it cannot prove (classes,
optional parts, negative look-arounds, syntax Python's parser does not know) imposes no
requirement, so a prefilter never hides a match.
"""

from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_p
from collections.abc import Iterable
from typing import cast

import ahocorasick
import regex

#: `regex`-only syntax rewritten into something Python's parser reads with the same literal
#: structure: a property class becomes a word class (never a literal).
_PROPERTY = regex.compile(r"\\[pP]\{[^}]*\}")

#: The only non-ASCII characters that IGNORECASE matches to an ASCII letter and that `lower()`
#: does not turn into it (the Kelvin sign lowers to "k" already).
_FOLDS = str.maketrans({"\u0130": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """The text as the prefilter compares it: lowered, with the odd Unicode case partners of
    ASCII letters replaced, so a case-insensitive pattern's literal is a plain substring."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDS).lower()


def required_literals(source: str) -> frozenset[str] | None:
    """Lower-case ASCII strings, one of which every text the pattern matches contains; None
    when no such set can be shown."""
    try:
        tree = sre_p.parse(_PROPERTY.sub(r"\\w", source))
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    return _sequence(tree) or None


def _sequence(items: Iterable[tuple[object, object]]) -> frozenset[str] | None:
    """Every match of a concatenation contains all its parts' requirements; keep the most
    selective one (the longest shortest string)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        literal = "".join(run).lower()
        if literal and literal.isascii():
            candidates.append(frozenset({literal}))
        run.clear()

    for op, av in items:
        if op is sre_c.LITERAL:
            run.append(chr(cast(int, av)))
            continue
        if op is sre_c.AT:  # \b, ^, $: zero-width, the literal run goes on
            continue
        flush()
        sub = _node(op, av)
        if sub:
            candidates.append(sub)
    flush()
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _items(value: object) -> Iterable[tuple[object, object]]:
    """A parsed sub-pattern (the parser's trees are untyped)."""
    return cast("Iterable[tuple[object, object]]", value)


def _node(op: object, av: object) -> frozenset[str] | None:
    parts = cast("tuple[object, ...]", av)
    if op is sre_c.SUBPATTERN:
        return _sequence(_items(parts[-1]))
    if op is sre_c.ATOMIC_GROUP:
        return _sequence(_items(av))
    if op is sre_c.ASSERT:  # a positive look-around still needs its text in the draft
        return _sequence(_items(parts[1]))
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for branch in cast("list[object]", parts[1]):
            sub = _sequence(_items(branch))
            if not sub:
                return None
            union |= sub
        return frozenset(union)
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
        low = cast(int, parts[0])
        return _sequence(_items(parts[2])) if low >= 1 else None
    return None


class LiteralScreen:
    """Finds which of many literals occur in a text, in one pass over it (Aho–Corasick).

    Testing each of the ~300 literals of the built-in rules with `in` cost ~30 µs a draft,
    a tenth of a whole check; the automaton finds them all in ~3 µs."""

    def __init__(self, literals: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for literal in sorted(set(literals)):
            self._automaton.add_word(literal, literal)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def present(self, folded: str) -> frozenset[str]:
        """The literals that occur in `folded` (a text as `fold` returns it)."""
        if self._empty:
            return frozenset()
        return frozenset([literal for _end, literal in self._automaton.iter(folded)])


def may_match(required: frozenset[str] | None, found: frozenset[str] | None) -> bool:
    """False only when the pattern cannot match: none of its required literals was found.

    `found` must come from a `LiteralScreen` whose literals include `required`; None
    (nothing screened) lets every pattern run."""
    return required is None or found is None or not required.isdisjoint(found)
