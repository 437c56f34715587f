"""BM25 search over the FTS5 index, boosted for the State under Review, with snippets.

Scores are `-bm25()` (higher is better) multiplied by `COUNTRY_BOOST` for items about the same
State (or about no State in particular, such as treaty articles). Snippets are cut in a second,
cheap query for the few hits shown, so ranking 100,000 items never builds snippets it discards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.evidence.store import EvidenceItem, get_items, has_evidence
from app.evidence.text import fts_query

#: Multiplier for items whose country is the State under Review (or empty: universal items).
COUNTRY_BOOST = 1.5
#: bm25() column weights for (text, issues, keywords) in suggestions and searches.
SEARCH_WEIGHTS = (1.0, 0.5, 0.8)
#: Default highlight markers; the GUI swaps them for HTML after escaping the text.
MARKS = ("\x02", "\x03")


@dataclass
class SearchHit:
    item: EvidenceItem
    score: float
    snippet: str
    #: Library path the item lives in; None for the project's own store.
    library: str | None = None

    @property
    def key(self) -> tuple[str | None, int]:
        return (self.library, self.item.id or 0)


#: (library path or None, connection): where to look.
Source = tuple[str | None, sqlite3.Connection]


def _kind_filter(kinds: Sequence[str] | None) -> tuple[str, list[str]]:
    if not kinds:
        return "", []
    return f" AND e.kind IN ({', '.join('?' for _ in kinds)})", list(kinds)


def rank(
    conn: sqlite3.Connection,
    match: str,
    *,
    country: str = "",
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    weights: Sequence[float] = SEARCH_WEIGHTS,
    boost: float = COUNTRY_BOOST,
    same_country_only: bool = False,
) -> list[tuple[int, float]]:
    """(evidence id, score) for a ready MATCH expression, best first."""
    if not match or not has_evidence(conn):
        return []
    where, params = _kind_filter(kinds)
    w = ", ".join(str(float(x)) for x in weights)
    if same_country_only:
        where += " AND e.country = ? COLLATE NOCASE"
        params.append(country)
        score = f"-bm25(evidence_fts, {w})"
        args: list[object] = [match, *params, limit]
    else:
        score = (
            f"-bm25(evidence_fts, {w}) * (CASE WHEN e.country = ? COLLATE NOCASE "
            f"OR e.country = '' THEN {float(boost)} ELSE 1.0 END)"
        )
        args = [country, match, *params, limit]
    sql = (
        f"SELECT e.id, {score} AS score FROM evidence_fts "
        f"JOIN evidence e ON e.id = evidence_fts.rowid "
        f"WHERE evidence_fts MATCH ?{where} ORDER BY score DESC LIMIT ?"
    )
    try:
        return [(int(r[0]), float(r[1])) for r in conn.execute(sql, args)]
    except sqlite3.OperationalError as exc:
        # Quoted words cannot be FTS5 syntax; anything left is a real problem, said plainly.
        raise ValueError(f"The search could not run: {exc}") from exc


def snippets(
    conn: sqlite3.Connection, match: str, ids: Sequence[int], *, marks: tuple[str, str] = MARKS,
    tokens: int = 32,
) -> dict[int, str]:
    """Highlighted extracts of the text column for a few ids (whole text when it is short)."""
    if not ids or not match:
        return {}
    marks_sql = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT rowid, snippet(evidence_fts, 0, ?, ?, '…', ?) FROM evidence_fts "
        f"WHERE evidence_fts MATCH ? AND rowid IN ({marks_sql})",
        [marks[0], marks[1], tokens, match, *ids],
    )
    return {int(r[0]): str(r[1]) for r in rows}


def search(
    sources: Iterable[Source] | sqlite3.Connection,
    query: str,
    *,
    country: str = "",
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    mode: str = "auto",
    marks: tuple[str, str] = MARKS,
    max_terms: int = 24,
) -> list[SearchHit]:
    """Best `limit` items for `query` across sources.

    mode "all" needs every word, "any" ranks items with any word, "auto" tries "all" first and
    falls back to "any" when that finds nothing (what a search box wants).
    """
    if isinstance(sources, sqlite3.Connection):
        sources = [(None, sources)]
    sources = list(sources)
    modes = {"auto": ["all", "any"], "all": ["all"], "any": ["any"]}[mode]
    for m in modes:
        match = fts_query(query, mode=m, max_terms=max_terms)
        if not match:
            return []
        scored: list[tuple[float, int, int]] = []
        for index, (_, conn) in enumerate(sources):
            for item_id, score in rank(conn, match, country=country, kinds=kinds, limit=limit):
                scored.append((score, index, item_id))
        if scored:
            break
    scored.sort(key=lambda t: -t[0])
    scored = scored[:limit]
    hits: list[SearchHit] = []
    for index, (path, conn) in enumerate(sources):
        ids = [i for _, s, i in scored if s == index]
        if not ids:
            continue
        items = get_items(conn, ids)
        snips = snippets(conn, match, ids, marks=marks)
        for score, s, item_id in scored:
            if s == index and item_id in items:
                hits.append(SearchHit(items[item_id], score, snips.get(item_id, ""), path))
    hits.sort(key=lambda h: -h.score)
    return hits
