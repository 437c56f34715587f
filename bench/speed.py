"""Engine speed: live latency for ~60-word drafts, batch throughput, and scaling with length.

Usage: python bench/speed.py ../shared/data/upr-info-cycle1.csv [--repeat 3]
Prints medians and ratios; the machine is noisy, so compare runs, not single numbers.
"""

from __future__ import annotations

import argparse
import csv
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.engine import load_checker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv_path", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with args.csv_path.open(encoding="utf-8", newline="") as handle:
        texts = [row["Text"] for row in csv.DictReader(handle)]
    started = time.perf_counter()
    checker = load_checker(user_rules=False)
    print(
        f"load rules: {(time.perf_counter() - started) * 1000:.0f} ms, "
        f"{len(checker.rules)} rules, {len(checker.load_errors)} load errors"
    )
    for text in texts[:2000]:  # warm-up: syllable cache, regex caches
        checker.check(text)

    sixty = [t for t in texts if 50 <= len(t.split()) <= 70][:2000]
    latencies = []
    gc.disable()
    for text in sixty:
        t0 = time.perf_counter()
        checker.check(text)
        latencies.append((time.perf_counter() - t0) * 1000)
    gc.enable()
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95)]
    print(
        f"live check, {len(sixty)} drafts of 50-70 words: median {p50:.3f} ms, p95 {p95:.3f} ms "
        f"(target p95 <= 2 ms)"
    )

    rates, cpu_rates = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for text in texts:
            checker.check(text)
        rates.append(len(texts) / (time.perf_counter() - t0))
        cpu_rates.append(len(texts) / (time.process_time() - c0))
    rate = statistics.median(rates)
    print(
        f"batch: {len(texts):,} drafts, median {rate:,.0f} drafts/s wall "
        f"({len(texts) / rate:.2f} s for the file), {statistics.median(cpu_rates):,.0f} drafts "
        f"per CPU-second (one core; target >= 5,000/s)"
    )

    unit = " ".join(texts[:50])
    previous = None
    for size in (10_000, 100_000, 1_000_000):
        text = (unit * (size // len(unit) + 1))[:size]
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            checker.check(text)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        ratio = f", x{median / previous:.1f} for x10 text" if previous else ""
        print(f"paste of {size:>9,} chars: median {median * 1000:8.1f} ms{ratio}")
        previous = median
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
