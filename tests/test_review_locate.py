"""Which paragraphs count as recommendations, and which heading gives their theme."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from app.review.locate import find_recommendations
from app.review.source import open_source

TYPED = "1. Adopt a law on access to information by 2027."
LETTERED = "(a) Publish the budget of the prison service every year."
BULLET = "• Repeal the provisions that criminalise defamation."
LISTED = "Establish an independent police complaints body by 2026."
PLAIN = "The delegation welcomes the steps taken since the last review."


@pytest.fixture()
def document(tmp_path: Path) -> Path:
    doc = docx.Document()
    doc.add_heading("Report of the delegation", level=0)
    doc.add_paragraph("1. Introduction")
    doc.add_heading("Freedom of expression", level=1)
    doc.add_paragraph(PLAIN)
    doc.add_paragraph(TYPED)
    doc.add_paragraph(LETTERED)
    doc.add_paragraph(BULLET)
    doc.add_heading("II. Recommendations", level=1)
    doc.add_paragraph(LISTED, style="List Bullet")
    doc.add_paragraph("2. " + "Adopt a very long text. " * 200)
    other = doc.add_table(rows=2, cols=2)
    other.rows[0].cells[0].text = "Ministry"
    other.rows[1].cells[0].text = "The ministry of justice answers for prisons."
    path = tmp_path / "report.docx"
    doc.save(str(path))
    return path


def test_numbered_typed_and_bulleted_paragraphs(document: Path) -> None:
    candidates = find_recommendations(open_source(document).document)
    found = candidates.items
    assert [r.text for r in found] == [TYPED[3:], LETTERED[4:], BULLET[2:], LISTED]
    assert [r.theme for r in found] == ["Freedom of expression"] * 3 + [""]
    assert [r.number for r in found] == [1, 2, 3, 4]
    # the numbered 5,000-character paragraph is left out, and said to be
    assert candidates.too_long == ["paragraph 10"]
    assert candidates.note() == (
        "1 numbered paragraph longer than 3,000 characters left out as report text, not one "
        "recommendation (paragraph 10)")


def test_all_paragraphs_adds_plain_ones_but_never_headings(document: Path) -> None:
    found = find_recommendations(open_source(document).document, all_paragraphs=True).items
    texts = [r.text for r in found]
    assert PLAIN in texts and "The ministry of justice answers for prisons." in texts
    assert not any("Recommendations" in t or t == "Freedom of expression" for t in texts)
    assert all(len(t) <= 3000 for t in texts)
