"""Screenshots of the class board and presentation mode for docs/workshop.md.

Usage: python tools/workshop_screenshots.py [--out docs/images] [--sizes 1280x720,1920x1080]

Writes the simulated room of tests/workshop_room.py into a temporary folder, opens the real
class board on it and grabs the board (grouped by the most frequent problem, a before/after pair
selected) and presentation mode (one draft; a before/after pair) at each size, then the main
window as `smartrec` starts it on a participant's exercise project (one hint shown). Settings go
to a temporary folder. Without a display it re-runs itself under `xvfb-run` (apt: xvfb xauth)
with a screen of that size.
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
sys.path.insert(0, str(ROOT / "tests"))


def shoot(out: Path, width: int, height: int) -> list[Path]:
    from workshop_room import EXERCISE_ID, NO_DEADLINE, write_room

    from app.core.engine import load_checker
    from app.gui.main import create_app
    from app.gui.workshop.board import ClassBoard
    from app.workshop.exercise import load_exercises

    app = create_app()
    exercise = load_exercises().exercises[EXERCISE_ID]
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-shots-"))
    folder, work = tmp / "handins", tmp / "work"
    folder.mkdir()
    work.mkdir()
    write_room(folder, work, exercise)
    board = ClassBoard(folder, exercise, {EXERCISE_ID}, load_checker(user_rules=False))
    board.resize(width, height)
    board.show()

    def settle() -> None:
        for _ in range(30):
            app.processEvents()

    written = []

    def grab(widget: object, name: str) -> None:
        path = out / f"workshop-{name}-{width}x{height}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)

    board.set_grouping(board.room.problems[0].dimension)
    board.select(("Group A", 1))
    settle()
    grab(board, "board")
    window = board.present()
    window.resize(width, height)
    weak = next(i for i, d in enumerate(window.drafts) if d.text == NO_DEADLINE[6])
    window.go(weak)
    settle()
    grab(window, "present")
    best = board.room.pairs[0]
    window.go(window.drafts.index(best))
    window.mode = "pair"
    window.show_current()
    settle()
    grab(window, "present-pair")
    window.close()
    board.close()

    from app.cli import main as cli_main
    from app.gui.main import start

    project = tmp / "group3.smartrec"
    cli_main(["workshop", "start", EXERCISE_ID, "--participant", "Group 3", "-o", str(project)])
    startup = start([str(project), "--no-user-rules"])
    main_window = startup.window
    main_window.resize(width, height)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        startup.controller is None or startup.controller.result is None
    ):
        app.processEvents()
        time.sleep(0.01)
    if startup.controller is None:
        raise SystemExit("the window's parts were not built within 30 s")
    startup.controller.workshop.panel.next_hint()
    for _ in range(50):
        app.processEvents()
        time.sleep(0.01)
    grab(main_window, "participant")
    main_window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--sizes", default="1280x720,1920x1080")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    if len(sizes) > 1 or not (os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            print("xvfb-run is needed (apt-get install xvfb xauth)", file=sys.stderr)
            return 1
        for width, height in sizes:
            env = dict(os.environ, QT_QPA_PLATFORM="xcb", SMARTREC_THEME="light")
            env.pop("DISPLAY", None)
            code = subprocess.call(
                [xvfb, "-a", "-s", f"-screen 0 {width}x{height}x24", sys.executable, __file__,
                 "--out", str(out), "--sizes", f"{width}x{height}"],
                env=env,
            )
            if code:
                return code
        return 0
    home = Path(tempfile.mkdtemp(prefix="smartrec-shots-home-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    for path in shoot(out, *sizes[0]):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
