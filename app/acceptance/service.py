"""Fitted outlooks, cached per library content and session cut-off.

Fitting reads every answered precedent once (a few seconds for 40,000 rows), so the result is
kept in memory keyed on a fingerprint of the precedent rows: importing into or editing the
library changes the fingerprint and the next outlook refits; nothing else does.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from app.acceptance.history import CategoryEstimator, HistoryStats, read_history
from app.acceptance.model import fit
from app.acceptance.outlook import Forecaster

#: How many fitted models (library versions × session cut-offs) stay in memory.
CACHE_SIZE = 16

_FINGERPRINT = (
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id * (length(response) + "
    "7 * coalesce(action_category, 0) + length(country) + length(session) + "
    "length(recommending_state) + length(issues) + length(text))), 0) "
    "FROM evidence WHERE kind = 'precedent'"
)

_lock = threading.Lock()
_cache: OrderedDict[tuple[object, ...], Forecaster] = OrderedDict()


class _Estimates(Protocol):
    """The part of the checker the outlook needs (app.core.engine.Checker)."""

    def estimate_category(self, text: str) -> _Category: ...


class _Category(Protocol):
    @property
    def category(self) -> int: ...


def checker_estimator(checker: _Estimates) -> CategoryEstimator:
    """Estimate a stored recommendation's category with the same rules drafts get."""

    def estimate(text: str) -> int:
        return int(checker.estimate_category(text).category)

    return estimate


#: file path -> (its on-disk state, fingerprint): a scan of a 200,000-row library costs about
#: 0.1 s, so it is repeated only when the file (or its write-ahead log) changed on disk.
_seen: dict[str, tuple[tuple[object, ...], tuple[object, ...]]] = {}


def _disk_state(path: str) -> tuple[object, ...] | None:
    try:
        main = os.stat(path)
    except OSError:
        return None
    try:
        wal = os.stat(path + "-wal")
        log: tuple[object, ...] = (wal.st_mtime_ns, wal.st_size)
    except OSError:
        log = ()
    return (main.st_mtime_ns, main.st_size, main.st_ino, *log)


def fingerprint(conn: sqlite3.Connection) -> tuple[object, ...]:
    """Identifies the file and the content of its precedent rows (ids, responses, lengths)."""
    where = conn.execute("PRAGMA database_list").fetchone()
    path = str(where[2]) if where and where[2] else ""
    state = _disk_state(path) if path else None
    if state is not None:
        with _lock:
            known = _seen.get(path)
        if known is not None and known[0] == state:
            return known[1]
    found = _scan(conn)
    if state is not None:
        with _lock:
            if len(_seen) > 64:
                _seen.clear()
            _seen[path] = (state, found)
    return found


def _scan(conn: sqlite3.Connection) -> tuple[object, ...]:
    where = conn.execute("PRAGMA database_list").fetchone()
    has = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence'"
    ).fetchone()
    counts = tuple(conn.execute(_FINGERPRINT).fetchone()) if has else (0, 0, 0)
    return (where[2] if where else "", *counts)


def forecaster_for(
    connections: Sequence[sqlite3.Connection],
    estimate: CategoryEstimator,
    *,
    before_session: int | None = None,
) -> Forecaster:
    """The fitted forecaster for these libraries' current content (fitted on first use)."""
    prints = [fingerprint(c) for c in connections]
    key = (before_session, *prints)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    stats = HistoryStats()
    usable = [c for c, p in zip(connections, prints, strict=True) if p[1]]
    model = fit(read_history(usable, estimate, stats, before_session=before_session))
    forecaster = Forecaster(model, stats, before_session)
    with _lock:
        _cache[key] = forecaster
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return forecaster


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _seen.clear()
