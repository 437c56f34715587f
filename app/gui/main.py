"""Start the desktop app: `run(argv)` is what the `smartrec` command calls for the GUI.

Heavy modules (the rule engine, YAML, pydantic models of other modules) are imported after the
window is on screen, so a diplomat sees the window in well under a second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.gui.controller import MainController
    from app.gui.window import MainWindow

_PROCESS_NAMES = {"smartrec", "smartrec.exe", "__main__.py", "main.py"}


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="smartrec", description="SMARTrec desktop editor")
    parser.add_argument("project", nargs="?", help="a .smartrec project file to open")
    parser.add_argument("--no-user-rules", action="store_true",
                        help="ignore the rules folder in your user configuration")
    parser.add_argument("--quit-after-shown", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def settings_store() -> object:
    """QSettings in SMARTrec's own config folder (follows XDG_CONFIG_HOME on Linux)."""
    from PySide6.QtCore import QSettings

    from app.paths import user_config_dir

    return QSettings(str(user_config_dir() / "window.ini"), QSettings.Format.IniFormat)


def create_app() -> QApplication:
    """The QApplication with SMARTrec's names and theme (reuses one that already exists)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "smartrec"])
    assert isinstance(app, QApplication)
    app.setApplicationName("SMARTrec")
    app.setOrganizationName("SMARTrec")
    app.setApplicationDisplayName("SMARTrec")
    from app.gui import theme

    theme.apply_theme(app)
    return app


def create_window(settings: object, *, user_rules: bool = True,
                  defer_optional: bool = False) -> tuple[MainWindow, MainController]:
    from app.gui.controller import MainController
    from app.gui.window import MainWindow

    window = MainWindow()
    controller = MainController(window, settings,  # type: ignore[arg-type]
                                user_rules=user_rules, defer_optional=defer_optional)
    return window, controller


def run(argv: Sequence[str] | None = None) -> int:
    """Run the GUI. `argv` are the arguments after the program name (default: sys.argv[1:]).

    Returns the process exit code.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and Path(args_list[0]).name in _PROCESS_NAMES:
        args_list = args_list[1:]  # tolerate callers that pass the full sys.argv
    args = _parse(args_list)

    from PySide6.QtCore import QTimer

    app = create_app()
    from app.gui.crash import install_excepthook

    install_excepthook()  # an unexpected error is a dialog and a crash report, never a traceback
    settings = settings_store()
    window, controller = create_window(settings, user_rules=not args.no_user_rules,
                                       defer_optional=True)

    def open_initial() -> None:
        if args.project:
            controller.open_project(args.project)
            return
        last = settings.value("last_project")  # type: ignore[attr-defined]
        if last and Path(str(last)).exists() and controller.open_project(str(last)):
            return
        if not settings.value("first_run_done", False, type=bool):  # type: ignore[attr-defined]
            settings.setValue("first_run_done", True)  # type: ignore[attr-defined]
            controller.open_sample()

    def after_first_paint() -> None:
        """The window is on screen: now open the project and load the heavier modules."""
        if args.quit_after_shown:
            print(f"SMARTREC_SHOWN {time.time():.6f}", flush=True)
        open_initial()
        if controller.project is None:
            window.show_workspace(False)
        if args.quit_after_shown:
            window.repaint()
            print(f"SMARTREC_OPENED {time.time():.6f}", flush=True)
        controller.load_optional_modules()
        if args.quit_after_shown:
            wait_rules()

    def wait_rules() -> None:
        # For bench/startup.py: report when the rules are loaded and the draft checked.
        if controller.checker is None and controller.project is not None:
            QTimer.singleShot(10, wait_rules)
            return
        print(f"SMARTREC_CHECKED {time.time():.6f}", flush=True)
        window.close()

    last = settings.value("last_project")  # type: ignore[attr-defined]
    if args.project or (last and Path(str(last)).exists()) or not settings.value(  # type: ignore[attr-defined]
            "first_run_done", False, type=bool):
        window.show_workspace(True)  # an empty workspace, not a flash of the welcome page
    window.first_painted.connect(after_first_paint)
    window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(run())
