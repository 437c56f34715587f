"""Spelling benchmark: speed on a 60-word draft and flag rate on real recommendations.

Usage: .venv/bin/python bench/spelling.py CSV_PATH [--column Text] [--top 40] [--language en-GB]

Prints the median check time of a 60-word draft after warm-up (target <= 1 ms) and, over the CSV's
text column, flags per word (target < 1 in 200) with the most frequent flagged words. The user's
own dictionary is not used, so the figures are those of a fresh install.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.models import CheckContext
from app.language.spelling import SpellingProvider
from app.language.vocabulary import WORD_RE

# Our own 60-word draft with two slips, as a user would type it.
DRAFT = (
    "Adopt by December 2027 a comprehensive law that criminalises domestic violence, including "
    "marital rape, in line with the Istanbul Convention and CEDAW general recommendation No. 35; "
    "allocate a dedicated budget to the national programme for shelters, train judges and police "
    "officers, and report on the numbre of prosecutions and convictions to the Special Rapporteur "
    "before the next Universal Periodic Review cycle, with support from civil socity organisations."
)


def bench_speed(provider: SpellingProvider, runs: int = 2000) -> float:
    context = CheckContext(state_under_review="Kenya")
    provider.check(DRAFT, context)  # warm the per-word cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        provider.check(DRAFT, context)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_csv(provider: SpellingProvider, path: Path, column: str, top: int) -> None:
    words = 0
    flags: Counter[str] = Counter()
    rows = 0
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row.get(column) or ""
            rows += 1
            words += sum(1 for _ in WORD_RE.finditer(text))
            context = CheckContext(state_under_review=row.get("To", "") or "")
            for finding in provider.check(text, context):
                flags[finding.matched] += 1
    elapsed = time.perf_counter() - t0
    total = sum(flags.values())
    rate = total / words if words else 0.0
    print(f"rows: {rows}, words: {words}, flags: {total}, distinct flagged: {len(flags)}")
    print(f"flag rate: {rate:.5f} per word = 1 in {1 / rate if rate else float('inf'):.0f} "
          f"(target < 1 in 200: {'OK' if rate < 1 / 200 else 'MISSED'})")
    print(f"whole-file check time: {elapsed:.1f} s")
    print(f"top {top} flagged words:")
    for word, count in flags.most_common(top):
        print(f"  {count:6d}  {word}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path", type=Path, nargs="?")
    parser.add_argument("--column", default="Text")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--language", default="en-GB")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        provider = SpellingProvider(args.language, user_dictionary=Path(tmp) / "dictionary.txt")
        provider.load()
        print(f"dictionary load: {(time.perf_counter() - t0) * 1000:.0f} ms")
        print(f"60-word draft ({len(DRAFT.split())} words): median "
              f"{bench_speed(provider):.3f} ms after warm-up (target <= 1 ms)")
        if args.csv_path:
            bench_csv(provider, args.csv_path, args.column, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
