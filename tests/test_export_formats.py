"""CSV, JSON, Markdown and PDF exports: content, encodings and non-Latin round trips."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from doubles.export_sample import sample_export_project

from app.export import DOCUMENTS, default_filename, export_document
from app.export.html import to_html
from app.export.model import ExportMeta, ExportProject
from app.export.text_formats import CSV_COLUMNS, to_markdown

MIXED = "اعتماد خطة وطنية لحقوق الإنسان بحلول عام 2027 — 到2027年通过国家人权行动计划 — "


def test_csv_has_bom_crlf_and_round_trips_non_latin(tmp_path: Path) -> None:
    path = tmp_path / "drafts.csv"
    export_document(sample_export_project(), "csv", "list", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to read accents"
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert [r["number"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["smart_score"] == "90" and rows[0]["attainable"] == "partly met"
    assert rows[0]["evidence_count"] == "3" and "A/HRC/WG.6/99/XX/2" in rows[0]["evidence"]
    assert rows[2]["recommendation"].startswith("Recruit")
    assert "农村地区女童入学率仍然较低" in rows[2]["evidence"]
    assert rows[3]["recommendation"].startswith(MIXED)
    assert rows[3]["smart_score"] == "" and rows[3]["theme"] == ""


def test_csv_neutralises_spreadsheet_formulas(tmp_path: Path) -> None:
    project = sample_export_project()
    evil = replace(project, drafts=[replace(project.drafts[0], text="=HYPERLINK(\"x\")")])
    path = tmp_path / "evil.csv"
    export_document(evil, "csv", "list", path)
    row = next(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
    assert row["recommendation"] == "'=HYPERLINK(\"x\")"


def test_json_round_trips_everything(tmp_path: Path) -> None:
    path = tmp_path / "drafts.json"
    export_document(sample_export_project(), "json", "list", path)
    raw = path.read_text(encoding="utf-8")
    assert "农村地区" in raw, "non-ASCII text is written as is, not \\u-escaped"
    data = json.loads(raw)
    assert data["format"] == "smartrec-export" and data["version"] == 1
    assert data["meta"]["state_under_review"] == "Freedonia"
    first = data["drafts"][0]
    assert first["smart_status"]["time_bound"] == "met"
    assert first["footnotes"][2] == {
        "label": "Previous cycle, A/HRC/45/99, recommendation 120.7 (Norway)",
        "text": "Guarantee access to a lawyer from the moment of arrest.",
        "kind": "precedent",
        "response": "supported",
    }
    numbers = {d["draft_id"]: d["number"] for d in data["drafts"]}
    assert numbers == {11: 1, 13: 2, 12: 3, 14: 4}, "numbers follow the list's reading order"


def test_markdown_list_numbers_and_notes() -> None:
    md = to_markdown(sample_export_project(), "list")
    lines = md.splitlines()
    assert lines[0] == "# Recommendations to Freedonia"
    assert "## Administration of justice" in lines and "## Other recommendations" in lines
    first = next(line for line in lines if line.startswith("1. "))
    assert first.endswith("[1] [2] [3]")
    second = next(line for line in lines if line.startswith("2. "))
    assert second.startswith("2. Reduce pre-trial") and second.endswith("[4]")
    notes = [line for line in lines if line.startswith("[")]
    assert notes[3].startswith("[4] OHCHR, Compilation")
    assert MIXED.strip() in md


def test_markdown_escapes_user_text() -> None:
    project = sample_export_project()
    starry = replace(project, drafts=[replace(project.drafts[0], text="Adopt *all* [laws]")])
    assert "Adopt \\*all\\* \\[laws\\]" in to_markdown(starry, "list")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_markdown_and_html_render_every_document(document: str) -> None:
    project = sample_export_project()
    md = to_markdown(project, document)
    html = to_html(project, document)
    assert "Freedonia" in md and "Freedonia" in html
    if document == "factsheet":
        assert "## Recommendation 1: Administration of justice" in md
        assert "**Previous recommendation:**" in md
    if document == "annex":
        assert "| No. | Recommendation |" in md and "<table" in html


def test_html_escapes_markup_in_drafts() -> None:
    project = sample_export_project()
    tricky = replace(project, drafts=[replace(project.drafts[0], text="Repeal <b>Act</b> & co")])
    html = to_html(tricky, "list")
    assert "Repeal &lt;b&gt;Act&lt;/b&gt; &amp; co" in html


def test_default_filename_keeps_non_latin_and_drops_separators() -> None:
    project = ExportProject(ExportMeta(state_under_review="Кот д'Ивуар/Test"), [])
    assert default_filename(project, "docx", "list") == "Кот д'Ивуар_Test - recommendations.docx"
    unnamed = ExportProject(ExportMeta(project_name="draft"), [])
    assert default_filename(unnamed, "md", "annex") == "draft - quality annex.md"


def test_unknown_format_and_document_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        export_document(sample_export_project(), "rtf", "list", tmp_path / "x.rtf")
    with pytest.raises(ValueError, match="document"):
        export_document(sample_export_project(), "md", "poster", tmp_path / "x.md")


def test_footnote_citation_shapes() -> None:
    from app.export.model import Footnote

    assert Footnote("A, para. 1", "Quote\n here.").citation() == "A, para. 1: “Quote here.”"
    assert Footnote("B, 12.3", "", "precedent", "noted").citation() == "B, 12.3 (Response: noted)"
    assert Footnote("C").citation() == "C"
