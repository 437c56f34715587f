"""The in-memory library index ranks exactly like SQLite's bm25() and never writes the file."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from app import cli_batch
from app.cli import main
from app.evidence import memindex
from app.evidence.library import open_library
from app.evidence.search import rank, word_terms
from app.evidence.store import EvidenceItem, insert_items
from app.evidence.text import fts_query, quote, words

_SUBJECTS = [
    "the election commission", "voter registration", "polling stations", "journalists",
    "human rights defenders", "the death penalty", "child labour", "prison conditions",
    "domestic violence", "the ombudsman", "campaign finance", "minority languages",
]
_ACTS = ["Adopt a law on", "Protect", "Publish data on", "Reform", "Investigate attacks on",
         "Ensure access to", "Fund", "Train officials on"]
_COUNTRIES = ["Examplestan", "Samplia", "Testland", ""]
_ISSUES = ["Elections", "Justice", "Women's rights", "Death penalty", "Freedom of the press"]


def _items(count: int, rng: random.Random) -> list[EvidenceItem]:
    """Made-up recommendations and findings with repeated words (ties and common terms)."""
    kinds = ["precedent", "precedent", "finding", "commitment"]
    return [
        EvidenceItem(
            kind=kinds[i % len(kinds)],
            text=f"{rng.choice(_ACTS)} {rng.choice(_SUBJECTS)} and {rng.choice(_SUBJECTS)}"
            + (" before the next elections" if i % 3 == 0 else "")
            + ".",
            country=rng.choice(_COUNTRIES),
            issues=", ".join(rng.sample(_ISSUES, 2)) if i % 4 == 0 else "",
        )
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lib") / "refs.smartlib"
    conn = open_library(path, create=True)
    conn.execute("BEGIN")
    insert_items(conn, _items(600, random.Random(11)))
    conn.execute("COMMIT")
    conn.close()
    return path


def test_memory_ranking_equals_sqlite(library: Path) -> None:
    conn = open_library(library, read_only=True)
    index = memindex.memory_index(library)
    rng = random.Random(5)
    queries = [f"{rng.choice(_ACTS)} {rng.choice(_SUBJECTS)} in Samplia" for _ in range(30)]
    settings = [
        {"kinds": ["precedent"], "limit": 30, "weights": (1.0, 2.0, 0.0), "boost": 1.0},
        {"country": "samplia", "kinds": ["precedent"], "limit": 5, "same_country_only": True},
        {"country": "Examplestan", "kinds": ["finding", "commitment", "other"], "limit": 10},
        {"country": "Nowhere", "limit": 7},
    ]
    compared = 0
    try:
        for query in queries:
            match = fts_query(query, max_terms=48)
            for options in settings:
                expected = rank(conn, match, **options)  # type: ignore[arg-type]
                memindex.attach(str(library.resolve()), conn)
                try:
                    got = rank(conn, match, **options)  # type: ignore[arg-type]
                finally:
                    memindex._ACTIVE.clear()
                assert [i for i, _ in got] == [i for i, _ in expected], (query, options)
                assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)
                compared += len(expected)
        assert compared > 300
        assert index.has_kinds(["finding"]) and not index.has_kinds(["other"])
    finally:
        conn.close()


def test_document_counts_equal_sqlite(library: Path) -> None:
    """The counts batch look-ups take from memory (query planning, precedent similarity) are
    the ones SQLite's vocabulary table and a `text:` MATCH give."""
    conn = open_library(library, read_only=True)
    index = memindex.memory_index(library)
    vocabulary = {w for item in _items(600, random.Random(11)) for w in words(item.text)}
    vocabulary |= {"absentword", "elections"}
    checked = 0
    try:
        for word, terms in word_terms(sorted(vocabulary)).items():
            if len(terms) != 1:
                continue
            in_text = conn.execute(
                "SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH ?",
                ("text: " + quote(word),),
            ).fetchone()[0]
            row = conn.execute("SELECT doc FROM evidence_vocab WHERE term = ?",
                               (terms[0],)).fetchone()
            assert index.text_doc_count(terms[0]) == in_text, word
            assert index.doc_count(terms[0]) == (row[0] if row else 0), word
            checked += in_text > 0
        assert checked > 20
        for kind in ("precedent", "finding", "other"):
            count = conn.execute("SELECT count(*) FROM evidence WHERE kind = ?", (kind,))
            assert index.kind_count(kind) == count.fetchone()[0]
    finally:
        conn.close()


def test_an_and_query_is_left_to_sqlite(library: Path) -> None:
    conn = open_library(library, read_only=True)
    try:
        memindex.attach(str(library.resolve()), conn)
        match = fts_query("journalists ombudsman", mode="all")
        assert rank(conn, match) == _without_memory(conn, match)
    finally:
        memindex._ACTIVE.clear()
        conn.close()


def _without_memory(conn: object, match: str) -> list[tuple[int, float]]:
    saved = dict(memindex._ACTIVE)
    memindex._ACTIVE.clear()
    try:
        return rank(conn, match)  # type: ignore[arg-type]
    finally:
        memindex._ACTIVE.update(saved)


def test_a_big_library_batch_matches_sqlite_and_leaves_the_file_alone(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts = tmp_path / "drafts.txt"
    rng = random.Random(8)
    lines = [f"{rng.choice(_ACTS)} {rng.choice(_SUBJECTS)} by 2027." for _ in range(40)]
    drafts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = library.read_bytes(), library.stat().st_mtime_ns
    args = ["check", "--no-grammar", "--no-user-rules", "--no-spelling", "--fail-on", "never",
            "--format", "jsonl", "--jobs", "1", "--state", "Samplia", "--library", str(library),
            str(drafts)]
    monkeypatch.setattr(cli_batch, "MEMORY_INDEX_MIN_DRAFTS", 10**9)
    assert main(args) == 0
    from_sqlite = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    monkeypatch.setattr(cli_batch, "MEMORY_INDEX_MIN_DRAFTS", 10)
    assert main(args) == 0
    from_memory = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert str(library.resolve()) in memindex._SERVED
    for record in (*from_sqlite, *from_memory):
        record.pop("elapsed_ms", None)
    assert len(from_memory) == 40
    assert any(r["theme_votes"] for r in from_memory)
    assert any(r["precedents"] for r in from_memory)
    assert from_memory == from_sqlite
    assert (library.read_bytes(), library.stat().st_mtime_ns) == before
