"""The library's earlier UPR recommendations with a known response, as the outlook reads them.

Only precedent rows answered "supported" or "noted" count; blank, pending or partial responses
(imported as an empty response) are left out and counted, so the outlook can say how many.
With a session cut-off only rows from strictly earlier sessions are read: a draft from session
10 is never scored with history that includes its own response.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from app.acceptance.groups import canonical_key, regional_group, split_states
from app.evidence.text import light_stem, words

#: Estimates the action category (1-5) of a text that the library stored without one.
CategoryEstimator = Callable[[str], int]

_SESSION = re.compile(r"\d+")


def session_number(value: str | int | None) -> int | None:
    """The session as a number ("10", "session 10", 10); None when it holds no number."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    found = _SESSION.search(value)
    return int(found.group(0)) if found else None


#: The vocabulary is small and every history row repeats it: stem each word once.
_stem = lru_cache(maxsize=200_000)(light_stem)


def terms(text: str) -> dict[str, str]:
    """Stemmed single words and two-word phrases of a text -> the first surface form seen.

    Phrases carry the sensitive wording ("death penalty", "sexual orientation") that single words
    blur; stems fold "ratify"/"ratifies" together.
    """
    found: dict[str, str] = {}
    tokens = words(text)
    stems = [_stem(w) for w in tokens]
    for i, stem in enumerate(stems):
        found.setdefault(stem, tokens[i])
        if i:
            found.setdefault(f"{stems[i - 1]} {stem}", f"{tokens[i - 1]} {tokens[i]}")
    return found


@dataclass(frozen=True)
class Recommendation:
    """What the outlook knows about one recommendation, earlier or drafted (keys folded)."""

    state: str
    group: str
    recommenders: tuple[str, ...] = ()
    category: int | None = None
    issues: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


def make_recommendation(
    text: str,
    state: str,
    recommenders: Iterable[str] = (),
    category: int | None = None,
    issues: Iterable[str] = (),
    *,
    names: MutableMapping[str, str] | None = None,
    term_names: bool = True,
) -> Recommendation:
    """A Recommendation from plain values; a recommenders cell may name several ("Spain, Peru").

    `names`, when given, collects key -> name as written, for the reasons' wording: States
    always, words and phrases only with `term_names` (a draft's own; the history's are not
    needed, since a reason only names terms the draft uses).
    """
    found = terms(text)
    rec_keys: list[str] = []
    for value in recommenders:
        for name in split_states(value):
            key = canonical_key(name)
            if key and key not in rec_keys:
                rec_keys.append(key)
                if names is not None:
                    names.setdefault(key, name)
    if names is not None and term_names:
        for key, surface in found.items():
            names.setdefault(key, surface)
        names.setdefault(canonical_key(state), state.strip())
    return Recommendation(
        state=canonical_key(state),
        group=regional_group(state),
        recommenders=tuple(rec_keys),
        category=category,
        issues=tuple(dict.fromkeys(i.strip() for i in issues if i.strip())),
        terms=tuple(found),
    )


@dataclass(frozen=True)
class HistoryRow:
    recommendation: Recommendation
    supported: bool
    session: int | None


@dataclass
class HistoryStats:
    """What was read, and what was left out and why."""

    used: int = 0
    #: Precedents left out because their response is blank or unknown.
    unanswered: int = 0
    #: Precedents left out because they are not from an earlier session than the draft.
    later: int = 0
    #: Repeats of a recommendation already read (the same export imported twice).
    duplicates: int = 0
    #: Precedents whose category was estimated from their text (the library had none).
    estimated: int = 0
    names: dict[str, str] = field(default_factory=dict)


_QUERY = (
    "SELECT text, country, recommending_state, response, action_category, issues, session "
    "FROM evidence WHERE kind = 'precedent'"
)


def read_history(
    connections: Sequence[sqlite3.Connection],
    estimate: CategoryEstimator,
    stats: HistoryStats,
    *,
    before_session: int | None = None,
) -> Iterator[HistoryRow]:
    """Earlier recommendations with a supported/noted response, streamed from every connection
    (a 200,000-row library is never held in memory as objects); `stats` counts as it goes."""
    seen: set[int] = set()
    for conn in connections:
        for text, country, recommending, response, category, issues, session in conn.execute(
            _QUERY
        ):
            if response not in ("supported", "noted") or not str(country).strip():
                stats.unanswered += 1
                continue
            # The same file imported twice must not count twice (nor let a row "see" itself).
            fingerprint = hash((text, country, recommending, session))
            if fingerprint in seen:
                stats.duplicates += 1
                continue
            seen.add(fingerprint)
            number = session_number(str(session))
            if before_session is not None and (number is None or number >= before_session):
                stats.later += 1
                continue
            if category is None:
                category = estimate(text)
                stats.estimated += 1
            rec = make_recommendation(
                text, country, [recommending], int(category), str(issues).split(";"),
                names=stats.names, term_names=False,
            )
            stats.used += 1
            yield HistoryRow(rec, response == "supported", number)
