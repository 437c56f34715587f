"""Accepted words: built-in UN vocabulary, per-user dictionary, per-project words.

Vocabulary files are plain text (`resources/vocabulary/<topic>.<lang>.txt`, or `<topic>.txt` for all
languages), one term per line, `#` starts a comment. A term may be several words ("Côte d'Ivoire");
every word in it becomes accepted, so the checker needs no phrase matching.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import regex

#: One word: letters/digits joined by inner apostrophes or hyphens ("State's", "follow-up").
WORD_RE = regex.compile(r"\w+(?:['’\-]\w+)*")
USER_DICTIONARY_FILENAME = "dictionary.txt"


def normalise(word: str) -> str:
    """Lookup key: NFC, curly apostrophe to straight, lowercase."""
    return unicodedata.normalize("NFC", word).replace("’", "'").lower()


def words_of(terms: Iterable[str]) -> set[str]:
    """Lowercase words of terms, with hyphen compounds both whole and split."""
    out: set[str] = set()
    for term in terms:
        for match in WORD_RE.finditer(term):
            word = normalise(match.group())
            out.add(word)
            if "-" in word:
                out.update(part for part in word.split("-") if part)
            if "'" in word:
                # "d'Ivoire" -> also "ivoire"; "State's" is handled by possessive stripping.
                out.update(part for part in word.split("'") if len(part) > 1)
    return out


def vocabulary_dir() -> Path:
    from app.paths import resources_dir

    return resources_dir() / "vocabulary"


def vocabulary_files(language: str, folder: Path | None = None) -> list[Path]:
    """Files for `language`: `x.txt` (all languages) plus `x.<language>.txt`."""
    folder = folder or vocabulary_dir()
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.glob("*.txt")):
        parts = path.name.split(".")
        if len(parts) == 2 or (len(parts) == 3 and parts[1] == language):
            files.append(path)
    return files


def read_terms(path: Path) -> list[str]:
    """Terms of a word list; a missing or unreadable file is simply empty."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    terms = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            terms.append(line)
    return terms


def builtin_words(language: str, folder: Path | None = None) -> set[str]:
    words: set[str] = set()
    for path in vocabulary_files(language, folder):
        if not path.name.startswith("prefixes"):  # combining forms only count before a hyphen
            words |= words_of(read_terms(path))
    return words


def user_dictionary_path(config_dir: Path | None = None) -> Path:
    if config_dir is None:
        from app.paths import user_config_dir

        config_dir = user_config_dir()
    return config_dir / USER_DICTIONARY_FILENAME


_file_lock = threading.Lock()


def append_word(path: Path, word: str) -> bool:
    """Add `word` to a one-word-a-line file (atomic rewrite); False if it was already there."""
    from app.settings import atomic_write_text

    word = word.strip()
    if not word or any(ch.isspace() for ch in word):
        raise ValueError(f"not a single word: {word!r}")
    with _file_lock:
        existing = read_terms(path)
        if normalise(word) in {normalise(w) for w in existing}:
            return False
        existing.append(word)
        atomic_write_text(path, "\n".join(existing) + "\n")
    return True
