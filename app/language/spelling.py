"""Offline spelling: pyspellchecker's bundled word lists plus our UN vocabulary.

Why pyspellchecker: pure Python, and its wheel ships the en/fr/es frequency lists
(`spellchecker/resources/*.json.gz`, read with `pkgutil`), so nothing is downloaded and nothing
native is needed in a PyInstaller bundle.

Flagging costs nothing up front: the word list (with our vocabulary merged in) is turned once
into a memory-mapped table in the user cache folder (`app.core.wordtable`), so deciding whether
a word is known is a table look-up and start-up reads no dictionary. Suggestions need the whole
frequency list in memory (~0.2 s to load); a provider made with `suggest=False` (the CLI
without `--suggest`) never loads it and its findings carry no replacements.

Verdicts are cached per lowercase word, so a draft being edited is re-checked in well under a
millisecond. Suggestions for an unknown word cost more (edit distance 2 generates ~100k strings),
so in background mode only distance-1 suggestions are computed inline and distance-2 ones are
filled in by a worker thread for the next check.

Loading: `warm_up()` loads the dictionary in a daemon thread; a `check()` that arrives before it
has finished returns [] at once instead of blocking the GUI thread (`on_ready` to re-check).
Without `warm_up()` (the CLI), the first `check()` loads synchronously.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import regex

from app.core.models import CheckContext, Finding, Replacement
from app.core.wordtable import WordTable, cached_table
from app.language.vocabulary import (
    WORD_RE,
    append_word,
    builtin_words,
    normalise,
    read_terms,
    user_dictionary_path,
    vocabulary_files,
    words_of,
)

log = logging.getLogger(__name__)

RULE_ID = "spelling.unknown-word"
SUPPORTED_LANGUAGES = ("en", "fr", "es")
MAX_SUGGESTIONS = 3
#: Distance-2 suggestions cost ~len(word)**2 * 3000 string builds; skip them for longer words.
DEEP_SUGGESTION_MAX_LEN = 12
#: Per-word verdicts kept in memory (a batch of millions of distinct tokens stays bounded).
VERDICT_CACHE_LIMIT = 500_000
#: Frequency given to our vocabulary words so that they can be offered as suggestions.
VOCABULARY_FREQUENCY = 50
#: Bump when the known-word table's content is built differently.
_TABLE_FORMAT = 1

_URL_RE = regex.compile(
    r"(?:https?://|ftp://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b[\w-]+(?:\.[\w-]+)+/\S*",
    regex.IGNORECASE,
)
_ROMAN_RE = regex.compile(r"(?i)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_FRENCH_ELISION_RE = regex.compile(
    r"(?i)^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)"
)

#: British/UN spellings mapped to the American forms the bundled English list mostly holds.
#: Applied only to words the list does not know, and only accepted if the result is known.
#: Patterns that common typos also produce (-tre/-ter transpositions like "numbre", -ence for
#: -ense like "expence") are not rules: those British words are listed in british.en.txt.
_BRITISH_TO_AMERICAN: tuple[tuple[Any, str], ...] = tuple(
    (regex.compile(pattern), repl)
    for pattern, repl in (
        (r"is(ation|ations|e|ed|es|ing|er|ers|able)$", r"iz\1"),
        (r"ys(e|ed|es|ing|er|ers)$", r"yz\1"),
        (r"our(s|ed|ing|able|ably|ite|ites|ful|less|er|ers|ism|ist|ists|al|ally)?$", r"or\1"),
        (r"our(?=[a-z])", "or"),
        (r"ogue(s)?$", r"og\1"),
        (r"([aeiou])l(led|ling|ler|lers|lor|lors)$", r"\1\2"),
        (r"l(ment|ments)$", r"ll\1"),
        (r"(fulfi|enro|insti|disti)l(s)?$", r"\1ll\2"),
        (r"amme(s)?$", r"am\1"),
        (r"ae", "e"),
        (r"oe(?=[a-z])", "e"),
        (r"oeuvre", "euver"),
        (r"eable$", "able"),
    )
)


def american_variants(word: str) -> set[str]:
    """Candidate American spellings of a (lowercase) British/UN form; each rule alone, then all."""
    out: set[str] = set()
    cumulative = word
    for pattern, repl in _BRITISH_TO_AMERICAN:
        changed = pattern.sub(repl, word)
        if changed != word:
            out.add(changed)
        cumulative = pattern.sub(repl, cumulative)
    if cumulative != word:
        out.add(cumulative)
    return out


def _singulars(word: str) -> set[str]:
    """Possible singulars of a plural the frequency list lacks ("specificities", "timelines")."""
    if len(word) < 4 or not word.endswith("s") or word.endswith("ss"):
        return set()
    out = {word[:-1]}
    if word.endswith("ies"):
        out.add(word[:-3] + "y")
    if word.endswith("es"):
        out.add(word[:-2])
    return out


def _is_acronym(word: str) -> bool:
    """ALL CAPS or several capitals ("CEDAW", "NGOs", "UNICEF-led" parts, "McKinsey")."""
    uppers = sum(1 for ch in word if ch.isupper())
    return uppers >= 2


class SpellingProvider:
    """Spelling findings for a draft; a checker provider (`name`, `check(text, context)`)."""

    name = "spelling"

    def __init__(
        self,
        language: str = "en",
        words: Iterable[str] = (),
        user_dictionary: Path | None = None,
        vocabulary_folder: Path | None = None,
        background: bool = False,
        suggest: bool = True,
    ) -> None:
        lang = language.split("-")[0].lower()
        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"no spelling dictionary for {language!r}; have {SUPPORTED_LANGUAGES}")
        self.language = lang
        self.background = background
        #: Whether findings carry replacement suggestions (loads the full frequency list).
        self.suggest = suggest
        self._user_path = user_dictionary or user_dictionary_path()
        self._vocab_folder = vocabulary_folder
        self._project_words: frozenset[str] = frozenset(words_of(words))
        self._user_words: set[str] = set()
        self._session_words: frozenset[str] = frozenset()
        self._builtin: frozenset[str] = frozenset()
        #: Combining forms accepted before a hyphen only ("socio-economic", "pre-trial").
        self._prefixes: frozenset[str] = frozenset()
        #: Known words (frequency list + vocabulary): a table look-up, nothing loaded.
        self._dictionary: WordTable = _NO_WORDS
        #: The frequency list in memory and its edit generator, for suggestions only.
        self._frequencies: dict[str, int] = {}
        self._speller: Any = None
        self._usable = False
        #: normalised word -> None (known) or tuple of suggestions (unknown).
        self._verdicts: dict[str, tuple[str, ...] | None] = {}
        #: (surface token, context words) with nothing to flag: most tokens of a batch skip all
        #: the splitting and normalising. Emptied whenever the accepted words change.
        self._known_tokens: set[tuple[str, frozenset[str]]] = set()
        self._context_cache: tuple[str, frozenset[str]] = ("", frozenset())
        self._load_lock = threading.Lock()
        self._loaded = threading.Event()
        self._load_error: BaseException | None = None
        self._warm_thread: threading.Thread | None = None
        self._deep_pool: ThreadPoolExecutor | None = None
        self._deep_pending: set[str] = set()
        self._ready_callbacks: list[Callable[[], None]] = []

    # -- loading ---------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._loaded.is_set()

    @property
    def load_error(self) -> BaseException | None:
        return self._load_error

    def on_ready(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from the loading thread) once the dictionary is loaded."""
        with self._load_lock:
            if not self._loaded.is_set():
                self._ready_callbacks.append(callback)
                return
        callback()

    def warm_up(self) -> None:
        """Start loading in a daemon thread; `check()` returns [] until it is done."""
        with self._load_lock:
            if self._loaded.is_set() or self._warm_thread is not None:
                return
            self._warm_thread = threading.Thread(
                target=self.load, name="smartrec-spelling-load", daemon=True
            )
            self._warm_thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._loaded.wait(timeout)

    def load(self) -> None:
        """Load word lists synchronously (idempotent, thread-safe)."""
        if self._loaded.is_set():
            return
        with self._load_lock:
            if self._loaded.is_set():
                return
            try:
                builtin = frozenset(builtin_words(self.language, self._vocab_folder))
                self._prefixes = frozenset(
                    word
                    for path in vocabulary_files(self.language, self._vocab_folder)
                    if path.name.startswith("prefixes")
                    for word in words_of(read_terms(path))
                )
                self._user_words = words_of(read_terms(self._user_path))
                self._builtin = builtin
                self._dictionary = known_words(self.language, builtin)
                if self.suggest:
                    self._load_frequencies()
                self._usable = True
            except Exception as exc:  # a broken install must not take the editor down
                log.warning("Spelling dictionary could not be loaded: %s", exc)
                self._load_error = exc
            self._loaded.set()
            callbacks, self._ready_callbacks = self._ready_callbacks, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # pragma: no cover - callback bugs are the caller's
                log.exception("spelling on_ready callback failed")

    def _load_frequencies(self) -> None:
        """The whole frequency list with our vocabulary (for suggestions; ~0.2 s)."""
        speller, frequencies = _frequency_list(self.language, self._builtin)
        self._frequencies = frequencies
        self._speller = speller

    def close(self) -> None:
        if self._deep_pool is not None:
            self._deep_pool.shutdown(wait=False, cancel_futures=True)
            self._deep_pool = None

    # -- dictionaries ----------------------------------------------------------------------
    def set_project_words(self, words: Iterable[str]) -> None:
        """Replace the per-project accepted words (the project's own terms)."""
        self._project_words = frozenset(words_of(words))
        self._known_tokens = set()

    def add_word(self, word: str) -> bool:
        """"Add to dictionary": accept `word` now and store it in the user's dictionary file."""
        added = append_word(self._user_path, word)
        self._user_words |= words_of([word])
        return added

    def accept_session_words(self, words: Iterable[str]) -> None:
        """Accept words for this session only (e.g. those LanguageTool's check found correct)."""
        self._session_words = self._session_words | frozenset(normalise(w) for w in words)

    @property
    def user_dictionary(self) -> Path:
        return self._user_path

    def _context_words(self, context: CheckContext | None) -> frozenset[str]:
        state = context.state_under_review if context is not None else ""
        cached_state, cached = self._context_cache
        if state != cached_state:
            cached = frozenset(words_of([state]))
            self._context_cache = (state, cached)
        return cached

    def accepts(self, word: str, context: CheckContext | None = None) -> bool:
        """True for domain words (built-in vocabulary, user, project, State under Review).

        This is the list LanguageTool's spelling matches are filtered against. Loads the
        vocabulary first if needed (so call it off the GUI thread, as GrammarChecker does).
        """
        if not self._loaded.is_set():
            self.load()
        key = normalise(word)
        keys = {key, key.removesuffix("'s")}
        return any(
            k in self._builtin
            or k in self._user_words
            or k in self._project_words
            or k in self._context_words(context)
            for k in keys
        )

    def is_known(self, word: str, context: CheckContext | None = None) -> bool:
        """True when `word` would not be flagged (loads the dictionary if needed)."""
        if not self._loaded.is_set():
            self.load()
        return self._verdict(normalise(word), self._context_words(context)) is None

    # -- checking --------------------------------------------------------------------------
    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        if not self._loaded.is_set():
            if self._warm_thread is not None:
                return []  # still loading in the background: never block the caller
            self.load()
        if not self._usable:
            return []
        extra = self._context_words(context)
        ignored = context.ignored if context is not None else set()
        skip: list[tuple[int, int]] = []
        if "/" in text or "@" in text or "www." in text:
            skip = [m.span() for m in _URL_RE.finditer(text)]
        findings: list[Finding] = []
        known_tokens = self._known_tokens
        for match in WORD_RE.finditer(text):
            token = match.group()
            if (token, extra) in known_tokens:
                continue
            start = match.start()
            if skip and any(s <= start < e for s, e in skip):
                continue
            parts = self._parts(token, start, extra)
            if all(self._verdict(normalise(text[a:b]), extra) is None for a, b in parts):
                if len(known_tokens) < VERDICT_CACHE_LIMIT:
                    known_tokens.add((token, extra))
                continue
            for part_start, part_end in parts:
                surface = text[part_start:part_end]
                suggestions = self._verdict(normalise(surface), extra)
                if suggestions is None:
                    continue
                if (RULE_ID, surface) in ignored:
                    continue
                findings.append(self._finding(surface, part_start, part_end, suggestions))
        return findings

    def _parts(self, token: str, start: int, extra: frozenset[str]) -> list[tuple[int, int]]:
        """Spans of `token` that need a verdict (skips numbers, acronyms, possessive endings)."""
        if any(ch.isdigit() or ch == "_" for ch in token):
            return []
        end = start + len(token)
        low = normalise(token)
        if low.endswith("'s"):
            end -= 2
            token = token[:-2]
            low = low[:-2]
        if self.language == "fr":
            elision = _FRENCH_ELISION_RE.match(token)
            if elision:
                cut = elision.end()
                start += cut
                token = token[cut:]
                low = low[cut:]
        if "-" in token and not self._known_whole(low, extra):
            spans = []
            offset = start
            pieces = token.split("-")
            for index, piece in enumerate(pieces):
                is_prefix = index < len(pieces) - 1 and normalise(piece) in self._prefixes
                if piece and not is_prefix and self._worth_checking(piece):
                    spans.append((offset, offset + len(piece)))
                offset += len(piece) + 1
            return spans
        if not self._worth_checking(token):
            return []
        return [(start, end)]

    def _known_whole(self, low: str, extra: frozenset[str]) -> bool:
        return self._verdict_known(low, extra)

    @staticmethod
    def _worth_checking(word: str) -> bool:
        if len(word) < 2 or _is_acronym(word):
            return False
        return not _ROMAN_RE.fullmatch(word)

    def _verdict_known(self, key: str, extra: frozenset[str]) -> bool:
        if (key in extra or key in self._user_words or key in self._project_words
                or key in self._session_words):
            return True
        if key in self._verdicts:
            return self._verdicts[key] is None
        known = self._known_uncached(key)
        if known:
            self._remember(key, None)
        return known

    def _remember(self, key: str, verdict: tuple[str, ...] | None) -> None:
        if len(self._verdicts) < VERDICT_CACHE_LIMIT:
            self._verdicts[key] = verdict

    def _known_uncached(self, key: str) -> bool:
        if key in self._dictionary:
            return True
        if "'" in key:
            # "don't" is listed; "States'" or "l'homme"-style joins are judged by their parts.
            parts = [p for p in key.split("'") if p]
            return bool(parts) and all(
                p in self._dictionary or len(p) < 2 or self._known_uncached(p) for p in parts
            )
        if self.language == "en":
            forms = {key, *_singulars(key)}
            for form in list(forms):
                forms |= american_variants(form)
            return any(f in self._dictionary for f in forms)
        return any(f in self._dictionary for f in _singulars(key))

    def _verdict(self, key: str, extra: frozenset[str]) -> tuple[str, ...] | None:
        if (key in extra or key in self._user_words or key in self._project_words
                or key in self._session_words):
            return None
        if key in self._verdicts:
            return self._verdicts[key]
        if self._known_uncached(key):
            self._remember(key, None)
            return None
        suggestions = self._suggest(key) if self.suggest else ()
        self._remember(key, suggestions)
        return suggestions

    def _suggest(self, key: str) -> tuple[str, ...]:
        if self._speller is None:  # suggest was switched on after loading
            with self._load_lock:
                if self._speller is None:
                    self._load_frequencies()
        speller = self._speller
        dictionary = self._frequencies
        near = {w for w in speller.edit_distance_1(key) if w in dictionary}
        if near or len(key) > DEEP_SUGGESTION_MAX_LEN:
            return self._rank(near)
        if self.background:
            self._schedule_deep(key)
            return ()
        return self._rank(self._deep_candidates(key))

    def _deep_candidates(self, key: str, polite: bool = False) -> set[str]:
        """Distance-2 candidates. `polite` yields the GIL after each step (~0.1 ms) so that a
        background computation never holds up the GUI thread's own spelling check."""
        dictionary = self._frequencies
        edits1 = self._speller.edit_distance_1
        found: set[str] = set()
        for w1 in edits1(key):
            found.update(w2 for w2 in edits1(w1) if w2 in dictionary)
            if polite:
                time.sleep(0)
        return found

    def _rank(self, candidates: set[str]) -> tuple[str, ...]:
        dictionary = self._frequencies
        ranked = sorted(candidates, key=lambda w: (-dictionary.get(w, 0), w))
        return tuple(ranked[:MAX_SUGGESTIONS])

    def _schedule_deep(self, key: str) -> None:
        with self._load_lock:  # the GUI thread and grammar workers may both get here
            if key in self._deep_pending:
                return
            if self._deep_pool is None:
                self._deep_pool = ThreadPoolExecutor(1, thread_name_prefix="smartrec-spelling")
            self._deep_pending.add(key)
            pool = self._deep_pool

        def work() -> None:
            try:
                self._verdicts[key] = self._rank(self._deep_candidates(key, polite=True))
            finally:
                self._deep_pending.discard(key)

        pool.submit(work)

    def _finding(
        self, surface: str, start: int, end: int, suggestions: tuple[str, ...]
    ) -> Finding:
        fixes = tuple(
            Replacement(start=start, end=end, text=_match_case(s, surface)) for s in suggestions
        )
        return Finding(
            rule_id=RULE_ID,
            dimension="spelling",
            severity="warning",
            start=start,
            end=end,
            message=f"'{surface}' is not in the dictionary",
            explanation=(
                "Possible spelling mistake. If the word is right (a name, a local term), "
                "choose Add to dictionary so it is accepted from now on."
            ),
            replacements=fixes,
            matched=surface,
        )


class _NoWords:
    """The known-word table before loading: knows nothing."""

    def get(self, word: str) -> str | None:
        return None

    def __contains__(self, word: object) -> bool:
        return False


_NO_WORDS = _NoWords()


def _frequency_list(language: str, vocabulary: frozenset[str]) -> tuple[Any, dict[str, int]]:
    from spellchecker import SpellChecker

    speller = SpellChecker(language=language, distance=1)
    # Vocabulary joins the frequency list so that it is offered as a suggestion.
    frequencies: dict[str, int] = speller.word_frequency.dictionary
    for word in vocabulary:
        frequencies.setdefault(word, VOCABULARY_FREQUENCY)
    return speller, frequencies


def _word_list_file(language: str) -> Path:
    spec = importlib.util.find_spec("spellchecker")  # found without importing it
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the pyspellchecker package is required for spelling")
    return Path(spec.origin).parent / "resources" / f"{language}.json.gz"


def known_words(language: str, vocabulary: frozenset[str]) -> WordTable:
    """Every word the frequency list or our vocabulary knows, as a memory-mapped table.

    Keyed by the word list file (size and date) and the vocabulary's content, so an upgrade of
    pyspellchecker or an edited vocabulary file builds a new table.
    """
    stat = _word_list_file(language).stat()
    digest = hashlib.sha256("\n".join(sorted(vocabulary)).encode("utf-8", "surrogatepass"))
    key = f"{_TABLE_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}-{digest.hexdigest()[:32]}"

    def build() -> dict[str, str]:
        _speller, frequencies = _frequency_list(language, vocabulary)
        return {word: str(count) for word, count in frequencies.items()}

    return cached_table(f"spelling-{language}", key, build)


def _match_case(suggestion: str, original: str) -> str:
    if original[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion
