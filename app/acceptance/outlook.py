"""The outlook for one draft: probability supported, the reasons that move it, in words.

Reasons quote the library's own counts. A count drawn from fewer than `MIN_COMPARABLE`
recommendations says so; a history too small to fit anything gives no figure at all.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field, replace

from app.acceptance.history import HistoryStats, Recommendation, make_recommendation
from app.acceptance.model import (
    MIN_COMPARABLE,
    MIN_HISTORY,
    REASON_OF,
    Described,
    Evidence,
    Model,
    Weights,
    sigmoid,
)

#: At most this many reasons; at least `MIN_REASONS` when the model has that many.
MAX_REASONS = 4
MIN_REASONS = 2
#: A reason smaller than this (in log-odds) is left out unless needed to reach MIN_REASONS.
MIN_EFFECT = 0.05

CATEGORY_NAMES = {
    1: "minimal action", 2: "continuing action", 3: "considering action",
    4: "general action", 5: "specific action",
}


@dataclass(frozen=True)
class Reason:
    text: str
    #: Exact share of the log-odds this reason adds (+) or takes away (-).
    effect: float


@dataclass(frozen=True)
class CategoryChange:
    category: int
    probability: float


@dataclass(frozen=True)
class Outlook:
    """What the scorecard and the CLI show; `probability` is None when history is too thin."""

    probability: float | None
    reasons: tuple[Reason, ...]
    #: A caveat in one line (thin history, no State given), or "".
    note: str = ""
    #: Earlier answered recommendations to this State in the history used.
    comparable: int = 0
    history: int = 0
    category: int | None = None
    changes: tuple[CategoryChange, ...] = ()
    #: The State's own record on this draft's category and issues, as plain counts. Shown for
    #: context; it moves the figure only as far as the reasons say.
    record: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "probability": None if self.probability is None else round(self.probability, 3),
            "reasons": [r.text for r in self.reasons],
            "note": self.note,
            "comparable": self.comparable,
            "history": self.history,
            "category": self.category,
            "if_category": {
                str(c.category): round(c.probability, 3) for c in self.changes
            },
            "record": list(self.record),
        }


def no_state(category: int | None, history: int = 0) -> Outlook:
    """The outlook of a draft that names no State under Review: none, and why."""
    return Outlook(None, (), "No State under Review is named, so there is no outlook.",
                   0, history, category)


def _few(n: int) -> str:
    return ", too few to rely on" if n < MIN_COMPARABLE else ""


def _pct(k: int, n: int) -> str:
    return f"{round(100 * k / n)}%" if n else "no data"


@dataclass
class Forecaster:
    """A fitted model and the names it needs to speak; one per library version and cut-off."""

    model: Model
    stats: HistoryStats
    before_session: int | None = None
    _names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._names = self.stats.names

    @property
    def usable(self) -> bool:
        t = self.model.tables
        return t.total >= MIN_HISTORY and 0 < t.supported < t.total

    def outlook(
        self,
        text: str,
        state: str,
        recommenders: Iterable[str] = (),
        category: int | None = None,
        issues: Iterable[str] = (),
    ) -> Outlook:
        # The draft's own names first, then the history's (never copied: it is the vocabulary).
        names: ChainMap[str, str] = ChainMap({}, self._names)
        rec = make_recommendation(text, state, recommenders, category, issues, names=names)
        comparable = self.model.tables.get("state", rec.state)[0] if rec.state else 0
        total = self.model.tables.total
        if not self.usable:
            return Outlook(None, (), self._thin_history(), comparable, total, category)
        if not rec.state:
            return no_state(category, total)
        described = self.model.describe(rec)
        weights = self.model.weights_for(rec.state)
        probability = sigmoid(self.model.logit(described, weights))
        reasons = self._reasons(rec, described, weights, names)
        steps = () if category is None else (category - 1, category + 1)
        changes = tuple(
            CategoryChange(c, sigmoid(self.model.logit(self.model.describe(
                replace(rec, category=c), keep_from=described), weights)))
            for c in steps if 1 <= c <= 5
        )
        note = ""
        state_name = names.get(rec.state, state)
        if comparable < MIN_COMPARABLE:
            held = (f"only {comparable} earlier recommendation{'' if comparable == 1 else 's'}"
                    if comparable else "no earlier recommendations")
            note = (
                f"The library holds {held} to {state_name} with a known response (fewer than "
                f"{MIN_COMPARABLE}): this figure rests mostly on how other States responded to "
                "similar recommendations."
            )
        elif not self.model.weighs_own_records:
            note = (
                f"Too few States in the library were reviewed more than once to learn how far a "
                f"State's record carries to its next review: this figure rests on how other "
                f"States responded, and {state_name}'s own counts are shown for context only."
            )
        record = self._record(rec, state_name, {r.text for r in reasons})
        return Outlook(probability, reasons, note, comparable, total, category, changes, record)

    def _record(self, rec: Recommendation, state: str, said: set[str]) -> tuple[str, ...]:
        """Up to three facts from the State's own history: overall, this category, an issue."""
        t = self.model.tables
        facts: list[str] = []
        n, k = t.get("state", rec.state)
        if n:
            facts.append(f"{state} supported {k} of {n} earlier recommendations "
                         f"({_pct(k, n)}{_few(n)})")
        if rec.category is not None:
            n, k = t.get("state_category", (rec.state, rec.category))
            if n:
                facts.append(f"category-{rec.category} ones: {k} of {n} ({_pct(k, n)}"
                             f"{_few(n)})")
        for issue in rec.issues:
            n, k = t.get("state_issue", (rec.state, issue))
            if n:
                facts.append(f"on {issue}: {k} of {n} ({_pct(k, n)}{_few(n)})")
                break
        return tuple(f for f in facts if not any(f.split(" (")[0] in text for text in said))

    def _thin_history(self) -> str:
        t = self.model.tables
        left = []
        if self.stats.unanswered:
            left.append(f"{self.stats.unanswered} without a known response")
        if self.stats.later:
            left.append(f"{self.stats.later} from the draft's own or later sessions")
        why = f" ({', '.join(left)} left out)" if left else ""
        if t.total and t.supported in (0, t.total):
            every = "supported" if t.supported else "noted"
            return (f"Not enough history: all {t.total} earlier recommendations in the library "
                    f"were {every}{why}, so there is nothing to compare.")
        return (f"Not enough history: the library holds {t.total} earlier recommendations with a "
                f"known response{why}; an outlook needs at least {MIN_HISTORY}.")

    # -- reasons ----------------------------------------------------------------------------
    def _reasons(
        self, rec: Recommendation, described: Described, weights: Weights,
        names: MutableMapping[str, str],
    ) -> tuple[Reason, ...]:
        by_reason: dict[str, list[tuple[float, str]]] = {}
        for feature, value in described.values.items():
            by_reason.setdefault(REASON_OF[feature], []).append((weights.by[feature] * value,
                                                                 feature))
        ranked = sorted(
            ((sum(c for c, _ in parts), kind, parts) for kind, parts in by_reason.items()),
            key=lambda item: -abs(item[0]),
        )
        out: list[Reason] = []
        for effect, _kind, parts in ranked:
            if len(out) >= MAX_REASONS or (abs(effect) < MIN_EFFECT and len(out) >= MIN_REASONS):
                break
            ev = self._telling(parts, described, effect)
            if ev is not None:
                out.append(Reason(self._say(ev, rec, names, effect), round(effect, 3)))
        if not out:
            n, k = self.model.tables.total, self.model.tables.supported
            out.append(Reason(f"All States together supported {k} of {n} earlier "
                              f"recommendations in the library ({_pct(k, n)}).", 0.0))
        return tuple(out)

    @staticmethod
    def _telling(
        parts: list[tuple[float, str]], described: Described, effect: float
    ) -> Evidence | None:
        """The count that explains a reason: the most specific level (this State, then its
        group, then all States) that holds enough rows and pushes the same way as the reason;
        failing that, the level that moves the figure most."""
        for contribution, feature in reversed(parts):  # FEATURES order: general -> specific
            ev = described.evidence.get(feature)
            if (ev is not None and ev.total >= MIN_COMPARABLE and contribution * effect > 0):
                return ev
        for _c, feature in sorted(parts, key=lambda p: -abs(p[0])):
            ev = described.evidence.get(feature)
            if ev is not None and ev.total:
                return ev
        return None

    def _say(self, ev: Evidence, rec: Recommendation, names: MutableMapping[str, str],
             effect: float) -> str:
        n, k = ev.total, ev.supported
        state = names.get(rec.state, rec.state)
        region = rec.group or "unplaced"
        group = f"{region} group"
        share = f"{k} of {n}"
        key = ev.key
        table = ev.table
        if table == "group":
            text = f"States of the {group} supported {share} earlier recommendations"
        elif table == "state":
            text = f"{state} supported {share} earlier recommendations in the library"
        elif table in ("category", "group_category", "state_category"):
            c = int(str(key[-1]))
            what = f"category-{c} ({CATEGORY_NAMES[c]}) recommendations"
            if table == "category":
                text = f"{what[0].upper()}{what[1:]} were supported {share} times across all States"
            elif table == "group_category":
                text = f"{what[0].upper()}{what[1:]} to {group} States were supported {share} times"
            else:
                text = f"{what[0].upper()}{what[1:]} to {state} were supported {share} times"
                other = self._other_category(rec.state, c)
                if other:
                    text += f" ({_pct(k, n)}); {other}"
                    return self._caveat(text, k, n, effect, pct=False)
        elif table == "category_issue":
            c = int(str(key[0]))
            text = (f"Category-{c} ({CATEGORY_NAMES[c]}) recommendations on {key[1]} were "
                    f"supported {share} times across all States")
        elif table == "issue":
            text = f"Recommendations on {key[0]} were supported {share} times across all States"
        elif table == "group_issue":
            text = f"{region} States supported {share} recommendations on {key[1]}"
        elif table == "state_issue":
            text = (f"{state} noted all {n} earlier recommendations on {key[1]}" if k == 0 and n > 1
                    else f"{state} supported {share} earlier recommendations on {key[1]}")
        elif table == "rgroup_group":
            text = (f"{region} States supported {share} recommendations from "
                    f"{key[0] or 'unplaced'} group States")
        elif table.startswith("recommender"):
            who = names.get(str(key[0]), str(key[0]))
            if table == "recommender_category":
                c = int(str(key[1]))
                text = (f"{who}'s category-{c} ({CATEGORY_NAMES[c]}) recommendations were "
                        f"supported {share} times across all States")
            elif table == "recommender_issue":
                text = (f"{who}'s recommendations on {key[1]} were supported {share} times "
                        "across all States")
            elif table == "recommender":
                text = f"{who}'s recommendations were supported {share} times across all States"
            elif table == "recommender_group":
                text = f"{region} States supported {k} of {who}'s {n} recommendations"
            elif k * 2 < n:
                text = f"{state} noted {n - k} of {who}'s {n} earlier recommendations"
            else:
                text = f"{state} supported {k} of {who}'s {n} earlier recommendations"
        else:
            term = names.get(str(key[-1]), str(key[-1]))
            if table == "wording":
                text = (f"Recommendations mentioning '{term}' were supported {share} times across "
                        "all States")
            elif table == "group_wording":
                text = (f"{region} States supported {share} recommendations "
                        f"mentioning '{term}'")
            else:
                text = f"{state} noted {n - k} of {n} earlier recommendations mentioning '{term}'"
        return self._caveat(text, k, n, effect)

    def _other_category(self, state: str, category: int) -> str:
        """The next softer (or else firmer) category's record with this State, for contrast."""
        for other in (category - 1, category + 1):
            n, k = self.model.tables.get("state_category", (state, other))
            if 1 <= other <= 5 and n >= MIN_COMPARABLE:
                return f"category-{other} ones {_pct(k, n)} ({k} of {n})"
        return ""

    @staticmethod
    def _caveat(text: str, k: int, n: int, effect: float, *, pct: bool = True) -> str:
        if pct:
            text += f" ({_pct(k, n)})"
        direction = "raises" if effect > 0 else "lowers"
        if n < MIN_COMPARABLE:
            return f"{text} — only {n}, too few to rely on; {direction} the outlook slightly."
        return f"{text}; {direction} the outlook."
