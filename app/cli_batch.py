"""`smartrec check` over many drafts: every core, input order kept, memory bounded.

Drafts are read as a stream (`app.draft_input.DraftReader`: one line in memory at a time, no
counting pass) and sent in chunks to worker processes; each worker builds its own
checker (cheap: the compiled-rule cache and memory-mapped word tables make it a few tens of ms,
and on Linux workers are forked from the parent, which has one already) and returns the chunk's
rendered output. The parent writes chunks in input order, keeping at most a few chunks per
worker in flight, so memory does not grow with the input. Small batches, and batches with
LanguageTool grammar (one server connection), run in-process.

Ctrl+C: workers ignore SIGINT; the parent terminates them at once and removes a partly written
`--output` file (which is only renamed into place when the whole batch is done).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import itertools
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import IO, Any, NamedTuple

from app.acceptance.options import AcceptanceOptions
from app.core.models import SCORED_DIMENSIONS, SEVERITY_RANK, CheckContext

#: Drafts per task sent to a worker: large enough to amortise the hand-over, small enough for a
#: smooth progress bar and a quick stop.
CHUNK = 64
#: Below this many drafts a batch runs in-process (starting workers would cost more).
PARALLEL_MIN_DRAFTS = 400
#: From this many drafts, `--library` look-ups use an in-memory copy of the library's index
#: (about 1.5 s to build for 21,000 items, then ~1 ms a look-up instead of ~10 ms).
MEMORY_INDEX_MIN_DRAFTS = 200
#: Chunks in flight per worker; bounds memory whatever the input size.
IN_FLIGHT_PER_JOB = 3

CSV_HEADER = [
    "index",
    "source",
    "line",
    "smart_score",
    "action_category",
    "themes",
    *SCORED_DIMENSIONS,
    "findings",
]


@dataclass(frozen=True)
class CheckOptions:
    """What a worker needs to build the same checker as the parent (picklable)."""

    rules: tuple[str, ...]
    user_rules: bool
    spelling: bool
    grammar: bool
    suggest: bool
    state: str
    library: str | None
    output_format: str
    acceptance: AcceptanceOptions

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CheckOptions:
        return cls(
            acceptance=AcceptanceOptions.from_args(args),
            rules=tuple(args.rules),
            user_rules=not args.no_user_rules,
            spelling=not args.no_spelling,
            grammar=not args.no_grammar,
            suggest=args.suggest,
            state=args.state or "",
            library=args.library,
            output_format=args.format,
        )


class Chunk(NamedTuple):
    text: str
    worst: int
    drafts: int


#: A draft that takes every lazy path of a check (a deadline, an acronym, a long sentence).
WARM_UP_DRAFT = (
    "Adopt by June 2027 a law that guarantees the independence of the National Electoral "
    "Commission (NEC), publishes its annual budget and allows observers access to every polling "
    "station, in line with the recommendations of the observation missions."
)


class BatchChecker:
    """Checks drafts and renders each as the output format's text."""

    def __init__(self, options: CheckOptions, *, announce: bool = False) -> None:
        from app.cli import add_language_providers, evidence_suggester
        from app.core.engine import load_checker

        self.options = options
        self.checker = load_checker(
            extra_dirs=[Path(d) for d in options.rules], user_rules=options.user_rules
        )
        if announce:
            for error in self.checker.load_errors:
                print(f"smartrec: rule error: {error}", file=sys.stderr)
        self.grammar = add_language_providers(self.checker, options, announce=announce)
        # Evidence suggestions and the acceptance outlook appear only in JSON records: for
        # text and CSV output they are not looked up at all.
        records = options.output_format in ("json", "jsonl")
        self.suggest = evidence_suggester(options.library, suggestions=records)
        self.outlook = None
        if options.library is not None and options.acceptance.enabled and records:
            from app.acceptance.cli import make_annotator
            from app.acceptance.service import checker_estimator

            # The parent fits the acceptance model before workers fork, so they share it.
            self.outlook = make_annotator(options.acceptance, checker_estimator(self.checker),
                                          warm=announce)

    def warm(self) -> None:
        """Check one draft now, before workers fork: the tables a first check loads lazily
        (syllables, spelling lists, rule caches) then live in pages the workers share, instead
        of every worker loading its own copy."""
        self.checker.check(WARM_UP_DRAFT)

    def close(self) -> None:
        if self.grammar is not None:
            self.grammar.close()
            self.grammar = None

    def render(self, items: Iterable[tuple[int, Any]]) -> Chunk:
        from app.cli_output import LineIndex, result_record
        from app.textio import spreadsheet_safe

        fmt = self.options.output_format
        buffer = io.StringIO()
        writer = csv.writer(buffer) if fmt == "csv" else None
        worst = -1
        count = 0
        for index, draft in items:
            count += 1
            context = CheckContext(state_under_review=self.options.state)
            extra: dict[str, Any] = {}
            if self.suggest is not None:
                context, extra = self.suggest(draft.text, self.options.state)
            result = self.checker.check(draft.text, context)
            if self.grammar is not None:
                from app.cli import with_grammar

                result, self.grammar = with_grammar(
                    self.checker, self.grammar, result, draft.text, context
                )
            if self.outlook is not None:
                extra.update(self.outlook(draft, result))
            for finding in result.findings:
                worst = max(worst, SEVERITY_RANK[finding.severity])
            if fmt == "text":
                lines = LineIndex(draft.text)  # one index per draft: linear, not quadratic
                for f in result.findings:
                    line_offset, col = lines.position(f.start)
                    buffer.write(
                        f"{draft.source}:{draft.line + line_offset}:{col}: {f.severity} "
                        f"{f.rule_id} {f.message}\n"
                    )
            elif writer is not None:
                scores = result.scores()
                row = [
                    index,
                    draft.source,
                    draft.line,
                    result.smart_score,
                    result.action_category.category,
                    "; ".join(t.issue for t in result.themes),
                    *(scores.get(d, "") for d in SCORED_DIMENSIONS),
                    len(result.findings),
                ]
                writer.writerow([spreadsheet_safe(value) for value in row])  # CSV injection
            else:
                record = result_record(index, draft, result)
                record.update(extra)
                if fmt == "jsonl":
                    buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
                else:  # one item of a JSON array, as json.dump(indent=2) lays it out
                    item = json.dumps(record, ensure_ascii=False, indent=2)
                    buffer.write(("," if index else "") + "\n  " + item.replace("\n", "\n  "))
        return Chunk(buffer.getvalue(), worst, count)


def default_jobs() -> int:
    """Every core this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class ReadAhead:
    """A stream of drafts with its first `ahead` read at once.

    Reading ahead surfaces bad input in the first drafts before any output is written, and
    tells a small batch (run in-process) from a large one without reading the rest.
    """

    def __init__(self, drafts: Iterator[Any], ahead: int) -> None:
        self.head = list(itertools.islice(drafts, ahead))
        #: True when the head is all there is.
        self.complete = len(self.head) < ahead
        self._rest = drafts

    def __iter__(self) -> Iterator[Any]:
        yield from self.head
        self.head = []
        yield from self._rest


def run_batch(
    options: CheckOptions,
    drafts: ReadAhead,
    jobs: int,
    out: IO[str],
    tick: Callable[[int], None],
) -> int:
    """Check `drafts`, write the output to `out` in input order; returns the worst severity."""
    parent = BatchChecker(options, announce=True)
    small = drafts.complete and len(drafts.head) < PARALLEL_MIN_DRAFTS
    if options.library and not (drafts.complete and len(drafts.head) < MEMORY_INDEX_MIN_DRAFTS):
        from app.evidence.memindex import serve_from_memory

        serve_from_memory(options.library)  # built before any worker forks: they share it
    count = [0]

    def counted(n: int) -> None:
        count[0] += n
        tick(n)

    try:
        if options.output_format == "csv":
            csv.writer(out).writerow(CSV_HEADER)
        elif options.output_format == "json":
            out.write("[")
        if parent.grammar is not None or jobs <= 1 or small:
            chunks: Iterator[Chunk] = (parent.render(c) for c in _chunks(drafts))
            worst = _drain(chunks, out, counted)
        else:
            worst = _parallel(parent, drafts, jobs, out, counted)
        if options.output_format == "json":
            out.write("\n]\n" if count[0] else "]\n")
        return worst
    finally:
        parent.close()


def _drain(chunks: Iterable[Chunk], out: IO[str], tick: Callable[[int], None]) -> int:
    worst = -1
    for chunk in chunks:
        out.write(chunk.text)
        worst = max(worst, chunk.worst)
        tick(chunk.drafts)
    return worst


def _chunks(drafts: Iterable[Any]) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for item in enumerate(drafts):
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- worker processes -----------------------------------------------------------------------
_WORKER: BatchChecker | None = None


def _start_worker(options: CheckOptions) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if _WORKER is None or _WORKER.options != options:  # forked workers inherit the parent's
        _WORKER = BatchChecker(options)


def _work(items: list[tuple[int, Any]]) -> Chunk:
    assert _WORKER is not None
    return _WORKER.render(items)


def _context() -> Any:
    """fork where it is safe (Linux, no threads yet): workers start with the parent's checker.
    Elsewhere (macOS system libraries, Windows) workers are spawned and build their own."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _parallel(
    parent: BatchChecker,
    drafts: Iterable[Any],
    jobs: int,
    out: IO[str],
    tick: Callable[[int], None],
) -> int:
    global _WORKER
    _WORKER = parent
    context = _context()
    if context.get_start_method() == "fork":
        from app.core.language import preload

        preload()  # forked workers share the language model's memory instead of loading it
        parent.warm()  # ...and the word tables, spelling lists and caches a first check loads
    pool: Pool | None = None
    pending: deque[AsyncResult[Chunk]] = deque()
    worst = -1
    try:
        # Inside the try: Ctrl+C while the workers are being forked must stop those already
        # started too (Pool's own clean-up catches Exception, not KeyboardInterrupt).
        pool = context.Pool(jobs, initializer=_start_worker, initargs=(parent.options,))
        for chunk in _chunks(drafts):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                worst = max(worst, _drain([pending.popleft().get()], out, tick))
        while pending:
            worst = max(worst, _drain([pending.popleft().get()], out, tick))
        pool.close()
    except BaseException:
        # Ctrl+C or an error: stop the workers now, not after their chunks (also those forked
        # before Pool() returned, when it was interrupted).
        if pool is not None:
            pool.terminate()
        else:
            for child in multiprocessing.active_children():
                child.terminate()
        raise
    finally:
        if pool is not None:
            pool.join()
        _WORKER = None
    return worst


# -- output file ----------------------------------------------------------------------------
@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[IO[str]]:
    """stdout, or `path` written to a temporary file renamed into place only on success."""
    if path is None:
        yield sys.stdout
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".~{target.name[:40]}-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
