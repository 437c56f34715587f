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

import mmap
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
    """A term's id: a CRC-32 of its UTF-8 bytes cut to 31 bits, so the sample needs no
    vocabulary of its own. Two terms sharing an id share one coefficient; among 100,000
    distinct terms about two pairs do, which moves no figure. Not Python's `hash`: that is
    salted per process, so a model fitted in one process (and cached on disk) would read
    other words' coefficients in another (a spawned batch worker, the next run)."""
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


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
    cols, row_of, position = _design(sample, min_count)
    named = [(t, position[h]) for t in terms if (h := term_id(t)) in position]
    width = len(position)
    ys = np.array(sample.supported, dtype=float)
    folds = np.array(sample.folds, dtype=np.int64)
    fits = [_fit(cols, row_of, ys, width)]
    for k in range(FOLDS):
        rows = folds != k
        if not rows.any() or ys[rows].min() == ys[rows].max():
            fits.append(np.zeros(width + 1))
            continue
        kept = rows[row_of]
        size = int(kept.sum())
        fold_cols = np.compress(kept, cols, out=_mapped(size, np.intp))
        fold_rows = np.compress(kept, row_of, out=_mapped(size, np.intp))
        del kept
        renumber = np.cumsum(rows) - 1
        np.take(renumber, fold_rows, out=fold_rows)
        fits.append(_fit(fold_cols, fold_rows, ys[rows], width))
        del fold_cols, fold_rows
    del cols, row_of
    coef = np.array(fits)[:, 1:]
    coef[np.abs(coef) < NEGLIGIBLE] = 0.0
    matter = np.flatnonzero(np.abs(coef).max(axis=0) > 0)
    slot = np.full(width, -1, dtype=np.int64)
    slot[matter] = np.arange(len(matter))
    index = {t: int(slot[j]) for t, j in named if slot[j] >= 0}
    return WordingFit(
        {t: float(coef[0, j]) for t, j in named if coef[0, j]},
        [FoldCoefficients(index, array("d", fold[matter].tolist())) for fold in coef[1:]])


def _mapped(n: int, dtype: type) -> np.ndarray:
    """An array on its own anonymous memory map, given back to the system as soon as it is
    dropped. The desktop fits in a worker thread, whose malloc arena kept the freed blocks of
    ordinary arrays of this size for the rest of the session (about 9 MB more resident after
    fitting the 21,000-row export; 14 MB more at the desktop's first-start peak)."""
    kind = np.dtype(dtype)
    return np.frombuffer(mmap.mmap(-1, max(n, 1) * kind.itemsize), dtype=kind, count=n)


#: Terms looked up at a time when numbering them (bounds the look-up's own arrays).
_BLOCK = 1 << 15


def _design(sample: TermRows, min_count: int) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """The sample as a sparse binary design: for every kept (term, row) pair its column and its
    row, and term id -> column for the terms met at least `min_count` times."""
    total = sum(len(row) for row in sample.rows)
    ids = _mapped(total, np.int32)
    row_of = _mapped(total, np.intp)
    at = 0
    for i, row in enumerate(sample.rows):
        ids[at:at + len(row)] = row
        row_of[at:at + len(row)] = i
        at += len(row)
    ordered = _mapped(total, np.int32)
    ordered[:] = ids
    ordered.sort()
    edge = _mapped(total, np.bool_)
    if total:
        edge[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=edge[1:])
    starts = np.flatnonzero(edge)
    counts = np.diff(np.append(starts, total))
    kept = ordered[starts[counts >= min_count]]
    del ordered, edge, starts, counts
    cols = _mapped(total, np.intp)
    for a in range(0, total, _BLOCK):
        part = ids[a:a + _BLOCK]
        found = np.minimum(np.searchsorted(kept, part), max(len(kept) - 1, 0))
        hit = kept[found] == part if len(kept) else np.zeros(len(part), dtype=bool)
        cols[a:a + _BLOCK] = np.where(hit, found, -1)
    del ids
    used = cols >= 0
    size = int(used.sum())
    design = (np.compress(used, cols, out=_mapped(size, np.intp)),
              np.compress(used, row_of, out=_mapped(size, np.intp)))
    return *design, dict(zip(kept.tolist(), range(len(kept)), strict=True))


def _fit(cols: np.ndarray, row_of: np.ndarray, ys: np.ndarray, width: int) -> np.ndarray:
    """L2 logistic regression on a binary sparse design (intercept first), by L-BFGS.

    Only `np.bincount` over the non-zero entries: no matrix library, and linear in their number;
    the one array as long as the design is reused for every step.
    """
    n = len(ys)
    ridge = RIDGE_PER_ROW * n
    if n == 0:
        return np.zeros(width + 1)
    spread = _mapped(len(cols), np.float64)

    def loss_grad(beta: np.ndarray) -> tuple[float, np.ndarray]:
        np.take(beta[1:], cols, out=spread)
        margin = beta[0] + np.bincount(row_of, weights=spread, minlength=n)
        loss = float(np.logaddexp(0.0, margin).sum() - (ys * margin).sum())
        loss += 0.5 * ridge * float((beta[1:] * beta[1:]).sum())
        resid = 1.0 / (1.0 + np.exp(-margin)) - ys
        np.take(resid, row_of, out=spread)
        grad = np.empty(width + 1)
        grad[0] = resid.sum()
        grad[1:] = np.bincount(cols, weights=spread, minlength=width) + ridge * beta[1:]
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

