"""`smartrec evidence import|search|reference` for shared evidence libraries.

Exit codes: 0 done, 1 nothing imported / nothing found, 2 bad arguments or unreadable files.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from pathlib import Path
from typing import Any

from app.evidence.importers import (
    ENCODINGS,
    FIELDS,
    EvidenceImportError,
    prepare_import,
    save_preview,
)
from app.evidence.library import LibraryError, open_library
from app.evidence.schema import KINDS
from app.evidence.search import MARKS, search

MAX_ERRORS_SHOWN = 30


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, column = value.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{option} expects FIELD=VALUE, got '{value}'")
        out[key.strip()] = column.strip()
    return out


def register(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "evidence", help="import into and search an evidence library",
        description="Manage a shared evidence library (observation findings, commitments, prior "
        "UPR recommendations).")
    sub = parser.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)

    imp = sub.add_parser(
        "import", help="import CSV/XLSX/JSON tables, UPR Info or UHRI exports, or EOM reports",
        description="Import a file into a library (created if missing). Good rows are written in "
        "one transaction; bad rows are listed by line and skipped (or, with --strict, nothing is "
        "written). UPR Info and OHCHR UHRI CSV exports are recognised automatically; PDF, DOCX "
        "and .txt files are read as election-observation final reports.")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--library", required=True, metavar="PATH", help="library file")
    imp.add_argument("--kind", choices=(*KINDS, "report"),
                     help="kind of evidence (default: recognised from the file)")
    imp.add_argument("--encoding", type=_codec, metavar="ENCODING",
                     help=f"text encoding, e.g. {', '.join(ENCODINGS)} (default: detected)")
    imp.add_argument("--column-map", nargs="+", metavar="FIELD=COLUMN",
                     help=f"map item fields to columns; fields: {', '.join(FIELDS)}")
    imp.add_argument("--set", nargs="+", metavar="FIELD=VALUE", dest="defaults",
                     help="value for every item, e.g. organisation='EU EOM' country=Kenya")
    imp.add_argument("--strict", action="store_true", help="write nothing if any row is bad")
    imp.add_argument("--dry-run", action="store_true", help="parse and report; write nothing")
    imp.set_defaults(func=cmd_import)

    find = sub.add_parser("search", help="search a library (BM25, same country boosted)")
    find.add_argument("query", metavar="QUERY")
    find.add_argument("--library", required=True, metavar="PATH")
    find.add_argument("--country", default="", help="State under Review to boost")
    find.add_argument("--kind", choices=KINDS, action="append", help="only these kinds")
    find.add_argument("--limit", type=int, default=10)
    find.add_argument("--json", action="store_true", help="print JSON instead of text")
    find.set_defaults(func=cmd_search)

    ref = sub.add_parser("reference", help="load the built-in commitments into a library")
    ref.add_argument("--library", required=True, metavar="PATH")
    ref.add_argument("--state", default="", help="apply this State's treaty ratification status")
    ref.add_argument("--sample-findings", action="store_true",
                     help="also load the fictionalised Kenya sample findings")
    ref.set_defaults(func=cmd_reference)
    return parser


def _codec(name: str) -> str:
    try:
        codecs.lookup(name)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding '{name}'") from None
    return name


def _fail(message: str, code: int = 2) -> int:
    print(f"smartrec: {message}", file=sys.stderr)
    return code


def cmd_import(args: argparse.Namespace) -> int:
    try:
        column_map = _pairs(args.column_map, "--column-map")
        defaults = _pairs(args.defaults, "--set")
    except ValueError as exc:
        return _fail(str(exc))
    try:
        preview = prepare_import(args.file, kind=args.kind, encoding=args.encoding,
                                 column_map=column_map, defaults=defaults)
    except EvidenceImportError as exc:
        return _fail(f"{Path(args.file).name}: {exc}")
    for error in preview.errors[:MAX_ERRORS_SHOWN]:
        print(f"{preview.source}: {error}", file=sys.stderr)
    if len(preview.errors) > MAX_ERRORS_SHOWN:
        print(f"… and {len(preview.errors) - MAX_ERRORS_SHOWN} more rows with problems",
              file=sys.stderr)
    what = f"{len(preview.items)} item(s) from {preview.source} ({preview.format}"
    what += f", {preview.encoding})" if preview.encoding else ")"
    if args.dry_run:
        print(f"would import {what}; {len(preview.errors)} row(s) with problems")
        return 0 if preview.items else 1
    try:
        conn = open_library(args.library, create=True)
    except LibraryError as exc:
        return _fail(str(exc))
    try:
        result = save_preview(conn, preview, strict=args.strict)
    except EvidenceImportError as exc:
        return _fail(str(exc), 1)
    finally:
        conn.close()
    print(f"imported {what}; {len(result.errors)} row(s) skipped")
    return 0 if result.written else 1


def cmd_search(args: argparse.Namespace) -> int:
    try:
        conn = open_library(args.library, read_only=True)
    except LibraryError as exc:
        return _fail(str(exc))
    try:
        hits = search(conn, args.query, country=args.country, kinds=args.kind,
                      limit=max(1, args.limit))
    except ValueError as exc:
        return _fail(str(exc))
    finally:
        conn.close()
    if args.json:
        from app.evidence.context import hit_to_dict

        print(json.dumps([hit_to_dict(h) for h in hits], ensure_ascii=False, indent=2))
    else:
        for hit in hits:
            snippet = hit.snippet.replace(MARKS[0], "[").replace(MARKS[1], "]")
            print(f"#{hit.item.id}  {hit.item.kind:<10} {hit.score:6.2f}  {hit.item.label()}")
            print(f"    {snippet}")
    return 0 if hits else 1


def cmd_reference(args: argparse.Namespace) -> int:
    from app.evidence.reference import ReferenceError, load_reference

    try:
        conn = open_library(args.library, create=True)
    except LibraryError as exc:
        return _fail(str(exc))
    try:
        result = load_reference(conn, state=args.state, findings=args.sample_findings)
    except (ReferenceError, EvidenceImportError) as exc:
        return _fail(str(exc), 1)
    finally:
        conn.close()
    print(f"loaded {result.written} reference item(s) (already present items skipped)")
    return 0
