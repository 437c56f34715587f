"""The Word class report of one exercise: the room's most frequent problems with an example each,
the best before/after pairs, every group's drafts with score and verdicts, and the model answer.

Participants are "Group A, B, ..." unless the trainer asks for names.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from app.core.models import DIMENSION_LABELS, OVERALL_DIMENSIONS, OVERALL_LABELS, CheckResult
from app.export.atomic import write_atomic
from app.export.model import STATUS_LEGEND, STATUS_SYMBOLS
from app.workshop.analysis import CheckedDraft, Room

#: Pairs shown in the report: enough for a plenary, short enough to read.
MAX_PAIRS = 3
REPORT_DIMENSIONS = (*OVERALL_DIMENSIONS[:3], "attainable", *OVERALL_DIMENSIONS[3:])
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Drop control characters that XML cannot hold (pasted from PDFs) instead of failing."""
    return _XML_UNSAFE.sub("", text)


def _verdicts(result: CheckResult) -> str:
    parts = []
    for name in REPORT_DIMENSIONS:
        status = result.dimension(name)
        if status is not None:
            parts.append(f"{DIMENSION_LABELS[name]} {STATUS_SYMBOLS[status.status]}")
    return "   ".join(parts)


def _score_line(result: CheckResult) -> str:
    return f"SMART score {result.smart_score}/100 — {OVERALL_LABELS[result.overall]}"


def build_report(
    room: Room, *, show_names: bool = False, when: datetime | None = None
) -> DocxDocument:
    exercise = room.exercise
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(_clean(f"Class report: {exercise.title}"), level=0)
    stamp = (when or datetime.now()).strftime("%d %B %Y")
    drafts = room.drafts
    strong = sum(1 for d in drafts if d.result.overall == "strong")
    doc.add_paragraph(
        _clean(
            f"Exercise {exercise.id} — {exercise.state}. {stamp}. {len(room.entries)} hand-ins, "
            f"{len(drafts)} drafts, {strong} of them strong."
        )
    )
    doc.add_paragraph(_clean(f"Task: {exercise.task}"))

    doc.add_heading("Most frequent problems", level=1)
    if not room.problems:
        doc.add_paragraph("Every draft meets every criterion.")
    for problem in room.problems:
        item = doc.add_paragraph(style="List Bullet")
        item.add_run(_clean(problem.sentence())).bold = True
        example = problem.example
        item.add_run(
            _clean(
                f". For example, {example.entry_label}, draft {example.number}: "
                f"“{example.text}” — {example.reason(problem.dimension)}"
            )
        )

    doc.add_heading("Before and after", level=1)
    pairs = room.pairs[:MAX_PAIRS]
    if not pairs:
        doc.add_paragraph("No hand-in has an earlier version to compare.")
    for pair in pairs:
        _pair(doc, pair)

    doc.add_heading("Model answer" if len(exercise.model_answers) == 1 else "Model answers", 1)
    for answer, result in zip(exercise.model_answers, room.model_results, strict=True):
        doc.add_paragraph(_clean(answer.text), style="Intense Quote")
        doc.add_paragraph(_clean(f"Why it works: {answer.why}"))
        doc.add_paragraph(_clean(f"{_score_line(result)}. {_verdicts(result)}"))

    doc.add_heading("All drafts", level=1)
    doc.add_paragraph(STATUS_LEGEND)
    for entry in room.entries:
        doc.add_heading(_clean(entry.name(show_names=show_names)), level=2)
        if not entry.drafts:
            doc.add_paragraph("No drafts.")
        for draft in entry.drafts:
            doc.add_paragraph(_clean(f"{draft.number}. {draft.text}"))
            verdict = doc.add_paragraph()
            verdict.add_run(_clean(f"{_score_line(draft.result)}. ")).italic = True
            verdict.add_run(_clean(_verdicts(draft.result)))
    return doc


def _pair(doc: DocxDocument, pair: CheckedDraft) -> None:
    assert pair.before_result is not None and pair.before is not None
    change = pair.score_change or 0
    doc.add_heading(
        _clean(f"{pair.entry_label}, draft {pair.number}: score {change:+d}"), level=2
    )
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = f"Before ({pair.before_result.smart_score}/100)"
    table.cell(0, 1).text = f"After ({pair.result.smart_score}/100)"
    table.cell(1, 0).text = _clean(pair.before)
    table.cell(1, 1).text = _clean(pair.text)
    table.cell(2, 0).text = _verdicts(pair.before_result)
    table.cell(2, 1).text = _verdicts(pair.result)
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def write_report(room: Room, path: Path, *, show_names: bool = False) -> Path:
    """Write the report atomically; raises app.export.model.ExportError with a user message."""
    document = build_report(room, show_names=show_names)
    return write_atomic(path, lambda tmp: document.save(str(tmp)))
