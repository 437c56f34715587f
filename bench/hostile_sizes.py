"""Is work linear in input size? `check` output, finding positions, report splitting.

Usage: .venv/bin/python bench/hostile_sizes.py [--repeat N]

Prints the median time at each size and the ratio to the previous size: doubling the input should
about double the time (ratio ~2); quadratic code shows ~4. The first `check` size is a baseline
(loading the rules). "slicing" is how `check` located findings before; it is timed at smaller
sizes because it is quadratic. Inputs are generated, not read.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.cli import main
from app.cli_output import LineIndex
from app.evidence.importers.report import split_lines

SENTENCE = "The State should ensure free and fair elections and ratify the ICCPR, "


def median_s(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def check_one_line(folder: Path, chars: int) -> Callable[[], object]:
    """`smartrec check` text output of one draft of `chars` characters (many findings)."""
    path = folder / f"line-{chars}.txt"
    path.write_text((SENTENCE * (chars // len(SENTENCE) + 1))[:chars] + "\n", encoding="utf-8")
    argv = ["check", "--no-grammar", "--no-spelling", "--no-user-rules", "--fail-on", "never",
            str(path)]

    def run() -> object:
        with contextlib.redirect_stdout(io.StringIO()):
            return main(argv)

    return run


def split_report(paragraphs: int) -> Callable[[], object]:
    """The worst case: one recommendation followed by an annex of paragraphs that never end a
    sentence, each after a blank line (splitting used to re-join the item at every one)."""
    lines: list[tuple[int | None, str]] = [
        (1, "Recommendations"), (1, ""), (1, "1. The authorities should publish results")]
    for n in range(paragraphs):
        lines += [(1, f"annex table row {n} polling station results"), (1, "")]
    return lambda: split_lines(lines)


def positions(chars: int, naive: bool) -> Callable[[], object]:
    """Line/column of one finding per 25 characters of a one-line draft of `chars`."""
    text = (SENTENCE * (chars // len(SENTENCE) + 1))[:chars]
    offsets = range(0, chars, 25)
    if naive:  # what `check` did before: slice the text up to each finding
        return lambda: [(text[:o].count("\n"), o - (text[:o].rfind("\n") + 1) + 1)
                        for o in offsets]

    def indexed() -> object:
        index = LineIndex(text)
        return [index.position(o) for o in offsets]

    return indexed


def report(label: str, sizes: list[int], make: Callable[[int], Callable[[], object]],
           repeat: int) -> None:
    previous: tuple[int, float] | None = None
    for size in sizes:
        seconds = median_s(make(size), repeat)
        ratio = ""
        if previous:
            ratio = f"  time x{seconds / previous[1]:.2f} for input x{size / previous[0]:g}"
        print(f"{label} {size:>9,}: median {seconds:8.3f} s{ratio}")
        previous = (size, seconds)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with contextlib.redirect_stdout(io.StringIO()):  # loads the rules once before timing
            main(["check", "--no-grammar", "--no-spelling", "--no-user-rules", "--text", "x y"])
        report("check, one draft of chars", [100, 25_000, 50_000, 100_000],
               lambda n: check_one_line(folder, n), args.repeat)
    report("report split, annex paragraphs", [10_000, 20_000, 40_000], split_report,
           args.repeat)
    sizes = [1_000_000, 2_000_000, 4_000_000]
    report("finding positions, LineIndex", sizes, lambda n: positions(n, False), args.repeat)
    report("finding positions, slicing ", [100_000, 200_000, 400_000],
           lambda n: positions(n, True), 1)


if __name__ == "__main__":
    run()
