"""Project storage timings: per-commit autosave cost, open (with integrity check), save a copy.

Usage: .venv/bin/python bench/storage.py [WORK_DIR] [--drafts N] [--snapshots M] [--chars C]
Builds a synthetic project in WORK_DIR (default: a temporary folder) and prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.storage.models import ProjectMeta
from app.storage.project import Project


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("work_dir", nargs="?", type=Path)
    ap.add_argument("--drafts", type=int, default=200)
    ap.add_argument("--snapshots", type=int, default=50, help="per draft")
    ap.add_argument("--chars", type=int, default=600, help="characters per draft text")
    args = ap.parse_args(argv)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="smartrec-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / "bench.smartrec"
    base = "Adopt, before the 2027 general elections, amendments to the Elections Act. "
    text = (base * (args.chars // len(base) + 1))[: args.chars]

    start = time.perf_counter()
    p = Project.create(path, ProjectMeta(state_under_review="Kenya", cycle="4"), overwrite=True)
    with p.transaction():
        ids = [p.add_draft(text=text, title=f"Draft {i}").id for i in range(args.drafts)]
        for draft_id in ids:
            for s in range(args.snapshots):
                p.add_snapshot(draft_id, f"{text} v{s}", s % 100)
    build_s = time.perf_counter() - start

    counter = iter(range(10**9))
    update_ms = _median_ms(lambda: p.update_draft(ids[0], text=f"{text} {next(counter)}"), 200)
    snapshot_ms = _median_ms(lambda: p.add_snapshot(ids[1], f"{text} {next(counter)}", 50), 200)
    big = "x" * (2 * 1024 * 1024)
    big_ms = _median_ms(lambda: p.update_draft(ids[2], text=big + str(next(counter))), 10)
    drafts_ms = _median_ms(p.drafts, 20)
    copy_ms = _median_ms(lambda: p.save_copy(work / "bench copy.smartrec"), 5)
    p.close()

    def reopen() -> None:
        Project.open(path).close()

    open_ms = _median_ms(reopen, 5)
    size_mb = path.stat().st_size / 1e6
    print(f"project: {args.drafts} drafts x {args.snapshots} snapshots x {args.chars} chars")
    print(f"file size                     {size_mb:8.1f} MB (built in {build_s:.1f} s)")
    print(f"update_draft (1 commit)       {update_ms:8.2f} ms median of 200")
    print(f"add_snapshot (1 commit)       {snapshot_ms:8.2f} ms median of 200")
    print(f"update_draft, 2 MB text       {big_ms:8.2f} ms median of 10")
    print(f"drafts() list                 {drafts_ms:8.2f} ms median of 20")
    print(f"open + quick_check + close    {open_ms:8.2f} ms median of 5")
    print(f"save_copy                     {copy_ms:8.2f} ms median of 5")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
