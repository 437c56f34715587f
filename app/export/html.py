"""HTML of the three documents, in the subset Qt's QTextDocument renders, for PDF and printing.

Qt-free on purpose: the GUI (or the CLI, offscreen) feeds this string to QTextDocument. Footnotes
become numbered notes at the end of the document, since QTextDocument has no page footnotes.
"""

from __future__ import annotations

from html import escape

from app.core.models import DIMENSION_LABELS, SCORED_DIMENSIONS
from app.export.docx_writer import (
    ACTION_CATEGORY_NAMES,
    FACTSHEET_LABEL_CHARS,
    FACTSHEET_MAX_CHARS,
    NO_BASIS,
    SHORT_DIMENSION,
    _clip,
    more_sources,
    sources_per_recommendation,
)
from app.export.model import (
    EVIDENCE_KIND_LABELS,
    EVIDENCE_KINDS,
    STATUS_LEGEND,
    STATUS_SYMBOLS,
    ExportDraft,
    ExportProject,
    require_drafts,
)

_STYLE = """
body { font-family: 'Calibri', 'Noto Sans', 'DejaVu Sans', sans-serif; font-size: 10pt; }
.subtitle { color: #4f81bd; font-style: italic; margin-top: 0px; }
.rec { margin-left: 24px; text-indent: -24px; margin-bottom: 6px; }
.quote { margin-left: 18px; margin-right: 18px; font-weight: bold; color: #1f3f6b; }
.note { font-size: 8.5pt; margin: 0px; }
li { font-size: 9.5pt; margin-bottom: 1px; }
td, th { font-size: 8.5pt; padding: 3px; }
th { background-color: #dbe5f1; }
"""


def to_html(project: ExportProject, document: str = "list", factsheet_count: int = 3) -> str:
    require_drafts(project)
    meta = project.meta
    state = escape(meta.state_under_review or "the State under Review")
    body: list[str] = []
    notes: list[str] = []

    def refs(d: ExportDraft) -> str:
        marks = []
        for f in d.footnotes:
            notes.append(f.citation())
            marks.append(str(len(notes)))
        return f"<sup>{','.join(marks)}</sup>" if marks else ""

    if document == "list":
        body.append(_title(f"Recommendations to {state}", project))
        for theme, drafts in project.numbered():
            body.append(f"<p{_H1}>{_t(theme)}</p>")
            for d in drafts:
                body.append(f'<p class="rec">{d.number}.&nbsp;&nbsp;{_t(d.text)}{refs(d)}</p>')
    elif document == "factsheet":
        body.append(_title(f"Fact sheet: {state}", project))
        chosen = project.priorities(factsheet_count)
        for i, d in enumerate(chosen, start=1):
            head = f"Recommendation {i}" + (f": {_t(d.theme)}" if d.theme else "")
            body += [f"<p{_H1}>{head}</p>", f'<p class="quote">{_t(d.text)}</p>',
                     f"<p{_H2}>Basis</p>"]
            body.append(_basis(d, sources_per_recommendation(len(chosen))))
    elif document == "annex":
        body.append(_title("Quality annex", project))
        dims = list(SCORED_DIMENSIONS)
        labels = ["No.", "Recommendation", "Theme", "Score"]
        labels += [SHORT_DIMENSION.get(x, DIMENSION_LABELS[x]) for x in dims]
        labels += ["Action category"]
        rows = ["<tr>" + "".join(_th(h) for h in labels) + "</tr>"]
        for _, drafts in project.numbered():
            for d in drafts:
                cells = [str(d.number), _t(d.text), _t(d.theme) or "–"]
                cells.append("–" if d.smart_score is None else str(d.smart_score))
                cells += [STATUS_SYMBOLS.get(d.smart_status.get(x, ""), "–") for x in dims]
                cat = d.action_category
                name = ACTION_CATEGORY_NAMES.get(cat or 0, "")
                cells.append("–" if cat is None else f"{cat} ({name})")
                rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        body.append(
            '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
            + "".join(rows)
            + "</table>"
        )
        keys = " · ".join(f"{SHORT_DIMENSION[x]} {DIMENSION_LABELS[x]}" for x in dims)
        body.append(f'<p class="note">{escape(keys)}. &nbsp; {escape(STATUS_LEGEND)}</p>')
    else:
        raise ValueError(f"unknown document type {document!r}")
    if notes:
        body.append(f"<hr/><p{_H2}>Notes</p>")
        body += [f'<p class="note">{i}. {_t(n)}</p>' for i, n in enumerate(notes, start=1)]
    title = escape(f"SMARTrec export: {meta.state_under_review}")
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>"
    )


def _basis(d: ExportDraft, limit: int) -> str:
    if not d.footnotes:
        return f"<p><i>{NO_BASIS}</i></p>"
    items: list[str] = []
    for kind in EVIDENCE_KINDS:
        for f in (f for f in d.footnotes if f.kind == kind):
            if len(items) >= limit:
                break
            text = _clip(f.text, FACTSHEET_MAX_CHARS)
            label = _clip(f.label, FACTSHEET_LABEL_CHARS)
            line = f"<b>{escape(EVIDENCE_KIND_LABELS[kind].rstrip('s'))}:</b> {_t(label)}"
            if text:
                line += f": “{_t(text)}”"
            if f.response:
                line += f" Response: {_t(f.response)}."
            items.append(f"<li>{line}</li>")
    more = len(d.footnotes) - len(items)
    tail = f"<p><i>{more_sources(more)}</i></p>" if more > 0 else ""
    return f"<ul>{''.join(items)}</ul>{tail}"


# Headings are styled paragraphs: QTextDocument scales <h1>/<h2> by its own factor on top of any
# CSS font size, which made section heads larger than the title.
_H1 = (' style="font-size: 13pt; font-weight: bold; color: #365f91; margin-top: 12px;'
       ' margin-bottom: 4px;"')
_H2 = (' style="font-size: 11pt; font-weight: bold; color: #4f81bd; margin-top: 6px;'
       ' margin-bottom: 2px;"')


def _title(escaped_text: str, project: ExportProject) -> str:
    style = "font-size: 20pt; color: #17365d; margin-top: 0px; margin-bottom: 2px;"
    return f'<p style="{style}">{escaped_text}</p>{_subtitle(project)}'


def _subtitle(project: ExportProject) -> str:
    return f'<p class="subtitle">{_t(project.meta.subtitle())}</p>'


def _t(text: str) -> str:
    """Escape user text; QTextDocument applies the Unicode bidi algorithm per paragraph."""
    return escape(" ".join(text.split()))


def _th(label: str) -> str:
    width = {"Recommendation": ' width="40%"', "Theme": ' width="12%"'}.get(label, "")
    return f"<th{width}>{escape(label)}</th>"
