"""Desktop start-up: window shown and first verdict, as times and as ratios to import floors.

Usage: python bench/startup.py [--runs 7] [--project FILE] [--platform offscreen|xcb]
       python bench/startup.py --library-rows 100000 [--csv FILE] [--runs 3]

Each run starts a fresh `python -c "from app.gui.main import run; run([...])"` with the hidden
`--quit-after-shown` flag, which prints wall-clock stamps when the window has first been painted
("shown"), when the project is open with its drafts listed and painted, and when the current
draft's first verdict is on screen. In the same loop, interleaved, it times the two import
floors: `python -c "import PySide6.QtWidgets"` (what any Qt window costs) and
`python -c "import pydantic, yaml, regex"` (the CLI's floor), and prints the app's medians as
ratios to them: the machine is shared and noisy, so the ratios are the figures to compare.

Settings, data and the cache are in a temporary folder; the untimed first run creates the
sample project there and builds the compiled-rule cache and word tables, as a user's first
start does. Byte code is compiled once and kept in that folder, as in an installed program
(bench/userenv.py).

Targets: shown <= 0.4 s, first verdict <= 0.8 s.

`--library-rows N` measures memory instead: a library of N evidence items (generated here, or
the first N rows of `--csv`, repeated when the file is shorter) is attached to the sample
project, and each run keeps the app open until the evidence suggestions, the acceptance outlook
and the spelling dictionary have all arrived, then prints the process's peak resident memory:
for the first start after attaching (which fits the acceptance model) and for later starts
(which read it from the cache). Target: <= 300 MB with 100,000 items.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.userenv import user_env  # noqa: E402 - after the path set-up

FLOORS = {
    "Qt": "import PySide6.QtWidgets",
    "pydantic/yaml/regex": "import pydantic, yaml, regex",
}

#: The child for --library-rows: start as `smartrec` does, wait for everything the window
#: computes for the first draft, print the peak memory, quit.
SETTLED_CHILD = """
import resource, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.gui.main import start

startup = start(["--no-user-rules", sys.argv[1]])
started = time.monotonic()

def settled():
    c = startup.controller
    if c is None or c.result is None:
        return False
    spelling = c.grammar.spelling
    return (spelling is not None and spelling.ready and c.outlook.outlook is not None
            and not startup.window.evidence.status.text().endswith("…")
            and bool(startup.window.evidence.hits))

def poll():
    if settled() or time.monotonic() - started > 300:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"SMARTREC_SETTLED {time.monotonic() - started:.3f} {settled()}", flush=True)
        print(f"SMARTREC_PEAK_KB {peak}", flush=True)
        startup.window.close()
        return
    QTimer.singleShot(50, poll)

QTimer.singleShot(50, poll)
sys.exit(QApplication.exec())
"""

WORDS = ("law", "court", "police", "women", "children", "detention", "torture", "elections",
         "media", "journalists", "education", "health", "prisons", "discrimination", "asylum",
         "trafficking", "disability", "minorities", "land", "water", "housing", "labour",
         "justice", "corruption", "ombudsman", "budget", "rural", "girls", "violence", "press")
ISSUES = ["Elections", "Women's rights", "Rights of the Child", "Torture and other CID",
          "Justice", "Freedom of the press", "Detention conditions", "Right to education"]
VERBS = ("adopt", "ratify", "investigate", "amend", "establish", "ensure", "strengthen",
         "allocate", "train", "repeal", "publish", "protect")


def synthetic_rows(n: int, seed: int = 11) -> Iterator[dict[str, str]]:
    """Made-up recommendations in UPR Info's column layout (no real rows), a quarter of them
    to the sample project's State, so that the acceptance outlook has a history to read."""
    rnd = random.Random(seed)
    states = ["Kenya"] * 8 + [f"State {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWX"]
    for i in range(n):
        words = rnd.sample(WORDS, 4)
        text = (f"{rnd.choice(VERBS).capitalize()} a plan on {words[0]} and {words[1]} "
                f"with {words[2]} groups, reporting on {words[3]} by {2020 + i % 12}.")
        yield {"To": rnd.choice(states), "Text": text, "From": f"State {rnd.randrange(90)}",
               "Response": rnd.choice(("Accepted", "Noted")), "Action": str(rnd.randint(1, 5)),
               "Issue": ",".join(rnd.sample(ISSUES, 2)), "Session": str(1 + i % 40),
               "Cycle": str(1 + i % 4)}


def csv_rows(path: Path, n: int) -> Iterator[dict[str, str]]:
    """The first `n` rows of a CSV, read again from the top when the file is shorter."""
    produced = 0
    while produced < n:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            before = produced
            for row in csv.DictReader(handle):
                yield row
                produced += 1
                if produced >= n:
                    return
            if produced == before:
                raise SystemExit(f"{path}: no rows")


def build_library(path: Path, rows: Iterator[dict[str, str]], env: dict[str, str]) -> float:
    """Write the rows to a CSV and import it with `smartrec evidence import`; seconds taken."""
    source = path.with_suffix(".csv")
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app", "evidence", "import", str(source),
                           "--library", str(path)], env=env, cwd=ROOT, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"library import failed:\n{done.stderr[-2000:]}")
    source.unlink()
    return time.perf_counter() - started


def app_run(env: dict[str, str], project: str | None) -> tuple[float, float, float]:
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
    if "SMARTREC_CHECKED" not in stamps:
        raise SystemExit(f"no timing printed (exit {out.returncode}):\n{out.stderr[-2000:]}")
    return (stamps["SMARTREC_SHOWN"] - started, stamps["SMARTREC_OPENED"] - started,
            stamps["SMARTREC_CHECKED"] - started)


def floor_run(env: dict[str, str], code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def settled_run(env: dict[str, str], project: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", SETTLED_CHILD, project], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=400)
    values = dict(line.split(" ", 1) for line in out.stdout.splitlines()
                  if line.startswith("SMARTREC_"))
    if "SMARTREC_PEAK_KB" not in values:
        raise SystemExit(f"no figure printed (exit {out.returncode}):\n{out.stderr[-2000:]}")
    seconds, complete = values["SMARTREC_SETTLED"].split()
    if complete != "True":
        raise SystemExit("the window did not settle within 300 s")
    peak_kb = int(values["SMARTREC_PEAK_KB"])
    return float(seconds), peak_kb / (1024 if sys.platform != "darwin" else 2**20)


def attach(project: Path, library: Path, env: dict[str, str]) -> None:
    code = ("import sys; from app.storage.project import Project; "
            "from app.evidence.library import attach_library; "
            "p = Project.open(sys.argv[1]); attach_library(p.connection, sys.argv[2]); p.close()")
    subprocess.run([sys.executable, "-c", code, str(project), str(library)], env=env, cwd=ROOT,
                   check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--project", help="project file to open (default: the sample)")
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    parser.add_argument("--library-rows", type=int, default=0,
                        help="measure peak memory with a library of this many items attached")
    parser.add_argument("--csv", type=Path,
                        help="take the library's rows from this CSV (default: generated)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-bench-"))
    env = user_env(tmp, QT_QPA_PLATFORM=args.platform)
    app_run(env, args.project)  # creates the sample project, caches and byte code; not timed
    for code in FLOORS.values():
        floor_run(env, code)
    if args.library_rows:
        return memory(args, env, tmp)

    floors: dict[str, list[float]] = {name: [] for name in FLOORS}
    shown, opened, checked = [], [], []
    for i in range(args.runs):
        for name, code in FLOORS.items():
            floors[name].append(floor_run(env, code))
        s, o, c = app_run(env, args.project)
        shown.append(s)
        opened.append(o)
        checked.append(c)
        print(f"run {i + 1}: window shown {s:.3f} s, drafts listed {o:.3f} s, "
              f"first verdict {c:.3f} s")
    medians = {name: statistics.median(times) for name, times in floors.items()}
    for name, value in medians.items():
        print(f"median import floor, {name} ({FLOORS[name]}): {value:.3f} s")

    def ratios(value: float) -> str:
        return ", ".join(f"{value / floor:.1f}x the {name} floor"
                         for name, floor in medians.items())

    first_shown, first = statistics.median(shown), statistics.median(checked)
    print(f"median process start -> main window shown: {first_shown:.3f} s = {ratios(first_shown)}"
          f" (target <= 0.4 s: {'OK' if first_shown <= 0.4 else 'MISSED'})")
    print(f"median process start -> project open, drafts listed: "
          f"{statistics.median(opened):.3f} s")
    print(f"median process start -> first verdict on screen: {first:.3f} s = {ratios(first)} "
          f"(target <= 0.8 s: {'OK' if first <= 0.8 else 'MISSED'})")
    return 0


def memory(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> int:
    project = Path(args.project) if args.project else (
        tmp / "data" / "SMARTrec" / "Sample project.smartrec")
    library = tmp / "bench.smartlib"
    rows = csv_rows(args.csv, args.library_rows) if args.csv else synthetic_rows(
        args.library_rows)
    seconds = build_library(library, rows, env)
    print(f"library of {args.library_rows:,} items "
          f"({'from ' + args.csv.name if args.csv else 'generated'}) imported in {seconds:.1f} s")
    attach(project, library, env)
    peaks, settle = [], []
    for i in range(args.runs):
        took, peak = settled_run(env, str(project))
        peaks.append(peak)
        settle.append(took)
        print(f"run {i + 1}: everything for the first draft shown after {took:.2f} s, "
              f"peak resident memory {peak:.0f} MB")
    print(f"median time until suggestions, outlook and spelling are in: "
          f"{statistics.median(settle):.2f} s")
    print(f"peak resident memory with {args.library_rows:,} library items, first start after "
          f"attaching (the acceptance model is fitted): {peaks[0]:.0f} MB "
          f"(target <= 300 MB: {'OK' if peaks[0] <= 300 else 'MISSED'})")
    if len(peaks) > 1:
        later = statistics.median(peaks[1:])
        print(f"median peak of the later starts (model read from the cache): {later:.0f} MB "
              f"(target <= 300 MB: {'OK' if later <= 300 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
