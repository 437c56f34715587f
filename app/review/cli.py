"""`smartrec review IN.docx` and `smartrec import-drafts IN.docx PROJECT`.

Exit codes: 0 done; 2 bad input (unreadable, unsafe or locked document, unwritable output,
project that cannot be opened), with one line on stderr naming the file and the reason.
Registering costs no imports: python-docx and the engine load only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.review.annotate import ContextFor


def register(subparsers: Any) -> None:
    review = subparsers.add_parser(
        "review",
        help="review a Word .docx: findings as comments, fixes as tracked changes, in a copy",
        description="Check every recommendation in a Word document and write a copy with a "
        "comment on each finding and a summary per recommendation. The original is never "
        "changed.",
    )
    review.add_argument("input", metavar="IN.docx")
    review.add_argument("-o", "--output", metavar="OUT.docx",
                        help="the reviewed copy (default: 'IN (SMARTrec review).docx')")
    review.add_argument("--fixes", action="store_true",
                        help="apply the one-click replacements as tracked changes")
    review.add_argument("--all-paragraphs", action="store_true",
                        help="review every paragraph, not only numbered ones and table cells")
    review.add_argument("--library", metavar="LIB",
                        help="evidence library: cite a precedent in each summary (needs --state)")
    review.add_argument("--state", help="State under Review (for precedents from --library)")
    review.add_argument("--rules", action="append", default=[], metavar="DIR",
                        help="extra rule folder or file (repeatable)")
    review.add_argument("--no-user-rules", action="store_true",
                        help="ignore the user rules folder")
    review.add_argument("--no-spelling", action="store_true", help="do not check spelling")
    review.set_defaults(func=run_review)

    drafts = subparsers.add_parser(
        "import-drafts",
        help="import the recommendations of a Word .docx as drafts into a project",
        description="Find the recommendations in a Word document (numbered or bulleted "
        "paragraphs, a table's Recommendation column) and add them, in order and with the "
        "heading above them as theme, to a project. Use --list to preview and --pick to choose.",
    )
    drafts.add_argument("input", metavar="IN.docx")
    drafts.add_argument("project", metavar="PROJECT",
                        help="project file (.smartrec); created when it does not exist")
    drafts.add_argument("--list", action="store_true",
                        help="show the numbered candidates and import nothing")
    drafts.add_argument("--pick", metavar="N,M-K",
                        help="import only these candidates, by the numbers --list shows")
    drafts.add_argument("--all-paragraphs", action="store_true",
                        help="offer every paragraph, not only numbered ones and table cells")
    drafts.set_defaults(func=run_import_drafts)


def run_review(args: argparse.Namespace) -> int:
    from app.core.engine import load_checker
    from app.review.annotate import ReviewJob
    from app.review.source import ReviewError

    source = Path(args.input)
    try:
        context_for = _library_context(args.library, args.state or "")
        job = ReviewJob.open(source, output=args.output, all_paragraphs=args.all_paragraphs)
    except ReviewError as exc:
        return _fail("review", str(exc))
    checker = load_checker(
        extra_dirs=[Path(d) for d in args.rules], user_rules=not args.no_user_rules
    )
    for error in checker.load_errors:
        print(f"smartrec: rule error: {error}", file=sys.stderr)
    if not args.no_spelling:
        from app.language.cli_support import providers_from_settings

        providers, _grammar, _status = providers_from_settings(no_grammar=True)
        checker.providers.extend(providers)
    try:
        report = job.run(checker, fixes=args.fixes, context_for=context_for)
    except ReviewError as exc:
        return _fail("review", str(exc))
    replaced = (
        f", replacing {report.replaced_comments} from an earlier review"
        if report.replaced_comments else ""
    )
    fixes = f", {report.fixes} tracked changes" if args.fixes else ""
    print(
        f"Reviewed {len(report.reviewed)} recommendations in {source}: {report.comments} "
        f"comments{replaced}{fixes}. Wrote {report.output}"
    )
    if report.left_out:
        print(f"smartrec review: {source}: {report.left_out}", file=sys.stderr)
    return 0


def _library_context(library: str | None, state: str) -> ContextFor | None:
    from app.core.models import CheckContext
    from app.review.source import ReviewError

    if not library:
        return None
    if not state.strip():
        raise ReviewError(f"{library}: precedents are earlier recommendations to the same State; "
                          "add --state")
    from app.evidence.context import build_context
    from app.evidence.library import LibraryError, require_library

    try:
        path = require_library(library)
    except LibraryError as exc:
        raise ReviewError(str(exc)) from None

    def context_for(text: str) -> CheckContext:
        return build_context(None, None, text, state, extra_libraries=[str(path)])

    return context_for


def run_import_drafts(args: argparse.Namespace) -> int:
    from app.review.drafts import DraftImportError, import_drafts, parse_pick, preview_drafts
    from app.review.source import ReviewError

    source = Path(args.input)
    try:
        found = preview_drafts(source, all_paragraphs=args.all_paragraphs)
        candidates = found.items
        if found.too_long:
            print(f"smartrec import-drafts: {source}: {found.note()}", file=sys.stderr)
        if args.list:
            for rec in candidates:
                theme = f" [{rec.theme}]" if rec.theme else ""
                print(f"{rec.number:>4}  {rec.where}{theme}: {rec.text}")
            return 0
        picked = parse_pick(args.pick, len(candidates)) if args.pick else None
        result = import_drafts(candidates, Path(args.project), picked)
    except (ReviewError, DraftImportError) as exc:
        return _fail("import-drafts", str(exc))
    created = " (new project)" if result.created else ""
    print(f"Imported {len(result.drafts)} drafts from {source} into {result.project}{created}")
    return 0


def _fail(command: str, message: str) -> int:
    print(f"smartrec {command}: {message}", file=sys.stderr)
    return 2
