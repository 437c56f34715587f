"""Turning user text into FTS5 queries that cannot be misread as FTS5 syntax.

Only word characters survive, and each word is wrapped in double quotes, so `NEAR(`, `*`, `-`,
`"`, `:` or `^` in a draft or search box are plain text, never operators or column filters.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)

#: Words too common in recommendations to say anything about relevance.
STOPWORDS = frozenset(
    [
        "a", "an", "the", "of", "to", "and", "or", "in", "on", "for", "by", "with", "at", "from",
        "as", "be", "is", "are", "was", "were", "been", "being", "that", "this", "these", "those",
        "its", "it", "their", "all", "any", "such", "into", "within", "which", "who", "whom",
        "whose", "than", "then", "so", "also", "not", "no", "nor", "but", "if", "while",
        "including", "include", "includes", "other", "others", "more", "most", "very", "well", "s",
        "its", "it's", "our", "your", "his", "her", "they", "them", "we", "you", "i"
    ]
)


def words(text: str) -> list[str]:
    """Lower-case words of `text`, in order, without stopwords or 1-character tokens."""
    return [
        w for w in (m.group(0).lower() for m in _WORD.finditer(text))
        if len(w) > 1 and w not in STOPWORDS and not w.isdigit()
    ]


def quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_query(text: str, *, mode: str = "any", max_terms: int = 32) -> str:
    """An FTS5 MATCH expression for `text`: quoted words joined by OR ("any") or AND ("all").

    Returns "" when the text has no usable words (callers then skip the query).
    """
    unique = list(dict.fromkeys(words(text)))[:max_terms]
    joiner = " AND " if mode == "all" else " OR "
    return joiner.join(quote(w) for w in unique)


@lru_cache(maxsize=65_536)  # the same few thousand words recur in every recommendation
def light_stem(word: str) -> str:
    """A crude English suffix stripper, only for similarity between short texts."""
    for suffix, keep in (("ational", 5), ("ation", 4), ("ities", 4), ("ness", 4), ("ments", 4),
                         ("ment", 4), ("ing", 4), ("ies", 3), ("ed", 4), ("es", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4_096)  # a State's precedents come back as candidates draft after draft
def stem_map(text: str) -> dict[str, str]:
    """stem -> the last word of `text` with that stem. Shared between callers: never mutate."""
    return {light_stem(w): w for w in words(text)}


def stem_set(text: str) -> set[str]:
    return {light_stem(w) for w in words(text)}


def overlap_similarity(a: str, b: str) -> float:
    """Cosine of the two texts' stemmed word sets (0..1): simple to explain, good enough to
    tell a near-repeat of an earlier recommendation from one on a neighbouring subject."""
    sa, sb = stem_set(a), stem_set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / (len(sa) * len(sb)) ** 0.5
