"""Cost and outcome of language detection on real drafts.

Usage:
    .venv/bin/python bench/language.py ../shared/data/upr-info-cycle1.csv [--column Text]
        [--show 10]

Prints the model's one-off load time, the median and 99th-percentile cost of `detect()` per
draft, the share of drafts decided by the cheap English-word test (no model), the count per
detected language, and the first drafts read as not English (to check them by reading).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core import language


def _texts(path: Path, column: str) -> list[str]:
    if path.suffix.lower() == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            return [str(json.loads(line)["text"]) for line in handle if line.strip()]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names = reader.fieldnames or []
        key = column if column in names else next((n for n in names if n.lower() == "text"), "")
        if not key:
            raise SystemExit(f"{path}: no column {column!r} (columns: {', '.join(names)})")
        return [row[key] for row in reader if row[key].strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--column", default="Text")
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args(argv)
    texts = _texts(args.path, args.column)

    started = time.perf_counter()
    language._identifier()  # the one-off model load, timed on its own
    load_s = time.perf_counter() - started

    costs: list[float] = []
    found: Counter[str] = Counter()
    foreign: list[tuple[str, str]] = []
    for text in texts:
        t0 = time.perf_counter()
        code = language.detect(text)
        costs.append(time.perf_counter() - t0)
        found[code] += 1
        if code != "en":
            foreign.append((code, text))
    model_calls = sum(1 for text in texts if language.quick_decision(text) is None)

    costs.sort()
    print(f"drafts: {len(texts)}  ({args.path.name})")
    print(f"model load (once): {load_s * 1000:.0f} ms")
    print(
        f"detect() per draft: median {statistics.median(costs) * 1e6:.1f} µs, "
        f"p99 {costs[int(len(costs) * 0.99) - 1] * 1e6:.1f} µs, "
        f"total {sum(costs):.2f} s"
    )
    print(
        f"decided without the model: {1 - model_calls / len(texts):.1%} "
        f"({len(texts) - model_calls}/{len(texts)})"
    )
    print("detected: " + ", ".join(f"{code} {n}" for code, n in found.most_common()))
    for code, text in foreign[: args.show]:
        print(f"  [{code}] {text[:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
