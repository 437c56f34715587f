"""`smartrec`: the command line over the same core the GUI uses.

With no sub-command (or a project file) it launches the desktop app.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from app.cli_output import Progress, WholeWrites
from app.core.models import SEVERITY_RANK, CheckContext, CheckResult
from app.draft_input import DraftReader, names_file
from app.errors import InputError, report_unexpected

if TYPE_CHECKING:
    from app.cli_batch import CheckOptions
    from app.export import PdfWriter

SUBCOMMANDS = (
    "check", "rules", "evidence", "export", "review", "import-drafts", "workshop", "gui",
)
__all__ = ["InputError", "main"]
#: OSErrors that mean "the output could not be written" (full disk, read-only, no permission).
_WRITE_ERRORS = {
    errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM
}


def cmd_check(args: argparse.Namespace) -> int:
    from app.cli_batch import (
        PARALLEL_MIN_DRAFTS,
        CheckOptions,
        ReadAhead,
        default_jobs,
        output_stream,
        run_batch,
    )

    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs must be 1 or more, got {args.jobs}")
    options = CheckOptions.from_args(args)
    if options.library is not None:
        evidence_suggester(options.library)  # a bad library is an input error before any output
    _check_acceptance(options)
    if not args.inputs and not args.text:
        raise InputError("nothing to check: give a file, '-' for standard input, or --text")
    outlook = options.acceptance
    reader = DraftReader(args.inputs, args.column, texts=args.text, encoding=args.encoding,
                         fields=outlook.columns() if outlook.enabled else None)
    # The first drafts are read before any output: bad input there is an error with nothing
    # written, and a small batch is known to be small. The rest is read as it is checked.
    drafts = ReadAhead(iter(reader), PARALLEL_MIN_DRAFTS)
    if args.output and not Path(args.output).parent.is_dir():
        raise InputError(f"{args.output}: the folder {Path(args.output).parent} does not exist")
    progress = Progress(sys.stderr, reader.size, lambda: reader.position)
    jobs = args.jobs or default_jobs()
    try:
        with output_stream(args.output) as out:
            target = out if args.output else cast(IO[str], WholeWrites(out))
            worst = run_batch(options, drafts, jobs, target, progress.tick)
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
    from app.language.languagetool import combine
    from app.language.lt_client import LanguageToolError

    try:
        found = grammar.check(text, context)
    except LanguageToolError as exc:
        print(f"smartrec: grammar checking stopped: {exc}", file=sys.stderr)
        grammar.close()
        return result, None
    return combine(checker, result, found, text, context), grammar


def evidence_suggester(
    library_path: str | None, *, suggestions: bool = True
) -> Callable[[str, str], tuple[CheckContext, dict[str, Any]]] | None:
    """Look-ups for `check --library`: precedents and theme votes feed every check; evidence
    suggestions, which only JSON output shows, are searched when `suggestions` is true."""
    if not library_path:
        return None
    from app.evidence.context import check_with_library
    from app.evidence.library import LibraryError, require_library

    try:
        library = require_library(library_path)
    except LibraryError as exc:
        raise InputError(str(exc)) from None

    def suggest(text: str, state: str) -> tuple[CheckContext, dict[str, Any]]:
        return check_with_library(library, text, state, suggest=suggestions)

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
            if not names_file(name):
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
    check.add_argument(
        "inputs",
        nargs="*",
        metavar="FILE_OR_TEXT",
        help="a .txt/.csv/.jsonl file, '-' for standard input, or a quoted draft sentence",
    )
    check.add_argument(
        "--text", action="append", default=[], metavar="DRAFT", help="a draft to check (repeatable)"
    )
    check.add_argument("--column", help="CSV column holding drafts (default Text)")
    check.add_argument("--encoding", help="text encoding of the input files (default: detected)")
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
    """Run one command. Every failure ends here as one line and an exit code, never a traceback:
    0 done, 1 findings or nothing done, 2 bad input or an internal error (crash report written),
    130 interrupted (Ctrl+C)."""
    try:
        code = _dispatch(list(sys.argv[1:] if argv is None else argv))
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except _user_errors() as exc:
        _say(f"smartrec: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("smartrec: interrupted")
        return 130
    except BrokenPipeError:
        _detach_stdout()  # the reader went away (e.g. `| head`): not an error
        return 0
    except OSError as exc:
        if exc.errno not in _WRITE_ERRORS:
            _say(f"smartrec: {report_unexpected(exc, 'command line')}")
            return 2
        _detach_stdout()
        where = exc.filename or "the output"
        _say(f"smartrec: cannot write {where}: {exc.strerror or exc}")
        return 2
    except Exception as exc:
        _say(f"smartrec: {report_unexpected(exc, 'command line')}")
        return 2


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] not in SUBCOMMANDS and not argv[0].startswith("-"):
        # Only an existing file (a project) opens the desktop app; any other word is a typo.
        if not (names_file(argv[0]) or argv[0].lower().endswith(".smartrec")):
            raise InputError(_unknown_command(argv[0]))
        argv = ["gui", *argv]
    elif not argv:
        argv = ["gui"]
    parser = build_parser(argv[0])
    args = parser.parse_args(argv)
    if args.selftest:
        from app.selftest import run_selftest

        return run_selftest()
    if args.command in (None, "gui"):
        return cmd_gui(args)
    if sys.stdout is None:
        raise InputError("cannot write the output: standard output is closed")
    return int(args.func(args))


def _user_errors() -> tuple[type[Exception], ...]:
    """Exceptions whose message is written for the user: shown as they are, exit code 2.

    Evaluated only when an exception reaches `main`, so start-up imports none of these modules.
    """
    from app.evidence.importers import EvidenceImportError
    from app.evidence.library import LibraryError
    from app.export.model import ExportError
    from app.storage.errors import ProjectError

    return (InputError, ProjectError, LibraryError, EvidenceImportError, ExportError)


def _unknown_command(word: str) -> str:
    shown = word if len(word) <= 40 else word[:37] + "..."
    if any(ch.isspace() for ch in word):
        return f"unknown command {shown!r}; to check a draft, run: smartrec check \"DRAFT\""
    close = difflib.get_close_matches(word.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown command {shown!r}{hint}; commands: {', '.join(SUBCOMMANDS)}"


def _say(message: str) -> None:
    """One line on stderr, if there is a stderr at all (pythonw has none)."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(message + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def _detach_stdout() -> None:
    """Point the real stdout at the null device so Python's exit-time flush cannot fail again."""
    real = sys.__stdout__
    if real is None or sys.stdout is not real:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, real.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass
