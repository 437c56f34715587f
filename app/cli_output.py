"""What `smartrec check` writes: JSON records, finding positions, whole writes to standard
output under Ctrl+C, and the progress bar."""

from __future__ import annotations

import bisect
import contextlib
import io
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any, TextIO

from app.core.models import CheckResult
from app.draft_input import Draft


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


