"""Prior UPR recommendations: near-repeats to the same State, and theme votes from neighbours.

Theme votes are a weighted k-nearest-neighbour vote: the 30 precedents that BM25 ranks closest to
the draft each vote for their UPR Info issues with weight (score / best score) ** 3, so the
closest few dominate and the long tail only breaks ties. The `issues` column takes part in the
BM25 match with weight 2, so a draft that names a theme ("elections", "torture") leans towards
precedents tagged with it. All parameters were chosen on sessions 1-6 → 7-9 of the UPR Info
cycle-1 export and then measured once on sessions 1-9 → 10-12 (see README, "Evidence library").
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable

from app.core.models import Precedent
from app.evidence import memindex
from app.evidence.search import Source, planned_query, rank, word_terms
from app.evidence.store import EvidenceItem, get_items
from app.evidence.text import fts_query, quote, stem_map

THEME_K = 30
THEME_POWER = 3.0
THEME_WEIGHTS = (1.0, 2.0, 0.0)
#: How many neighbours the explanation counts ("7 of the 10 most similar …").
EXPLAIN_K = 10
#: A vote share of 1.0 (every neighbour tagged) adds this much to the engine's theme score.
THEME_VOTE_SCALE = 3.0
MAX_THEME_VOTES = 5
MIN_THEME_SHARE = 0.05

#: Word-overlap similarity (0..1) from which a prior recommendation counts as a precedent.
PRECEDENT_THRESHOLD = 0.55
#: Neighbours and precedent candidates are ranked on the draft's rarest words, taken until the
#: sum of their document frequencies passes this: the rare words carry the meaning, and bm25()
#: costs in proportion to the postings it reads. On sessions 1-9 -> 10-12 of the UPR Info
#: cycle-1 export, theme hit@3 94.4 % with 12,000 (94.4 % with every word), 3.4x faster.
POSTINGS_BUDGET = 12_000
PRECEDENT_CANDIDATES = 20


def _as_sources(sources: Iterable[Source]) -> list[Source]:
    return list(sources)


def nearest(
    sources: Iterable[Source], text: str, *, k: int = THEME_K
) -> list[tuple[float, EvidenceItem]]:
    """The k precedents closest to `text` by BM25, across sources, best first."""
    if not fts_query(text, max_terms=48):
        return []
    scored: list[tuple[float, str | None, int]] = []
    conns = dict(_as_sources(sources))
    for path, conn in conns.items():
        match = planned_query(conn, text, budget=POSTINGS_BUDGET, max_terms=48)
        for item_id, score in rank(
            conn, match, kinds=["precedent"], limit=k, weights=THEME_WEIGHTS, boost=1.0
        ):
            scored.append((score, path, item_id))
    scored.sort(key=lambda t: -t[0])
    scored = scored[:k]
    out: list[tuple[float, EvidenceItem]] = []
    for path, conn in conns.items():
        ids = [i for _, p, i in scored if p == path]
        index = memindex.active(conn)
        if not ids:
            items = {}
        elif index is not None:
            items = index.items(conn, ids)
        else:
            items = get_items(conn, ids)
        out.extend((s, items[i]) for s, p, i in scored if p == path and i in items)
    out.sort(key=lambda t: -t[0])
    return out


def votes_from_neighbours(
    neighbours: list[tuple[float, EvidenceItem]],
    *,
    power: float = THEME_POWER,
    explain_k: int = EXPLAIN_K,
) -> dict[str, tuple[float, str]]:
    """issue -> (score, reason) from ranked neighbours; see the module docstring."""
    if not neighbours:
        return {}
    best = neighbours[0][0]
    weights: dict[str, float] = {}
    total = 0.0
    tags = [item.issue_list() for _, item in neighbours]  # parsed once, used three times
    for (score, _item), issues in zip(neighbours, tags, strict=True):
        w = (score / best) ** power if best > 0 else 1.0
        total += w
        for issue in issues:
            weights[issue] = weights.get(issue, 0.0) + w
    if total <= 0:
        return {}
    top = tags[:explain_k]
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_THEME_VOTES]
    out: dict[str, tuple[float, str]] = {}
    for issue, weight in ranked:
        share = weight / total
        if share < MIN_THEME_SHARE:
            continue
        tagged = sum(1 for issues in top if issue in issues)
        pool = top
        if not tagged:
            pool = tags
            tagged = sum(1 for issues in pool if issue in issues)
        reason = (
            f"{tagged} of the {len(pool)} most similar past recommendations were tagged {issue}"
        )
        out[issue] = (round(share * THEME_VOTE_SCALE, 3), reason)
    return out


def theme_votes(sources: Iterable[Source], text: str) -> dict[str, tuple[float, str]]:
    """Theme votes for `CheckContext.theme_votes` from the most similar precedents."""
    return votes_from_neighbours(nearest(sources, text))


#: (id(conn), precedent count) -> word -> idf. The count in the key drops stale entries when a
#: connection id is reused or the library changes.
_IDF_CACHE: dict[tuple[int, int], dict[str, float]] = {}


def _idf_table(conn: sqlite3.Connection) -> dict[str, float]:
    index = memindex.active(conn)
    if index is not None:  # a batch's in-memory copy: counting in SQLite costs 0.4 ms a draft
        n = index.kind_count("precedent")
    else:
        n = int(conn.execute(
            "SELECT count(*) FROM evidence WHERE kind = 'precedent'").fetchone()[0])
    key = (id(conn), n)
    if key not in _IDF_CACHE:
        if len(_IDF_CACHE) > 16:
            _IDF_CACHE.clear()
        _IDF_CACHE[key] = {"\0n": float(n)}
    return _IDF_CACHE[key]


def _learn_idf(conn: sqlite3.Connection, table: dict[str, float], new: Iterable[str]) -> None:
    """Add the inverse document frequency of each new word (porter-stemmed by FTS5, like the
    index) to `table`; a batch's in-memory copy of the index answers all of them at once."""
    new = [w for w in dict.fromkeys(new) if w not in table]
    if not new:
        return
    index = memindex.active(conn)
    terms = word_terms(new) if index is not None else {}
    for word in new:
        found = terms.get(word, ())
        if index is not None and len(found) == 1:
            df = index.text_doc_count(found[0])
        else:
            df = conn.execute(
                "SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH ?",
                ("text: " + quote(word),),
            ).fetchone()[0]
        table[word] = math.log(1 + (table["\0n"] + 1) / (df + 1))


def similarity(
    conn: sqlite3.Connection, a: str, b: str, table: dict[str, float] | None = None
) -> float:
    """IDF-weighted cosine of the two texts' word sets (0..1).

    Rare words carry the meaning ("Optional Protocol to the Convention against Torture" vs
    "Second Optional Protocol to the ICCPR"), so shared common words ("ratify", "protocol")
    alone do not make two recommendations look alike.
    """
    wa = stem_map(a)
    wb = stem_map(b)
    if not wa or not wb:
        return 0.0
    idf = table if table is not None else _idf_table(conn)
    both = {**wb, **wa}
    _learn_idf(conn, idf, both.values())
    weight = {s: idf[w] ** 2 for s, w in both.items()}
    shared = sum(weight[s] for s in wa.keys() & wb.keys())
    norm = math.sqrt(sum(weight[s] for s in wa) * sum(weight[s] for s in wb))
    return shared / norm if norm else 0.0


def find_precedents(
    sources: Iterable[Source],
    text: str,
    state: str,
    *,
    threshold: float = PRECEDENT_THRESHOLD,
    limit: int = 3,
) -> list[Precedent]:
    """Earlier recommendations to `state` that say nearly what the draft says."""
    if not state.strip():
        return []
    if not fts_query(text, max_terms=48):
        return []
    found: list[Precedent] = []
    for _path, conn in _as_sources(sources):
        match = planned_query(conn, text, budget=POSTINGS_BUDGET, max_terms=48)
        ranked = rank(
            conn, match, country=state, kinds=["precedent"], limit=PRECEDENT_CANDIDATES,
            same_country_only=True,
        )
        index = memindex.active(conn)
        ids = [i for i, _ in ranked]
        items = index.items(conn, ids) if index is not None else get_items(conn, ids)
        table = _idf_table(conn) if ranked else {}
        for item_id, _ in ranked:
            item = items.get(item_id)
            if item is None:
                continue
            sim = similarity(conn, text, item.text, table)
            if sim >= threshold:
                found.append(
                    Precedent(
                        text=item.text,
                        recommending_state=item.recommending_state,
                        cycle=item.cycle,
                        session=item.session,
                        response=item.response,
                        similarity=round(sim, 3),
                        evidence_id=item.id,
                    )
                )
    found.sort(key=lambda p: -p.similarity)
    return found[:limit]
