"""`smartrec`: the command line over the same core the GUI uses.

With no sub-command (or a project file) it launches the desktop app.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import difflib
import errno
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, cast

from app.bounds import MAX_DRAFT_CHARS, JsonBoundsError, load_json_bounded
from app.core.models import SEVERITY_RANK, CheckContext, CheckResult
from app.errors import InputError, report_unexpected
from app.textio import TextInputError, TextStream, open_text_stream, stream_text

if TYPE_CHECKING:
    from app.cli_batch import CheckOptions
    from app.export import PdfWriter

SUBCOMMANDS = (
    "check", "rules", "evidence", "export", "review", "import-drafts", "workshop", "gui",
)
#: Input is read as a stream, one line at a time; a longer line is refused (a draft's own
#: limit, MAX_DRAFT_CHARS, is far lower: this only bounds memory before that check).
MAX_LINE_CHARS = 10_000_000
__all__ = ["InputError", "main"]
#: OSErrors that mean "the output could not be written" (full disk, read-only, no permission).
_WRITE_ERRORS = {
    errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM
}


@dataclass(frozen=True)
class Draft:
    source: str
    line: int
    text: str


# -- input ----------------------------------------------------------------------------------
DRAFT_SUFFIXES = (".txt", ".text", ".md", ".csv", ".jsonl")


@dataclass(frozen=True)
class DraftInput:
    """Where drafts come from: a file (or "-" for stdin), or the text of a draft itself."""

    value: str
    is_text: bool


def classify(argument: str) -> DraftInput:
    """Decide whether a positional argument is a file name or the text of a draft.

    The rule (docs/robustness.md): "-" is standard input; an argument naming an existing file is
    that file; an argument with whitespace in it is a draft (a quoted sentence) unless it ends in
    a draft-file suffix; anything else is a file name, and a missing file is an error. A draft
    that is a single word goes through `--text`.
    """
    if argument == "-" or _names_file(argument):
        return DraftInput(argument, is_text=False)
    if any(ch.isspace() for ch in argument) and not (
        argument.lower().endswith(DRAFT_SUFFIXES) and "\n" not in argument
    ):
        return DraftInput(argument, is_text=True)
    return DraftInput(argument, is_text=False)


def _looks_like_path(argument: str) -> bool:
    return "/" in argument or "\\" in argument or Path(argument).suffix.lower() in DRAFT_SUFFIXES


def _names_file(argument: str) -> bool:
    """True when `argument` is an existing path; never raises (long names, NUL bytes ...)."""
    if not argument or "\0" in argument or len(argument.encode("utf-8", "replace")) > 4096:
        return False
    try:
        return Path(argument).exists()
    except (OSError, ValueError):
        return False


class DraftReader:
    """Drafts from files, stdin and `--text`, read as a stream: memory holds one line at a time,
    however large the input. Bad input raises InputError naming the file and line when it is
    reached. `position` and `size` are bytes (of the files; `size` is None with standard
    input), for a progress bar that needs no counting pass."""

    def __init__(self, arguments: Sequence[str], column: str | None = None, *,
                 texts: Sequence[str] = (), encoding: str | None = None) -> None:
        self.inputs = [classify(a) for a in arguments]
        if column is not None and not any(
            not i.is_text and i.value.lower().endswith(".csv") for i in self.inputs
        ):
            raise InputError("--column applies to .csv input only, and no .csv file was given")
        self.column = column
        self.texts = list(texts)
        self.encoding = encoding
        self._done = 0
        self._stream: TextStream | None = None
        self.size: int | None = 0
        for item in self.inputs:
            if item.value == "-" and not item.is_text:
                self.size = None
            elif not item.is_text and self.size is not None:
                with contextlib.suppress(OSError, ValueError):
                    self.size += os.stat(item.value).st_size

    @property
    def position(self) -> int:
        return self._done + (self._stream.position if self._stream is not None else 0)

    def __iter__(self) -> Iterator[Draft]:
        for draft in self._drafts():
            if len(draft.text) > MAX_DRAFT_CHARS:
                raise InputError(
                    f"{draft.source}:{draft.line}: a draft of {len(draft.text):,} characters is "
                    f"too long to check (the limit is {MAX_DRAFT_CHARS:,}); put one draft per "
                    "line"
                )
            yield draft

    def _drafts(self) -> Iterator[Draft]:
        for number, text in enumerate(self.texts, start=1):
            yield Draft("<text>", number, text)
        for item in self.inputs:
            if item.is_text:
                yield Draft("<argument>", 1, item.value)
            elif item.value == "-":
                yield from self._read("<stdin>", None)
            else:
                yield from self._read(item.value, Path(item.value))

    def _read(self, source: str, path: Path | None) -> Iterator[Draft]:
        stream = _open_stdin(self.encoding) if path is None else _open_file(path, self.encoding)
        self._stream = stream
        try:
            suffix = path.suffix.lower() if path is not None else ""
            lines = stream.lines(MAX_LINE_CHARS)
            if suffix == ".csv" and path is not None:
                yield from _csv(path, lines, self.column or "Text")
            elif suffix == ".jsonl" and path is not None:
                yield from _jsonl(path, lines)
            else:
                yield from _lines(source, lines)
        except TextInputError as exc:
            raise InputError(str(exc)) from None
        finally:
            self._done += stream.position
            self._stream = None
            stream.close()


def read_drafts(
    arguments: Sequence[str],
    column: str | None = None,
    *,
    texts: Sequence[str] = (),
    encoding: str | None = None,
) -> Iterator[Draft]:
    """Drafts from files, stdin and `--text`, as a stream (see `DraftReader`)."""
    return iter(DraftReader(arguments, column, texts=texts, encoding=encoding))


def _open_stdin(encoding: str | None) -> TextStream:
    stream = sys.stdin
    if stream is None:
        raise InputError("cannot read standard input: it is closed")
    try:
        if not isinstance(stream, io.TextIOWrapper):  # already text (a test, an embedding program)
            return stream_text(io.BytesIO(str(stream.read()).encode("utf-8")), "standard input",
                               "utf-8")
        return stream_text(stream.buffer, "standard input", encoding)
    except OSError as exc:
        raise InputError(f"cannot read standard input: {exc.strerror or exc}") from None
    except ValueError:  # closed file object
        raise InputError("cannot read standard input: it is closed") from None
    except TextInputError as exc:
        raise InputError(str(exc)) from None


def _open_file(path: Path, encoding: str | None) -> TextStream:
    try:
        return open_text_stream(path, encoding, "draft file")
    except TextInputError as exc:
        if str(exc).endswith(": no such file") and not _looks_like_path(str(path)):
            raise InputError(f"{exc} (to check a one-word draft, use --text)") from None
        raise InputError(str(exc)) from None


def _split(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) as `str.splitlines` numbers the whole text, from physical lines."""
    number = 0
    for physical in lines:
        for line in physical.splitlines():
            number += 1
            yield number, line


def _lines(source: str, lines: Iterator[str]) -> Iterator[Draft]:
    """One draft per non-empty line (a paragraph, as Word saves plain text)."""
    for number, line in _split(lines):
        if line.strip():
            yield Draft(source, number, line)


def _csv(path: Path, lines: Iterator[str], column: str) -> Iterator[Draft]:
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{path}:1: cannot read the CSV header: {exc}") from None
    if column not in header:
        shown = ", ".join(header[:20]) + (", ..." if len(header) > 20 else "")
        raise InputError(f"{path}: no column named {column!r} (columns: {shown}); use --column")
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


def _jsonl(path: Path, lines: Iterator[str]) -> Iterator[Draft]:
    for number, line in _split(lines):
        if not line.strip():
            continue
        try:
            value = load_json_bounded(line)
        except JsonBoundsError as exc:
            raise InputError(f"{path}:{number}: {exc}") from None
        text_value = value.get("text", value.get("Text")) if isinstance(value, dict) else value
        if not isinstance(text_value, str):
            raise InputError(f"{path}:{number}: expected a string or an object with a 'text' key")
        yield Draft(str(path), number, text_value)


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


class LineIndex:
    """(line offset, 1-based column) of character offsets in one draft, in O(log n) each.

    Slicing the text per finding made `check` quadratic in line length (5 MB took minutes).
    """

    def __init__(self, text: str) -> None:
        self.starts = [0]
        start = text.find("\n")
        while start != -1:
            self.starts.append(start + 1)
            start = text.find("\n", start + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line] + 1


class WholeWrites(io.TextIOBase):
    """Standard output where Ctrl+C never cuts a write in half.

    A write blocked on a full pipe is interrupted by SIGINT part-way through; here the first
    Ctrl+C is held until the chunk (whole lines) is written and flushed, then raised. A second
    Ctrl+C while the write is still blocked stops at once.
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream
        self.output_encoding = str(getattr(stream, "encoding", None) or "utf-8")

    def write(self, text: str) -> int:
        with _sigint_deferred():
            self.stream.flush()
            fd = self._fd()
            if fd is None:
                self.stream.write(text)
                self.stream.flush()
            else:  # the io stack loses the tail of a write interrupted mid-way on a pipe
                data = memoryview(text.encode(self.output_encoding))
                while data:
                    data = data[os.write(fd, data) :]
        return len(text)

    def _fd(self) -> int | None:
        """The POSIX file descriptor to write to directly, if there is one."""
        if os.name != "posix":
            return None
        try:
            return self.stream.fileno()
        except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation, a test's stream
            return None

    def flush(self) -> None:
        self.stream.flush()


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: object) -> None:
        if pending:
            raise KeyboardInterrupt
        pending.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt


class Progress:
    """A progress bar on stderr for long batches, only when stderr is a terminal.

    It shows the share of the input's bytes read so far, so nothing has to count the drafts
    first; with standard input (size unknown) it shows the drafts done and their rate.
    """

    WIDTH = 30
    #: Smaller inputs (about 200 drafts) finish before a bar would be worth drawing.
    MIN_BYTES = 32_000
    #: Redraw at most this often (seconds), and at the end.
    INTERVAL = 0.1

    def __init__(self, stream: TextIO, size: int | None, position: Callable[[], int]) -> None:
        self.stream = stream
        self.size = size
        self.position = position
        self.enabled = stream.isatty() and (size is None or size >= self.MIN_BYTES)
        self.count = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def tick(self, count: int = 1) -> None:
        self.count += count
        now = time.monotonic()
        if self.enabled and now - self._drawn >= self.INTERVAL:
            self._drawn = now
            self._draw()

    def _draw(self) -> None:
        self.stream.write("\r" + self.line())
        self.stream.flush()

    def line(self) -> str:
        rate = self.count / max(time.monotonic() - self.started, 1e-6)
        drafts = f"{self.count:,} drafts, {rate:,.0f}/s"
        if self.size is None:
            return drafts
        done = min(1.0, self.position() / self.size) if self.size else 1.0
        filled = int(done * self.WIDTH)
        return (f"[{'#' * filled}{' ' * (self.WIDTH - filled)}] {done:4.0%} "
                f"{_megabytes(self.position())}/{_megabytes(self.size)} MB, {drafts}")

    def done(self) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f}"


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
    reader = DraftReader(args.inputs, args.column, texts=args.text, encoding=args.encoding)
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
    library_path: str | None,
) -> Callable[[str, str], tuple[CheckContext, dict[str, Any]]] | None:
    if not library_path:
        return None
    from app.evidence.context import check_with_library
    from app.evidence.library import LibraryError, require_library

    try:
        library = require_library(library_path)
    except LibraryError as exc:
        raise InputError(str(exc)) from None

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
            if not _names_file(name):
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
        if not (_names_file(argv[0]) or argv[0].lower().endswith(".smartrec")):
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
