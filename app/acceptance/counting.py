"""Counting a history for the acceptance model: every row into compact tables, every State's
rows review by review, and the samples the weights and the wording score are fitted on.

Kept apart from `app.acceptance.model` (the features and the fit), so memory concerns (packed
codes, buffers, samples of bounded size) live in one place.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from app.acceptance.history import HistoryRow
from app.acceptance.tables import Counts, KeyCodes, Tables, Tally, row_keys
from app.acceptance.wording import WORDING_ROWS, TermRows

#: Rows sampled to fit the weights (the rate tables always use every row). Every State's rows
#: can be drawn: fitting on half the States (chosen by a hash of their names) made the figures
#: depend on which half, by up to 11 points in a decile (docs/acceptance.md).
FIT_SAMPLE = 8_000

Review = tuple[str, int | None]


class HeldOut(Protocol):
    """What fitting the weights needs besides the tables: the sampled held-out rows, and for
    each the counts of its own State (or review) to leave out."""

    tables: Tables
    held_sample: list[HistoryRow]
    terms: TermRows

    def without_state(self, row: HistoryRow) -> Tables: ...

    def without_review(self, row: HistoryRow) -> Tables: ...

    def repeated_states(self) -> set[str]: ...


@dataclass
class Counted:
    """One history counted: the model's (pruned) tables, a uniform sample of the held-out
    States' rows, and those States' counts review by review as packed codes.

    Leaving a State or review out only needs the counts of the described row's own keys (the
    only ones `Model.describe` asks for), so each is looked up for that row alone instead of
    keeping a dictionary of every key per review.
    """

    tables: Tables
    held_sample: list[HistoryRow]
    per_review: dict[Review, Counts]
    codes: KeyCodes
    #: A sample of every State's rows as term ids, for the wording score.
    terms: TermRows = field(default_factory=TermRows)
    _states: dict[str, Counts] = field(default_factory=dict)

    def without_state(self, row: HistoryRow) -> Tables:
        """The row's keys counted over all reviews of its State (the rows come State by State:
        only the latest State's sum is kept)."""
        state = row.recommendation.state
        found = self._states.get(state)
        if found is None:
            parts = [part for (name, _session), part in self.per_review.items()
                     if name == state]
            found = parts[0] if len(parts) == 1 else sum(parts, Counts())
            self._states = {state: found}
        return found.subset(list(row_keys(row.recommendation)), self.codes)

    def without_review(self, row: HistoryRow) -> Tables:
        """The row's keys counted over its own review (the same State in the same session)."""
        review = self.per_review[(row.recommendation.state, row.session)]
        return review.subset(list(row_keys(row.recommendation)), self.codes)

    def repeated_states(self) -> set[str]:
        """Held-out States with more than one review (session) in the history."""
        reviews = Counter(name for name, _session in self.per_review)
        return {name for name, count in reviews.items() if count > 1}


def _reservoir(sample: list[HistoryRow], row: HistoryRow, seen: int, size: int,
               rng: random.Random) -> None:
    if len(sample) < size:
        sample.append(row)
    else:
        j = rng.randrange(seen + 1)
        if j < size:
            sample[j] = row


#: Codes gathered (all rows; one review) before they are folded into sorted counts.
MAIN_BUFFER = 1 << 18
REVIEW_BUFFER = 1 << 16
#: A review whose rows are followed by another review's is folded once it holds this many codes
#: (exports list a review's rows together; scattered rows are folded when their buffer fills).
REVIEW_SETTLE = 1 << 10


class Part:
    """Rows counted on their own: all of them, and review by review, and a uniform sample of
    them for fitting the weights (at most `size`, so memory grows with the cut-offs of
    `fit_cut_offs`, not with the rows)."""

    def __init__(self, codes: KeyCodes, rng: random.Random, size: int) -> None:
        self.codes = codes
        self.rng = rng
        self.size = size
        self.main = Tally(MAIN_BUFFER)
        self.reviews: dict[Review, Tally] = {}
        self._last: Tally | None = None
        self.held_sample: list[HistoryRow] = []
        self.held_seen = 0
        #: A sample of every State's rows as term ids, for the wording score.
        self.terms = TermRows()

    def add(self, row: HistoryRow) -> None:
        codes = self.codes.encode(list(row_keys(row.recommendation)))
        self.main.add(codes, row.supported)
        state = row.recommendation.state
        self.terms.add(row.recommendation.terms, row.supported, state)
        review = (state, row.session)
        tally = self.reviews.get(review)
        if tally is None:
            tally = self.reviews[review] = Tally(REVIEW_BUFFER)
        if tally is not self._last:
            if self._last is not None:
                self._last.settle(REVIEW_SETTLE)
            self._last = tally
        tally.add(codes, row.supported)
        _reservoir(self.held_sample, row, self.held_seen, self.size, self.rng)
        self.held_seen += 1

    def review_counts(self) -> dict[Review, Counts]:
        return {review: tally.counts() for review, tally in self.reviews.items()}


def count_rows(rows: Iterable[HistoryRow], sample_size: int = FIT_SAMPLE,
               seed: int = 15) -> Counted:
    """Count every row into the (pruned) tables; keep a sample of the rows for the weights."""
    codes = KeyCodes()
    part = Part(codes, random.Random(seed), sample_size)
    for row in rows:
        part.add(row)
    tables = part.main.counts().tables(codes.decoder())
    return Counted(tables, part.held_sample, part.review_counts(), codes, part.terms)


def stratified(parts: list[Part]) -> list[HistoryRow]:
    """At most one part's sample size of rows, each part giving its share of all rows."""
    total = sum(p.held_seen for p in parts)
    size = parts[0].size if parts else 0
    sample: list[HistoryRow] = []
    for part in parts:
        rows = part.held_sample
        quota = min(len(rows), round(size * part.held_seen / total)) if total else 0
        sample.extend(rows if quota == len(rows) else
                      random.Random(part.held_seen).sample(rows, quota))
    return sample


def merged_terms(samples: list[TermRows]) -> TermRows:
    """The parts' wording samples as one of at most WORDING_ROWS rows, each part giving its
    share (the single part itself when there is one)."""
    if len(samples) == 1:
        return samples[0]
    total = sum(s.seen for s in samples)
    out = TermRows()
    for sample in samples:
        quota = min(len(sample.rows), round(WORDING_ROWS * sample.seen / total)) if total else 0
        out.extend(sample.subset(random.Random(sample.seen).sample(range(len(sample.rows)),
                                                                    quota)))
    return out
