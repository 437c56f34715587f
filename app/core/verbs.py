"""Just enough English verb morphology to find the action a recommendation leads with."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

_IRREGULAR = {
    "took": "take", "taken": "take", "taking": "take", "made": "make", "making": "make",
    "gave": "give", "given": "give", "giving": "give", "sought": "seek", "undertook": "undertake",
    "undertaken": "undertake", "brought": "bring", "kept": "keep", "set": "set", "put": "put",
    "ran": "run", "run": "run", "held": "hold", "drew": "draw", "drawn": "draw", "met": "meet",
}

#: Words that may precede the leading verb without being the action ("To further ratify...").
LEAD_FILLERS = frozenset(
    """to that the it its state government should shall further also fully effectively
    continue continues continued continuing urgently swiftly promptly expeditiously immediately
    duly seriously positively actively progressively strongly please and duly still
    strengthen-and of in a an""".split()
)


def candidates(word: str) -> list[str]:
    """Possible base forms of an inflected word, most likely first."""
    w = word.lower()
    out = [w]
    if w in _IRREGULAR:
        out.insert(0, _IRREGULAR[w])
    if w.endswith("ies") or w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("ing"):
        stem = w[:-3]
        out += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
        if stem.endswith("y"):
            out.append(stem)
    if w.endswith("ed"):
        stem = w[:-2]
        out += [stem, w[:-1]]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s"):
        out.append(w[:-1])
    return out


@lru_cache(maxsize=100_000)
def _lemma_cached(word: str, vocabulary: frozenset[str]) -> str | None:
    for form in candidates(word):
        if form in vocabulary:
            return form
    return None


def lemma(word: str, vocabulary: Collection[str]) -> str | None:
    """The base form of `word` if it is one of `vocabulary`'s verbs."""
    vocab = vocabulary if isinstance(vocabulary, frozenset) else frozenset(vocabulary)
    return _lemma_cached(word, vocab)
