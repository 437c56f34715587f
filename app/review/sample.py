"""A realistic delegation document for the review's tests, documentation and screenshots.

The sample texts are written for SMARTrec. The document has what a delegation's file has: a
header, a title, an introduction with a colleague's comment and tracked insertion, themed
headings, a numbered list of ten recommendations (one with a footnote), a two-column table of five
more, and a closing paragraph.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.xmlchemy import BaseOxmlElement

COLLEAGUE = "Ana Ruiz"
TITLE = "Draft recommendations to Freedonia, fourth cycle"
INTRO = "These drafts come from the capital for comment before the working group session."
COLLEAGUE_NOTE = "Please check the dates with the legal adviser."
INSERTED = " Comments are due on Friday."
FOOTNOTE = "See the national report, paragraph 41."
CLOSING = "The mission will send the final text to the secretariat."

LISTED = [
    "Take all necessary measures to ensure the protection of human rights defenders.",
    "Ratify the Optional Protocol to the Convention against Torture by 2027.",
    "Consider strengthening capacity-building for stakeholders in the justice sector.",
    "Adopt a law that abolishes the death penalty for all crimes before the next review.",
    "Continue efforts to mainstream gender in the national development plan.",
    "Establish an independent national human rights institution by December 2026.",
    "Redouble its efforts to promote the rights of persons with disabilities.",
    "Amend the Criminal Code to define torture in line with the Convention by 2026.",
    "Ensure that the voter register is updated and published before the 2027 elections.",
    "Investigate all allegations of excessive use of force by the police within one year.",
]
THEMES = ("Justice and human rights defenders", "Education and participation")
TABLED = [
    ("Allocate a budget of at least four per cent of GDP to primary education by 2028.",
     "Right to education"),
    ("Strengthen capacity-building for teachers in rural areas.", "Right to education"),
    ("Guarantee free birth registration for all children born in the country.", "Children"),
    ("Take steps to involve stakeholders in the drafting of the media law.",
     "Freedom of opinion and expression"),
    ("Publish an annual report on the implementation of accepted recommendations.",
     "General"),
]
#: Footnote on the second listed recommendation, after its text.
FOOTNOTE_ON = 1


def build_sample_document(path: Path) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "RESTRICTED - for comment"
    document.add_heading(TITLE, level=0)
    intro = document.add_paragraph(INTRO)
    document.add_comment(intro.runs, COLLEAGUE_NOTE, author=COLLEAGUE, initials="AR")
    intro._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="900" w:author="{COLLEAGUE}" w:date="2026-01-05T10:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{INSERTED}</w:t></w:r></w:ins>'
    ))
    document.add_heading(THEMES[0], level=1)
    for index, text in enumerate(LISTED):
        para = document.add_paragraph(style="List Number")
        words = text.split(" ")
        half = len(words) // 2  # two runs, so spans cross run boundaries
        para.add_run(" ".join(words[:half]) + " ")
        para.add_run(" ".join(words[half:])).italic = index % 3 == 0
        if index == FOOTNOTE_ON:
            _footnote_reference(para._p)
    document.add_heading(THEMES[1], level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Recommendation"
    table.rows[0].cells[1].text = "Theme"
    for text, theme in TABLED:
        cells = table.add_row().cells
        cells[0].text = text
        cells[1].text = theme
    document.add_paragraph(CLOSING)
    _add_footnotes_part(document)
    document.save(str(path))
    return path


def _footnote_reference(p: BaseOxmlElement) -> None:
    p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        '<w:footnoteReference w:id="1"/></w:r>'
    ))


def _add_footnotes_part(document: docx.document.Document) -> None:
    blob = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        '<w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {FOOTNOTE}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)

