"""Import time of a CSV export (e.g. the 21,356-row UPR Info file) into a fresh library.

Usage: python bench/evidence_import.py PATH/upr-info-cycle1.csv [--repeat 3]

Measures the whole path a user triggers: size check, encoding detection, CSV parsing with
line-numbered validation, and the single-transaction insert with its FTS5 index.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.evidence.importers import import_file
from app.evidence.library import open_library
from app.evidence.store import count_items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    times = []
    for run in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            lib = Path(tmp) / "bench.smartlib"
            t0 = time.perf_counter()
            conn = open_library(lib, create=True)
            preview, result = import_file(conn, args.csv)
            elapsed = time.perf_counter() - t0
            stored = count_items(conn)
            conn.close()
            size = lib.stat().st_size
        times.append(elapsed)
        print(f"run {run + 1}: {result.written:,} items ({preview.format}, {preview.encoding}), "
              f"{len(result.errors)} rejected, {stored:,} stored, {elapsed:.2f} s, "
              f"library {size / 1e6:.1f} MB")
    print(f"median {statistics.median(times):.2f} s over {len(times)} runs (target <= 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
