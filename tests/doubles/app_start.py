"""The desktop app as `smartrec` starts it (`app.gui.main.start`), for GUI tests that must
drive the real entry point rather than a window built another way."""

from __future__ import annotations

from typing import Any

from app.gui.controller import MainController
from app.gui.main import start
from app.gui.window import MainWindow


def start_app(
    qtbot: Any, *argv: str, checked: bool = True
) -> tuple[MainWindow, MainController]:
    """Start with `argv` (user rules off) and wait until the parts are built after the first
    paint and the project (the one named, or the sample on a first run) is open; with
    `checked`, also until its first draft has been checked."""
    startup = start([*argv, "--no-user-rules"])
    qtbot.addWidget(startup.window)

    def ready() -> bool:
        ctl = startup.controller
        if ctl is None or ctl.project is None:
            return False
        return not checked or (ctl.checker is not None and ctl.result is not None)

    qtbot.waitUntil(ready, timeout=30_000)
    assert startup.controller is not None
    return startup.window, startup.controller
