"""One index of every literal term in every rule, matched in a single pass over the tokens.

Literal terms are by far the most common rule content; matching them token by token through a
dict keyed on the first word keeps a full check far below a millisecond however many rules load.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from app.core.document import _TOKEN, Document
from app.core.prefilter import LiteralScreen


class TermHit(NamedTuple):
    start: int
    end: int
    term: str
    payload: object


def split_term(term: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in _TOKEN.finditer(term))


class TermIndex:
    def __init__(self) -> None:
        # first word -> [(word count, remaining words, term, owner, payload)]
        self._by_first: dict[str, list[tuple[int, tuple[str, ...], str, object, object]]] = {}
        #: Every literal some rule pattern requires (`app.core.prefilter`): looked for once
        #: per draft for all patterns together.
        self._pattern_literals: set[str] = set()

    def add_pattern_literals(self, literals: Iterable[str]) -> None:
        self._pattern_literals.update(literals)

    def screen(self) -> LiteralScreen:
        """A screen for every pattern literal added so far."""
        return LiteralScreen(self._pattern_literals)

    def add(self, term: str, owner: object, payload: object = None) -> bool:
        """Register `term` for `owner`; returns False for a term with no words in it."""
        words = split_term(term)
        if not words:
            return False
        self._by_first.setdefault(words[0], []).append(
            (len(words), words[1:], term, owner, payload)
        )
        return True

    def scan(self, doc: Document) -> dict[object, list[TermHit]]:
        """All hits, grouped by owner; overlapping hits of the same owner keep the longest."""
        hits: dict[object, list[TermHit]] = {}
        lowers = doc.lowers
        tokens = doc.tokens
        count = len(lowers)
        get = self._by_first.get
        make = tuple.__new__
        for i, word in enumerate(lowers):
            entries = get(word)
            if entries is None:
                continue
            for n, rest, term, owner, payload in entries:
                if n > 1 and (
                    i + n > count
                    or lowers[i + 1] != rest[0]
                    or tuple(lowers[i + 1 : i + n]) != rest
                ):
                    continue
                start = tokens[i].start
                end = tokens[i + n - 1].end
                owned = hits.get(owner)
                if owned is None:
                    hits[owner] = [make(TermHit, (start, end, term, payload))]
                    continue
                last = owned[-1]
                if last.end > start:
                    if end - start > last.end - last.start:
                        owned[-1] = make(TermHit, (start, end, term, payload))
                    continue
                owned.append(make(TermHit, (start, end, term, payload)))
        return hits
