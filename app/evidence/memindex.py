"""An in-memory copy of a library's FTS5 index for batch checks, ranked like `bm25()`.

`smartrec check FILE --library LIB` ranks thousands of drafts against one library that does not
change during the run. SQLite scores every row that shares a word with a draft, joins it to
`evidence` and sorts (20-40 ms a draft on 21,000 rows). Here the index's postings are read once
into numpy arrays (per term: rows and per-column counts) and a query is a few vector
operations. Scores follow FTS5's `bm25()` formula exactly (k1 1.2, b 0.75, the same IDF floor,
the same document lengths and column weights), and the terms are the index's own (the same
tokenizer stems the draft's words), so rankings match SQLite's up to ties.

Only plain OR queries of single words are served; anything else (AND queries, a word the
tokenizer splits in two) is left to SQLite. The index is built from a read-only connection and
never written; it is keyed by the library's path, size and modification time.
"""

from __future__ import annotations

import math
import os
import sqlite3
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.evidence.store import EvidenceItem, get_items
from app.evidence.text import quote

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: FTS5's bm25() constants (fts5_aux.c).
K1 = 1.2
B = 0.75
_MIN_IDF = 1e-6
MAX_CACHED_ITEMS = 50_000


@dataclass
class _Postings:
    rows: npt.NDArray[np.int32]
    counts: npt.NDArray[np.float64]  # shape (3, n): occurrences per column
    idf: float
    #: column weights -> each item's share of the score (computed on first use)
    parts: dict[tuple[float, ...], npt.NDArray[np.float64]] = field(default_factory=dict)


class MemoryIndex:
    """Postings of one library; `rank` answers what `search.rank` asks of SQLite."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        import numpy as np

        ids: list[int] = []
        kinds: list[str] = []
        countries: list[str] = []
        for item_id, kind, country in conn.execute(
            "SELECT id, kind, country FROM evidence ORDER BY id"
        ):
            ids.append(int(item_id))
            kinds.append(str(kind))
            countries.append(str(country or ""))
        self.ids = np.array(ids, dtype=np.int64)
        # kinds and countries as small integer codes: comparing codes is a vector operation
        self._kind_codes = {k: i for i, k in enumerate(dict.fromkeys(kinds))}
        self._kinds = np.array([self._kind_codes[k] for k in kinds], dtype=np.int32)
        folded = [nocase(c) for c in countries]
        self._country_codes = {c: i for i, c in enumerate(dict.fromkeys(["", *folded]))}
        self._countries = np.array([self._country_codes[c] for c in folded], dtype=np.int32)
        self._masks: dict[tuple[str, ...], npt.NDArray[np.bool_]] = {}
        self._items: dict[int, EvidenceItem] = {}
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.smartrec_instances "
            "USING fts5vocab(main, evidence_fts, instance)"
        )
        # one row per (term, item), sorted by term: occurrences in each column; read in slices
        # into compact arrays, so building never holds a Python object per posting
        cursor = conn.execute(
            "SELECT term, doc, sum(col = 'text'), sum(col = 'issues'), sum(col = 'keywords') "
            "FROM temp.smartrec_instances GROUP BY term, doc"
        )
        total_rows = len(ids)
        terms: list[str] = []
        starts: list[int] = []
        doc_ids = array("q")
        per_column = array("d")
        previous = None
        position = 0
        while batch := cursor.fetchmany(20_000):
            for term, doc, in_text, in_issues, in_keywords in batch:
                if term != previous:
                    previous = term
                    terms.append(str(term))
                    starts.append(position)
                doc_ids.append(doc)
                per_column.extend((in_text, in_issues, in_keywords))
                position += 1
        starts.append(position)
        conn.execute("DROP TABLE IF EXISTS temp.smartrec_instances")
        docs = np.frombuffer(doc_ids, dtype=np.int64).copy()
        counts = np.frombuffer(per_column, dtype=np.float64).reshape(-1, 3).T.copy()
        del doc_ids, per_column
        rows = np.searchsorted(self.ids, docs).astype(np.int32)
        if position and (rows.max() >= total_rows or (self.ids[rows] != docs).any()):
            raise ValueError("the library's full-text index does not match its items")
        lengths = np.bincount(rows, weights=counts.sum(axis=0), minlength=total_rows)
        self._avgdl = float(lengths.sum()) / total_rows if total_rows else 1.0
        self._norm = K1 * (1.0 - B + B * lengths / self._avgdl)
        self._postings: dict[str, _Postings] = {}
        for term, first, last in zip(terms, starts, starts[1:], strict=False):
            hits = last - first
            idf = math.log((total_rows - hits + 0.5) / (hits + 0.5))
            self._postings[term] = _Postings(
                rows[first:last], counts[:, first:last], max(idf, _MIN_IDF)
            )

    def rank(
        self,
        terms: Sequence[str],
        *,
        country: str,
        kinds: Sequence[str] | None,
        limit: int,
        weights: Sequence[float],
        boost: float,
        same_country_only: bool,
    ) -> list[tuple[int, float]]:
        """(evidence id, score) best first; `terms` are index terms, one per query phrase."""
        import numpy as np

        wanted = self._country_codes.get(nocase(country), -1)
        if same_country_only and wanted < 0:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float64)
        matched = np.zeros(len(self.ids), dtype=bool)
        norm = self._norm
        weight = tuple(float(w) for w in weights[:3])
        for term in terms:
            postings = self._postings.get(term)
            if postings is None:
                continue
            rows = postings.rows
            part = postings.parts.get(weight)
            if part is None:  # this term's bm25 share per item, for these column weights
                freq = np.array(weight, dtype=np.float64) @ postings.counts
                part = postings.idf * (freq * (K1 + 1.0)) / (freq + norm[rows])
                postings.parts[weight] = part
            scores[rows] += part
            matched[rows] = True
        keep = matched
        if kinds:
            keep = keep & self._kind_mask(tuple(kinds))
        if same_country_only:
            keep = keep & (self._countries == wanted)
        elif boost != 1.0:
            same = (self._countries == wanted) | (self._countries == self._country_codes[""])
            scores = np.where(same, scores * boost, scores)
        candidates = np.flatnonzero(keep)
        if not len(candidates):
            return []
        negative = -scores[candidates]
        if len(candidates) > limit > 0:  # the best `limit` (and ties) without a full sort
            cut = np.partition(negative, limit - 1)[limit - 1]
            top = np.flatnonzero(negative <= cut)
        else:
            top = np.arange(len(candidates))
        # best first, ties in id order (as SQLite returns them)
        chosen = candidates[top[np.lexsort((candidates[top], negative[top]))]][: max(limit, 0)]
        return [(int(self.ids[i]), float(scores[i])) for i in chosen]

    def items(self, conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, EvidenceItem]:
        """`store.get_items`, remembered: a batch meets the same neighbours again and again
        (read-only callers; at most `MAX_CACHED_ITEMS` are kept)."""
        missing = [i for i in ids if i not in self._items]
        if missing:
            if len(self._items) + len(missing) > MAX_CACHED_ITEMS:
                self._items.clear()
            self._items.update(get_items(conn, missing))
        return {i: self._items[i] for i in ids if i in self._items}

    def doc_count(self, term: str) -> int:
        """Items with `term` in any column: what the `evidence_vocab` table's `doc` says."""
        postings = self._postings.get(term)
        return 0 if postings is None else len(postings.rows)

    def text_doc_count(self, term: str) -> int:
        """Items with `term` in their text: what `MATCH 'text: term'` counts."""
        postings = self._postings.get(term)
        return 0 if postings is None else int((postings.counts[0] > 0).sum())

    def kind_count(self, kind: str) -> int:
        """How many items are of this kind."""
        return int(self._kind_mask((kind,)).sum())

    def has_kinds(self, kinds: Sequence[str] | None) -> bool:
        """Whether any item is of one of these kinds (None: any item at all)."""
        if not kinds:
            return len(self.ids) > 0
        return any(k in self._kind_codes for k in kinds)

    def _kind_mask(self, kinds: tuple[str, ...]) -> npt.NDArray[np.bool_]:
        import numpy as np

        mask = self._masks.get(kinds)
        if mask is None:
            codes = [self._kind_codes[k] for k in kinds if k in self._kind_codes]
            mask = np.isin(self._kinds, codes)
            self._masks[kinds] = mask
        return mask


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def nocase(text: str) -> str:
    """SQLite's NOCASE collation: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


_INDEXES: dict[str, tuple[tuple[int, int], MemoryIndex]] = {}
#: id(connection) -> (connection, index); holding the connection keeps its id from being reused.
_ACTIVE: dict[int, tuple[sqlite3.Connection, MemoryIndex]] = {}


def _stamp(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def memory_index(path: str | os.PathLike[str]) -> MemoryIndex:
    """The library's in-memory index, built once per process (or before forking workers)."""
    from app.evidence.library import open_library

    key = str(Path(path).resolve())
    stamp = _stamp(key)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    conn = open_library(key, read_only=True)
    # The file stays opened read-only (mode=ro); this only lets the private connection create
    # its temporary fts5vocab view, which lives in the in-memory temp schema.
    conn.execute("PRAGMA query_only = OFF")
    try:
        index = MemoryIndex(conn)
    finally:
        conn.close()
    _INDEXES[key] = (stamp, index)
    return index


_SERVED: set[str] = set()


def serve_from_memory(path: str | os.PathLike[str]) -> None:
    """From now on, look-ups in this library through `check_with_library` use memory (a batch
    check calls this once it knows it has enough drafts to repay building the index)."""
    key = str(Path(path).resolve())
    try:
        memory_index(key)
    except ValueError:
        return  # an index out of step with its items: SQLite answers, as before
    _SERVED.add(key)


def attach_if_served(path: str | None, conn: sqlite3.Connection) -> None:
    if path is not None and path in _SERVED:
        attach(path, conn)


def attach(path: str, conn: sqlite3.Connection) -> None:
    """Serve `search.rank` for this connection (to the library at `path`) from memory."""
    if len(_ACTIVE) > 32:
        _ACTIVE.clear()
    _ACTIVE[id(conn)] = (conn, memory_index(path))


def active(conn: sqlite3.Connection) -> MemoryIndex | None:
    entry = _ACTIVE.get(id(conn))
    return entry[1] if entry is not None and entry[0] is conn else None


def plain_or_words(match: str, words: Sequence[str]) -> bool:
    """Whether `match` is exactly the OR query of `words` (what the index can answer)."""
    return bool(words) and match == " OR ".join(quote(w) for w in words)
