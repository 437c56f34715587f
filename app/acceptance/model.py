"""A transparent acceptance model: smoothed support rates, combined by a small logistic model.

Every feature is a smoothed log-odds *shift* that a diplomat can read as a count from the library:
"Kenya supported 41 of 44 earlier election recommendations" moves the outlook up by exactly the
amount the model says. Each rate is shrunk towards the rate one level up (State -> its regional
group -> all States; category to this State -> its group -> all States; ...) with a prior weight
of `PRIOR_WEIGHT` recommendations, so a handful of rows cannot produce a confident figure.

The shifts are combined by logistic regression, fitted with leave-one-out shifts (each training
row is described by history that excludes itself), so the weights learn how far each kind of
evidence carries to an unseen recommendation. The probability is therefore an exact sum of
named parts: logit(p) = intercept + Σ weight × shift, and the reasons are the largest parts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.acceptance.history import HistoryRow, Recommendation

#: Prior weight (in recommendations) that pulls a rate towards the rate one level up.
PRIOR_WEIGHT = 8.0
#: Below this many comparable recommendations a count is called too few to rely on.
MIN_COMPARABLE = 20
#: Fewer answered recommendations than this in the whole history: no figure at all.
MIN_HISTORY = 200
#: Rows sampled to fit the weights (the rate tables always use every row).
FIT_SAMPLE = 5000
#: Ridge penalty on the weights, in units of log-likelihood.
RIDGE = 1.0
_CLIP = 6.0

FEATURES: tuple[str, ...] = (
    "group", "state",
    "category", "group_category", "state_category",
    "issue", "group_issue", "state_issue",
    "recommender", "recommender_group", "recommender_state",
    "wording", "group_wording", "state_wording",
)
#: Features explained together as one reason.
REASON_OF: dict[str, str] = {
    "group": "state", "state": "state",
    "category": "category", "group_category": "category", "state_category": "category",
    "issue": "issue", "group_issue": "issue", "state_issue": "issue",
    "recommender": "recommender", "recommender_group": "recommender",
    "recommender_state": "recommender",
    "wording": "wording", "group_wording": "wording", "state_wording": "wording",
}

def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class Evidence:
    """One smoothed rate behind a feature: which table, which key, and its counts."""

    table: str
    key: tuple[str, ...]
    total: int
    supported: int
    shift: float


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


def _keys(rec: Recommendation) -> Iterable[tuple[str, object]]:
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
        yield "state_wording", (s, t)


@dataclass
class Described:
    """A recommendation's feature values and the counts behind each."""

    base: float
    values: dict[str, float]
    evidence: dict[str, Evidence]


class Model:
    """Rate tables plus the logistic weights that combine them."""

    def __init__(self, tables: Tables, weights: dict[str, float], intercept: float) -> None:
        self.tables = tables
        self.weights = weights
        self.intercept = intercept

    # -- features ---------------------------------------------------------------------------
    def describe(self, rec: Recommendation, leave_out: bool | None = None) -> Described:
        """Feature values for `rec`; with `leave_out` (its own response) the row is excluded."""
        t = self.tables
        drop = 0 if leave_out is None else 1
        own = 0 if leave_out is None else int(leave_out)

        seen, yes = t.seen, t.yes

        def rate(table: str, key: object, prior: float) -> Evidence:
            n = seen.get((table, key), 0)
            if n <= drop:
                return Evidence(table, (), 0, 0, 0.0)
            n, k = n - drop, yes.get((table, key), 0) - own
            p0 = sigmoid(prior)
            smoothed = _logit((k + PRIOR_WEIGHT * p0) / (n + PRIOR_WEIGHT))
            shift = max(-_CLIP, min(_CLIP, smoothed - prior))
            shown = key if isinstance(key, tuple) else (key,)
            return Evidence(table, tuple(str(x) for x in shown), n, k, shift)

        base = _logit((t.supported - own + 1) / (t.total - drop + 2))
        values = dict.fromkeys(FEATURES, 0.0)
        evidence: dict[str, Evidence] = {}

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
        for name, keys in (("issue", rec.issues), ("recommender", rec.recommenders)):
            self._spread(name, keys, rec, rate, base, lg, ls, values, evidence)
        self._wording(rec, rate, base, lg, ls, values, evidence)
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
        names = [f for f in FEATURES if REASON_OF[f] == name]
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
        """The most sensitive term: the word or phrase whose history pulls furthest down."""
        worst: list[Evidence] = []
        low = 0.0
        for term in rec.terms:
            n, _k = self.tables.get("wording", term)
            if n < 2:
                continue
            chain = self._chain("wording", term, rec, rate, base, lg, ls)
            total = sum(e.shift for e in chain)
            if total < low:
                low, worst = total, chain
        for feature, ev in zip(("wording", "group_wording", "state_wording"), worst, strict=False):
            values[feature] = ev.shift
            evidence[feature] = ev

    # -- scoring ----------------------------------------------------------------------------
    def logit(self, described: Described) -> float:
        return self.intercept + sum(
            self.weights[f] * v for f, v in described.values.items()
        ) + self.weights["base"] * described.base

    def contributions(self, described: Described) -> dict[str, float]:
        """Each reason's exact share of the log-odds (weights × shifts, summed per reason)."""
        out: dict[str, float] = {}
        for feature, value in described.values.items():
            reason = REASON_OF[feature]
            out[reason] = out.get(reason, 0.0) + self.weights[feature] * value
        return out


_Rate = Callable[[str, object, float], Evidence]


def count_rows(rows: Iterable[HistoryRow], sample_size: int = FIT_SAMPLE,
               seed: int = 15) -> tuple[Tables, list[HistoryRow]]:
    """Count every row into the tables; keep a uniform sample for fitting the weights."""
    tables = Tables()
    sample: list[HistoryRow] = []
    rng = random.Random(seed)
    for seen, row in enumerate(rows):
        tables.add_row(list(_keys(row.recommendation)), row.supported)
        if len(sample) < sample_size:
            sample.append(row)
        else:
            j = rng.randrange(seen + 1)
            if j < sample_size:
                sample[j] = row
    return tables, sample


def fit(rows: Iterable[HistoryRow]) -> Model:
    """Count the rows and fit the weights on leave-one-out shifts of a sample of them."""
    tables, sample = count_rows(rows)
    names = ["base", *FEATURES]
    model = Model(tables, dict.fromkeys(names, 0.0), 0.0)
    if tables.total < MIN_HISTORY or tables.supported in (0, tables.total):
        model.weights = {n: 1.0 for n in names}
        model.weights["base"] = 0.0
        model.intercept = _logit((tables.supported + 1) / (tables.total + 2))
        return model
    xs: list[list[float]] = []
    ys: list[int] = []
    for row in sample:
        described = model.describe(row.recommendation, leave_out=row.supported)
        xs.append([1.0, described.base, *(described.values[f] for f in FEATURES)])
        ys.append(int(row.supported))
    beta = _newton(xs, ys, ridge=RIDGE)
    model.intercept = beta[0]
    model.weights = dict(zip(names, beta[1:], strict=True))
    return model


def _newton(xs: list[list[float]], ys: list[int], *, ridge: float, steps: int = 8) -> list[float]:
    """Ridge logistic regression by Newton's method (a dozen small linear solves, no numpy)."""
    d = len(xs[0])
    beta = [0.0] * d
    for _ in range(steps):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, ys, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, x, strict=True)))
            r = y - p
            w = p * (1 - p)
            for i in range(d):
                xi = x[i]
                if xi == 0.0:
                    continue
                grad[i] += r * xi
                wxi = w * xi
                row = hess[i]
                for j in range(i + 1):
                    row[j] += wxi * x[j]
        for i in range(d):
            for j in range(i):
                hess[j][i] = hess[i][j]
            if i:  # the intercept is not penalised
                grad[i] -= ridge * beta[i]
                hess[i][i] += ridge
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a·x = b (symmetric positive definite) by Gaussian elimination with pivoting."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            m[col][col] = 1e-12
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x
