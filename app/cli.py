"""`smartrec`: the command line over the same core the GUI uses.

With no sub-command (or a project file) it launches the desktop app.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.core.models import SEVERITY_RANK, CheckContext, CheckResult

if TYPE_CHECKING:
    from app.cli_batch import CheckOptions
    from app.export import PdfWriter

SUBCOMMANDS = (
    "check", "rules", "evidence", "export", "review", "import-drafts", "workshop", "gui",
)
MAX_INPUT_BYTES = 200_000_000


class InputError(Exception):
    """Bad input file or argument: reported on stderr, exit code 2."""


@dataclass(frozen=True)
class Draft:
    source: str
    line: int
    text: str


# -- input ----------------------------------------------------------------------------------
def read_drafts(arguments: Sequence[str], column: str = "Text") -> Iterator[Draft]:
    for argument in arguments:
        path = Path(argument)
        if argument == "-":
            yield from _lines("<stdin>", sys.stdin.read())
        elif path.is_file():
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise InputError(f"{path}: file is larger than {MAX_INPUT_BYTES // 1_000_000} MB")
            suffix = path.suffix.lower()
            if suffix == ".csv":
                yield from _csv(path, column)
            elif suffix == ".jsonl":
                yield from _jsonl(path)
            else:
                yield from _lines(str(path), _read_text(path))
        else:
            yield Draft("<argument>", 1, argument)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: cannot decode the file as UTF-8 or Windows-1252 text")


def _lines(source: str, text: str) -> Iterator[Draft]:
    """One draft per non-empty line (a paragraph, as Word saves plain text)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Draft(source, number, line)


def _csv(path: Path, column: str) -> Iterator[Draft]:
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{path}:1: cannot read the CSV header: {exc}") from None
    if column not in header:
        raise InputError(
            f"{path}: no column named {column!r} (columns: {', '.join(header)}); use --column"
        )
    index = header.index(column)
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path}:{line}: broken CSV: {exc}") from None
        if index < len(row) and row[index].strip():
            yield Draft(str(path), line, row[index])
        line = reader.line_num + 1


def _jsonl(path: Path) -> Iterator[Draft]:
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
        text = value.get("text", value.get("Text")) if isinstance(value, dict) else value
        if not isinstance(text, str):
            raise InputError(f"{path}:{number}: expected a string or an object with a 'text' key")
        yield Draft(str(path), number, text)


# -- output ---------------------------------------------------------------------------------
def result_record(index: int, draft: Draft, result: CheckResult) -> dict[str, Any]:
    action = result.action_category
    return {
        "index": index,
        "source": draft.source,
        "line": draft.line,
        "smart_score": result.smart_score,
        "overall": result.overall,
        "scores": result.scores(),
        "reasons": {d.dimension: d.reason for d in result.dimensions},
        "action_category": {
            "category": action.category,
            "reason": action.reason,
            "upgrade": action.upgrade,
        },
        "themes": [t.issue for t in result.themes],
        "theme_reasons": {t.issue: t.reason for t in result.themes},
        "readability": result.readability.model_dump(),
        "findings": [
            {
                "rule_id": f.rule_id,
                "dimension": f.dimension,
                "severity": f.severity,
                "start": f.start,
                "end": f.end,
                "message": f.message,
                "replacements": [r.text for r in f.replacements],
            }
            for f in result.findings
        ],
    }


def position(text: str, offset: int) -> tuple[int, int]:
    """(line offset within the draft, 1-based column) of a character offset."""
    before = text[:offset]
    return before.count("\n"), offset - (before.rfind("\n") + 1) + 1


class Progress:
    """A progress bar on stderr for long batches, only when stderr is a terminal."""

    WIDTH = 30
    MIN_TOTAL = 200

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.enabled = total >= self.MIN_TOTAL and stream.isatty()
        self.count = 0
        self.started = time.monotonic()
        self._step = max(1, total // 200)

    def tick(self, count: int = 1) -> None:
        before = self.count
        self.count += count
        crossed = self.count // self._step != before // self._step
        if self.enabled and (crossed or self.count == self.total):
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        done = self.count / self.total if self.total else 1.0
        filled = int(done * self.WIDTH)
        rate = self.count / max(time.monotonic() - self.started, 1e-6)
        return (
            f"[{'#' * filled}{' ' * (self.WIDTH - filled)}] {done:4.0%} "
            f"{self.count:,}/{self.total:,} drafts, {rate:,.0f}/s"
        )

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def cmd_check(args: argparse.Namespace) -> int:
    from app.cli_batch import CheckOptions, count_and_stream, default_jobs, output_stream, run_batch

    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs must be 1 or more, got {args.jobs}")
    options = CheckOptions.from_args(args)
    if options.library is not None:
        evidence_suggester(options.library)  # a bad library is an input error before any output
    _check_acceptance(options)
    total, drafts = count_and_stream(
        lambda: read_drafts(args.inputs, args.column), "-" in args.inputs
    )
    if args.output and not Path(args.output).parent.is_dir():
        raise InputError(f"{args.output}: the folder {Path(args.output).parent} does not exist")
    progress = Progress(sys.stderr, total)
    jobs = args.jobs or default_jobs()
    try:
        with output_stream(args.output) as out:
            worst = run_batch(options, drafts(), total, jobs, out, progress.tick)
    except OSError as exc:
        if args.output is None:
            raise
        raise InputError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    progress.done()
    return 1 if worst >= SEVERITY_RANK.get(args.fail_on, 99) else 0


def add_language_providers(checker: Any, options: CheckOptions, *, announce: bool = True) -> Any:
    """Offline spelling joins every check; LanguageTool (if configured) is returned apart."""
    if not options.spelling and not options.grammar:
        return None
    from app.language.cli_support import providers_from_settings

    providers, grammar, status = providers_from_settings(
        no_grammar=not options.grammar, suggest=options.suggest
    )
    if options.spelling:
        checker.providers.extend(providers)
    if status and options.grammar and announce:
        print(f"smartrec: {status}", file=sys.stderr)
    return grammar


def with_grammar(
    checker: Any, grammar: Any, result: CheckResult, text: str, context: CheckContext
) -> tuple[CheckResult, Any]:
    """Merge LanguageTool's findings; on failure say why once and go on without grammar."""
    from app.language.languagetool import LanguageToolError, combine

    try:
        found = grammar.check(text, context)
    except LanguageToolError as exc:
        print(f"smartrec: grammar checking stopped: {exc}", file=sys.stderr)
        grammar.close()
        return result, None
    return combine(checker, result, found, text, context), grammar


def evidence_suggester(
    library_path: str | None,
) -> Callable[[str, str], tuple[CheckContext, dict[str, Any]]] | None:
    if not library_path:
        return None
    library = Path(library_path)
    if not library.is_file():
        raise InputError(f"{library}: no such evidence library")
    from app.evidence.context import check_with_library
    from app.evidence.library import LibraryError, open_library

    try:
        open_library(library, read_only=True).close()
    except LibraryError as exc:
        raise InputError(f"{library}: {exc}") from None

    def suggest(text: str, state: str) -> tuple[CheckContext, dict[str, Any]]:
        """Precedents and theme votes feed the check; suggestions go into the JSON output."""
        return check_with_library(library, text, state)

    return suggest


def _check_acceptance(options: CheckOptions) -> None:
    """The acceptance outlook's options (app.acceptance.cli), checked before any output."""
    from app.acceptance.options import AcceptanceInputError

    try:
        options.acceptance.check()
    except AcceptanceInputError as exc:
        raise InputError(str(exc)) from None


def cmd_rules(args: argparse.Namespace) -> int:
    from app.core.engine import Checker, load_checker
    from app.core.loader import load_layers

    if args.rules_command == "cache":
        from app.core.rulecache import cache_dir, clear, entries

        if args.clear:
            print(f"removed {clear()} cached rule sets from {cache_dir()}")
        else:
            print(f"{len(entries())} cached rule sets in {cache_dir()}")
        return 0
    if args.rules_command == "lint":
        status = 0
        for name in args.files:
            path = Path(name)
            if not path.is_file():
                print(f"{path}: no such file", file=sys.stderr)
                status = 1
                continue
            loaded = load_layers([[path]])
            for error in loaded.errors:
                print(error)
                status = 1
            if status == 0:
                print(f"{path}: {len(loaded.rules)} rules OK")
        return status
    checker: Checker = load_checker(
        extra_dirs=[Path(d) for d in args.rules], user_rules=not args.no_user_rules
    )
    for error in checker.load_errors:
        print(f"error: {error}")
    failures = checker.run_examples()
    for failure in failures:
        print(f"FAIL {failure}")
    examples = sum(len(r.examples.flag) + len(r.examples.pass_) for r in checker.rules)
    print(
        f"{len(checker.rules)} rules in {len(checker.packs)} packs, {examples} examples: "
        f"{len(failures)} failures, {len(checker.load_errors)} load errors"
    )
    return 1 if failures or checker.load_errors else 0


class _VersionAction(argparse.Action):
    """`--version`, reading the version only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from app import __version__

        print(f"SMARTrec {__version__}")
        parser.exit()


#: Commands that need none of the optional sub-command modules (so they do not import them).
_SELF_CONTAINED = frozenset({"check", "rules", "gui"})


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; for a `command` in _SELF_CONTAINED, without other modules' commands."""
    parser = argparse.ArgumentParser(
        prog="smartrec",
        description="Check UPR recommendations for S.M.A.R.T. drafting. "
        "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="load rules, open a temporary project, check a draft, exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check drafts from text, .txt, .csv or .jsonl")
    check.add_argument("inputs", nargs="+", metavar="TEXT_OR_FILE")
    check.add_argument("--column", default="Text", help="CSV column holding drafts (default Text)")
    check.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text")
    check.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra rule folder or file (repeatable; later ones override)",
    )
    check.add_argument("--no-user-rules", action="store_true", help="ignore the user rules folder")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "suggestion", "never"),
        default="error",
        help="exit 1 when a finding at this level or above exists",
    )
    check.add_argument("--state", help="State under Review (for evidence and spelling)")
    check.add_argument("--library", help="evidence library file: add suggestions and precedents")
    check.add_argument("--no-grammar", action="store_true", help="do not use LanguageTool")
    check.add_argument("--no-spelling", action="store_true", help="do not check spelling")
    check.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for a batch (default: every core)",
    )
    check.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write results to FILE (replaced only once the whole batch is done)",
    )
    check.add_argument(
        "--suggest",
        action="store_true",
        help="offer spelling corrections (slower: loads the whole word list)",
    )
    from app.acceptance.options import add_check_arguments

    add_check_arguments(check)
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="test or lint rule files")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    test = rules_sub.add_parser("test", help="run every rule's flag/pass examples")
    test.add_argument("--rules", action="append", default=[], metavar="DIR")
    test.add_argument("--no-user-rules", action="store_true")
    lint = rules_sub.add_parser("lint", help="validate rule files")
    lint.add_argument("files", nargs="+", metavar="FILE")
    cache = rules_sub.add_parser("cache", help="show or clear the compiled-rule cache")
    cache.add_argument("--clear", action="store_true", help="delete every cached rule set")
    rules.set_defaults(func=cmd_rules)

    gui = sub.add_parser("gui", help="open the desktop app (the default)")
    gui.add_argument("project", nargs="?")
    gui.set_defaults(func=cmd_gui)

    if command not in _SELF_CONTAINED:  # check/rules/gui start faster without these imports
        from app.evidence.cli import register as register_evidence
        from app.export.cli import register as register_export
        from app.review.cli import register as register_review
        from app.workshop.cli import register as register_workshop

        register_evidence(sub)
        register_export(sub, pdf_writer=_pdf_writer)
        register_review(sub)
        register_workshop(sub)
    return parser


def _pdf_writer() -> PdfWriter:
    """Qt's PDF writer, loaded only when a PDF is asked for."""
    from app.gui.export_pdf import write_pdf

    return write_pdf


def cmd_gui(args: argparse.Namespace) -> int:
    from app.gui.main import run

    return int(run([args.project] if getattr(args, "project", None) else []))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    parser = build_parser(argv[0])
    args = parser.parse_args(argv)
    if args.selftest:
        from app.selftest import run_selftest

        return run_selftest()
    if args.command is None:
        return cmd_gui(args)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"smartrec: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("smartrec: interrupted", file=sys.stderr)
        return 130
