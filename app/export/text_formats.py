"""CSV, JSON and Markdown exports of the same model the Word writer uses.

CSV is written as UTF-8 with a byte-order mark and CRLF line ends: that is what makes Excel open
accented, Arabic, Chinese and Cyrillic text correctly on double-click. CSV and JSON always hold
all drafts (one row/object each) whatever document type was chosen; Markdown renders the chosen
document.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from app.core.models import DIMENSION_LABELS, SCORED_DIMENSIONS
from app.export.model import (
    EVIDENCE_KIND_LABELS,
    EVIDENCE_KINDS,
    STATUS_WORDS,
    ExportDraft,
    ExportProject,
    require_drafts,
)
from app.textio import spreadsheet_safe

JSON_FORMAT = "smartrec-export"
JSON_VERSION = 1

CSV_COLUMNS: tuple[str, ...] = (
    "number",
    "priority",
    "theme",
    "recommendation",
    "status",
    "smart_score",
    "action_category",
    *SCORED_DIMENSIONS,
    "evidence_count",
    "evidence",
    "title",
    "draft_id",
)


def to_csv(project: ExportProject) -> str:
    require_drafts(project)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for _, drafts in project.numbered():
        for d in drafts:
            row: list[Any] = [
                d.number,
                d.priority,
                d.theme,
                d.text,
                d.status,
                "" if d.smart_score is None else d.smart_score,
                "" if d.action_category is None else d.action_category,
                *(STATUS_WORDS.get(d.smart_status.get(dim, ""), "") for dim in SCORED_DIMENSIONS),
                len(d.footnotes),
                " | ".join(f.citation() for f in d.footnotes),
                d.title,
                "" if d.draft_id is None else d.draft_id,
            ]
            writer.writerow([spreadsheet_safe(v) for v in row])
    return "\ufeff" + buf.getvalue()


def to_json(project: ExportProject) -> str:
    require_drafts(project)
    data = {"format": JSON_FORMAT, "version": JSON_VERSION, **project.to_dict()}
    numbers = {d.draft_id: d.number for _, ds in project.numbered() for d in ds}
    for draft in data["drafts"]:
        draft["number"] = numbers.get(draft["draft_id"], draft["number"])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- Markdown


def to_markdown(project: ExportProject, document: str = "list", factsheet_count: int = 3) -> str:
    """Plain Markdown for e-mail: numbered list, notes as [n] so it reads well unrendered too."""
    require_drafts(project)
    meta = project.meta
    state = meta.state_under_review or "the State under Review"
    lines: list[str] = []
    notes: list[str] = []

    def refs(d: ExportDraft) -> str:
        out = ""
        for f in d.footnotes:
            notes.append(f.citation())
            out += f" [{len(notes)}]"
        return out

    if document == "list":
        lines += [f"# Recommendations to {_md(state)}", "", f"*{_md(project.meta.subtitle())}*", ""]
        for theme, drafts in project.numbered():
            lines += [f"## {_md(theme)}", ""]
            lines += [f"{d.number}. {_md(d.text)}{refs(d)}" for d in drafts]
            lines.append("")
    elif document == "factsheet":
        lines += [f"# Fact sheet: {_md(state)}", "", f"*{_md(project.meta.subtitle())}*", ""]
        for i, d in enumerate(project.priorities(factsheet_count), start=1):
            lines += [f"## Recommendation {i}" + (f": {_md(d.theme)}" if d.theme else ""), ""]
            lines += [f"> {_md(d.text)}", "", "**Basis**", ""]
            if not d.footnotes:
                lines.append("*No findings, commitments or previous recommendations linked yet.*")
            for kind in EVIDENCE_KINDS:
                for f in (f for f in d.footnotes if f.kind == kind):
                    label = EVIDENCE_KIND_LABELS[kind].rstrip("s")
                    lines.append(f"- **{label}:** {_md(f.citation())}")
            lines.append("")
    elif document == "annex":
        lines += ["# Quality annex", "", f"*{_md(project.meta.subtitle())}*", ""]
        dims = list(SCORED_DIMENSIONS)
        header = ["No.", "Recommendation", "Theme", "Score"]
        header += [DIMENSION_LABELS[x] for x in dims] + ["Action category"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for _, drafts in project.numbered():
            for d in drafts:
                cells = [str(d.number), _md(d.text), _md(d.theme) or "–"]
                cells.append("–" if d.smart_score is None else str(d.smart_score))
                cells += [STATUS_WORDS.get(d.smart_status.get(x, ""), "–") for x in dims]
                cells.append("–" if d.action_category is None else str(d.action_category))
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    else:
        raise ValueError(f"unknown document type {document!r}")
    if notes:
        lines += ["---", "", "**Notes**", ""]
        lines += [f"[{i}] {_md(n)}  " for i, n in enumerate(notes, start=1)]
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Keep user text literal: escape the few characters that would start Markdown syntax."""
    text = " ".join(text.split())
    for ch in ("\\", "*", "_", "`", "[", "]", "<"):
        text = text.replace(ch, "\\" + ch)
    return text
