"""Screenshot the real SMARTrec window with the sample project (for the README).

Usage: python tools/screenshot.py [--out docs/screenshot.png] [--size 1280x720] [--zoom 3]
                                  [--dark] [--draft TITLE] [--tab Evidence]

Without a display it re-runs itself under `xvfb-run` (apt: xvfb xauth) on a screen of `--size`,
so the window is drawn by the real xcb platform plugin, fonts and all, and fills that screen the
way it would on a laptop or projector of that size. Settings and the sample project go to a
temporary folder; your own settings are not touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _reexec_under_xvfb(argv: list[str], size: str) -> int | None:
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("No display and no xvfb-run; falling back to the offscreen platform "
              "(apt-get install xvfb xauth for real rendering).", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    cmd = [xvfb, "-a", "-s", f"-screen 0 {size}x24", sys.executable, *argv]
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    return subprocess.call(cmd, env=env)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--dark", action="store_true", help="force the dark theme")
    parser.add_argument("--draft", default="",
                        help="title (or start of title) of the sample draft to show")
    parser.add_argument("--tab", default="Scorecard", help="right-hand tab to show")
    parser.add_argument("--size", default="1920x1080", help="screen size under Xvfb")
    parser.add_argument("--zoom", type=int, default=0, help="zoom steps (trainer mode)")
    parser.add_argument("--precedent", action="store_true",
                        help="add an invented prior UPR recommendation close to the chosen "
                             "draft, to show the scorecard's precedent check")
    args = parser.parse_args(argv[1:])

    code = _reexec_under_xvfb(argv, args.size)
    if code is not None:
        return code

    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-shot-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    if args.dark:
        os.environ["SMARTREC_THEME"] = "dark"

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.gui.main import create_app, create_window, settings_store

    app = create_app()
    window, ctl = create_window(settings_store(), user_rules=False)
    window.show()
    screen = window.screen()
    if QApplication.platformName() == "xcb" and screen is not None:
        window.setGeometry(screen.availableGeometry())  # the whole screen, as maximised
    else:
        width, height = (int(v) for v in args.size.split("x"))
        window.resize(width, height)
    if not ctl.open_sample():
        print("could not open the sample project", file=sys.stderr)
        return 1

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    deadline = time.monotonic() + 30
    while ctl.checker is None and time.monotonic() < deadline:
        pump(0.05)
    assert ctl.project is not None
    wanted = args.draft.casefold()
    drafts = ctl.project.drafts()
    chosen = next((d for d in drafts if wanted and d.title.casefold().startswith(wanted)), None)
    if chosen is None:
        # The draft with the most underlines makes the most telling picture.
        def weight(d: object) -> int:
            assert ctl.checker is not None
            return len(ctl.checker.check(d.text).findings)  # type: ignore[attr-defined]

        chosen = max(drafts, key=weight)
    if args.precedent:
        _add_demo_precedent(ctl.project, chosen.text)
    ctl.drafts.select_draft(chosen.id)
    for i in range(window.tabs.count()):
        if window.tabs.tabText(i) == args.tab:
            window.tabs.setCurrentIndex(i)
    if args.zoom:
        ctl.view.zoom(args.zoom)
    # Put the caret at the end so no selection highlight hides the underlines.
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    pump(1.5)  # let the background scoring fill the badges
    QTimer.singleShot(0, lambda: None)
    pump(0.3)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    image = window.grab()
    ok = image.save(str(out))
    print(f"{'saved' if ok else 'FAILED to save'} {out} ({image.width()}x{image.height()}, "
          f"platform {QApplication.platformName()}, draft '{chosen.title}')")
    ctl.shutdown()
    window.hide()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def _add_demo_precedent(project: object, text: str) -> None:
    """An invented earlier recommendation (our own words, not a real one) for the picture:
    the draft's first sentence, reworded a little."""
    from app.evidence.store import EvidenceItem, add_item

    conn = project.connection  # type: ignore[attr-defined]
    meta = project.meta  # type: ignore[attr-defined]
    conn.execute("BEGIN IMMEDIATE")
    add_item(conn, EvidenceItem(
        kind="precedent",
        text=text.replace("Amend the Elections Act before the August 2027 general elections",
                          "Amend the Elections Act").rstrip(".") + " before the next elections.",
        country=meta.state_under_review, cycle="3", session="35",
        recommending_state="Norway", response="supported", issues="Elections",
    ))
    conn.execute("COMMIT")


if __name__ == "__main__":
    sys.exit(main())
