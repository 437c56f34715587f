"""Paragraph text and run splitting on the WordprocessingML that Word and LibreOffice write."""

from __future__ import annotations

from datetime import UTC, datetime

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from app.review.wordml import Revisions, paragraph_text, runs_for, split_at

MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
PARAGRAPH = (
    f'<w:p {nsdecls("w", "r")} {MC}><w:pPr><w:pStyle w:val="ListNumber"/></w:pPr>'
    '<w:r><w:rPr><w:b/></w:rPr><w:t>Adopt</w:t><w:tab/><w:t xml:space="preserve">a law </w:t>'
    "</w:r>"
    '<w:del w:id="1" w:author="Ana"><w:r><w:delText>quickly </w:delText></w:r></w:del>'
    '<w:hyperlink r:id="rId9"><w:r><w:t>on asylum</w:t></w:r></w:hyperlink>'
    '<w:r><w:t xml:space="preserve"> by 2027.</w:t><w:footnoteReference w:id="2"/></w:r>'
    '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>,</w:t></w:r>'
    "<mc:AlternateContent><mc:Choice Requires=\"w14\"><w:r><w:t>!</w:t></w:r></mc:Choice>"
    "<mc:Fallback><w:r><w:t>!</w:t></w:r></mc:Fallback></mc:AlternateContent>"
    "</w:p>"
)


def test_visible_text_leaves_out_deletions_note_marks_and_fallbacks() -> None:
    text, pieces = paragraph_text(parse_xml(PARAGRAPH))
    assert text == "Adopt a law on asylum by 2027.!"
    assert [(p.start, p.end) for p in pieces] == [(0, 12), (12, 21), (21, 30), (30, 31)]


def test_splitting_keeps_formatting_and_the_footnote_mark_with_its_words() -> None:
    p = parse_xml(PARAGRAPH)
    pieces = split_at(p, {2, 6, 25})
    assert paragraph_text(p)[0] == "Adopt a law on asylum by 2027.!"
    words = ["".join(t.text for t in r.iter(qn("w:t"))) for r in runs_for(pieces, 0, 12)]
    assert words == ["Ad", "opt", "a law "]  # the tab between opt and a counts as one space
    bold = [r for r in runs_for(pieces, 0, 12) if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None]
    assert len(bold) == 3
    tail = runs_for(pieces, 25, 30)
    assert len(tail) == 1 and tail[0].find(qn("w:footnoteReference")) is not None
    assert runs_for(pieces, 21, 25)[0].find(qn("w:footnoteReference")) is None


def test_a_replacement_is_a_deletion_and_an_insertion_by_the_author() -> None:
    p = parse_xml(PARAGRAPH)
    pieces = split_at(p, {12, 21})
    revisions = Revisions("SMARTrec", 50, datetime(2026, 1, 2, tzinfo=UTC))
    assert revisions.replace(runs_for(pieces, 12, 21), "on refugees")
    deleted = [el for el in p.iter(qn("w:del")) if el.get(qn("w:author")) == "SMARTrec"]
    inserted = list(p.iter(qn("w:ins")))
    assert [d.get(qn("w:id")) for d in deleted] == ["50"]
    assert [i.get(qn("w:id")) for i in inserted] == ["51"]
    assert inserted[0].get(qn("w:date")) == "2026-01-02T00:00:00Z"
    assert deleted[0].getparent().tag == qn("w:hyperlink")
    assert paragraph_text(p)[0] == "Adopt a law on refugees by 2027.!"
