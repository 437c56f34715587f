"""The GUI end of the one error path: an unexpected exception becomes a dialog, not a traceback.

PySide6 prints exceptions raised in slots to stderr and carries on, so a user sees nothing and the
window may be left half-updated. This hook writes the traceback to a crash report in the user's
log folder (`app.errors`) and shows one sentence saying where it is.
"""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import report_unexpected


def install_excepthook() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to `show_crash`."""
    sys.excepthook = show_crash


def show_crash(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    message = report_unexpected(exc.with_traceback(tb), "desktop app")
    if QApplication.instance() is None:
        print(f"smartrec: {message}", file=sys.stderr)
        return
    parent = QApplication.activeWindow()
    QMessageBox.critical(
        parent,
        "SMARTrec: something went wrong",
        f"SMARTrec hit an internal error. Your saved work is safe.\n\n{message[0].upper()}"
        f"{message[1:]}.",
    )
