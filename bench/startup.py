"""Time from process start to the main window shown (median of N runs).

Usage: python bench/startup.py [--runs 5] [--project FILE] [--platform offscreen|xcb]

Each run starts a fresh `python -c "from app.gui.main import run; run([...])"` with the hidden
`--quit-after-shown` flag, which prints wall-clock stamps when the window has first been painted
(the "shown" figure), when the project is open with its drafts listed and painted, and when the
rule packs are loaded and the first draft is checked. Settings and data go to a temporary
folder; the first run creates the sample project there, later runs reopen it (like a user's
second start).
Targets: shown <= 0.4 s, first draft checked <= 0.8 s. The cache folder is temporary too: the
untimed first run builds the compiled-rule cache and word tables, as a user's first start does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(env: dict[str, str], project: str | None) -> tuple[float, float, float]:
    args = ["--quit-after-shown", "--no-user-rules"] + ([project] if project else [])
    code = f"import sys; from app.gui.main import run; sys.exit(run({args!r}))"
    started = time.time()
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    stamps = {}
    for line in out.stdout.splitlines():
        if line.startswith("SMARTREC_"):
            key, value = line.split()
            stamps[key] = float(value)
    if "SMARTREC_SHOWN" not in stamps:
        raise SystemExit(f"no timing printed (exit {out.returncode}):\n{out.stderr[-2000:]}")
    return (stamps["SMARTREC_SHOWN"] - started, stamps.get("SMARTREC_OPENED", 0.0) - started,
            stamps.get("SMARTREC_CHECKED", 0.0) - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", help="project file to open (default: the sample)")
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-bench-"))
    env = dict(os.environ, QT_QPA_PLATFORM=args.platform,
               XDG_CONFIG_HOME=str(tmp / "config"), XDG_DATA_HOME=str(tmp / "data"),
               XDG_CACHE_HOME=str(tmp / "cache"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    one_run(env, args.project)  # first start creates the sample project; not timed
    shown, opened, checked = [], [], []
    for i in range(args.runs):
        s, o, c = one_run(env, args.project)
        shown.append(s)
        opened.append(o)
        checked.append(c)
        print(f"run {i + 1}: window shown {s:.3f} s, drafts listed {o:.3f} s, "
              f"rules loaded + first check {c:.3f} s")
    median = statistics.median(shown)
    print(f"median process start -> main window shown: {median:.3f} s "
          f"(target <= 0.4 s: {'OK' if median <= 0.4 else 'MISSED'})")
    print(f"median process start -> project open, drafts listed: "
          f"{statistics.median(opened):.3f} s")
    if sys.platform != "win32":
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB; bytes on macOS
        peak_mb = peak / (2**20 if sys.platform == "darwin" else 2**10)
        print(f"peak resident memory of one app process (sample project): {peak_mb:.0f} MB")
    first = statistics.median(checked)
    print(f"median process start -> rules loaded and first draft checked: {first:.3f} s "
          f"(target <= 0.8 s: {'OK' if first <= 0.8 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
