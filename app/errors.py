"""One error path for the whole product: user errors become one line, bugs become crash reports.

Every entry point (the CLI's `main`, the GUI's exception hook) ends in `report_unexpected` for
anything it did not foresee, so a user never sees a traceback: they see one sentence naming the
report file, and the traceback is in that file in their log folder, ready to send to us.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

#: Keep this many crash reports; older ones are deleted so the folder stays small.
MAX_CRASH_REPORTS = 20


class InputError(Exception):
    """Bad input file or argument: reported as one line on stderr (exit code 2 in the CLI)."""


def log_dir() -> Path:
    """The user's SMARTrec log folder (follows XDG_STATE_HOME on Linux)."""
    from platformdirs import user_log_path

    return user_log_path("SMARTrec", appauthor=False)


def write_crash_report(exc: BaseException, where: str) -> Path | None:
    """Write the traceback and a few facts to a new file in the log folder; None if we cannot."""
    from app import __version__

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    body = "".join(
        [
            f"SMARTrec {__version__} crash report\n",
            f"time: {datetime.now(UTC).isoformat(timespec='seconds')}\n",
            f"where: {where}\n",
            f"python: {platform.python_version()} on {platform.platform()}\n",
            f"arguments: {sys.argv[1:]!r}\n\n",
            *traceback.format_exception(exc),
        ]
    )
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        path.write_text(body, encoding="utf-8")
        _prune(folder)
    except OSError:
        return None
    return path


def _prune(folder: Path) -> None:
    reports = sorted(folder.glob("crash-*.txt"), key=lambda p: p.name)
    for old in reports[:-MAX_CRASH_REPORTS]:
        try:
            old.unlink()
        except OSError:
            continue


def crash_message(exc: BaseException, report: Path | None) -> str:
    """The one line a user sees for an internal error."""
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if report is None:
        return f"internal error ({what}); the crash report could not be saved"
    return f"internal error ({what}); details were saved to {report} - please send that file"


def report_unexpected(exc: BaseException, where: str) -> str:
    """Write a crash report for `exc` and return the one-line message to show."""
    return crash_message(exc, write_crash_report(exc, where))
