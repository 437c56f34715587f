"""A transparent acceptance model: smoothed support rates, combined by a small logistic model.

Every feature is a smoothed log-odds *shift* that a diplomat can read as a count from the library:
"Kenya supported 41 of 44 earlier election recommendations" moves the outlook up by exactly the
amount the model says. Each rate is shrunk towards the rate one level up (State -> its regional
group -> all States; category to this State -> its group -> all States; ...) with a prior weight
of `PRIOR_WEIGHT` recommendations, so a handful of rows cannot produce a confident figure.

The shifts are combined by logistic regression with non-negative weights, fitted on held-out
predictions (each training row is described by history without its own State, or without its
own review; see `fit`), so the weights learn how far each kind of evidence carries to a new
review. The probability is therefore an exact sum of named parts:
logit(p) = intercept + Σ weight × shift, and the reasons are the largest parts.
"""

from __future__ import annotations

import bisect
import gc
import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from app.acceptance.counting import (
    FIT_SAMPLE,
    Counted,
    HeldOut,
    Part,
    Review,
    count_rows,
    merged_terms,
    stratified,
)
from app.acceptance.groups import regional_group
from app.acceptance.history import HistoryRow, Recommendation
from app.acceptance.logistic import non_negative, recentre
from app.acceptance.tables import Counts, KeyCodes, Tables
from app.acceptance.wording import TermRows, fit_wording, fold_of

#: Prior weight (in recommendations) that pulls a rate towards the rate one level up.
PRIOR_WEIGHT = 8.0
#: Words and phrases seen fewer times than this are not weighed (the lowest of many rare
#: terms' rates is low by chance alone).
MIN_TERM_COUNT = 5
#: Below this many comparable recommendations a count is called too few to rely on.
MIN_COMPARABLE = 20
#: Fewer answered recommendations than this in the whole history: no figure at all.
MIN_HISTORY = 200
#: The intercept is re-centred on this many latest sessions (when it has MIN_RECENT rows).
RECENT_SESSIONS = 3
MIN_RECENT = 100
#: Ridge penalty on the weights per fitted row: the weights are learnt on earlier reviews and
#: applied to the next one, which differs. Chosen on the validation sessions (docs/acceptance.md,
#: "How the settings were chosen"): weaker penalties made no further difference there.
RIDGE_PER_ROW = 0.01
_CLIP = 6.0
#: Rates remembered per model for drafts (a batch asks for the same ones again and again);
#: emptied beyond this many (about 20 MB).
MEMO_LIMIT = 50_000

FEATURES: tuple[str, ...] = (  # within each reason: from general to specific
    "group", "state",
    "category", "group_category", "state_category",
    "issue", "category_issue", "group_issue", "state_issue",
    "rgroup_group", "recommender", "recommender_category", "recommender_issue",
    "recommender_group", "recommender_state",
    "wording_high", "wording_low", "wording_mean", "group_wording_mean",
    "wording", "group_wording", "state_wording", "wording_fit",
)
#: Features whose value depends on the draft's action category.
BY_CATEGORY = frozenset({"category", "group_category", "state_category", "category_issue",
                         "recommender_category"})
#: Features explained together as one reason.
REASON_OF: dict[str, str] = {
    "group": "state", "state": "state",
    "category": "category", "group_category": "category", "state_category": "category",
    "issue": "issue", "group_issue": "issue", "state_issue": "issue",
    "recommender": "recommender", "recommender_group": "recommender",
    "recommender_state": "recommender",
    "wording": "wording", "group_wording": "wording", "state_wording": "wording",
    "wording_mean": "wording", "group_wording_mean": "wording",
    "category_issue": "issue", "recommender_category": "recommender",
    "recommender_issue": "recommender", "rgroup_group": "recommender",
    "wording_low": "wording", "wording_high": "wording", "wording_fit": "wording",
}


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class Evidence(NamedTuple):
    """One smoothed rate behind a feature: which table, which key, and its counts.

    A named tuple, not a dataclass: fitting makes about a million of them.
    """

    table: str
    key: tuple[object, ...]
    total: int
    supported: int
    shift: float


@dataclass
class Described:
    """A recommendation's feature values and the counts behind each."""

    base: float
    values: dict[str, float]
    evidence: dict[str, Evidence]


@dataclass(frozen=True)
class Weights:
    """Intercept and one weight per feature."""

    intercept: float
    by: dict[str, float]


class Model:
    """Rate tables plus the logistic weights that combine them.

    Two weight sets: `known` for States the history knows (fitted leaving one row out), and
    `unseen` for States it barely knows (fitted leaving the whole State out), because how far
    other States' records carry over is exactly what differs between the two cases.
    """

    def __init__(self, tables: Tables, known: Weights, unseen: Weights,
                 word_coef: dict[str, float] | None = None) -> None:
        self.tables = tables
        self.known = known
        self.unseen = unseen
        #: The wording score's coefficient per word or phrase (`wording.fit_wording`).
        self.word_coef: dict[str, float] = word_coef or {}
        self._memo: dict[tuple[str, object], Evidence] = {}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_memo"] = {}  # rebuilt on use; never written to the disk cache
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._memo = {}

    @property
    def weighs_own_records(self) -> bool:
        """Whether a State's own record moves its figure: only with `known` weights, learnt from
        enough States reviewed more than once (`MIN_REPEAT_STATES`)."""
        return self.known != self.unseen

    def weights_for(self, state: str) -> Weights:
        return self.known if self.tables.get("state", state)[0] >= MIN_COMPARABLE else self.unseen

    # -- features ---------------------------------------------------------------------------
    def describe(
        self, rec: Recommendation, leave_out: bool | None = None,
        without: Tables | None = None, keep_from: Described | None = None,
        word_coef: Mapping[str, float] | None = None,
    ) -> Described:
        """Feature values for `rec`.

        With `leave_out` (the row's own response) that one row is excluded; with `without`
        (one State's own counts) the whole State is, as if the library had never heard of it.
        With `keep_from` (the same draft described with another category) only the features
        that depend on the category are worked out again: the outlook's "as category 4" line.
        `word_coef` replaces the wording score's coefficients (fitted without the row's State).
        """
        t = self.tables
        drop = 0 if leave_out is None else 1
        own = 0 if leave_out is None else int(leave_out)
        seen, yes = t.seen, t.yes
        minus_seen = without.seen if without is not None else None
        minus_yes = without.yes if without is not None else None

        memo = self._memo if leave_out is None and without is None else None
        if memo is not None and len(memo) > MEMO_LIMIT:
            memo.clear()

        def rate(table: str, key: object, prior: float) -> Evidence:
            full = (table, key)
            if memo is not None:
                found = memo.get(full)
                if found is not None:
                    return found
            n = seen.get(full, 0)
            k = yes.get(full, 0)
            if minus_seen is not None and minus_yes is not None:
                n -= minus_seen.get(full, 0)
                k -= minus_yes.get(full, 0)
            else:
                n, k = n - drop, k - own
            if n <= 0:
                empty = Evidence(table, (), 0, 0, 0.0)
                if memo is not None:
                    memo[full] = empty
                return empty
            # The rate shrunk towards `prior`: the logit of (k + w p0) / (n + w), p0 = σ(prior).
            # Written out (it runs about a million times per fit); (1 - p0)/p0 = e^-prior.
            e = math.exp(-min(max(prior, -30.0), 30.0))
            shift = math.log((k * (1.0 + e) + PRIOR_WEIGHT) / ((n - k) * (1.0 + e)
                                                              + PRIOR_WEIGHT * e)) - prior
            shift = -_CLIP if shift < -_CLIP else _CLIP if shift > _CLIP else shift
            ev = Evidence(table, key if isinstance(key, tuple) else (key,), n, k, shift)
            if memo is not None:
                memo[full] = ev
            return ev

        if without is not None:
            drop, own = without.total, without.supported
        base = _logit((t.supported - own + 1) / (t.total - drop + 2))
        if keep_from is None:
            values = dict.fromkeys(FEATURES, 0.0)
            evidence: dict[str, Evidence] = {}
        else:
            values = dict(keep_from.values)
            evidence = {f: ev for f, ev in keep_from.evidence.items() if f not in BY_CATEGORY}
            values.update(dict.fromkeys(BY_CATEGORY, 0.0))

        def keep(name: str, ev: Evidence) -> float:
            values[name] = ev.shift
            evidence[name] = ev
            return ev.shift

        s, g, c = rec.state, rec.group, rec.category
        lg = base + keep("group", rate("group", g, base))
        ls = lg + keep("state", rate("state", s, lg))
        if c is not None:
            dc = keep("category", rate("category", c, base))
            dgc = keep("group_category", rate("group_category", (g, c), lg + dc))
            keep("state_category", rate("state_category", (s, c), ls + dc + dgc))
        if keep_from is None:
            for name, keys in (("issue", rec.issues), ("recommender", rec.recommenders)):
                self._spread(name, keys, rec, rate, base, lg, ls, values, evidence)
            self._wording(rec, rate, base, lg, ls, values, evidence)
            self._wording_fit(rec, self.word_coef if word_coef is None else word_coef,
                              values, None if word_coef is not None else evidence)
        self._pairs(rec, rate, base, lg, values, evidence, only_category=keep_from is not None)
        return Described(base, values, evidence)

    @staticmethod
    def _levels(name: str, key: str, rec: Recommendation) -> tuple[tuple[str, object], ...]:
        if name == "recommender":
            return (("recommender", key), ("recommender_group", (key, rec.group)),
                    ("recommender_state", (key, rec.state)))
        return ((name, key), (f"group_{name}", (rec.group, key)),
                (f"state_{name}", (rec.state, key)))

    def _chain(
        self, name: str, key: str, rec: Recommendation, rate: _Rate, base: float, lg: float,
        ls: float,
    ) -> list[Evidence]:
        """The three nested shifts for one key: all States, the group, this State."""
        (t0, k0), (t1, k1), (t2, k2) = self._levels(name, key, rec)
        e0 = rate(t0, k0, base)
        e1 = rate(t1, k1, lg + e0.shift)
        e2 = rate(t2, k2, ls + e0.shift + e1.shift)
        return [e0, e1, e2]

    def _spread(
        self, name: str, keys: tuple[str, ...], rec: Recommendation, rate: _Rate, base: float,
        lg: float, ls: float, values: dict[str, float], evidence: dict[str, Evidence],
    ) -> None:
        """Issues and recommending States: the mean shift per level; the most telling key
        (largest total shift) is kept to explain it."""
        if not keys:
            return
        names = [table for table, _key in self._levels(name, "", rec)]
        sums = [0.0, 0.0, 0.0]
        best: list[Evidence] = []
        for key in keys:
            chain = self._chain(name, key, rec, rate, base, lg, ls)
            for i, ev in enumerate(chain):
                sums[i] += ev.shift
            if not best or abs(sum(e.shift for e in chain)) > abs(sum(e.shift for e in best)):
                best = chain
        for i, feature in enumerate(names):
            values[feature] = sums[i] / len(keys)
            evidence[feature] = best[i]

    def _wording(
        self, rec: Recommendation, rate: _Rate, base: float, lg: float, ls: float,
        values: dict[str, float], evidence: dict[str, Evidence],
    ) -> None:
        """Wording: the most sensitive term (the word or phrase whose history pulls furthest
        down), the average pull of all its terms across all States and in the group, and the
        pulls down and up added separately (scaled by the square root of the number of terms,
        so a long draft does not count as many independent signals)."""
        worst: list[Evidence] = []
        low = 0.0
        sums = [0.0, 0.0]
        strongest: list[Evidence | None] = [None, None]
        lows: list[Evidence] = []
        highs: list[Evidence] = []
        used = 0
        for term in rec.terms:
            n, _k = self.tables.get("wording", term)
            if n < MIN_TERM_COUNT:
                continue
            chain = self._chain("wording", term, rec, rate, base, lg, ls)
            total = sum(e.shift for e in chain)
            if total < low:
                low, worst = total, chain
            used += 1
            (lows if chain[0].shift < 0 else highs).append(chain[0])
            for i in (0, 1):
                sums[i] += chain[i].shift
                best = strongest[i]
                if best is None or abs(chain[i].shift) > abs(best.shift):
                    strongest[i] = chain[i]
        for feature, ev in zip(("wording", "group_wording", "state_wording"), worst, strict=False):
            values[feature] = ev.shift
            evidence[feature] = ev
        if lows:
            values["wording_low"] = sum(e.shift for e in lows) / math.sqrt(used)
            evidence["wording_low"] = min(lows, key=lambda e: e.shift)
        if highs:
            values["wording_high"] = sum(e.shift for e in highs) / math.sqrt(used)
            evidence["wording_high"] = max(highs, key=lambda e: e.shift)
        if used:
            for i, feature in enumerate(("wording_mean", "group_wording_mean")):
                values[feature] = sums[i] / used
                found = strongest[i]
                if found is not None:
                    evidence[feature] = found

    def _wording_fit(self, rec: Recommendation, coef: Mapping[str, float],
                     values: dict[str, float], evidence: dict[str, Evidence] | None) -> None:
        """The discriminative wording score: the sum of the draft's terms' coefficients; the
        term pulling hardest the same way as the sum explains it, with its library counts
        (not looked up while fitting, when `evidence` is None: nothing reads it there)."""
        parts = [(coef[t], t) for t in rec.terms if t in coef]
        if not parts:
            return
        total = sum(c for c, _t in parts)
        values["wording_fit"] = total
        if evidence is None:
            return
        t = self.tables
        overall = t.supported / t.total if t.total else 0.5

        def telling(part: tuple[float, str]) -> tuple[bool, float]:
            # A term whose own counts point the other way would contradict the reason.
            n, k = t.get("wording", part[1])
            agrees = n > 0 and (k / n > overall) == (total > 0)
            return agrees, part[0] if total > 0 else -part[0]

        c, term = max(parts, key=telling)
        n, k = t.get("wording", term)
        evidence["wording_fit"] = Evidence("wording", (term,), n, k, c)

    @staticmethod
    def _pairs(
        rec: Recommendation, rate: _Rate, base: float, lg: float, values: dict[str, float],
        evidence: dict[str, Evidence], *, only_category: bool = False,
    ) -> None:
        """The interaction features: the mean shift over the draft's pairs, each against the
        two main effects it combines; the pair that moves most is kept to explain it."""
        c = rec.category
        issue0 = {i: rate("issue", i, base).shift for i in rec.issues}
        rec0 = {r: rate("recommender", r, base).shift for r in rec.recommenders}
        dc = rate("category", c, base).shift if c is not None else 0.0
        pairs: dict[str, list[Evidence]] = {
            "category_issue": [] if c is None else [
                rate("category_issue", (c, i), base + dc + d) for i, d in issue0.items()],
            "recommender_category": [] if c is None else [
                rate("recommender_category", (r, c), base + d + dc) for r, d in rec0.items()],
            "recommender_issue": [
                rate("recommender_issue", (r, i), base + dr + di)
                for r, dr in rec0.items() for i, di in issue0.items()],
            "rgroup_group": [
                rate("rgroup_group", (regional_group(r), rec.group), lg) for r in rec0],
        }
        for feature, found in pairs.items():
            if found and (feature in BY_CATEGORY or not only_category):
                values[feature] = sum(e.shift for e in found) / len(found)
                evidence[feature] = max(found, key=lambda e: abs(e.shift))

    # -- scoring ----------------------------------------------------------------------------
    @staticmethod
    def logit(described: Described, weights: Weights) -> float:
        w = weights.by
        return weights.intercept + sum(
            w[f] * v for f, v in described.values.items()
        )

    @staticmethod
    def contributions(described: Described, weights: Weights) -> dict[str, float]:
        """Each reason's exact share of the log-odds (weights × shifts, summed per reason)."""
        out: dict[str, float] = {}
        for feature, value in described.values.items():
            reason = REASON_OF[feature]
            out[reason] = out.get(reason, 0.0) + weights.by[feature] * value
        return out


_Rate = Callable[[str, object, float], Evidence]


#: Fewer held-out rows from States reviewed more than once, or fewer such States: the `known`
#: weights are not fitted. How far a State's record carries to its next review has to be
#: learnt across several States; from one or two it learns their quirks (docs/acceptance.md).
MIN_REPEAT_ROWS = 200
MIN_REPEAT_STATES = 10


def fit_cut_offs(rows: Iterable[HistoryRow], cuts: Iterable[int]) -> dict[int, Model]:
    """One model per session cut-off, each fitted only on rows of strictly earlier sessions.

    A batch with a session column needs one model per session, and reading and counting the
    history again for each was most of its cost. Here the rows between two cut-offs are
    counted once, on their own, and a cut-off's counts are the sum of the parts before it; the
    weights are fitted per cut-off as `fit` does, on held-out rows drawn from each part in
    proportion to its size (for a single cut-off, exactly `fit`'s sample). Rows without a
    session belong to no cut-off.
    """
    wanted = sorted(set(cuts))
    if not wanted:
        return {}
    collecting = gc.isenabled()
    gc.disable()
    try:
        codes = KeyCodes()
        parts = [Part(codes, random.Random(15 + i), FIT_SAMPLE) for i in range(len(wanted))]
        for row in rows:
            session = row.session
            if session is None or session >= wanted[-1]:
                continue
            parts[bisect.bisect_right(wanted, session)].add(row)
        decoder = codes.decoder(shared=True)
        models: dict[int, Model] = {}
        running = Counts()
        reviews: dict[Review, Counts] = {}
        for i, cut in enumerate(wanted):
            running = running + parts[i].main.counts()
            reviews.update(parts[i].review_counts())
            held = stratified(parts[: i + 1])
            models[cut] = _fit_counted(Counted(
                running.tables(decoder), held, dict(reviews), codes,
                merged_terms([p.terms for p in parts[: i + 1]])))
        return models
    finally:
        if collecting:
            gc.enable()


def _design(model: Model, described: Described) -> list[float]:
    return [1.0, *(described.values[f] for f in FEATURES)]


def _both_answers(rows: list[HistoryRow]) -> bool:
    return 0 < sum(r.supported for r in rows) < len(rows)


def fit(rows: Iterable[HistoryRow]) -> Model:
    """Count the rows and fit both weight sets on held-out predictions.

    `unseen`: each held-out row is predicted without any of its State's rows. `known`: each row
    of a State reviewed more than once is predicted without the rows of its own review (the
    same State in the same session), which is the situation of a draft for a State's next
    review. Leaving out only the row itself would not do: one review's recommendations are
    answered together, so they predict each other far better than they predict the next review.
    With no State reviewed twice, `known` = `unseen` and a State's own record gets no weight of
    its own (it still counts inside its regional group and all States).
    """
    # Millions of small tuples: the cyclic garbage collector would rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        counted = count_rows(rows)
        return _fit_counted(counted)
    finally:
        if collecting:
            gc.enable()


def _fit_counted(counted: HeldOut) -> Model:
    tables = counted.tables
    names = list(FEATURES)
    if tables.total < MIN_HISTORY or tables.supported in (0, tables.total):
        flat = Weights(_logit((tables.supported + 1) / (tables.total + 2)),
                       dict.fromkeys(names, 1.0))
        return Model(tables, flat, flat)
    wording = fit_wording(counted.terms, MIN_TERM_COUNT,
                          (key for (table, key), _n in tables.seen.items()
                           if table == "wording" and isinstance(key, str)))
    counted.terms = TermRows(size=0)  # the sample is not needed again: free it before the weights
    model = Model(tables, Weights(0.0, {}), Weights(0.0, {}), wording.full)
    # State by State: only one held-out State's own counts need to be in memory at a time.
    held = sorted(counted.held_sample, key=lambda r: r.recommendation.state)
    if not _both_answers(held):  # the held-out States all answered alike: nothing to fit
        flat = Weights(_logit((tables.supported + 1) / (tables.total + 2)),
                       dict.fromkeys(names, 1.0))
        return Model(tables, flat, flat)
    latest = max((r.session for r in held if r.session is not None), default=None)

    def unseen(row: HistoryRow) -> Described:
        return model.describe(row.recommendation, without=counted.without_state(row),
                              word_coef=wording.by_fold[fold_of(row.recommendation.state)])

    model.unseen = _fit_weights(model, held, latest, unseen)
    repeated = counted.repeated_states()
    repeat = [r for r in held if r.recommendation.state in repeated]
    if (len(repeat) < MIN_REPEAT_ROWS or len(repeated) < MIN_REPEAT_STATES
            or not _both_answers(repeat)):
        model.known = model.unseen
        return model
    model.known = _fit_weights(
        model, repeat, latest,
        lambda r: model.describe(r.recommendation, without=counted.without_review(r),
                                 word_coef=wording.by_fold[fold_of(r.recommendation.state)]))
    return model


def _fit_weights(
    model: Model, rows: list[HistoryRow], latest: int | None,
    describe: Callable[[HistoryRow], Described],
) -> Weights:
    """Logistic weights on the rows' held-out shifts, then the intercept re-centred on the
    most recent sessions: support rates drift over the years (cycle 1 rose from about 60% to
    about 78%), and a draft is closer to the latest sessions than to the average one."""
    xs = np.array([_design(model, describe(r)) for r in rows], dtype=float)
    ys = np.array([float(r.supported) for r in rows])
    beta = non_negative(xs, ys, ridge=RIDGE_PER_ROW * len(ys))
    if latest is not None:
        recent = np.array([r.session is not None and r.session > latest - RECENT_SESSIONS
                           for r in rows])
        if int(recent.sum()) >= MIN_RECENT:
            beta[0] += recentre(xs[recent], ys[recent], beta)
    return Weights(float(beta[0]), {f: float(b) for f, b in zip(FEATURES, beta[1:], strict=True)})
