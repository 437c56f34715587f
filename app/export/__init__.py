"""Exports of a project: Word (.docx), PDF (via Qt), CSV, JSON and Markdown.

Usage: `collect(project, checker)` builds an `ExportProject` (on the thread that owns the project),
then `export_document(data, fmt, document, dest)` writes it atomically. Qt-free; only the PDF
format imports `app.gui.export_pdf` lazily.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.export.atomic import open_atomic_text, write_atomic
from app.export.model import (
    EmptyProjectError,
    ExportDraft,
    ExportError,
    ExportMeta,
    ExportProject,
    Footnote,
    collect,
    require_drafts,
)

__all__ = [
    "DOCUMENTS",
    "DOCUMENT_LABELS",
    "FORMATS",
    "FORMAT_LABELS",
    "EmptyProjectError",
    "ExportDraft",
    "ExportError",
    "ExportMeta",
    "ExportProject",
    "Footnote",
    "collect",
    "default_filename",
    "export_document",
]

FORMATS: tuple[str, ...] = ("docx", "pdf", "csv", "json", "md")
FORMAT_LABELS: dict[str, str] = {
    "docx": "Word document (.docx)",
    "pdf": "PDF (.pdf)",
    "csv": "CSV spreadsheet (.csv)",
    "json": "JSON data (.json)",
    "md": "Markdown for e-mail (.md)",
}
DOCUMENTS: tuple[str, ...] = ("list", "factsheet", "annex")
DOCUMENT_LABELS: dict[str, str] = {
    "list": "Recommendation list",
    "factsheet": "Fact sheet (2–3 priority recommendations)",
    "annex": "Quality annex",
}


def default_filename(data: ExportProject, fmt: str, document: str) -> str:
    """'Kenya - recommendations.docx'; keeps non-Latin State names, drops path separators."""
    state = data.meta.state_under_review.strip() or data.meta.project_name or "SMARTrec"
    kind = {"list": "recommendations", "factsheet": "fact sheet", "annex": "quality annex"}
    name = f"{state} - {kind.get(document, document)}"
    name = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip(" .")
    return f"{name or 'export'}.{fmt}"


def export_document(
    data: ExportProject,
    fmt: str,
    document: str,
    dest: str | os.PathLike[str],
    *,
    factsheet_count: int = 3,
) -> Path:
    """Write one document in one format; raises ExportError (user-facing) or ValueError."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}; expected one of {', '.join(DOCUMENTS)}")
    require_drafts(data)
    if fmt == "docx":
        from app.export.docx_writer import write_docx

        return write_atomic(dest, lambda tmp: write_docx(data, document, tmp, factsheet_count))
    if fmt == "pdf":
        from app.export.html import to_html

        html = to_html(data, document, factsheet_count)
        try:
            from app.gui.export_pdf import write_pdf
        except ImportError as exc:  # a Qt-less install
            message = "PDF export needs the Qt libraries, which are not installed."
            raise ExportError(message) from exc
        landscape = document == "annex"
        return write_atomic(dest, lambda tmp: write_pdf(html, tmp, landscape=landscape))
    from app.export.text_formats import to_csv, to_json, to_markdown

    if fmt == "csv":
        text = to_csv(data)
    elif fmt == "json":
        text = to_json(data)
    else:
        text = to_markdown(data, document, factsheet_count)
    with open_atomic_text(dest) as chunks:
        chunks.append(text)
    return Path(dest)
