"""A discriminative wording score: one coefficient per word or two-word phrase, learnt together.

The smoothed per-word pulls of `model.py` are counted one word at a time, so words that travel
together ("death" and "death penalty", "abolish" and "penalty") each pull in full and the draft
is counted several times over. Here an L2-regularised logistic regression is fitted on binary
word and phrase features (those met at least `MIN_TERM_COUNT` times): correlated words share
their pull. The draft's wording score is the sum of its terms' coefficients, so the part of the
outlook it adds is an exact sum of per-word parts, and the reason can name the words that pull
hardest with their library counts.

The rows used for the weights of the outlook must be scored by coefficients fitted without
their own State (their own response would be in the fit): `fit_wording` also fits one set of
coefficients per fold of States, each without that fold's rows (cross-fitting).
"""

from __future__ import annotations

import random
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

#: Rows kept (a uniform sample) for the wording fit: bounds its time and memory on a
#: 200,000-row library; the rate tables still count every row.
WORDING_ROWS = 20_000
#: Folds of States for the out-of-fold scores the outlook's weights are fitted on.
FOLDS = 3
#: Ridge penalty per fitted row on the coefficients (the intercept is free).
RIDGE_PER_ROW = 0.001
#: Coefficients smaller than this (in log-odds) are dropped once fitted: most of a large
#: library's terms are rare and barely move a score, but each would cost memory.
NEGLIGIBLE = 0.01
#: L-BFGS iterations at most (about 40 reach the optimum on a 20,000-row sample). Every fit
#: starts from zero: a fold fit started from the full fit would keep traces of its own rows.
STEPS = 80


def fold_of(state: str) -> int:
    """A State's fold, stable across runs (a hash of its key, not Python's salted hash)."""
    return zlib.crc32(("fold " + state).encode("utf-8")) % FOLDS


def term_id(term: str) -> int:
    """A term's id in the sample: its (per-process) hash, so the sample needs no vocabulary of
    its own; two terms sharing one (about one pair in a 100,000-term history) share a feature."""
    return hash(term) & 0x7FFFFFFF


@dataclass
class TermRows:
    """A uniform sample of history rows as term ids, for the wording fit (about 3 MB)."""

    size: int = WORDING_ROWS
    rows: list[array[int]] = field(default_factory=list)
    supported: list[bool] = field(default_factory=list)
    folds: list[int] = field(default_factory=list)
    seen: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(16))

    def add(self, terms: Iterable[str], supported: bool, state: str) -> None:
        if len(self.rows) < self.size:
            self.rows.append(array("i", map(term_id, terms)))
            self.supported.append(supported)
            self.folds.append(fold_of(state))
        else:
            slot = self.rng.randrange(self.seen + 1)
            if slot < self.size:
                self.rows[slot] = array("i", map(term_id, terms))
                self.supported[slot] = supported
                self.folds[slot] = fold_of(state)
        self.seen += 1

    def extend(self, other: TermRows) -> None:
        """Add another sample's rows (the parts of a history counted apart)."""
        self.rows.extend(other.rows)
        self.supported.extend(other.supported)
        self.folds.extend(other.folds)
        self.seen += other.seen

    def subset(self, picks: Iterable[int]) -> TermRows:
        """These rows only (the count of rows seen is kept)."""
        chosen = list(picks)
        return TermRows(len(chosen), [self.rows[i] for i in chosen],
                        [self.supported[i] for i in chosen], [self.folds[i] for i in chosen],
                        self.seen)


@dataclass(frozen=True)
class FoldCoefficients(Mapping[str, float]):
    """One fold's coefficients, sharing the term index with the other folds: three dicts of
    every term would cost memory at the fit's peak."""

    index: dict[str, int]
    coefs: array[float]

    def __getitem__(self, term: str) -> float:
        return self.coefs[self.index[term]]

    def __contains__(self, term: object) -> bool:
        return term in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


@dataclass
class WordingFit:
    """Coefficients for every fitted term: `full` for drafts, `by_fold` for the rows of each
    fold of States (fitted without that fold)."""

    full: dict[str, float]
    by_fold: list[FoldCoefficients]


def fit_wording(sample: TermRows, min_count: int, terms: Iterable[str]) -> WordingFit:
    """Fit the full coefficients and one set per fold, on the terms met at least `min_count`
    times in the sample (`terms`: every term of the history, to name them); coefficients
    smaller than `NEGLIGIBLE` are left out of the result (the score is the sum of those kept:
    exact, and the model stays small)."""
    ids = np.frombuffer(b"".join(row.tobytes() for row in sample.rows), dtype=np.int32)
    found = np.unique(ids)
    column = np.searchsorted(found, ids).astype(np.int32)
    chosen = np.flatnonzero(np.bincount(column, minlength=len(found)) >= min_count)
    renumber = np.full(len(found), -1, dtype=np.int32)
    renumber[chosen] = np.arange(len(chosen), dtype=np.int32)
    cols = renumber[column]
    position = dict(zip(found[chosen].tolist(), range(len(chosen)), strict=True))
    del ids, found, column, renumber
    lengths = np.fromiter((len(row) for row in sample.rows), dtype=np.int32,
                          count=len(sample.rows))
    row_of = np.repeat(np.arange(len(sample.rows), dtype=np.int32), lengths)
    used = cols >= 0
    cols, row_of = cols[used], row_of[used]
    del used
    named = [(t, position[h]) for t in terms if (h := term_id(t)) in position]
    width = len(chosen)
    ys = np.array(sample.supported, dtype=float)
    folds = np.array(sample.folds, dtype=np.int64)
    full = _fit(cols, row_of, ys, width)
    fits = [full]
    for k in range(FOLDS):
        rows = folds != k
        if not rows.any() or ys[rows].min() == ys[rows].max():
            fits.append(np.zeros(width + 1))
            continue
        fold_rows = (np.cumsum(rows) - 1).astype(np.int32)
        kept = rows[row_of]
        fits.append(_fit(cols[kept], fold_rows[row_of[kept]], ys[rows], width))
    coef = np.array(fits)[:, 1:]
    coef[np.abs(coef) < NEGLIGIBLE] = 0.0
    matter = np.flatnonzero(np.abs(coef).max(axis=0) > 0)
    slot = np.full(width, -1, dtype=np.int64)
    slot[matter] = np.arange(len(matter))
    index = {t: int(slot[j]) for t, j in named if slot[j] >= 0}
    return WordingFit(
        {t: float(coef[0, j]) for t, j in named if coef[0, j]},
        [FoldCoefficients(index, array("d", fold[matter].tolist())) for fold in coef[1:]])


def _fit(cols: np.ndarray, row_of: np.ndarray, ys: np.ndarray, width: int) -> np.ndarray:
    """L2 logistic regression on a binary sparse design (intercept first), by L-BFGS.

    Only `np.bincount` over the non-zero entries: no matrix library, and linear in their number.
    """
    n = len(ys)
    ridge = RIDGE_PER_ROW * n
    if n == 0:
        return np.zeros(width + 1)

    def loss_grad(beta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = beta[0] + np.bincount(row_of, weights=beta[1:][cols], minlength=n)
        loss = float(np.logaddexp(0.0, margin).sum() - (ys * margin).sum())
        loss += 0.5 * ridge * float((beta[1:] * beta[1:]).sum())
        resid = 1.0 / (1.0 + np.exp(-margin)) - ys
        grad = np.empty(width + 1)
        grad[0] = resid.sum()
        grad[1:] = np.bincount(cols, weights=resid[row_of], minlength=width) + ridge * beta[1:]
        return loss, grad

    beta = np.zeros(width + 1)
    rate = min(max(float(ys.mean()), 1e-3), 1 - 1e-3)
    beta[0] = np.log(rate / (1 - rate))
    return _lbfgs(loss_grad, beta, STEPS)


def _lbfgs(loss_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], x: np.ndarray,
           steps: int, memory: int = 8) -> np.ndarray:
    """Minimise by limited-memory BFGS with a backtracking line search."""
    f, g = loss_grad(x)
    ss: list[np.ndarray] = []
    yy: list[np.ndarray] = []
    for _ in range(steps):
        q = g.copy()
        alphas = []
        for s, y in zip(reversed(ss), reversed(yy), strict=True):
            rho = 1.0 / float((y * s).sum())
            a = rho * float((s * q).sum())
            q -= a * y
            alphas.append((rho, a))
        if ss:
            q *= float((ss[-1] * yy[-1]).sum()) / float((yy[-1] * yy[-1]).sum())
        else:
            q /= max(1.0, float(np.abs(g).max()))
        for (s, y), (rho, a) in zip(zip(ss, yy, strict=True), reversed(alphas), strict=True):
            b = rho * float((y * q).sum())
            q += s * (a - b)
        slope = -float((g * q).sum())
        if slope >= 0:  # not a descent direction: start the memory again
            ss.clear()
            yy.clear()
            continue
        t = 1.0
        while True:
            nx = x - t * q
            nf, ng = loss_grad(nx)
            if nf <= f + 1e-4 * t * slope or t < 1e-6:
                break
            t *= 0.5
        s, y = nx - x, ng - g
        if float((s * y).sum()) > 1e-10:
            ss.append(s)
            yy.append(y)
            if len(ss) > memory:
                ss.pop(0)
                yy.pop(0)
        if f - nf < 1e-7 * max(1.0, abs(f)):
            return nx
        x, f, g = nx, nf, ng
    return x

