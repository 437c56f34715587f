"""Start the desktop app: `run(argv)` is what the `smartrec` command calls for the GUI.

The project is opened (and the rules loaded) after the window is on screen, so a diplomat sees
the window at once; the parts of the window are all there from the start, so everything the
project needs (the Evidence tab included) receives it when it opens.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
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


def settings_store() -> QSettings:
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


def create_window(settings: QSettings, *,
                  user_rules: bool = True) -> tuple[MainWindow, MainController]:
    from app.gui.controller import MainController
    from app.gui.window import MainWindow

    window = MainWindow()
    controller = MainController(window, settings, user_rules=user_rules)
    return window, controller


class Startup:
    """What `start()` made: the window at once, its controller after the first paint."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.controller: MainController | None = None


def start(argv: Sequence[str] | None = None) -> Startup:
    """Everything `smartrec` does before the event loop.

    The window is shown first, with only the modules it needs to be drawn; right after its
    first paint the controller and its parts are built (the data models, rules, evidence and
    language modules load then) and the project is opened: the one named, the last one, or the
    sample on the very first run. `argv` are the arguments after the program name.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and Path(args_list[0]).name in _PROCESS_NAMES:
        args_list = args_list[1:]  # tolerate callers that pass the full sys.argv
    args = _parse(args_list)

    from PySide6.QtCore import QTimer

    from app.gui.view_prefs import ViewPreferences
    from app.gui.window import MainWindow

    create_app()
    settings = settings_store()
    window = MainWindow()
    view = ViewPreferences(window, settings)
    view.restore()
    startup = Startup(window)

    def first_run() -> bool:
        return not settings.value("first_run_done", False, type=bool)

    def remembered() -> bool:
        last = settings.value("last_project")
        return bool(last) and Path(str(last)).exists()

    def after_first_paint() -> None:
        """The window is on screen: now build its parts and open the project."""
        if args.quit_after_shown:
            print(f"SMARTREC_SHOWN {time.time():.6f}", flush=True)
        from app.gui.controller import MainController

        controller = MainController(window, settings, user_rules=not args.no_user_rules,
                                    view=view)
        startup.controller = controller
        session = controller.session
        opened = False
        if args.project:
            opened = session.open(args.project)
        else:
            last = session.last_project()
            opened = last is not None and session.open(last)
            if not opened and first_run():
                settings.setValue("first_run_done", True)
                opened = session.open_sample()
        if not opened:
            window.show_workspace(False)
        if args.quit_after_shown:
            window.repaint()
            print(f"SMARTREC_OPENED {time.time():.6f}", flush=True)
            if controller.project is None:
                QTimer.singleShot(0, window.close)
            else:
                controller.checks.result_ready.connect(lambda *_a: first_verdict())
                controller.checks.rules_failed.connect(lambda _r: first_verdict())

    def first_verdict() -> None:
        # For bench/startup.py: the first draft's verdict is on screen.
        if not window.isVisible():
            return
        window.repaint()
        print(f"SMARTREC_CHECKED {time.time():.6f}", flush=True)
        QTimer.singleShot(0, window.close)

    if args.project or remembered() or first_run():
        window.show_workspace(True)  # an empty workspace, not a flash of the welcome page
    window.first_painted.connect(after_first_paint)
    window.show()
    return startup


def run(argv: Sequence[str] | None = None) -> int:
    """Run the GUI (what the `smartrec` command calls); returns the process exit code."""
    from app.gui.crash import install_excepthook

    install_excepthook()  # an unexpected error is a dialog and a crash report, never a traceback
    start(argv)
    from PySide6.QtWidgets import QApplication

    return int(QApplication.exec())


if __name__ == "__main__":
    sys.exit(run())
