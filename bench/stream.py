"""Memory of `smartrec check` on large CSV files: read as a stream, it must not grow with the file.

Usage: python bench/stream.py [--size-mb 200] [--jobs N] [--keep FOLDER] [--library LIB]

Generates two CSV files of made-up drafts (a tenth of `--size-mb`, and `--size-mb`), each row a
short draft in the `Text` column plus a long notes column, as real exports carry many columns.
Checks each with `smartrec check FILE --column Text --no-spelling --format jsonl` (output to a
null device) and prints drafts/s and the peak memory of the process and its workers (sum of
proportional set sizes, sampled every 20 ms), and the ratio of the two peaks: about 1.0x when
memory is bounded, about 10x when the input is held whole.

`--library LIB` (a library with earlier recommendations and their responses, e.g. made with
`smartrec evidence import upr-info-cycle1.csv --library LIB`) adds the acceptance outlook's
per-row columns: `--library LIB --state-column To --session-column Session`, so that the
outlook's own reading of the input (State, session) is measured too.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.batch import run  # noqa: E402 - after the path set-up
from bench.userenv import user_env  # noqa: E402 - after the path set-up

VERBS = ("Adopt", "Ratify", "Investigate", "Amend", "Establish", "Strengthen", "Allocate",
         "Repeal", "Publish", "Consider")
OBJECTS = ("a law on domestic violence", "the optional protocol to the convention against torture",
           "all reports of torture in detention", "the press law", "an independent ombudsman",
           "funds for rural schools", "the ban on peaceful assembly", "data on child labour")
TAILS = ("by 2027.", "within two years.", "and report on progress at the next review.", ".",
         "with the participation of civil society.")
STATES = ("Kenya", "Chile", "Norway", "Fiji", "Nepal", "Peru", "Ghana", "Tonga")
FILLER = ("note", "context", "earlier", "review", "session", "paragraph", "source", "status")


def write_csv(path: Path, size: int, seed: int = 7) -> int:
    """A CSV of about `size` bytes of made-up rows; returns the number of drafts."""
    rnd = random.Random(seed)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "Text", "To", "Session", "Notes"])
        while handle.tell() < size:
            count += 1
            text = f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(TAILS)}"
            notes = " ".join(rnd.choice(FILLER) for _ in range(300))
            writer.writerow([count, text, rnd.choice(STATES), rnd.randint(1, 12), notes])
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--jobs", type=int, help="passed to smartrec check (default: every core)")
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    parser.add_argument("--library", type=Path,
                        help="also give each row's State and session to the acceptance outlook")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="smartrec-stream-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = user_env(folder)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    if args.library:
        jobs += ["--library", str(args.library.resolve()), "--state-column", "To",
                 "--session-column", "Session"]
    peaks = []
    for size in (args.size_mb / 10, args.size_mb):
        path = folder / f"drafts-{size:g}mb.csv"
        drafts = write_csv(path, int(size * 1_000_000))
        command = [sys.executable, "-m", "app", "check", str(path), "--column", "Text",
                   "--no-spelling", "--no-user-rules", "--format", "jsonl", "--fail-on",
                   "never", *jobs]
        wall, cpu, peak = run(command, env)
        peaks.append(peak)
        print(f"{path.stat().st_size / 1e6:,.0f} MB, {drafts:,} drafts: {wall:.1f} s, "
              f"{drafts / wall:,.0f} drafts/s ({drafts / cpu:,.0f} per CPU-second), "
              f"peak memory {peak / 2**20:,.0f} MB")
        if not args.keep:
            path.unlink()
    print(f"peak memory at {args.size_mb:g} MB / at {args.size_mb / 10:g} MB of input: "
          f"{peaks[1] / peaks[0]:.2f}x (bounded: about 1x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
