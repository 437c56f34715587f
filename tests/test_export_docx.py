"""Word export: open the produced .docx with python-docx and check structure, numbering and
that every footnote reference points at the right footnote text."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from doubles.export_sample import ARABIC_SOURCE, sample_export_project
from lxml import etree

from app.export import export_document
from app.export.docx_writer import FACTSHEET_MAX_SOURCES, NO_BASIS, write_docx
from app.export.model import EmptyProjectError, ExportMeta, ExportProject, Footnote


def footnotes_of(document: docx.document.Document) -> dict[int, str]:
    """Footnote id -> text, read from the footnotes part (separators excluded)."""
    parts = [r.target_part for r in document.part.rels.values() if r.reltype == RT.FOOTNOTES]
    assert len(parts) == 1, "the document must have exactly one footnotes part"
    root = etree.fromstring(parts[0].blob)
    notes = {}
    for note in root.findall(qn("w:footnote")):
        if note.get(qn("w:type")) in ("separator", "continuationSeparator"):
            continue
        text = "".join(t.text or "" for t in note.iter(qn("w:t")))
        notes[int(note.get(qn("w:id")))] = text.strip()
    return notes


def refs_of(paragraph: docx.text.paragraph.Paragraph) -> list[int]:
    return [int(r.get(qn("w:id"))) for r in paragraph._p.iter(qn("w:footnoteReference"))]


def body_text(paragraph: docx.text.paragraph.Paragraph) -> str:
    return paragraph.text.rstrip(",")


@pytest.fixture()
def list_doc(tmp_path: Path) -> docx.document.Document:
    path = tmp_path / "list.docx"
    export_document(sample_export_project(), "docx", "list", path)
    return docx.Document(str(path))


def test_list_is_grouped_by_theme_in_priority_order(list_doc: docx.document.Document) -> None:
    styled = [(p.style.name, body_text(p)) for p in list_doc.paragraphs]
    assert styled[0] == ("Title", "Recommendations to Freedonia")
    headings = [text for style, text in styled if style == "Heading 1"]
    assert headings == ["Administration of justice", "Right to education", "Other recommendations"]
    items = [text for style, text in styled if style == "List Number"]
    assert [t[:7] for t in items] == ["Adopt b", "Reduce ", "Recruit", "اعتماد "]
    # each recommendation sits under its own theme heading
    order = [text for style, text in styled if style in ("Heading 1", "List Number")]
    assert order.index("Right to education") == order.index(items[2]) - 1


def test_list_uses_one_continuous_decimal_numbering(list_doc: docx.document.Document) -> None:
    items = [p for p in list_doc.paragraphs if p.style.name == "List Number"]
    num_ids = {p._p.pPr.numPr.numId.val for p in items}
    assert len(num_ids) == 1, "numbering must continue 1..N across theme headings"
    assert {p._p.pPr.numPr.ilvl.val for p in items} == {0}
    numbering = list_doc.part.numbering_part.element
    num_id = num_ids.pop()
    num = next(n for n in numbering.findall(qn("w:num")) if n.numId == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a for a in numbering.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )
    lvl = abstract.find(qn("w:lvl"))
    assert lvl.find(qn("w:numFmt")).get(qn("w:val")) == "decimal"
    assert lvl.find(qn("w:lvlText")).get(qn("w:val")) == "%1."
    assert lvl.find(qn("w:start")).get(qn("w:val")) == "1"


def test_footnote_references_point_at_the_right_texts(list_doc: docx.document.Document) -> None:
    project = sample_export_project()
    notes = footnotes_of(list_doc)
    by_text = {d.text: d for d in project.drafts}
    seen: list[int] = []
    for para in list_doc.paragraphs:
        if para.style.name != "List Number":
            continue
        draft = by_text[body_text(para)]
        ids = refs_of(para)
        assert [notes[i] for i in ids] == [f.citation() for f in draft.footnotes]
        seen += ids
    assert seen == list(range(1, len(notes) + 1)), "ids are unique and in reading order"
    assert notes[1].startswith("OHCHR, Compilation of UN information")
    assert "(Response: supported)" in notes[3]


def test_footnote_plumbing_is_what_word_expects(tmp_path: Path) -> None:
    path = tmp_path / "list.docx"
    export_document(sample_export_project(), "docx", "list", path)
    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml").decode()
        footnotes = etree.fromstring(zf.read("word/footnotes.xml"))
        settings = etree.fromstring(zf.read("word/settings.xml"))
        styles = zf.read("word/styles.xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in types
    assert "footnotes+xml" in types
    assert 'Target="footnotes.xml"' in rels
    kinds = {n.get(qn("w:id")): n.get(qn("w:type")) for n in footnotes.findall(qn("w:footnote"))}
    assert kinds["-1"] == "separator" and kinds["0"] == "continuationSeparator"
    pr = settings.find(qn("w:footnotePr"))
    assert pr is not None
    # schema order: footnotePr must come before compat
    names = [etree.QName(child).localname for child in settings]
    assert names.index("footnotePr") < names.index("compat")
    assert 'w:styleId="FootnoteText"' in styles and 'w:styleId="FootnoteReference"' in styles


def test_no_footnotes_part_without_links(tmp_path: Path) -> None:
    project = sample_export_project()
    bare = replace(project, drafts=[replace(d, footnotes=[]) for d in project.drafts])
    path = tmp_path / "bare.docx"
    write_docx(bare, "list", path)
    doc = docx.Document(str(path))
    assert not [r for r in doc.part.rels.values() if r.reltype == RT.FOOTNOTES]


def test_non_latin_text_round_trips(list_doc: docx.document.Document) -> None:
    texts = [p.text for p in list_doc.paragraphs]
    mixed = sample_export_project().drafts[3].text
    assert mixed in texts
    notes = footnotes_of(list_doc)
    assert ARABIC_SOURCE.citation() in notes.values()
    assert any("农村地区女童入学率仍然较低" in n for n in notes.values())


def test_arabic_paragraphs_are_marked_right_to_left(tmp_path: Path) -> None:
    project = ExportProject(
        ExportMeta(state_under_review="مصر"),
        [replace(sample_export_project().drafts[0], text="اعتماد قانون بحلول عام 2027.",
                 footnotes=[ARABIC_SOURCE])],
    )
    path = tmp_path / "ar.docx"
    write_docx(project, "list", path)
    doc = docx.Document(str(path))
    para = next(p for p in doc.paragraphs if p.style.name == "List Number")
    ppr = para._p.pPr
    assert ppr.find(qn("w:bidi")) is not None
    children = [etree.QName(c).localname for c in ppr]
    assert children.index("numPr") < children.index("bidi"), "pPr children keep schema order"
    assert any(r._r.rPr is not None and r._r.rPr.find(qn("w:rtl")) is not None for r in para.runs)
    assert doc.paragraphs[0].text == "Recommendations to مصر"


def test_control_characters_do_not_break_the_file(tmp_path: Path) -> None:
    project = sample_export_project()
    dirty = replace(project, drafts=[replace(project.drafts[0], text="Adopt\x0b the\x00 law\x1f.")])
    path = tmp_path / "dirty.docx"
    write_docx(dirty, "list", path)
    assert "Adopt the law." in [p.text.rstrip(",") for p in docx.Document(str(path)).paragraphs]


def test_fact_sheet_has_priority_recommendations_with_their_basis(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    export_document(sample_export_project(), "docx", "factsheet", path, factsheet_count=2)
    doc = docx.Document(str(path))
    styled = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styled[0] == ("Title", "Fact sheet: Freedonia")
    h1 = [t for s, t in styled if s == "Heading 1"]
    assert h1 == [
        "Recommendation 1: Administration of justice",
        "Recommendation 2: Right to education",
    ]
    assert [t for s, t in styled if s == "Heading 2"] == ["Basis", "Basis"]
    quotes = [t for s, t in styled if s == "Intense Quote"]
    assert quotes[0].startswith("Adopt by December 2027")
    bullets = [t for s, t in styled if s == "List Bullet"]
    assert bullets[0].startswith("Finding: OHCHR, Compilation of UN information")
    assert bullets[1].startswith("Commitment: National report")
    assert bullets[2].startswith("Previous recommendation: Previous cycle")
    assert "supported" in bullets[2]
    assert any("لا تزال المدارس" in b for b in bullets)


def test_fact_sheet_caps_the_basis_and_says_so(tmp_path: Path) -> None:
    project = sample_export_project()
    many = [Footnote(label=f"Source {i}", text="x" * 900, kind="finding") for i in range(10)]
    crowded = replace(project, drafts=[replace(project.drafts[0], footnotes=many)])
    path = tmp_path / "sheet.docx"
    write_docx(crowded, "factsheet", path, factsheet_count=2)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    bullets = [t for t in texts if t.startswith("Finding: Source")]
    assert len(bullets) == FACTSHEET_MAX_SOURCES
    assert all(len(b) < 400 for b in bullets)
    assert "and 6 more sources in the project." in texts
    # No draft grounded in evidence: the sheet shows the best one and says it has no basis.
    bare = replace(project, drafts=[replace(d, footnotes=[]) for d in project.drafts])
    write_docx(bare, "factsheet", path, factsheet_count=2)
    assert NO_BASIS in [p.text for p in docx.Document(str(path)).paragraphs]


def test_quality_annex_table(tmp_path: Path) -> None:
    path = tmp_path / "annex.docx"
    export_document(sample_export_project(), "docx", "annex", path)
    doc = docx.Document(str(path))
    assert doc.paragraphs[0].text == "Quality annex"
    section = doc.sections[0]
    assert section.page_width > section.page_height, "the annex is landscape"
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:4] == ["No.", "Recommendation", "Theme", "Score"]
    assert header[-1] == "Action category" and header[4:9] == ["S", "M", "A", "R", "T"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0][3] == "90" and rows[0][-1] == "5 (specific action)"
    assert rows[1][1].startswith("Reduce pre-trial") and "partly" in rows[1]
    assert rows[3][3] == "–" and rows[3][-1] == "–", "an unchecked draft shows dashes"


def test_empty_project_is_refused(tmp_path: Path) -> None:
    empty = ExportProject(ExportMeta(state_under_review="Freedonia"), [])
    with pytest.raises(EmptyProjectError, match="no recommendations"):
        export_document(empty, "docx", "list", tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []
