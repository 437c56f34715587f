"""Importers: tables (CSV/XLSX/JSON, UPR Info, OHCHR UHRI) and observation final reports.

`prepare_import` parses a file into an `ImportPreview` (nothing written); `save_preview` writes
its good items in one transaction. `import_file` does both, for the CLI.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.bounds import YEAR_RANGE, bounded_int
from app.evidence.importers.base import (
    ENCODING_LABELS,
    ENCODINGS,
    MAX_IMPORT_BYTES,
    EvidenceImportError,
    ImportPreview,
    ImportResult,
    RowError,
    detect_encoding,
    save_preview,
)
from app.evidence.importers.report import REPORT_SUFFIXES, prepare_report
from app.evidence.importers.tabular import (
    FIELDS,
    auto_mapping,
    check_defaults,
    prepare_table,
    recognise,
)
from app.storage.project import Project

__all__ = [
    "ENCODINGS",
    "ENCODING_LABELS",
    "FIELDS",
    "MAX_IMPORT_BYTES",
    "REPORT_SUFFIXES",
    "EvidenceImportError",
    "ImportPreview",
    "ImportResult",
    "RowError",
    "auto_mapping",
    "detect_encoding",
    "import_file",
    "is_report",
    "prepare_import",
    "prepare_report",
    "prepare_table",
    "recognise",
    "save_preview",
]


def is_report(path: str | Path, kind: str | None = None) -> bool:
    """Reports are PDF/DOCX/plain text, or anything imported with kind "report"."""
    return kind == "report" or Path(path).suffix.lower() in REPORT_SUFFIXES


def prepare_import(
    path: str | Path,
    *,
    kind: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> ImportPreview:
    unknown = sorted(set(defaults or {}) - set(FIELDS))
    if unknown:
        raise EvidenceImportError(
            f"Unknown field '{unknown[0]}'; fields are: {', '.join(FIELDS)}.")
    check_defaults(defaults or {})
    if is_report(path, kind):
        d: dict[str, Any] = dict(defaults or {})
        year = str(d.get("year") or "").strip()
        return prepare_report(
            path, organisation=d.get("organisation", ""), country=d.get("country", ""),
            year=bounded_int(year, "year", YEAR_RANGE) if year else None,
            mission=d.get("mission", ""),
            election=d.get("election", ""), report_title=d.get("report_title", ""),
            encoding=encoding,
        )
    return prepare_table(path, kind=kind, encoding=encoding, column_map=column_map,
                         defaults=defaults, limit=limit)


def import_file(
    target: Project | sqlite3.Connection,
    path: str | Path,
    *,
    kind: str | None = None,
    encoding: str | None = None,
    column_map: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    strict: bool = False,
) -> tuple[ImportPreview, ImportResult]:
    """Parse and save in one go (no review step); returns the preview and what was written."""
    preview = prepare_import(path, kind=kind, encoding=encoding, column_map=column_map,
                             defaults=defaults)
    return preview, save_preview(target, preview, strict=strict)
