"""BM25 search over the FTS5 index, boosted for the State under Review, with snippets.

Scores are `-bm25()` (higher is better) multiplied by `COUNTRY_BOOST` for items about the same
State (or about no State in particular, such as treaty articles). Snippets are cut in a second,
cheap query for the few hits shown, so ranking 100,000 items never builds snippets it discards.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.evidence import memindex
from app.evidence.schema import TOKENIZER
from app.evidence.store import EvidenceItem, get_items, has_evidence
from app.evidence.text import fts_query, light_stem, quote, words

#: Multiplier for items whose country is the State under Review (or empty: universal items).
COUNTRY_BOOST = 1.5
#: bm25() column weights for (text, issues, keywords) in suggestions and searches.
SEARCH_WEIGHTS = (1.0, 0.5, 0.8)
#: Work budget for "any" queries: words are taken rarest first until the sum of their document
#: frequencies passes this (at least 3 words). BM25 cost grows with the postings it scores; a
#: small library fits entirely, so its ranking is exhaustive.
POSTINGS_BUDGET = 20_000
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


_local = threading.local()


def _stemmer() -> sqlite3.Connection:
    """This thread's private in-memory FTS5 table with the library's tokenizer."""
    conn: sqlite3.Connection | None = getattr(_local, "stemmer", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(f"CREATE VIRTUAL TABLE s USING fts5(t, tokenize='{TOKENIZER}')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(s, instance)")
        _local.stemmer = conn
    return conn


def word_terms(text_words: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """word -> the FTS5 terms (Porter stems) the index's tokenizer makes of it, from a private
    in-memory FTS5 table so they are exactly the index's; remembered, as a pure function of
    the word."""
    known = _WORD_TERMS
    new = [w for w in dict.fromkeys(text_words) if w not in known]
    if new:
        if len(known) > 200_000:
            known.clear()
        conn = _stemmer()
        conn.executemany("INSERT INTO s (rowid, t) VALUES (?, ?)", list(enumerate(new)))
        found: dict[int, list[str]] = {}
        for term, doc in conn.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
            found.setdefault(int(doc), []).append(str(term))
        conn.execute("DELETE FROM s")
        for i, word in enumerate(new):
            known[word] = tuple(found.get(i, ()))
    return {w: known[w] for w in text_words}


#: word -> the index terms the tokenizer makes of it.
_WORD_TERMS: dict[str, tuple[str, ...]] = {}


def _stems(text_words: list[str]) -> dict[str, str]:
    """word -> its first FTS5 term (words the tokenizer drops are left out)."""
    return {w: terms[0] for w, terms in word_terms(text_words).items() if terms}


def _index_terms(match: str) -> list[str] | None:
    """The index term of each phrase of a plain OR query of single words; None when the query
    is anything else (then SQLite answers it)."""
    query_words = query_terms(match)
    if not memindex.plain_or_words(match, query_words):
        return None
    known = word_terms(query_words)
    terms: list[str] = []
    for word in query_words:
        tokens = known[word]
        if len(tokens) > 1:
            return None  # a phrase of several tokens: SQLite's phrase matching decides
        terms.extend(tokens)
    return terms


def _has_vocab(conn: sqlite3.Connection) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'evidence_vocab'"
    ).fetchone() is not None


#: Document frequencies per connection; the key changes whenever the data may have changed.
_DF_CACHES: dict[int, tuple[tuple[int, int, int], dict[str, int]]] = {}


def _df_cache(conn: sqlite3.Connection) -> dict[str, int]:
    version = (
        int(conn.execute("SELECT ifnull(max(id), 0) FROM evidence").fetchone()[0]),
        int(conn.execute("PRAGMA data_version").fetchone()[0]),
        conn.total_changes,
    )
    cached = _DF_CACHES.get(id(conn))
    if cached is None or cached[0] != version or len(cached[1]) > 100_000:
        if len(_DF_CACHES) > 32:
            _DF_CACHES.clear()
        cached = (version, {})
        _DF_CACHES[id(conn)] = cached
    return cached[1]


def planned_query(
    conn: sqlite3.Connection, text: str, *, budget: int = POSTINGS_BUDGET, max_terms: int = 24
) -> str:
    """An OR query of the draft's most informative words within the postings budget."""
    unique = list(dict.fromkeys(words(text)))
    if not unique or not _has_vocab(conn):
        return fts_query(text, max_terms=max_terms)
    stems = _stems(unique)
    terms = list(dict.fromkeys(stems.values()))
    cache = _df_cache(conn)
    index = memindex.active(conn)
    df: dict[str, int] = {}
    for term in terms:
        if term not in cache:
            if index is not None:  # a batch's in-memory copy holds the same counts
                cache[term] = index.doc_count(term)
            else:
                row = conn.execute(
                    "SELECT doc FROM evidence_vocab WHERE term = ?", (term,)
                ).fetchone()
                cache[term] = int(row[0]) if row else 0
        df[term] = cache[term]
    first_word: dict[str, str] = {}
    for word, term in stems.items():
        first_word.setdefault(term, word)
    ranked = sorted((t for t in terms if df.get(t, 0) > 0), key=lambda t: df[t])
    keep: list[str] = []
    total = 0
    for term in ranked:
        if len(keep) >= 3 and (total + df[term] > budget or len(keep) >= max_terms):
            break
        keep.append(first_word[term])
        total += df[term]
    return " OR ".join(quote(w) for w in keep)


def _kind_filter(kinds: Sequence[str] | None) -> tuple[str, list[str]]:
    if not kinds:
        return "", []
    return f" AND e.kind IN ({', '.join('?' for _ in kinds)})", list(kinds)


def _any_candidates(
    conn: sqlite3.Connection, kinds: Sequence[str] | None, country: str | None
) -> bool:
    """Whether any item could pass rank()'s filters (one indexed look-up)."""
    if not kinds and country is None:
        return True
    where, params = _kind_filter(kinds)
    if country is not None:
        where += " AND e.country = ? COLLATE NOCASE"
        params.append(country)
    sql = f"SELECT 1 FROM evidence e WHERE 1{where} LIMIT 1"
    return conn.execute(sql, params).fetchone() is not None


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
    index = memindex.active(conn)
    if index is not None:
        terms = _index_terms(match)
        if terms is not None:
            return index.rank(
                terms,
                country=country,
                kinds=kinds,
                limit=limit,
                weights=weights,
                boost=boost,
                same_country_only=same_country_only,
            )
    if not _any_candidates(conn, kinds, country if same_country_only else None):
        return []  # ranking every matching row only to filter them all out costs ~30 ms
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


_TOKEN = re.compile(r"\w+", re.UNICODE)


def query_terms(match: str) -> list[str]:
    """The lower-case words of a MATCH expression built by this module (operators dropped)."""
    return [w.lower() for w in re.findall(r'"((?:[^"]|"")*)"', match)]


def highlight(
    text: str, terms: Sequence[str], *, marks: tuple[str, str] = MARKS, tokens: int = 40
) -> str:
    """Mark words of `text` that share a stem with a query word; cut long texts to the
    `tokens`-word window with the most marks. Pure Python: no second FTS query per hit."""
    stems = {light_stem(t) for t in terms if t}
    spans = [m.span() for m in _TOKEN.finditer(text)]
    hits = [i for i, (a, b) in enumerate(spans) if light_stem(text[a:b].lower()) in stems]
    if not spans:
        return text
    first, last = 0, len(spans)
    if len(spans) > tokens:
        best, best_start = -1, 0
        for start in range(0, len(spans) - tokens + 1):
            count = sum(1 for h in hits if start <= h < start + tokens)
            if count > best:
                best, best_start = count, start
        first, last = best_start, best_start + tokens
    out: list[str] = ["…" if first else ""]
    pos = spans[first][0]
    hit_set = set(hits)
    for i in range(first, last):
        a, b = spans[i]
        out.append(text[pos:a])
        out.append(f"{marks[0]}{text[a:b]}{marks[1]}" if i in hit_set else text[a:b])
        pos = b
    out.append(text[pos:] if last == len(spans) else text[pos:spans[last - 1][1]] + "…")
    return "".join(out)


def snippets(
    conn: sqlite3.Connection, match: str, ids: Sequence[int], *, marks: tuple[str, str] = MARKS,
    tokens: int = 40,
) -> dict[int, str]:
    """Highlighted extracts of the text of a few items."""
    if not ids or not match:
        return {}
    terms = query_terms(match)
    return {i: highlight(item.text, terms, marks=marks, tokens=tokens)
            for i, item in get_items(conn, ids).items()}


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
    indexes = [memindex.active(conn) for _, conn in sources]
    if all(index is not None and not index.has_kinds(kinds) for index in indexes):
        return []  # in-memory libraries without such items: nothing to rank
    matches: dict[int, str] = {}
    scored: list[tuple[float, int, int]] = []
    for m in modes:
        if not fts_query(query, mode=m, max_terms=max_terms):
            return []
        scored = []
        for index, (_, conn) in enumerate(sources):
            if m == "any":
                matches[index] = planned_query(conn, query, max_terms=max_terms)
            else:
                matches[index] = fts_query(query, mode=m, max_terms=max_terms)
            for item_id, score in rank(conn, matches[index], country=country, kinds=kinds,
                                       limit=limit):
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
        terms = query_terms(matches[index])
        snips = {i: highlight(it.text, terms, marks=marks) for i, it in items.items()}
        for score, s, item_id in scored:
            if s == index and item_id in items:
                hits.append(SearchHit(items[item_id], score, snips.get(item_id, ""), path))
    hits.sort(key=lambda h: -h.score)
    return hits
