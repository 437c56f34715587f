"""WordprocessingML surgery on one paragraph: its text, split runs, comment ranges, revisions.

A paragraph's text is what Word shows: `w:t` of its own runs (also inside hyperlinks, smart tags,
content controls and other authors' insertions), tabs and breaks as one space each. Deleted text,
field codes, superscript note marks and text boxes inside drawings are left out. Offsets into that
text map back to runs, and runs are split at span boundaries so that comments and tracked changes
cover exactly the words concerned. Element classes come from python-docx's oxml layer, so new
runs stay `CT_R`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

W_R = qn("w:r")
W_T = qn("w:t")
W_P = qn("w:p")
W_PPR = qn("w:pPr")
W_RPR = qn("w:rPr")
W_DEL = qn("w:del")
W_INS = qn("w:ins")
W_ID = qn("w:id")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: Run children shown as one character.
_ONE_CHAR = {qn("w:tab"): " ", qn("w:br"): " ", qn("w:cr"): " ", qn("w:noBreakHyphen"): "-"}
#: Containers whose runs are not part of the visible text.
_HIDDEN = {W_DEL, qn("w:moveFrom"), W_PPR,
           "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
#: Run parents in which a run may be wrapped in a new w:del (not inside someone's revision).
_PLAIN_PARENTS = {W_P, qn("w:hyperlink"), qn("w:smartTag")}

#: python-docx's element base class (an lxml element) for every node handled here.
Element = BaseOxmlElement
_NOTE_MARK_CHARS = frozenset("0123456789,;*† ")


def _note_mark(r: Element) -> bool:
    """A superscript run of only digits and commas: typed note numbers or the commas between
    footnote references, which are not words of the recommendation."""
    align = r.find(f"{W_RPR}/{qn('w:vertAlign')}")
    if align is None or align.get(qn("w:val")) != "superscript":
        return False
    text = "".join(t.text or "" for t in r.iter(W_T))
    return bool(text) and all(ch in _NOTE_MARK_CHARS for ch in text)


def paragraph_runs(p: Element) -> Iterator[Element]:
    """The paragraph's own runs in order (not those of text boxes nested in its drawings, nor
    superscript note marks)."""
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == W_R:
            if not _note_mark(el):
                yield el
        elif tag not in _HIDDEN and isinstance(tag, str):
            stack.extend(reversed(el))


def _run_pieces(r: Element) -> Iterator[tuple[Element, str]]:
    for child in r:
        tag = child.tag
        if tag == W_T:
            yield child, child.text or ""
        elif tag in _ONE_CHAR:
            yield child, _ONE_CHAR[tag]
        elif tag != W_RPR:
            yield child, ""


def run_text(r: Element) -> str:
    return "".join(text for _, text in _run_pieces(r))


@dataclass
class Piece:
    start: int
    end: int
    run: Element


def paragraph_text(p: Element) -> tuple[str, list[Piece]]:
    """Visible text and, for each run, the span it covers."""
    pieces: list[Piece] = []
    parts: list[str] = []
    pos = 0
    for r in paragraph_runs(p):
        text = run_text(r)
        pieces.append(Piece(pos, pos + len(text), r))
        parts.append(text)
        pos += len(text)
    return "".join(parts), pieces


def _keep(r: Element, lo: int, hi: int, total: int) -> None:
    """Trim run `r` to its characters [lo, hi). A zero-width child (footnote mark, drawing) goes
    to the side it sits on; one at a split point goes right, one at the very end stays last."""
    pos = 0
    for child, text in list(_run_pieces(r)):
        end = pos + len(text)
        if not text:
            if not (lo <= pos < hi or pos == hi == total):
                r.remove(child)
        elif end <= lo or pos >= hi:
            r.remove(child)
        elif child.tag == W_T and (pos < lo or end > hi):
            child.text = text[max(lo - pos, 0) : min(hi, end) - pos]
        pos = end


def _length(r: Element) -> int:
    return sum(len(text) for _, text in _run_pieces(r))


def split_run(r: Element, at: int) -> Element:
    """Split `r` at character `at`: `r` keeps the left part, the returned run the rest."""
    total = _length(r)
    right = copy.deepcopy(r)
    _keep(r, 0, at, total)
    _keep(right, at, total, total)
    for t in (*r.iter(W_T), *right.iter(W_T)):
        t.set(XML_SPACE, "preserve")
    r.addnext(right)
    return right


def split_at(p: Element, boundaries: set[int]) -> list[Piece]:
    """Split the paragraph's runs so that every boundary falls between two runs."""
    _text, pieces = paragraph_text(p)
    for piece in pieces:
        inner = sorted((b for b in boundaries if piece.start < b < piece.end), reverse=True)
        for b in inner:
            split_run(piece.run, b - piece.start)
    return paragraph_text(p)[1]


def runs_for(pieces: list[Piece], start: int, end: int) -> list[Element]:
    """The runs that make up exactly [start, end) after `split_at` (text-bearing runs only)."""
    return [x.run for x in pieces if x.end > x.start and start <= x.start and x.end <= end]


# -- comments -----------------------------------------------------------------------------------
class CommentWriter:
    """Appends comments to a `w:comments` part the way Word writes them (CommentText paragraphs
    opening with the annotation mark). Ids are counted here, not searched for per comment:
    python-docx's `add_comment` scans every existing id each time, quadratic in a long review."""

    def __init__(self, comments: Element, author: str, initials: str, when: datetime) -> None:
        self.comments = comments
        self.author = author
        self.initials = initials
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        ids = [int(i) for i in comments.xpath("./w:comment/@w:id") if str(i).isdigit()]
        self.next_id = max(ids, default=-1) + 1

    def add(self, text: str) -> int:
        """One comment, one paragraph per line of `text`; returns its id."""
        comment_id = self.next_id
        self.next_id += 1
        comment = OxmlElement("w:comment", attrs={
            W_ID: str(comment_id), qn("w:author"): self.author, qn("w:initials"): self.initials,
            qn("w:date"): self.date})
        for index, line in enumerate(text.split("\n")):
            p = OxmlElement("w:p")
            ppr = OxmlElement("w:pPr")
            ppr.append(OxmlElement("w:pStyle", attrs={qn("w:val"): "CommentText"}))
            p.append(ppr)
            if index == 0:
                mark = OxmlElement("w:r")
                rpr = OxmlElement("w:rPr")
                rpr.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
                mark.append(rpr)
                mark.append(OxmlElement("w:annotationRef"))
                p.append(mark)
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = line
            t.set(XML_SPACE, "preserve")
            run.append(t)
            p.append(run)
            comment.append(p)
        self.comments.append(comment)
        return comment_id


def anchor_comment(runs: list[Element], comment_id: int) -> None:
    """Range markers around `runs` and the reference run after the last one (as Word writes)."""
    first, last = runs[0], runs[-1]
    first.addprevious(OxmlElement("w:commentRangeStart", attrs={W_ID: str(comment_id)}))
    reference = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
    reference.append(rpr)
    reference.append(OxmlElement("w:commentReference", attrs={W_ID: str(comment_id)}))
    last.addnext(reference)
    last.addnext(OxmlElement("w:commentRangeEnd", attrs={W_ID: str(comment_id)}))


def remove_comment_marks(root: Element, ids: set[str]) -> None:
    """Drop range markers and reference runs of the given comment ids anywhere below `root`."""
    for tag in ("w:commentRangeStart", "w:commentRangeEnd"):
        for mark in list(root.iter(qn(tag))):
            if mark.get(W_ID) in ids:
                mark.getparent().remove(mark)
    for ref in list(root.iter(qn("w:commentReference"))):
        if ref.get(W_ID) not in ids:
            continue
        run = ref.getparent()
        run.remove(ref)
        if run.tag == W_R and all(child.tag == W_RPR for child in run):
            run.getparent().remove(run)


# -- tracked changes ----------------------------------------------------------------------------
class Revisions:
    """Writes w:ins/w:del by one author with fresh ids above every id already used."""

    def __init__(self, author: str, first_id: int, when: datetime) -> None:
        self.author = author
        self.next_id = first_id
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _mark(self, tag: str) -> Element:
        el = OxmlElement(tag, attrs={W_ID: str(self.next_id), qn("w:author"): self.author,
                                     qn("w:date"): self.date})
        self.next_id += 1
        return el

    def replace(self, runs: list[Element], text: str, after: Element | None = None) -> bool:
        """Mark `runs` deleted and `text` inserted after them; False (nothing done) when a run
        already sits inside someone else's revision, where nesting is not allowed."""
        if any(r.getparent().tag not in _PLAIN_PARENTS for r in runs):
            return False
        if not runs and after is None:
            return False
        last: Element | None = None
        for r in runs:
            deletion = self._mark("w:del")
            r.addprevious(deletion)
            deletion.append(r)
            for t in list(r.iter(W_T)):
                t.tag = qn("w:delText")
                t.set(XML_SPACE, "preserve")
            for instr in list(r.iter(qn("w:instrText"))):
                instr.tag = qn("w:delInstrText")
            last = deletion
        if text:
            template = runs[0] if runs else after
            assert template is not None
            insertion = self._mark("w:ins")
            new_run = OxmlElement("w:r")
            rpr = template.find(W_RPR)
            if rpr is not None:
                new_run.append(copy.deepcopy(rpr))
            t = OxmlElement("w:t")
            t.text = text
            t.set(XML_SPACE, "preserve")
            new_run.append(t)
            insertion.append(new_run)
            if last is not None:
                last.addnext(insertion)
            else:
                assert after is not None
                after.addnext(insertion)
        return True


def max_id(xml_blobs: list[bytes]) -> int:
    """The largest numeric w:id in the given parts, so new revisions never collide."""
    import re

    found = 0
    pattern = re.compile(rb'w:id="(\d{1,10})"')
    for blob in xml_blobs:
        for match in pattern.finditer(blob):
            found = max(found, int(match.group(1)))
    return found
