"""One index of every literal term in every rule, matched in a single pass over the tokens.

Literal terms are by far the most common rule content; matching them token by token through a
dict keyed on the first word keeps a full check far below a millisecond however many rules load.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from app.core.document import _TOKEN, Document


class TermHit(NamedTuple):
    start: int
    end: int
    term: str
    payload: object


def split_term(term: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in _TOKEN.finditer(term))


class TermIndex:
    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, object, object]]] = defaultdict(
            list
        )

    def add(self, term: str, owner: object, payload: object = None) -> bool:
        """Register `term` for `owner`; returns False for a term with no words in it."""
        words = split_term(term)
        if not words:
            return False
        self._by_first[words[0]].append((words, term, owner, payload))
        return True

    def scan(self, doc: Document) -> dict[object, list[TermHit]]:
        """All hits, grouped by owner; overlapping hits of the same owner keep the longest."""
        hits: dict[object, list[TermHit]] = defaultdict(list)
        lowers = doc.lowers
        tokens = doc.tokens
        count = len(lowers)
        by_first = self._by_first
        for i, word in enumerate(lowers):
            entries = by_first.get(word)
            if not entries:
                continue
            for words, term, owner, payload in entries:
                n = len(words)
                if n == 1 or (i + n <= count and tuple(lowers[i : i + n]) == words):
                    hit = TermHit(tokens[i].start, tokens[i + n - 1].end, term, payload)
                    owned = hits[owner]
                    if owned and owned[-1].end > hit.start:
                        if hit.end - hit.start > owned[-1].end - owned[-1].start:
                            owned[-1] = hit
                        continue
                    owned.append(hit)
        return hits
