"""Batch `smartrec check` over a CSV: drafts per second and peak memory, beside proselint 0.16.

Usage: python bench/batch.py ../shared/data/upr-info-cycle1.csv [--column Text] [--runs 1]
       [--no-proselint] [--library FILE [--library-drafts 2000]]

Every figure is a whole `smartrec check FILE` process (start-up, reading, checking, writing the
default text output to a null device), measured in the same run as proselint 0.16 (installed
into a throw-away venv) linting the same texts one by one in one process (its import not
counted); runs are interleaved (proselint, then each variant, --runs times) so that changing
load hits every figure alike. Besides wall-clock drafts/s, each line gives drafts per CPU-second
(all processes' user+system time), which other jobs on the machine disturb far less. Peak
memory is the largest sum of proportional memory (PSS: shared pages split between the processes
that share them) over the process and its workers, sampled every 20 ms from /proc (Linux only).
Byte code is compiled once and kept, as in an installed program (bench/userenv.py).
Targets: default run >= 12x proselint's drafts/s, peak memory <= 400 MB; with --library
(about as many items as drafts, e.g. the same CSV imported with
`smartrec evidence import CSV --library FILE`) >= 1,000 drafts/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.userenv import user_env


def tree_memory(root: int) -> int:
    """Bytes of memory used by `root` and all its descendants: the sum of their proportional set
    sizes (shared pages split between the processes sharing them; resident size where the
    kernel has no smaps_rollup), 0 where /proc is missing."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _process_memory(pid)
        stack.extend(children.get(pid, []))
    return total


def _process_memory(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its workers, peak resident bytes)."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            if os.path.isdir("/proc"):
                peak = max(peak, tree_memory(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = process.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({process.returncode}):\n{err[-2000:]}")
    return elapsed, cpu, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path", type=Path)
    parser.add_argument("--column", default="Text")
    parser.add_argument("--runs", type=int, default=1, help="runs per figure (median)")
    parser.add_argument("--no-proselint", action="store_true")
    parser.add_argument("--library", type=Path, help="evidence library for the --library figure")
    parser.add_argument("--library-drafts", type=int, default=2000,
                        help="check only the first N rows with --library (it is slow)")
    args = parser.parse_args()
    with args.csv_path.open(encoding="utf-8", newline="") as handle:
        texts = [row[args.column] for row in csv.DictReader(handle) if row[args.column].strip()]
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-batch-"))
    env = user_env(tmp)
    base = [sys.executable, "-m", "app", "check", "--no-user-rules", "--fail-on", "never",
            "--column", args.column, str(args.csv_path)]
    variants = {
        "default (all cores)": base,
        "--no-spelling": [*base, "--no-spelling"],
        "--jobs 1": [*base, "--jobs", "1"],
    }
    counts = dict.fromkeys(variants, len(texts))
    if args.library:
        subset = tmp / "subset.csv"
        with args.csv_path.open(encoding="utf-8", newline="") as handle, subset.open(
            "w", encoding="utf-8", newline=""
        ) as out:
            reader = csv.DictReader(handle)
            writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
            writer.writeheader()
            rows = [row for row in reader if row[args.column].strip()][: args.library_drafts]
            writer.writerows(rows)
        name = f"--library ({len(rows):,} drafts)"
        variants[name] = [*base[:-1], str(subset), "--library", str(args.library)]
        counts[name] = len(rows)
    subprocess.run([*base[:4], "--no-user-rules", "warm up the caches"], env=env,
                   capture_output=True)
    proselint = None
    if not args.no_proselint:
        from bench.proselint_ref import Proselint

        print("installing proselint 0.16 into a throw-away venv ...", flush=True)
        proselint = Proselint()
    measured: dict[str, list[tuple[float, float, int]]] = {name: [] for name in variants}
    reference: list[tuple[float, float]] = []
    try:
        for _ in range(args.runs):
            if proselint is not None:
                result = proselint.lint(texts)
                reference.append((result["drafts"] / result["seconds"],
                                  result["drafts"] / result["cpu"]))
            for name, command in variants.items():
                measured[name].append(run(command, env))
    finally:
        if proselint is not None:
            proselint.close()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(texts):,} drafts, {cores} cores, median of {args.runs} interleaved run(s)")
    wall_ref = statistics.median(r[0] for r in reference) if reference else 0.0
    cpu_ref = statistics.median(r[1] for r in reference) if reference else 0.0
    if reference:
        print(f"proselint 0.16: {wall_ref:,.0f} drafts/s, {cpu_ref:,.0f} drafts/CPU-s")
    for name, runs in measured.items():
        wall = counts[name] / statistics.median(r[0] for r in runs)
        cpu = counts[name] / statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        line = (f"smartrec check {name}: {wall:,.0f} drafts/s, {cpu:,.0f} drafts/CPU-s, "
                f"peak memory {peak / 2**20:,.0f} MB")
        if reference:
            line += (f"; vs proselint {wall / wall_ref:.1f}x wall, "
                     f"{cpu / cpu_ref:.1f}x per CPU-s")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
