"""Literal prefilters for rule patterns: skip a regex when its required words are absent.

Most drafts contain none of the words a given pattern needs ("reservation", "ratif", "publish"),
yet the regex engine still tries the pattern at every position. `required_literals` reads a
pattern's syntax tree and returns a few literal strings of which at least one must occur in the
text for the pattern to match anywhere; a substring test on the lowered text then decides most
drafts in microseconds. The analysis is conservative: whatever it cannot prove (classes,
optional parts, negative look-arounds, syntax Python's parser does not know) imposes no
requirement, so a prefilter never hides a match.
"""

from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_p
from collections.abc import Iterable
from typing import cast

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


def required_literals(source: str) -> tuple[str, ...] | None:
    """Lower-case ASCII strings, one of which every text the pattern matches contains; None
    when no such set can be shown."""
    try:
        tree = sre_p.parse(_PROPERTY.sub(r"\\w", source))
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    found = _sequence(tree)
    return tuple(sorted(found)) if found else None


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


def may_match(required: tuple[str, ...] | None, folded: str) -> bool:
    """False only when the pattern cannot match `folded`'s text."""
    if required is None:
        return True
    return any(literal in folded for literal in required)
