"""The acceptance model's counts: how many answered and supported recommendations each
(table, key) has — per State, regional group, category, issue, recommending State and wording.

Fitting counts a library's rows twice over (all rows, and the held-out States review by review)
and most keys are words and phrases met once. Held as dictionaries of tuples that took about
130 MB for 100,000 library items, so counting packs each (table, key) into one 64-bit code and
keeps sorted numpy arrays of codes and counts (`Tally`, `Counts`); only the keys the fitted
model keeps become a `Tables` of tuples.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from app.acceptance.groups import regional_group
from app.acceptance.history import Recommendation

Key = tuple[str, object]
Codes = npt.NDArray[np.int64]
#: Counts of rows: int32 is plenty and halves the per-review arrays.
Numbers = npt.NDArray[np.int32]


def prunable(table: str) -> bool:
    """Tables whose keys met once are forgotten after counting (`Counts.tables`): words and
    phrases, which alone cannot move a smoothed rate much and are most of the keys."""
    return table.endswith("wording")


@dataclass
class Tables:
    """How many answered (`seen`) and supported recommendations each (table, key) has: what
    the fitted model keeps and reads, built from `Counts` once counting is done."""

    total: int = 0
    supported: int = 0
    seen: Counter[Key] = field(default_factory=Counter)
    yes: Counter[Key] = field(default_factory=Counter)

    def get(self, table: str, key: object) -> tuple[int, int]:
        k = (table, key)
        return self.seen.get(k, 0), self.yes.get(k, 0)


_SHIFT = 29
_SINGLE = (1 << _SHIFT) - 1  # second half of the code of a key that is not a pair
_TABLE_SHIFT = 2 * _SHIFT
_TABLES = 1 << (63 - _TABLE_SHIFT)  # table numbers fit the 5 bits left of a signed int64


class _Ids(dict[object, int]):
    """Value -> a number given in order of first sight (fewer than `limit`)."""

    def __init__(self, limit: int, what: str) -> None:
        super().__init__()
        self._limit = limit
        self._what = what

    def __missing__(self, value: object) -> int:
        number = len(self)
        if number >= self._limit:
            raise OverflowError(f"more than {self._limit:,} {self._what} to count")
        self[value] = number
        return number


class KeyCodes:
    """Packs a (table, key) into one int: table number, then the numbers of the key's two
    values (a pair) or of the whole key. Exact both ways; one instance numbers one fit."""

    def __init__(self) -> None:
        self._values = _Ids(_SINGLE, "distinct values")
        self._tables = _Ids(_TABLES, "tables")

    def encode(self, keys: Sequence[Key]) -> list[int]:
        ids, tables = self._values, self._tables
        return [
            (tables[t] << _TABLE_SHIFT) | (
                (ids[k[0]] << _SHIFT) | ids[k[1]]
                if k.__class__ is tuple and len(k) == 2
                else (ids[k] << _SHIFT) | _SINGLE)
            for t, k in keys
        ]

    def decoder(self, *, shared: bool = False) -> _Decoder:
        """Turns codes back into keys; `shared` makes each key once for several tables (the
        cut-off models), at the cost of remembering them all."""
        return _Decoder(list(self._values), [str(t) for t in self._tables], shared)


class _Decoder:
    """Codes back to (table, key)."""

    def __init__(self, values: list[object], tables: list[str], shared: bool) -> None:
        self._values = values
        self.tables = tables
        self._made: dict[int, Key] | None = {} if shared else None

    def key(self, code: int) -> Key:
        made = self._made
        found = made.get(code) if made is not None else None
        if found is None:
            a, b = (code >> _SHIFT) & _SINGLE, code & _SINGLE
            value = self._values[a] if b == _SINGLE else (self._values[a], self._values[b])
            found = (self.tables[code >> _TABLE_SHIFT], value)
            if made is not None:
                made[code] = found
        return found


_EMPTY: Codes = np.zeros(0, dtype=np.int64)
_NONE: Numbers = np.zeros(0, dtype=np.int32)


@dataclass
class Counts:
    """Sorted distinct codes with their answered and supported counts."""

    total: int = 0
    supported: int = 0
    codes: Codes = field(default_factory=lambda: _EMPTY)
    seen: Numbers = field(default_factory=lambda: _NONE)
    yes: Numbers = field(default_factory=lambda: _NONE)

    def __add__(self, other: Counts) -> Counts:
        both = _merge(self, other.codes, other.seen, other.yes)
        both.total, both.supported = self.total + other.total, self.supported + other.supported
        return both

    def lookup(self, codes: Codes) -> tuple[Numbers, Numbers]:
        """Answered and supported counts of these codes (0 where absent)."""
        if not len(self.codes):
            return np.zeros(len(codes), np.int32), np.zeros(len(codes), np.int32)
        at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        found = self.codes[at] == codes
        return np.where(found, self.seen[at], 0), np.where(found, self.yes[at], 0)

    def subset(self, keys: list[Key], codes: KeyCodes) -> Tables:
        """Tables with just these keys' counts (what leaving these rows out of one row's
        description needs)."""
        seen, yes = self.lookup(np.array(codes.encode(keys), dtype=np.int64))
        return Tables(self.total, self.supported,
                      Counter({k: n for k, n in zip(keys, seen.tolist(), strict=True) if n}),
                      Counter({k: n for k, n in zip(keys, yes.tolist(), strict=True) if n}))

    def tables(self, decoder: _Decoder) -> Tables:
        """The pruned Tables (words and phrases met once left out) with tuple keys."""
        drop = np.array([prunable(t) for t in decoder.tables] or [False], dtype=bool)
        keep = np.flatnonzero(~((self.seen == 1) & drop[self.codes >> _TABLE_SHIFT]))
        out = Tables(self.total, self.supported)
        key = decoder.key
        for start in range(0, len(keep), _CHUNK):  # in slices: no list of every key at once
            part = keep[start:start + _CHUNK]
            keys = [key(c) for c in self.codes[part].tolist()]
            dict.update(out.seen, zip(keys, self.seen[part].tolist(), strict=True))
            dict.update(out.yes, ((k, n) for k, n in zip(keys, self.yes[part].tolist(),
                                                             strict=True) if n))
        return out


_CHUNK = 1 << 14


def _merge(old: Counts, codes: Codes, seen: Numbers, yes: Numbers) -> Counts:
    """`old` plus sorted distinct `codes` with their counts (totals are the caller's)."""
    if not len(old.codes):
        return Counts(0, 0, codes, seen, yes)
    at = np.searchsorted(old.codes, codes)
    found = old.codes[np.minimum(at, len(old.codes) - 1)] == codes
    hit = at[found]
    old_seen, old_yes = old.seen.copy(), old.yes.copy()
    old_seen[hit] += seen[found]
    old_yes[hit] += yes[found]
    new = ~found
    where = at[new]
    return Counts(0, 0, np.insert(old.codes, where, codes[new]),
                  np.insert(old_seen, where, seen[new]), np.insert(old_yes, where, yes[new]))


class Tally:
    """Counts rows of codes: appended to a buffer, folded into sorted arrays when it fills."""

    def __init__(self, buffer: int) -> None:
        self.total = 0
        self.supported = 0
        self._limit = buffer
        self._seen = array("q")
        self._yes = array("q")
        self._counts = Counts()

    def add(self, codes: list[int], supported: bool) -> None:
        self.total += 1
        self._seen.extend(codes)
        if supported:
            self.supported += 1
            self._yes.extend(codes)
        if len(self._seen) >= self._limit:
            self._fold()

    def settle(self, least: int) -> None:
        """Fold the buffer now if it holds at least `least` codes (a finished review: its
        distinct pairs take far less memory than its codes)."""
        if len(self._seen) >= least:
            self._fold()

    def _fold(self) -> None:
        seen = np.frombuffer(self._seen, dtype=np.int64)
        yes = np.frombuffer(self._yes, dtype=np.int64)
        codes, n_seen = np.unique(seen, return_counts=True)
        yes_codes, n_yes = np.unique(yes, return_counts=True)
        on = np.zeros(len(codes), dtype=np.int32)
        on[np.searchsorted(codes, yes_codes)] = n_yes
        del seen, yes  # the buffers cannot be resized while numpy views them
        self._seen, self._yes = array("q"), array("q")
        self._counts = _merge(self._counts, codes, n_seen.astype(np.int32), on)

    def counts(self) -> Counts:
        self._fold()
        c = self._counts
        return Counts(self.total, self.supported, c.codes, c.seen, c.yes)


def row_keys(rec: Recommendation) -> Iterable[Key]:
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


def _pair_keys(rec: Recommendation) -> Iterable[Key]:
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
