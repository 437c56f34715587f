"""Fitted outlooks, cached per library content and session cut-off.

Fitting reads every answered precedent once (a few seconds for 40,000 rows), so the result is
kept in memory and in the user cache folder, keyed on a fingerprint of the precedent rows:
importing into or editing the library changes the fingerprint and the next outlook refits;
nothing else does. The disk copy makes the second run of the CLI (or the app) skip the fit; a
damaged or foreign cache file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from app.acceptance.history import CategoryEstimator, HistoryRow, HistoryStats, read_history
from app.acceptance.model import fit, fit_cut_offs
from app.acceptance.outlook import Forecaster
from app.core.cachefiles import cache_folder, read_pickle, write_pickle

#: How many fitted models (library versions × session cut-offs) stay in memory.
CACHE_SIZE = 16
#: Changes whenever the model's features, fitting or pickled classes change (6: the fitted
#: wording score's coefficients), so older cache files are not read.
MODEL_VERSION = "8"
_MAGIC = b"SMARTrec acceptance model\n"
#: Disk cache files kept (the oldest are removed beyond this): enough for a batch with a
#: session column over two cycles' sessions, at 2-4 MB each.
DISK_ENTRIES = 32

_FINGERPRINT = (
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(id * (length(response) + "
    "7 * coalesce(action_category, 0) + length(country) + length(session) + "
    "length(recommending_state) + length(issues) + length(text))), 0), "
    "coalesce(sum(action_category IS NULL), 0) "
    "FROM evidence WHERE kind = 'precedent'"
)
#: When the library holds rows without a category (UHRI exports), the checker estimates them,
#: so a model fitted under other rules is stale: the key then includes the estimates of these
#: texts, one per category, which move when the category rules do.
_PROBES = (
    "Seek technical assistance from the international community to train judges.",
    "Continue its efforts to reduce maternal mortality.",
    "Consider ratifying the Convention against Torture.",
    "Take further measures to improve prison conditions.",
    "Adopt a law criminalising domestic violence by 2027.",
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
    counts = tuple(conn.execute(_FINGERPRINT).fetchone()) if has else (0, 0, 0, 0)
    return (where[2] if where else "", *counts)


def forecaster_for(
    connections: Sequence[sqlite3.Connection],
    estimate: CategoryEstimator,
    *,
    before_session: int | None = None,
) -> Forecaster:
    """The fitted forecaster for these libraries' current content (fitted on first use)."""
    if before_session is not None:
        return forecasters_for(connections, estimate, [before_session])[before_session]
    prints, probes = _keys(connections, estimate)
    found, path, header = _cached(None, probes, prints)
    if found is None:
        stats = HistoryStats()
        usable = [c for c, p in zip(connections, prints, strict=True) if p[1]]
        found = Forecaster(fit(read_history(usable, estimate, stats)), stats, None)
        _remember(None, probes, prints, found, path, header)
    return found


def forecasters_for(
    connections: Sequence[sqlite3.Connection],
    estimate: CategoryEstimator,
    cuts: Iterable[int],
) -> dict[int, Forecaster]:
    """One forecaster per session cut-off (history strictly before it), the missing ones fitted
    from a single read of the history (`model.fit_cut_offs`)."""
    prints, probes = _keys(connections, estimate)
    out: dict[int, Forecaster] = {}
    missing: dict[int, tuple[Path, bytes]] = {}
    for cut in sorted(set(cuts)):
        found, path, header = _cached(cut, probes, prints)
        if found is None:
            missing[cut] = (path, header)
        else:
            out[cut] = found
    if not missing:
        return out
    stats = HistoryStats()
    per_session: Counter[int | None] = Counter()

    def counted(rows: Iterable[HistoryRow]) -> Iterator[HistoryRow]:
        for row in rows:
            per_session[row.session] += 1
            yield row

    usable = [c for c, p in zip(connections, prints, strict=True) if p[1]]
    models = fit_cut_offs(
        counted(read_history(usable, estimate, stats, before_session=max(missing))), missing)
    for cut, model in models.items():
        used = sum(n for s, n in per_session.items() if s is not None and s < cut)
        cut_stats = HistoryStats(
            used=used, unanswered=stats.unanswered, later=stats.used + stats.later - used,
            duplicates=stats.duplicates, names=stats.names)
        out[cut] = Forecaster(model, cut_stats, cut)
        _remember(cut, probes, prints, out[cut], *missing[cut])
    return out


def _keys(
    connections: Sequence[sqlite3.Connection], estimate: CategoryEstimator
) -> tuple[list[tuple[object, ...]], tuple[int, ...]]:
    prints = [fingerprint(c) for c in connections]
    # Some categories are estimated: the rules that estimate them are part of the key.
    probes = tuple(estimate(text) for text in _PROBES) if any(p[-1] for p in prints) else ()
    return prints, probes


def _cached(
    cut: int | None, probes: tuple[int, ...], prints: Sequence[tuple[object, ...]]
) -> tuple[Forecaster | None, Path, bytes]:
    """The forecaster from memory or the disk cache (None when neither holds it), and where
    the disk copy lives."""
    key = (cut, probes, *prints)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
    path, header = _disk_entry(cut, probes, prints)
    if found is not None:
        return found, path, header
    loaded = read_pickle(path, header)
    if isinstance(loaded, Forecaster):
        _remember(cut, probes, prints, loaded, None, header)
        return loaded, path, header
    return None, path, header


def _remember(
    cut: int | None, probes: tuple[int, ...], prints: Sequence[tuple[object, ...]],
    forecaster: Forecaster, path: Path | None, header: bytes,
) -> None:
    """Keep a forecaster in memory, and on disk when `path` is given (a fresh fit)."""
    if path is not None and write_pickle(path, header, forecaster):
        _trim(path.parent)
    key = (cut, probes, *prints)
    with _lock:
        _cache[key] = forecaster
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _disk_entry(
    before: int | None, probes: tuple[int, ...], prints: Sequence[tuple[object, ...]]
) -> tuple[Path, bytes]:
    """The cache file for a key, and the header that must open it. The key holds the content
    fingerprints, not the files' paths: a copied or moved library is the same history."""
    content = repr((MODEL_VERSION, before, probes, [p[1:] for p in prints]))
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return cache_folder("acceptance") / f"{digest[:32]}.pickle", _MAGIC + digest.encode() + b"\n"


def _trim(folder: Path) -> None:
    """Keep the newest DISK_ENTRIES models: each library version leaves one behind."""
    try:
        entries = sorted(folder.glob("*.pickle"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in entries[DISK_ENTRIES:]:
            old.unlink()
    except OSError:
        pass  # another process trimmed first, or the folder went read-only: harmless


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _seen.clear()
