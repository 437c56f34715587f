"""Search safety and ranking, precedents, theme votes, the checker context and the CLI."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import pytest

from app.core.models import CheckContext
from app.evidence.cli import register
from app.evidence.context import build_context, suggest_for_text
from app.evidence.library import open_library
from app.evidence.links import link
from app.evidence.precedents import find_precedents, theme_votes, votes_from_neighbours
from app.evidence.reference import commitments, load_reference, sample_findings
from app.evidence.schema import ensure_schema
from app.evidence.search import MARKS, highlight, planned_query, search
from app.evidence.store import EvidenceItem, get_item, insert_items
from app.evidence.text import fts_query
from app.storage.models import ProjectMeta
from app.storage.project import Project

# Our own invented precedents to an invented State, Utopia, and a neighbour, Arcadia.
PRECEDENTS = [
    ("Utopia", "Norway", "Establish an independent election commission with a protected budget.",
     "Elections"),
    ("Utopia", "Chile", "Ratify the Optional Protocol to the Convention against Torture.",
     "International instruments; Torture and other CID treatment"),
    ("Utopia", "Ghana", "Guarantee that journalists can cover election campaigns freely.",
     "Freedom of the press; Elections"),
    ("Arcadia", "Peru", "Establish an independent election commission with a secure budget.",
     "Elections"),
    ("Arcadia", "Fiji", "Hold free and fair elections with international observers.",
     "Elections"),
    ("Arcadia", "Iran", "Adopt a law criminalising domestic violence.", "Women's rights"),
    ("Arcadia", "Laos", "Protect the right of women to stand for election.",
     "Women's rights; Elections"),
]


def _library() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    ensure_schema(conn, project=False)
    items = [EvidenceItem(kind="precedent", country=c, recommending_state=f, text=t, issues=i,
                          cycle="2", session="30", response="supported")
             for c, f, t, i in PRECEDENTS]
    items += [
        EvidenceItem(kind="finding", country="Utopia", organisation="Sample EOM", year=2021,
                     paragraph="14", text="The election commission's budget arrived late."),
        EvidenceItem(kind="finding", country="Arcadia", organisation="Sample EOM", year=2020,
                     paragraph="3", text="The election commission's budget arrived late."),
    ]
    insert_items(conn, items)
    return conn


HOSTILE = [
    'commission"', '"', '""', "NEAR(commission budget)", "commission*", "-budget", "budget -",
    "text:budget", "^budget", "commission AND", "OR", "NOT budget", "(budget", "budget)",
    "{text}: x", "a + b", "'; DROP TABLE evidence; --", "élection ☃ 選挙", "*", "", "   ",
    "NEAR", "AND OR NOT", "col:*", "\x00budget",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(query: str) -> None:
    conn = _library()
    for mode in ("auto", "all", "any"):
        search(conn, query, country="Utopia", mode=mode)  # must not raise
    assert conn.execute("SELECT count(*) FROM evidence").fetchone()[0] == len(PRECEDENTS) + 2


def test_fts_operators_are_taken_literally() -> None:
    assert fts_query('NEAR(alpha beta) "gamma" -delta* col:eps') == (
        '"near" OR "alpha" OR "beta" OR "gamma" OR "delta" OR "col" OR "eps"')
    conn = _library()
    hits = search(conn, "budget NEAR commission", mode="all")
    assert hits == []  # "near" is a plain word no item contains
    assert search(conn, "budget commission", mode="all")


def test_same_country_is_boosted_and_snippets_highlight() -> None:
    conn = _library()
    hits = search(conn, "election commission budget", country="Utopia", kinds=["finding"])
    assert [h.item.country for h in hits] == ["Utopia", "Arcadia"]
    assert hits[0].score > hits[1].score
    assert f"{MARKS[0]}budget{MARKS[1]}" in hits[0].snippet
    hits = search(conn, "election commission budget", country="Arcadia", kinds=["finding"])
    assert hits[0].item.country == "Arcadia"


def test_highlight_cuts_long_texts_around_the_matches() -> None:
    text = " ".join(["filler"] * 100 + ["ballot"] + ["filler"] * 100)
    out = highlight(text, ["ballots"], marks=("[", "]"), tokens=10)
    assert "[ballot]" in out and out.startswith("…") and out.endswith("…")
    assert len(out.split()) <= 11


def test_planned_query_keeps_rare_words_first() -> None:
    conn = _library()
    query = planned_query(conn, "election commission protected budget torture", budget=2)
    words = query.split(" OR ")
    assert len(words) == 3 and '"election"' not in words  # the most common word is dropped


def test_precedents_to_the_same_state_only_and_above_threshold() -> None:
    conn = _library()
    found = find_precedents([(None, conn)],
                            "Establish an independent election commission with its own budget.",
                            "Utopia")
    assert [p.recommending_state for p in found] == ["Norway"]
    assert found[0].similarity >= 0.55 and found[0].cycle == "2"
    assert found[0].response == "supported"
    assert find_precedents([(None, conn)], "Abolish the death penalty.", "Utopia") == []
    assert find_precedents([(None, conn)], "Establish an election commission.", "") == []


def test_theme_votes_are_explained() -> None:
    conn = _library()
    votes = theme_votes([(None, conn)], "Ensure free elections with observers and a commission.")
    assert next(iter(votes)) == "Elections"
    score, reason = votes["Elections"]
    assert score > 0
    assert reason.endswith("most similar past recommendations were tagged Elections")
    assert reason.split()[0].isdigit()


def test_votes_weighting_favours_the_closest() -> None:
    near = EvidenceItem(kind="precedent", text="a", issues="Elections")
    far = EvidenceItem(kind="precedent", text="b", issues="Justice")
    votes = votes_from_neighbours([(10.0, near), (6.0, far), (6.0, far)])
    assert votes["Elections"][0] > votes["Justice"][0]
    assert votes["Justice"][1].startswith("2 of the 3")


def test_build_context_fills_links_precedents_and_votes(tmp_path: Path) -> None:
    lib_path = tmp_path / "lib.smartlib"
    lib = open_library(lib_path, create=True)
    lib.execute("BEGIN")
    insert_items(lib, [EvidenceItem(kind="precedent", country="Utopia", recommending_state="Chile",
                                    text=t, issues=i, cycle="1", response="noted")
                       for _, _, t, i in PRECEDENTS])
    lib.execute("COMMIT")
    lib.close()
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta(state_under_review="Utopia"))
    from app.evidence.library import attach_library

    with project.transaction() as conn:
        attach_library(conn, lib_path)
    load_reference(project, state="Utopia", findings=False)
    text = "Ratify the Optional Protocol to the Convention against Torture by 2027."
    draft = project.add_draft(text=text)
    hits = search(project.connection, "ICCPR vote elected", kinds=["commitment"], mode="any")
    article_25 = next(h.item for h in hits if h.item.label() == "ICCPR art. 25")
    link(project, draft.id, article_25)
    ctx = build_context(project.connection, draft.id, text, "Utopia")
    assert isinstance(ctx, CheckContext)
    assert [(e.kind, e.label) for e in ctx.linked_evidence] == [("commitment", "ICCPR art. 25")]
    assert ctx.precedents and ctx.precedents[0].recommending_state == "Chile"
    assert ctx.precedents[0].response == "noted"
    assert "International instruments" in ctx.theme_votes
    # Without the draft id: no links, still precedents (library found through the project).
    assert build_context(project.connection, None, text, "Utopia").linked_evidence == []
    project.close()


def test_suggest_for_text_is_json_ready(tmp_path: Path) -> None:
    lib_path = tmp_path / "lib.smartlib"
    lib = open_library(lib_path, create=True)
    load_reference(lib, state="Kenya", findings=True)
    lib.close()
    out = suggest_for_text(lib_path, "Publish the results forms of every polling station.",
                           "Kenya")
    text = json.dumps(out)
    assert set(out) == {"suggestions", "precedents", "theme_votes"}
    assert out["suggestions"][0]["kind"] == "finding" and "[" in out["suggestions"][0]["snippet"]
    assert "Kenya" in out["suggestions"][0]["label"]
    assert json.loads(text) == out
    from app.evidence.library import LibraryError

    with pytest.raises(LibraryError):
        suggest_for_text(tmp_path / "missing.smartlib", "x", "Kenya")


def test_reference_set_covers_the_required_instruments() -> None:
    items = commitments("Kenya")
    names = {(i.instrument, i.article.split()[1] if " " in i.article else i.article)
             for i in items}
    for instrument, article in [("ICCPR", "2"), ("ICCPR", "19"), ("ICCPR", "21"),
                                ("ICCPR", "22"), ("ICCPR", "25"), ("CEDAW", "7"),
                                ("CRPD", "29"), ("ICERD", "5"),
                                ("OSCE Copenhagen Document 1990", "7"),
                                ("OSCE Copenhagen Document 1990", "8"),
                                ("OSCE Istanbul Document 1999", "25")]:
        assert (instrument, article) in names, (instrument, article)
    assert any(i.instrument.startswith("Human Rights Committee General Comment 25")
               for i in items)
    assert any(i.instrument.startswith("African Charter on Democracy") for i in items)
    iccpr = next(i for i in items if i.instrument == "ICCPR")
    assert iccpr.binding == "ratified"  # Kenya's status applied
    assert next(i for i in commitments() if i.instrument == "ICCPR").binding == ""
    findings = sample_findings()
    assert len(findings) >= 10 and all(f.country == "Kenya" for f in findings)


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_import_search_and_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    lib = tmp_path / "lib.smartlib"
    csv_path = tmp_path / "f.csv"
    csv_path.write_text("Observer,Country,Finding\nSample EOM,Utopia,Ballots arrived late.\n"
                        'Sample EOM,Utopia,"broken\n', encoding="utf-8")
    code = _cli(["evidence", "import", str(csv_path), "--library", str(lib),
                 "--column-map", "text=Finding", "organisation=Observer", "--kind", "finding"])
    out = capsys.readouterr()
    assert code == 0 and "imported 1 item(s)" in out.out
    assert "f.csv: line 3:" in out.err
    assert _cli(["evidence", "reference", "--library", str(lib), "--state", "Kenya"]) == 0
    capsys.readouterr()
    assert _cli(["evidence", "search", 'ballots "late', "--library", str(lib), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["text"] == "Ballots arrived late." and hits[0]["label"].startswith("Sample")
    assert _cli(["evidence", "search", "zebra", "--library", str(lib)]) == 1
    assert _cli(["evidence", "search", "x", "--library", str(tmp_path / "none")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert _cli(["evidence", "import", str(csv_path), "--library", str(lib),
                 "--column-map", "oops"]) == 2


def test_reference_loading_is_idempotent(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    first = load_reference(conn, findings=True).written
    assert first >= 27
    assert load_reference(conn, findings=True).written == 0
    item = get_item(conn, 1)
    assert item is not None and item.kind == "commitment"


def test_check_searches_suggestions_only_for_json_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text and CSV output never show evidence suggestions, so `check` does not search them;
    JSON output still lists them."""
    from app.cli import main
    from app.evidence import context

    lib_path = tmp_path / "lib.smartlib"
    lib = open_library(lib_path, create=True)
    load_reference(lib, state="Kenya", findings=True)
    lib.close()
    searched: list[str] = []
    real = context.suggestions

    def counting(*args: object, **kwargs: object) -> object:
        searched.append("yes")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(context, "suggestions", counting)
    draft = "Publish the results forms of every polling station."
    base = ["check", "--no-grammar", "--no-spelling", "--no-user-rules", "--fail-on", "never",
            "--library", str(lib_path), "--state", "Kenya", "--text", draft]
    for fmt in ("text", "csv"):
        assert main([*base, "--format", fmt]) == 0
    assert searched == []
    capsys.readouterr()
    assert main([*base, "--format", "jsonl"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert searched and record["suggestions"][0]["kind"] == "finding"
