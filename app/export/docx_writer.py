"""Word documents (recommendation list, fact sheet, quality annex) with python-docx.

python-docx has no footnote API, so this module adds the `word/footnotes.xml` part, the two
separator notes Word expects, the footnote styles and `w:footnoteReference` runs itself. The
numbered list uses its own decimal numbering definition rather than relying on the template's
"List Number" numbering, so numbering is continuous 1..N across theme headings in Word and in
LibreOffice alike.
"""

from __future__ import annotations

import copy
import unicodedata
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from app.core.models import DIMENSION_LABELS, SCORED_DIMENSIONS
from app.export.model import (
    EVIDENCE_KIND_LABELS,
    EVIDENCE_KINDS,
    STATUS_LEGEND,
    STATUS_SYMBOLS,
    ExportDraft,
    ExportProject,
    Footnote,
    require_drafts,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENTS = ("list", "factsheet", "annex")
#: Fact sheets must fit on one or two pages: cap the basis per recommendation.
FACTSHEET_MAX_SOURCES = 4
FACTSHEET_MAX_CHARS = 200
FACTSHEET_LABEL_CHARS = 110
FACTSHEET_FONT = Pt(10)
NO_BASIS = "No findings, commitments or previous recommendations linked yet."
#: Column heads for the annex table: full words do not fit A4 landscape at a readable size.
SHORT_DIMENSION = {
    "specific": "S", "measurable": "M", "attainable": "A", "relevant": "R", "time_bound": "T",
    "jargon": "Plain", "tone": "Tone",
}
ACTION_CATEGORY_NAMES = {
    1: "minimal action",
    2: "continuing action",
    3: "considering action",
    4: "general action",
    5: "specific action",
}


def write_docx(
    project: ExportProject, document: str, path: str | Path, factsheet_count: int = 3
) -> None:
    """Write `document` ('list' | 'factsheet' | 'annex') for `project` to `path`."""
    require_drafts(project)
    builder = _Builder(project)
    if document == "list":
        builder.recommendation_list()
    elif document == "factsheet":
        builder.fact_sheet(factsheet_count)
    elif document == "annex":
        builder.quality_annex()
    else:
        raise ValueError(f"unknown document type {document!r}; expected one of {DOCUMENTS}")
    builder.save(Path(path))


# --------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, project: ExportProject) -> None:
        self.project = project
        self.doc: DocxDocument = Document()
        self.notes = _Footnotes(self.doc)
        self._num_id: int | None = None
        self._setup()

    # -- documents --------------------------------------------------------------------

    def recommendation_list(self) -> None:
        meta = self.project.meta
        self._title(f"Recommendations to {meta.state_under_review or 'the State under Review'}")
        self._subtitle()
        for theme, drafts in self.project.numbered():
            self.doc.add_heading(theme, level=1)
            for draft in drafts:
                para = self.doc.add_paragraph(style="List Number")
                self._number(para)
                self._text_runs(para, draft.text)
                self._footnote_refs(para, draft.footnotes)
        self._set_core(f"Recommendations to {meta.state_under_review}".strip())

    def fact_sheet(self, count: int) -> None:
        meta = self.project.meta
        state = meta.state_under_review or "the State under Review"
        self._title(f"Fact sheet: {state}")
        self._subtitle()
        chosen = self.project.priorities(count)
        intro = (
            f"{_count_word(len(chosen))} priority recommendation"
            f"{'s' if len(chosen) != 1 else ''} to {state}, each with the findings, commitments "
            "and previous recommendations it rests on."
        )
        self.doc.add_paragraph(intro)
        for index, draft in enumerate(chosen, start=1):
            heading = f"Recommendation {index}"
            if draft.theme:
                heading += f": {draft.theme}"
            self.doc.add_heading(heading, level=1)
            quote = self.doc.add_paragraph(style="Intense Quote")
            self._text_runs(quote, draft.text)
            self.doc.add_heading("Basis", level=2)
            self._basis(draft.footnotes, sources_per_recommendation(len(chosen)))
        self._set_core(f"Fact sheet: {state}")

    def quality_annex(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        self._title("Quality annex")
        self._subtitle()
        self.doc.add_paragraph(
            "Internal review: each recommendation's S.M.A.R.T. status as judged by SMARTrec's "
            "rules and its estimated UPR Info action category (1 = minimal, 5 = specific action)."
        )
        dims = list(SCORED_DIMENSIONS)
        headers = ["No.", "Recommendation", "Theme", "Score"]
        headers += [SHORT_DIMENSION.get(d, DIMENSION_LABELS[d]) for d in dims]
        headers += ["Action category"]
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Light Grid Accent 1"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _repeat_header(table.rows[0])
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            self._small(cell.paragraphs[0], text, bold=True)
        rows = [d for _, group in self.project.numbered() for d in group]
        for draft in rows:
            cells = table.add_row().cells
            values = [str(draft.number), draft.text, draft.theme or "–", _score(draft)]
            values += [STATUS_SYMBOLS.get(draft.smart_status.get(d, ""), "–") for d in dims]
            values.append(_category(draft))
            for cell, text in zip(cells, values, strict=True):
                self._small(cell.paragraphs[0], text)
        # 25.25 cm fits A4 landscape inside 2.2 cm margins. Word reads the cell widths,
        # LibreOffice the grid columns: set both, and switch autofit off.
        widths = [Cm(1.0), Cm(7.4), Cm(2.8), Cm(1.3)] + [Cm(1.3)] * len(dims) + [Cm(3.0)]
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        legend = self.doc.add_paragraph()
        keys = " · ".join(
            f"{SHORT_DIMENSION[d]} {DIMENSION_LABELS[d]}" for d in dims if d in SHORT_DIMENSION
        )
        self._small(legend, f"{keys}.   {STATUS_LEGEND}")
        self._set_core("Quality annex")

    # -- pieces -----------------------------------------------------------------------

    def _setup(self) -> None:
        # The template's preview image shows python-docx's sample text, not ours.
        for rel_id, rel in list(self.doc.part.package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                self.doc.part.package.rels.pop(rel_id)
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, the UN's paper size
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.2))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        normal.paragraph_format.space_after = Pt(6)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        # Complex-script and East Asian text falls back to fonts that have the glyphs.
        fonts.set(qn("w:cs"), "Arial")
        fonts.set(qn("w:eastAsia"), "SimSun")

    def _title(self, text: str) -> None:
        self.doc.add_heading(text, level=0)

    def _subtitle(self) -> None:
        para = self.doc.add_paragraph(style="Subtitle")
        self._text_runs(para, self.project.meta.subtitle())

    def _basis(self, footnotes: list[Footnote], limit: int) -> None:
        if not footnotes:
            para = self.doc.add_paragraph()
            para.add_run(NO_BASIS).italic = True
            return
        shown = 0
        for kind in EVIDENCE_KINDS:
            items = [f for f in footnotes if f.kind == kind]
            for item in items:
                if shown >= limit:
                    break
                para = self.doc.add_paragraph(style="List Bullet")
                para.paragraph_format.space_after = Pt(2)
                label = para.add_run(f"{EVIDENCE_KIND_LABELS[kind].rstrip('s')}: ")
                label.bold = True
                label.font.size = FACTSHEET_FONT
                line = _clip(item.label, FACTSHEET_LABEL_CHARS)
                if item.text:
                    line += f": “{_clip(item.text, FACTSHEET_MAX_CHARS)}”"
                if item.response:
                    line += f" Response: {item.response}."
                self._text_runs(para, line, size=FACTSHEET_FONT)
                shown += 1
        if len(footnotes) > shown:
            more = len(footnotes) - shown
            para = self.doc.add_paragraph()
            para.add_run(more_sources(more)).italic = True

    def _text_runs(self, para: Paragraph, text: str, size: Pt | None = None) -> None:
        run = para.add_run(_clean(text))
        if size is not None:
            run.font.size = size
        if _mostly_rtl(text):
            _set_rtl(para, run)

    def _small(self, para: Paragraph, text: str, bold: bool = False) -> None:
        run = para.add_run(_clean(text))
        run.font.size = Pt(9)
        run.bold = bold or None
        if _mostly_rtl(text):
            _set_rtl(para, run)

    def _footnote_refs(self, para: Paragraph, footnotes: list[Footnote]) -> None:
        for index, note in enumerate(footnotes):
            if index:
                sep = para.add_run(",")
                sep.font.superscript = True
            self.notes.reference(para, note.citation())

    def _number(self, para: Paragraph) -> None:
        if self._num_id is None:
            self._num_id = _add_decimal_numbering(self.doc)
        ppr = para._p.get_or_add_pPr()
        num_pr = ppr.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = self._num_id

    def _set_core(self, title: str) -> None:
        core = self.doc.core_properties
        core.title = title
        core.author = "SMARTrec"
        core.comments = f"Exported by SMARTrec {self.project.meta.app_version}"

    def save(self, path: Path) -> None:
        self.notes.finish()
        self.doc.save(str(path))


# --------------------------------------------------------------------------- footnotes

_FOOTNOTE_STYLES = f"""
<w:styles {nsdecls("w")}>
  <w:style w:type="paragraph" w:styleId="FootnoteText">
    <w:name w:val="footnote text"/>
    <w:basedOn w:val="Normal"/>
    <w:link w:val="FootnoteTextChar"/>
    <w:uiPriority w:val="99"/>
    <w:unhideWhenUsed/>
    <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
    <w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:customStyle="1" w:styleId="FootnoteTextChar">
    <w:name w:val="Footnote Text Char"/>
    <w:basedOn w:val="DefaultParagraphFont"/>
    <w:link w:val="FootnoteText"/>
    <w:uiPriority w:val="99"/>
    <w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:styleId="FootnoteReference">
    <w:name w:val="footnote reference"/>
    <w:basedOn w:val="DefaultParagraphFont"/>
    <w:uiPriority w:val="99"/>
    <w:unhideWhenUsed/>
    <w:rPr><w:vertAlign w:val="superscript"/></w:rPr>
  </w:style>
</w:styles>
"""

_SEPARATORS = """
  <w:footnote w:type="separator" w:id="-1">
    <w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:r><w:separator/></w:r></w:p>
  </w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0">
    <w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:r><w:continuationSeparator/></w:r></w:p>
  </w:footnote>
"""


class _Footnotes:
    """Collects footnote texts while the body is written; adds the part on `finish()`."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.texts: list[str] = []

    def reference(self, para: Paragraph, text: str) -> int:
        note_id = len(self.texts) + 1  # ids 1.. (-1 and 0 are the separators)
        self.texts.append(text)
        run = para.add_run()
        rpr = run._r.get_or_add_rPr()
        rpr.append(parse_xml(f'<w:rStyle {nsdecls("w")} w:val="FootnoteReference"/>'))
        run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{note_id}"/>'))
        return note_id

    def finish(self) -> None:
        if not self.texts:
            return
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{_SEPARATORS}</w:footnotes>")
        for note_id, text in enumerate(self.texts, start=1):
            note = parse_xml(
                f'<w:footnote {nsdecls("w")} w:id="{note_id}"><w:p><w:pPr>'
                '<w:pStyle w:val="FootnoteText"/></w:pPr>'
                '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
            )
            run = parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"></w:t></w:r>')
            run[0].text = _clean(text)
            if _mostly_rtl(text):
                note[0][0].append(parse_xml(f'<w:bidi {nsdecls("w")}/>'))
                run.insert(0, parse_xml(f'<w:rPr {nsdecls("w")}><w:rtl/></w:rPr>'))
            note[0].append(run)
            root.append(note)
        blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)
        self._add_styles()
        self._add_settings()

    def _add_styles(self) -> None:
        styles = self.doc.styles.element
        existing = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
        for style in parse_xml(_FOOTNOTE_STYLES).findall(qn("w:style")):
            if style.get(qn("w:styleId")) not in existing:
                styles.append(copy.deepcopy(style))

    def _add_settings(self) -> None:
        settings = self.doc.settings.element
        if settings.find(qn("w:footnotePr")) is not None:
            return
        pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        # Schema order: footnotePr comes right before endnotePr / compat.
        anchor = settings.find(qn("w:endnotePr"))
        if anchor is None:
            anchor = settings.find(qn("w:compat"))
        if anchor is not None:
            anchor.addprevious(pr)
        else:
            settings.append(pr)


# --------------------------------------------------------------------------- numbering


def _add_decimal_numbering(doc: DocxDocument) -> int:
    """Add a '1.' '2.' ... list definition and return its numId."""
    numbering = doc.part.numbering_part.element
    abstract_ids = [
        int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))
    ]
    abstract_id = max(abstract_ids, default=-1) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = numbering.add_num(abstract_id)
    return int(num.numId)


# --------------------------------------------------------------------------- helpers


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def _score(draft: ExportDraft) -> str:
    return "–" if draft.smart_score is None else str(draft.smart_score)


def _category(draft: ExportDraft) -> str:
    if draft.action_category is None:
        return "–"
    return f"{draft.action_category} ({ACTION_CATEGORY_NAMES.get(draft.action_category, '')})"


def sources_per_recommendation(count: int) -> int:
    """Four sources each for one or two recommendations, three for three or more: the worst
    case (long quotes everywhere) then still fits two A4 pages."""
    return FACTSHEET_MAX_SOURCES if count <= 2 else FACTSHEET_MAX_SOURCES - 1


def more_sources(more: int) -> str:
    return f"and {more} more source{'s' if more != 1 else ''} in the project."


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count_word(n: int) -> str:
    return {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}.get(n, str(n))


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control codes pasted from PDFs) instead of failing."""
    return "".join(
        ch for ch in text if ch in "\t\n" or not (ord(ch) < 32 or 0xFFFE <= ord(ch) <= 0xFFFF
                                                  or 0xD800 <= ord(ch) <= 0xDFFF)
    )


def _mostly_rtl(text: str) -> bool:
    strong = [unicodedata.bidirectional(ch) for ch in text if ch.isalpha()]
    if not strong:
        return False
    rtl = sum(1 for b in strong if b in ("R", "AL"))
    return rtl * 2 > len(strong)


def _set_rtl(para: Paragraph, run: object) -> None:
    """Mark a right-to-left paragraph and run, keeping the schema's element order."""
    ppr = para._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(
            parse_xml(f'<w:bidi {nsdecls("w")}/>'), *_PPR_AFTER_BIDI
        )
    rpr = run._r.get_or_add_rPr()  # type: ignore[attr-defined]
    if rpr.find(qn("w:rtl")) is None:
        rpr.insert_element_before(parse_xml(f'<w:rtl {nsdecls("w")}/>'), *_RPR_AFTER_RTL)


_PPR_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)
_RPR_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
