"""Acceptance model fit: what counting a library adds to a process's peak memory, and its CPU time.

Usage: python bench/acceptance_memory.py [--csv FILE] [--rows 100000] [--runs 3]

A library of `--rows` items (the rows of `--csv`, read again from the top when the file is
shorter, or generated ones as in bench/startup.py) is imported into a temporary folder. Each run
starts two fresh processes that load the rules and numpy first, then fit from the library as
the app and the CLI do: `fit` (one model: the desktop app's first start after attaching a
library, `smartrec check --library`) and `fit_cut_offs` with one cut-off per session after the
first (a batch with `--session-column` over the same sessions). Each prints the peak resident
memory before and during the fit and the fit's CPU time; the medians are printed at the end.
The desktop app's whole peak with such a library is measured by bench/startup.py.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.startup import build_library, csv_rows, synthetic_rows  # noqa: E402
from bench.userenv import user_env  # noqa: E402

CHILD = """
import resource, sys, time
from app.acceptance.history import HistoryStats, read_history, session_number
from app.acceptance.model import fit, fit_cut_offs
from app.acceptance.service import checker_estimator
from app.core.engine import load_checker
from app.evidence.library import open_library
import numpy  # noqa: F401 - imported with the model in the app; not the fit's own memory

estimate = checker_estimator(load_checker(user_rules=False))
conn = open_library(sys.argv[1], read_only=True)
sessions = sorted({n for (s,) in conn.execute("SELECT DISTINCT session FROM evidence")
                   if (n := session_number(str(s))) is not None})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.process_time()
history = read_history([conn], estimate, HistoryStats())
if sys.argv[2] == "fit":
    keys = len(fit(history).tables.seen)
else:
    keys = sum(len(m.tables.seen) for m in fit_cut_offs(history, sessions[1:]).values())
took = time.process_time() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"SMARTREC_FIT {before} {peak} {took:.3f} {keys} {max(len(sessions) - 1, 0)}")
"""

KINDS = {"fit": "one model (fit)", "cuts": "one model per session cut-off (fit_cut_offs)"}


def run(library: Path, kind: str, env: dict[str, str]) -> tuple[float, float, float, int, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(library), kind], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    found = [line.split()[1:] for line in out.stdout.splitlines()
             if line.startswith("SMARTREC_FIT ")]
    if not found:
        raise SystemExit(f"no figure printed (exit {out.returncode}):\n{out.stderr[-2000:]}")
    before, peak, took, keys, cuts = found[0]
    scale = 1024 if sys.platform != "darwin" else 2**20
    return int(before) / scale, int(peak) / scale, float(took), int(keys), int(cuts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help="take the rows from this CSV (default: made up)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-bench-"))
    env = user_env(tmp)
    library = tmp / "bench.smartlib"
    rows = csv_rows(args.csv, args.rows) if args.csv else synthetic_rows(args.rows)
    seconds = build_library(library, rows, env)
    print(f"library of {args.rows:,} items "
          f"({'from ' + args.csv.name if args.csv else 'generated'}) imported in {seconds:.1f} s")
    run(library, "fit", env)  # builds the rule cache and byte code; not counted
    figures: dict[str, list[tuple[float, float, float, int, int]]] = {k: [] for k in KINDS}
    for i in range(args.runs):
        for kind in KINDS:
            figure = run(library, kind, env)
            before, peak, took, keys, cuts = figure
            figures[kind].append(figure)
            print(f"run {i + 1}, {KINDS[kind]}: peak {before:.0f} MB before the fit, "
                  f"{peak:.0f} MB during it; CPU {took:.2f} s; {keys:,} keys kept"
                  + (f" over {cuts} cut-offs" if kind == "cuts" else ""))
    for kind, measured in figures.items():
        added = statistics.median(f[1] - f[0] for f in measured)
        cpu = statistics.median(f[2] for f in measured)
        print(f"median, {KINDS[kind]}: +{added:.0f} MB peak memory, CPU {cpu:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
