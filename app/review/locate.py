"""Which paragraphs of a Word document are recommendations, and under which theme.

A recommendation is a numbered or bulleted paragraph (Word numbering, direct or through its style,
or a typed "1." / "(a)" / "•"), or a paragraph in the column of a table whose header names
recommendations; with `all_paragraphs`, every paragraph that is not a heading. Paragraphs of
fewer than four words ("1. Introduction") or more than 3,000 characters are never
recommendations. The theme is the nearest heading above (or the table's theme column), except
headings that only say "Recommendations".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from app.review.wordml import W_P, W_PPR, Element, paragraph_text

MIN_WORDS = 4
#: Longer paragraphs are report sections, not recommendations (and would slow a review down).
MAX_CHARS = 3000
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_TYPED_NUMBER = re.compile(
    r"^\s*(?:\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxlc]{1,6})[.)]|[•▪◦‣●·\-–—*])\s+"
)
_GENERIC_HEADING = re.compile(
    r"^\s*(?:[IVXLC]+\.|[A-Z]\.|\d{1,2}\.)?\s*(?:(?:priority|other|key|main|further|draft|"
    r"proposed|additional)\s+)?recommendations?\b[^a-z]*$",
    re.IGNORECASE,
)
_THEME_HEADER = re.compile(r"theme|issue|cluster|topic|area|subject", re.IGNORECASE)


@dataclass
class Recommendation:
    """One recommendation found in the document: its text is `paragraph`'s text from `offset`."""

    number: int
    text: str
    theme: str
    where: str
    paragraph: Element = field(repr=False, compare=False)
    offset: int = 0


@dataclass
class Candidates:
    """The recommendations found, and where numbered paragraphs were left out as too long."""

    items: list[Recommendation] = field(default_factory=list)
    #: Where each numbered paragraph (or table cell) longer than MAX_CHARS is ("paragraph 12").
    too_long: list[str] = field(default_factory=list)

    def note(self) -> str:
        """One line on what was left out, or ""."""
        if not self.too_long:
            return ""
        shown = ", ".join(self.too_long[:5]) + (", ..." if len(self.too_long) > 5 else "")
        count = len(self.too_long)
        return (
            f"{count} numbered paragraph{'s' if count > 1 else ''} longer than "
            f"{MAX_CHARS:,} characters left out as report text, not one recommendation ({shown})"
        )


class _Styles:
    """Heading and numbering facts per paragraph style id, following `basedOn`."""

    def __init__(self, document: DocxDocument) -> None:
        self._styles = {
            s.get(qn("w:styleId")): s
            for s in document.styles.element.iter(qn("w:style"))
            if s.get(qn("w:type")) == "paragraph"
        }
        self._heading: dict[str, bool] = {}
        self._numbered: dict[str, bool] = {}

    def _chain(self, style_id: str) -> Iterator[Element]:
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen and current in self._styles:
            seen.add(current)
            style = self._styles[current]
            yield style
            based = style.find(qn("w:basedOn"))
            current = based.get(qn("w:val")) if based is not None else None

    def is_heading(self, style_id: str) -> bool:
        if style_id not in self._heading:
            heading = False
            for style in self._chain(style_id):
                name_el = style.find(qn("w:name"))
                name = (name_el.get(qn("w:val")) if name_el is not None else "").lower()
                level = style.find(f"{W_PPR}/{qn('w:outlineLvl')}")
                if name.startswith(("heading", "title", "subtitle")) or (
                    level is not None and level.get(qn("w:val")) != "9"
                ):
                    heading = True
                    break
            self._heading[style_id] = heading
        return self._heading[style_id]

    def is_numbered(self, style_id: str) -> bool:
        if style_id not in self._numbered:
            numbered = False
            for style in self._chain(style_id):
                num = style.find(f"{W_PPR}/{qn('w:numPr')}/{qn('w:numId')}")
                if num is not None:
                    numbered = num.get(qn("w:val")) != "0"
                    break
            self._numbered[style_id] = numbered
        return self._numbered[style_id]


def _style_id(p: Element) -> str:
    style = p.find(f"{W_PPR}/{qn('w:pStyle')}")
    return style.get(qn("w:val"), "") if style is not None else ""


def _own_numbering(p: Element) -> bool | None:
    """True/False when the paragraph sets numbering itself, None when its style decides."""
    num = p.find(f"{W_PPR}/{qn('w:numPr')}/{qn('w:numId')}")
    if num is None:
        return None
    return num.get(qn("w:val")) != "0"


def _is_heading(p: Element, styles: _Styles) -> bool:
    level = p.find(f"{W_PPR}/{qn('w:outlineLvl')}")
    if level is not None:
        return level.get(qn("w:val")) != "9"
    return styles.is_heading(_style_id(p))


def _blocks(container: Element) -> Iterator[Element]:
    """Paragraphs and tables in reading order, looking inside content controls."""
    for child in container:
        if child.tag in (W_P, _W_TBL):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent"))
            yield from _blocks(content if content is not None else child)


def _span(text: str, typed_prefix: bool) -> tuple[int, int]:
    """Where the recommendation's words start and end in the paragraph text."""
    start = len(text) - len(text.lstrip())
    if typed_prefix:
        match = _TYPED_NUMBER.match(text)
        if match:
            start = match.end()
    return start, len(text.rstrip())


def _cell_text(tc: Element) -> str:
    return " ".join(paragraph_text(p)[0].strip() for p in tc.iter(W_P)).strip()


def find_recommendations(
    document: DocxDocument, *, all_paragraphs: bool = False
) -> Candidates:
    styles = _Styles(document)
    candidates = Candidates()
    found = candidates.items
    theme = ""
    paragraph_number = 0
    table_number = 0

    def add(p: Element, text: str, start: int, end: int, theme: str, where: str) -> None:
        words = text[start:end]
        if len(words) > MAX_CHARS:
            candidates.too_long.append(where)
        elif len(words.split()) >= MIN_WORDS:
            found.append(Recommendation(len(found) + 1, words, theme, where, p, start))

    for block in _blocks(document.element.body):
        if block.tag == W_P:
            paragraph_number += 1
            text, _ = paragraph_text(block)
            if not text.strip():
                continue
            if _is_heading(block, styles):
                if _style_id(block).lower() not in ("title", "subtitle"):
                    theme = "" if _GENERIC_HEADING.match(text) else text.strip()
                continue
            own = _own_numbering(block)
            listed = own if own is not None else styles.is_numbered(_style_id(block))
            typed = bool(_TYPED_NUMBER.match(text))
            if listed or typed or all_paragraphs:
                start, end = _span(text, typed)
                add(block, text, start, end, theme, f"paragraph {paragraph_number}")
            continue
        table_number += 1
        rows = block.findall(_W_TR)
        if not rows:
            continue
        header = [_cell_text(tc) for tc in rows[0].findall(_W_TC)]
        column = next((i for i, h in enumerate(header) if "recommendation" in h.lower()), None)
        theme_column = next((i for i, h in enumerate(header) if _THEME_HEADER.search(h)), None)
        if column is None and not all_paragraphs:
            continue
        body = rows[1:] if column is not None else rows
        for row_number, row in enumerate(body, start=2 if column is not None else 1):
            cells = row.findall(_W_TC)
            row_theme = theme
            if theme_column is not None and theme_column < len(cells):
                row_theme = _cell_text(cells[theme_column]) or theme
            chosen = cells if column is None else cells[column : column + 1]
            for tc in chosen:
                for p in tc.iter(W_P):
                    text, _ = paragraph_text(p)
                    start, end = _span(text, True)
                    where = f"table {table_number}, row {row_number}"
                    add(p, text, start, end, row_theme, where)
    return candidates
