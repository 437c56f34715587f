"""Shared by the GUI tests: a real window + controller on test rules, closed at teardown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from app.gui.controller import MainController
from app.gui.window import MainWindow


class App:
    """A window + controller pair, closed (and its project released) at teardown."""

    def __init__(self, qtbot: Any, tmp_path: Path, rules: Path) -> None:
        self.window = MainWindow()
        qtbot.addWidget(self.window)
        self.settings = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
        self.ctl = MainController(
            self.window,
            self.settings,
            user_rules=False,
            async_rules=False,
            builtin_rules=False,
            extra_rule_dirs=[rules],
        )
        self.window.show()

    def close(self) -> None:
        self.ctl.shutdown()
