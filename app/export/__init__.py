"""Exports of a project: Word (.docx), PDF (via Qt), CSV, JSON and Markdown.

Usage: `collect(project, checker)` builds an `ExportProject` (on the thread that owns the project),
then `export_document(data, fmt, document, dest)` writes it atomically. Qt-free: PDF pages are
laid out by a `PdfWriter` the caller hands in (the GUI's, built on Qt's text engine).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

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
    "PdfWriter",
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


class PdfWriter(Protocol):
    """Lays out export HTML on A4 pages and writes a PDF to `path` (a temporary file that
    `export_document` renames into place)."""

    def __call__(self, html: str, path: Path, *, landscape: bool = False) -> None: ...


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
    pdf_writer: PdfWriter | None = None,
) -> Path:
    """Write one document in one format; raises ExportError (user-facing) or ValueError.

    PDF needs `pdf_writer` (app.gui.export_pdf.write_pdf in the app and the command line)."""
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

        if pdf_writer is None:
            raise ExportError("PDF export needs a PDF writer; use the app or `smartrec export`.")
        html = to_html(data, document, factsheet_count)
        landscape = document == "annex"
        writer = pdf_writer
        return write_atomic(dest, lambda tmp: writer(html, tmp, landscape=landscape))
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
