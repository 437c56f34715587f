"""In the desktop app an unexpected error is a dialog plus a crash report, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_uncaught_exception_shows_a_dialog_and_writes_a_report(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.gui import crash

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    crash.install_excepthook()
    try:
        raise LookupError("a slot went wrong")
    except LookupError:
        sys.excepthook(*sys.exc_info())  # what PySide6 does for an exception in a slot
    reports = list(tmp_path.rglob("crash-*.txt"))
    assert len(reports) == 1
    assert "LookupError: a slot went wrong" in reports[0].read_text(encoding="utf-8")
    assert len(shown) == 1 and str(reports[0]) in shown[0]
    assert "Traceback" not in shown[0]
