"""The acceptance model's counts: how many answered and supported recommendations each
(table, key) has — per State, regional group, category, issue, recommending State and wording."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.acceptance.groups import regional_group
from app.acceptance.history import Recommendation


@dataclass
class Tables:
    """How many answered (`seen`) and supported recommendations each (table, key) has.

    Two flat Counters updated a whole row at a time: the counting runs in C, which is what
    keeps a 40,000-row fit within seconds.
    """

    total: int = 0
    supported: int = 0
    seen: Counter[tuple[str, object]] = field(default_factory=Counter)
    yes: Counter[tuple[str, object]] = field(default_factory=Counter)

    def add_row(self, keys: list[tuple[str, object]], supported: bool) -> None:
        self.total += 1
        self.seen.update(keys)
        if supported:
            self.supported += 1
            self.yes.update(keys)

    def get(self, table: str, key: object) -> tuple[int, int]:
        k = (table, key)
        return self.seen.get(k, 0), self.yes.get(k, 0)

    def prune(self) -> None:
        """Forget words and phrases met only once: alone they cannot move a smoothed rate much,
        and they are most of the keys (memory for a 200,000-row library)."""
        single = [k for k, n in self.seen.items() if n == 1 and k[0].endswith("wording")]
        for k in single:
            del self.seen[k]
            self.yes.pop(k, None)


def row_keys(rec: Recommendation) -> Iterable[tuple[str, object]]:
    """Every (table, key) a recommendation counts towards."""
    s, g, c = rec.state, rec.group, rec.category
    yield "group", g
    yield "state", s
    if c is not None:
        yield "category", c
        yield "group_category", (g, c)
        yield "state_category", (s, c)
    for issue in rec.issues:
        yield "issue", issue
        yield "group_issue", (g, issue)
        yield "state_issue", (s, issue)
    for r in rec.recommenders:
        yield "recommender", r
        yield "recommender_group", (r, g)
        yield "recommender_state", (r, s)
    for t in rec.terms:
        yield "wording", t
        yield "group_wording", (g, t)
        if " " not in t:  # per State, single words only: (State, phrase) pairs are mostly unique
            yield "state_wording", (s, t)
    yield from _pair_keys(rec)


def _pair_keys(rec: Recommendation) -> Iterable[tuple[str, object]]:
    """Interactions that carry to a State the history has never seen: category x issue, and
    the recommending State (or its regional group) x category, issue and the SuR's group."""
    c, g = rec.category, rec.group
    if c is not None:
        for issue in rec.issues:
            yield "category_issue", (c, issue)
    for r in rec.recommenders:
        if c is not None:
            yield "recommender_category", (r, c)
        for issue in rec.issues:
            yield "recommender_issue", (r, issue)
        yield "rgroup_group", (regional_group(r), g)
