"""`smartrec export PROJECT --format FMT --document list|factsheet|annex --out FILE`.

The lead's `app/cli.py` calls `register(subparsers)`. The project is opened read-only, so exporting
works while the project is open in the desktop app. Exit codes: 0 written, 1 export failed (empty
project, unwritable destination ...), 2 bad arguments or an unreadable project.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.export import DOCUMENTS, FORMATS, PdfWriter, collect, default_filename, export_document
from app.export.model import ExportError


def register(subparsers: Any, *, pdf_writer: Callable[[], PdfWriter]) -> argparse.ArgumentParser:
    """Add `export`; `pdf_writer()` supplies the PDF writer (only called for PDF, so the other
    formats never load Qt)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="export a project as Word, PDF, CSV, JSON or Markdown",
        description="Export a project's recommendations. The format defaults to the --out file's "
        "extension (or docx).",
    )
    parser.add_argument("project", metavar="PROJECT", help="project file (.smartrec)")
    parser.add_argument("--format", "-f", choices=FORMATS, dest="export_format",
                        help="output format (default: from --out, else docx)")
    parser.add_argument("--document", "-d", choices=DOCUMENTS, default="list",
                        help="list: recommendations by theme; factsheet: 2-3 priority "
                        "recommendations with their basis; annex: SMART quality table")
    parser.add_argument("--out", "-o", metavar="FILE",
                        help="destination file (default: '<State> - <document>.<format>' here)")
    parser.add_argument("--count", type=int, default=3, choices=(1, 2, 3, 4, 5),
                        help="recommendations on a fact sheet (default 3)")
    parser.add_argument("--no-check", action="store_true",
                        help="do not run the checker (no SMART scores in the export)")
    parser.set_defaults(func=run_export, pdf_writer=pdf_writer)
    return parser


def run_export(args: argparse.Namespace) -> int:
    from app.storage.errors import ProjectError
    from app.storage.project import Project

    fmt = args.export_format
    if fmt is None and args.out:
        suffix = Path(args.out).suffix.lower().lstrip(".")
        fmt = {"markdown": "md", "doc": "docx"}.get(suffix, suffix)
        if fmt not in FORMATS:
            return _fail(f"cannot tell the format from '{args.out}'; use --format", code=2)
    fmt = fmt or "docx"
    try:
        project = Project.open(args.project, read_only=True)
    except ProjectError as exc:
        return _fail(str(exc), code=2)
    try:
        checker = None
        if not args.no_check:
            from app.core.engine import load_checker

            checker = load_checker(overrides=project.rule_overrides())
        data = collect(project, checker)
    finally:
        project.close()
    out = Path(args.out) if args.out else Path(default_filename(data, fmt, args.document))
    try:
        writer = args.pdf_writer() if fmt == "pdf" else None
        written = export_document(data, fmt, args.document, out, factsheet_count=args.count,
                                  pdf_writer=writer)
    except ExportError as exc:
        return _fail(str(exc), code=1)
    shown = data.priorities(args.count) if args.document == "factsheet" else data.drafts
    notes = sum(len(d.footnotes) for d in shown)
    print(f"Wrote {written} ({len(shown)} recommendation{'s' if len(shown) != 1 else ''}, "
          f"{notes} linked source{'s' if notes != 1 else ''})")
    return 0


def _fail(message: str, *, code: int) -> int:
    print(f"smartrec export: {message}", file=sys.stderr)
    return code
