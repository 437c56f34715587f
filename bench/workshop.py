"""A simulated workshop room: 12 hand-ins written while the class board watches.

Usage: python bench/workshop.py [--runs 5] [--pause 0.1] [--platform offscreen|xcb]

Each run opens the real class board on an empty folder, writes the room's 12 hand-ins one by
one (4 through the participant flow, 4 .txt, 4 .docx; see tests/workshop_room.py), and measures
how long after the last file was written the board shows all 12. It then times a cold scan +
analysis of the full folder and writing the Word class report, and checks that the report
opens, names nobody, gives the most frequent problem with the right count and holds a
before/after pair. With `soffice` installed it also converts the report to PDF as LibreOffice
would open it. Prints medians. Target: board shows all 12 within 2 s of the last hand-in.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.1,
                        help="seconds between two hand-ins (default 0.1)")
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", args.platform)
    home = Path(tempfile.mkdtemp(prefix="smartrec-bench-"))
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")):
        os.environ[var] = str(home / sub)

    import docx
    from workshop_room import EXERCISE_ID, NAMES, NO_DEADLINE, write_room

    from app.core.engine import load_checker
    from app.gui.main import create_app
    from app.gui.workshop.board import ClassBoard
    from app.workshop.analysis import analyse
    from app.workshop.exercise import load_exercises
    from app.workshop.folder import scan_folder
    from app.workshop.report import write_report

    app = create_app()
    exercise = load_exercises().exercises[EXERCISE_ID]
    checker = load_checker(user_rules=False)
    show, scans, reports = [], [], []
    expected = f"{len(NO_DEADLINE)} of 12 drafts have no deadline"
    for run in range(args.runs):
        base = home / f"run{run}"
        folder, work = base / "handins", base / "work"
        folder.mkdir(parents=True)
        work.mkdir()
        board = ClassBoard(folder, exercise, {EXERCISE_ID}, checker)
        board.show()
        written: list[float] = []
        shown_at: list[float] = []

        def room_changed(board: ClassBoard = board, shown_at: list[float] = shown_at) -> None:
            if len(board.room.entries) == 12 and not shown_at:
                shown_at.append(time.monotonic())

        board.room_changed.connect(room_changed)

        def pump(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.005)

        def handed_in(_path: Path, written: list[float] = written) -> None:
            written.append(time.monotonic())
            pump(args.pause)

        write_room(folder, work, exercise, after_each=handed_in)
        while not shown_at and time.monotonic() - written[-1] < 10:
            app.processEvents()
            time.sleep(0.005)
        if not shown_at:
            print(f"run {run}: the board did not show all 12 within 10 s")
            return 1
        show.append(shown_at[0] - written[-1])
        board.close()

        started = time.perf_counter()
        scan = scan_folder(folder, EXERCISE_ID, {EXERCISE_ID})
        room = analyse(exercise, scan.submissions, checker)
        scans.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = write_report(room, base / "report.docx")
        reports.append(time.perf_counter() - started)

        text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
        problems = [name for name in NAMES if name in text]
        if len(room.entries) != 12 or expected not in text or problems or not room.pairs:
            print(f"run {run}: WRONG room={len(room.entries)} names={problems} "
                  f"top={room.problems[0].sentence() if room.problems else None}")
            return 1
    print(f"board shows all 12 after the last hand-in: median {statistics.median(show):.3f} s "
          f"(max {max(show):.3f} s, target 2 s, polling every 0.5 s; {args.runs} runs)")
    print(f"cold scan + analysis of 12 hand-ins: median {statistics.median(scans) * 1000:.0f} ms")
    print(f"Word class report: median {statistics.median(reports) * 1000:.0f} ms")
    print(f"report: names nobody, lists '{expected}', {len(room.pairs)} before/after pairs")
    soffice = shutil.which("soffice")
    if soffice:
        out = home / "pdf"
        profile = (home / "lo-profile").as_uri()  # its own profile: other soffice runs may be live
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(out), str(report)],
                       capture_output=True, timeout=180, check=False)
        ok = (out / "report.pdf").is_file() and (out / "report.pdf").stat().st_size > 1000
        print(f"LibreOffice opens the report: {'yes' if ok else 'NO'}")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
