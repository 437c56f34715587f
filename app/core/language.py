"""Which language a draft is written in, offline, so English rules never judge a French draft.

The rule packs check English only. Most drafts are plainly English, so a cheap test on common
English function words answers first; only drafts that fail it pay for the statistical detector
(py3langid: a small naive-Bayes model over byte n-grams, about 0.05 ms a draft once loaded, and
its half-second load happens only when the first such draft arrives).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import regex

from app.core.cachefiles import cache_folder, read_pickle, write_pickle

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

#: Languages that have rule packs.
RULE_LANGUAGES = frozenset({"en"})
#: Languages the detector chooses between: the UN's six and the languages UPR texts are most
#: often drafted in. A short list keeps short English drafts from being read as a rare language.
CANDIDATES = ("en", "fr", "es", "pt", "de", "it", "nl", "ru", "ar", "zh")
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
}
#: How sure the detector must be before a draft counts as not English.
MIN_CONFIDENCE = 0.9
#: Only the start of a long paste is read: a few sentences tell the language.
SAMPLE_CHARS = 3000
#: Fewer words than this (acronyms and numbers aside) say too little to judge: read as English.
MIN_WORDS = 3

_WORD = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")
_ENGLISH = frozenset(
    {
        "the", "of", "and", "to", "in", "for", "with", "by", "on", "its", "their", "that",
        "this", "be", "is", "are", "from", "or", "as", "at", "all", "an", "which", "should",
        "into", "under", "within", "before", "after", "about", "such",
    }
)
#: Function words of the other Latin-script candidates that English prose never uses.
_FOREIGN = frozenset(
    {
        # French
        "le", "les", "des", "du", "et", "une", "pour", "sur", "dans", "avec", "est", "sont",
        "aux", "ses", "leur", "qui",
        # Spanish
        "el", "los", "las", "del", "y", "una", "para", "por", "con", "es", "son", "sus", "su",
        "que", "al",
        # Portuguese
        "os", "das", "dos", "um", "uma", "com", "não", "são",
        # German
        "der", "die", "und", "ist", "mit", "für", "von", "zu", "den",
        # Italian
        "il", "della", "delle", "degli", "per", "sono",
        # Dutch
        "het", "een", "van", "voor", "niet",
    }
)


def detect(text: str) -> str:
    """ISO 639-1 code of the draft's language; "en" when unsure (too short, mixed, acronyms)."""
    quick = quick_decision(text)
    if quick is not None:
        return quick
    words, english, foreign = _counts(text)
    language, confidence = _identifier().classify(" ".join(words))
    if language != "en" and confidence >= MIN_CONFIDENCE and foreign + 1 > english:
        return str(language)
    return "en"


def quick_decision(text: str) -> str | None:
    """"en" for a draft too short to judge or plainly English, decided without the model."""
    words, english, foreign = _counts(text)
    if len(words) < MIN_WORDS:
        return "en"
    if text[:SAMPLE_CHARS].isascii() and english >= 2 and english > 2 * foreign:
        return "en"  # the common case
    return None


def _counts(text: str) -> tuple[list[str], int, int]:
    """Words of the sample (acronyms left out unless all is in capitals), English and foreign
    function words among them."""
    found = _WORD.findall(text[:SAMPLE_CHARS])
    words = [w for w in found if not w.isupper() or len(w) == 1] or found
    lowers = [w.lower() for w in words]
    english = sum(1 for w in lowers if w in _ENGLISH)
    foreign = sum(1 for w in lowers if w in _FOREIGN)
    return words, english, foreign


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def preload() -> None:
    """Load the detector now: a batch does this before forking its workers, so that they share
    one copy of the model instead of each loading its own (~100 MB and ~0.2 s apiece)."""
    _identifier()


@cache
def _identifier() -> LanguageIdentifier:
    """The detector narrowed to CANDIDATES. Decompressing py3langid's model takes ~0.7 s, so
    the narrowed model is pickled into the user cache folder once and loaded from there
    (~0.1 s) by later processes; a missing or foreign cache file is simply rebuilt."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    model = MODEL_DIR / MODEL_FILE
    stamp = model.stat()
    key = f"{stamp.st_size}-{stamp.st_mtime_ns}-{','.join(CANDIDATES)}"
    header = b"SMARTrec langid 1 " + key.encode() + b"\n"
    path = cache_folder("tables") / "langid.pickle"
    cached = read_pickle(path, header)
    if isinstance(cached, LanguageIdentifier):
        return cached
    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    full.set_languages(list(CANDIDATES))
    # A fresh identifier over the narrowed arrays, so the cache holds 10 languages, not 97.
    identifier = LanguageIdentifier(
        full.nb_ptc, full.nb_pc, full.nb_classes, full.tk_nextmove, full.tk_output,
        norm_probs=True, tk_row=full.tk_row,
    )
    write_pickle(path, header, identifier)
    return identifier
