"""Election-observation final reports (PDF, DOCX, plain text) split into evidence items.

The numbered recommendations become `finding` items of type "recommendation", each with its
number and page; numbered body paragraphs that a recommendation cites ("see para. 45") become
items of type "finding". Nothing is saved here: the preview goes to the user for review first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.evidence.importers.base import (
    MAX_IMPORT_BYTES,
    EvidenceImportError,
    ImportPreview,
    check_size,
    check_zip,
    decode,
    parse_xml_safely,
    read_member,
)
from app.evidence.store import EvidenceItem

REPORT_SUFFIXES = (".pdf", ".docx", ".txt", ".text", ".md")
MAX_ITEM_CHARS = 3000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_HEADING = re.compile(
    r"^\s*(?:[IVXLC]+\.|[A-Z]\.|\d{1,2}\.)?\s*(?:(?:priority|other|key|main|further|"
    r"additional)\s+)?recommendations?\s*:?\s*$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.*)$")
_CITES = re.compile(r"\b(?:paras?\.|paragraphs?|§)\s*(\d{1,3})", re.IGNORECASE)

Line = tuple[int | None, str]  # (page number or None, text)


@dataclass
class _Entry:
    number: int
    page: int | None
    section: str  # "finding" or "recommendation"
    parts: list[str]

    @property
    def text(self) -> str:
        joined = ""
        for part in self.parts:
            part = part.strip()
            if joined.endswith("-") and part[:1].islower():
                joined = joined[:-1] + part
            else:
                joined = f"{joined} {part}" if joined else part
        return re.sub(r"\s+", " ", joined).strip()[:MAX_ITEM_CHARS]


# ----------------------------------------------------------------------------- text extraction


def _pdf_lines(path: Path) -> list[Line]:
    from pypdf import PdfReader  # imported here: only PDF imports pay for it
    from pypdf.errors import PyPdfError
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EvidenceImportError(
                f"'{path.name}' is password-protected; save an unprotected copy first.")
        pages = list(reader.pages)
    except EvidenceImportError:
        raise
    except (PyPdfError, ValueError, OSError, KeyError, TypeError, AttributeError, IndexError,
            ArithmeticError, EOFError, RecursionError) as exc:  # pypdf on a damaged file
        raise EvidenceImportError(f"'{path.name}' is damaged or not a PDF ({exc}).") from None
    lines: list[Line] = []
    chars = 0
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # one unreadable page should not lose the others
            text = ""
        chars += len(text.strip())
        lines.extend((number, line) for line in text.splitlines())
        lines.append((number, ""))
    if chars < 20 * max(1, min(len(pages), 3)) and chars < 200:
        raise EvidenceImportError(
            f"'{path.name}' has no text layer (it is a scanned image), so its recommendations "
            "cannot be read. It needs OCR first: run it through an OCR tool (for example "
            "OCRmyPDF or your scanner's software) and import the result."
        )
    return lines


def _docx_lines(path: Path) -> list[Line]:
    zf = check_zip(path, required=("word/document.xml",))
    try:
        data = read_member(zf, "word/document.xml")
    finally:
        zf.close()
    root = parse_xml_safely(data, path.name)
    lines: list[Line] = []
    page = 1
    counters: dict[tuple[str, str], int] = {}
    for para in root.iter(f"{_W}p"):
        pieces: list[str] = []
        for el in para.iter():
            tag = el.tag
            if tag == f"{_W}t" and el.text:
                pieces.append(el.text)
            elif tag == f"{_W}tab":
                pieces.append(" ")
            elif tag == f"{_W}br":
                if el.get(f"{_W}type") == "page":
                    page += 1
                else:
                    pieces.append(" ")
            elif tag == f"{_W}lastRenderedPageBreak":
                page += 1
        text = "".join(pieces).strip()
        num = para.find(f"{_W}pPr/{_W}numPr")
        if num is not None and text:
            num_id_el = num.find(f"{_W}numId")
            ilvl_el = num.find(f"{_W}ilvl")
            num_id = num_id_el.get(f"{_W}val", "") if num_id_el is not None else ""
            ilvl = ilvl_el.get(f"{_W}val", "0") if ilvl_el is not None else "0"
            key = (num_id, ilvl)
            counters[key] = counters.get(key, 0) + 1
            if ilvl == "0" and num_id not in ("", "0") and not _NUMBERED.match(text):
                text = f"{counters[key]}. {text}"
        lines.append((page, text))
        lines.append((page, ""))
    return lines


def _text_lines(path: Path, encoding: str | None) -> tuple[list[Line], str]:
    text, used = decode(path.read_bytes(), path.name, encoding)
    lines: list[Line] = []
    for number, page in enumerate(text.split("\f"), start=1):
        lines.extend((number if "\f" in text else None, line) for line in page.splitlines())
    return lines, used


# ----------------------------------------------------------------------------- splitting


def split_lines(lines: list[Line]) -> list[_Entry]:
    """Numbered paragraphs, tagged as body findings or recommendations by the heading above.

    A number is accepted only when it continues the current sequence (or restarts it at 1), so
    stray numbers such as dates or footnote marks at a line start do not open new items.
    """
    entries: list[_Entry] = []
    section = "finding"
    seen_heading = False
    current: _Entry | None = None
    last_number = {"finding": 0, "recommendation": 0}
    for page, raw in lines:
        line = raw.strip()
        if _HEADING.match(line):
            section = "recommendation"
            seen_heading = True
            current = None
            continue
        m = _NUMBERED.match(line)
        if m:
            n = int(m.group(1))
            if n == last_number[section] + 1 or (n == 1 and last_number[section] > 1):
                last_number[section] = n
                current = _Entry(n, page, section, [m.group(2)])
                entries.append(current)
                continue
        if current is None:
            continue
        if not line:
            # Parts are stripped, non-empty lines, so the last one ends the joined text; looking
            # at it (not re-joining every part at every blank line) keeps splitting linear.
            if current.parts[-1].rstrip().endswith((".", ";", ":", "!", "?")):
                current = None
            continue
        if line.isupper() and len(line) > 3:
            current = None  # an all-capitals heading ends the item
            continue
        current.parts.append(line)
    if not seen_heading:
        for entry in entries:
            entry.section = "recommendation"
    return entries


def prepare_report(
    path: str | Path,
    *,
    organisation: str = "",
    country: str = "",
    year: int | None = None,
    mission: str = "",
    election: str = "",
    report_title: str = "",
    encoding: str | None = None,
) -> ImportPreview:
    """Read a final report and propose its items for review (nothing is written)."""
    path = Path(path)
    check_size(path, MAX_IMPORT_BYTES)
    suffix = path.suffix.lower()
    used = ""
    if suffix == ".pdf":
        lines, fmt = _pdf_lines(path), "pdf"
    elif suffix == ".docx":
        lines, fmt = _docx_lines(path), "docx"
    elif suffix in (".txt", ".text", ".md"):
        (lines, used), fmt = _text_lines(path, encoding), "text"
    else:
        raise EvidenceImportError(
            f"'{path.name}': reports can be imported from PDF, DOCX or plain text.")
    entries = split_lines(lines)
    recs = [e for e in entries if e.section == "recommendation"]
    if not recs:
        raise EvidenceImportError(
            f"No numbered recommendations were found in '{path.name}'. The importer looks for "
            "a 'Recommendations' heading followed by items numbered 1., 2., 3. … "
            "Import the items as a CSV table instead.")
    findings = {e.number: e for e in entries if e.section == "finding"}
    base: dict[str, Any] = dict(
        organisation=organisation, country=country, year=year, mission=mission,
        election=election, report_title=report_title or path.stem,
    )
    preview = ImportPreview(source=path.name, format=f"eom-{fmt}", kind="finding", encoding=used)
    cited: dict[int, None] = {}
    for entry in recs:
        cites = [int(c) for c in _CITES.findall(entry.text) if int(c) in findings]
        cited.update(dict.fromkeys(cites))
        item = EvidenceItem(
            kind="finding", item_type="recommendation", text=entry.text,
            paragraph=f"rec. {entry.number}", page=str(entry.page or ""),
            reference=", ".join(f"cites para. {c}" for c in cites), **base,
        )
        preview.items.append((entry.number, item))
    for number in sorted(cited):
        entry = findings[number]
        item = EvidenceItem(
            kind="finding", item_type="finding", text=entry.text, paragraph=str(number),
            page=str(entry.page or ""), **base,
        )
        preview.items.append((number, item))
    preview.notes.append(
        f"{len(recs)} recommendation(s) and {len(cited)} cited finding(s) found; review them "
        "before saving.")
    return preview
