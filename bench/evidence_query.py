"""Suggestion-query latency against a library of N evidence items (default 100,000).

Usage: python bench/evidence_query.py [CSV] [--items 100000] [--queries 200]

With a CSV (e.g. the UPR Info export) its rows are imported repeatedly, with every other copy
re-labelled as observation findings so that suggestions (findings/commitments) have 50,000+
candidates; without one, synthetic items are generated from a fixed vocabulary. Queries are
draft-like texts taken from the data, each with a State under Review for the country boost.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.evidence.context import suggestions
from app.evidence.importers import prepare_table
from app.evidence.library import open_library
from app.evidence.precedents import find_precedents, theme_votes
from app.evidence.store import EvidenceItem, insert_items

_WORDS = [
    "electoral", "commission", "independence", "budget", "voter", "registration", "polling",
    "station", "results", "forms", "publish", "observers", "media", "access", "campaign",
    "finance", "candidates", "women", "quota", "disability", "accessible", "ballot", "secret",
    "counting", "tabulation", "dispute", "resolution", "court", "police", "protest", "assembly",
    "association", "journalists", "expression", "information", "boundary", "delimitation",
    "parties", "nomination", "code", "conduct", "violence", "intimidation", "security",
    "transparency", "audit", "technology", "biometric", "kits", "procurement", "training",
    "staff", "diaspora", "prisoners", "youth", "minorities", "language"
]
_COUNTRIES = ("Kenya", "Ghana", "Peru", "Nepal", "Georgia", "Malawi", "Tunisia", "Bolivia")


def _synthetic(n: int, rng: random.Random) -> list[EvidenceItem]:
    """Texts drawn from a Zipf-distributed vocabulary (domain words first, then 4,000 made-up
    words), so word frequencies look like real prose rather than a 70-word soup."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    made_up = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(4000)]
    vocab = list(_WORDS) + made_up
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    items = []
    for i in range(n):
        length = rng.randint(12, 40)
        text = " ".join(rng.choices(vocab, weights=weights, k=length)).capitalize()
        kind = ("finding", "commitment", "precedent")[i % 3]
        items.append(EvidenceItem(kind=kind, text=text + ".", country=rng.choice(_COUNTRIES),
                                  organisation="EU EOM" if kind == "finding" else "",
                                  issues="Elections" if kind == "precedent" else ""))
    return items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv", nargs="?")
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_library(Path(tmp) / "bench.smartlib", create=True)
        if args.csv:
            base = [item for _, item in prepare_table(args.csv).items]
        else:
            base = _synthetic(min(args.items, 30_000), rng)
        items: list[EvidenceItem] = []
        copy = 0
        while len(items) < args.items:
            for item in base[: args.items - len(items)]:
                clone = dataclasses.replace(item, id=None)
                if args.csv and copy % 2 == 1:
                    clone.kind, clone.organisation = "finding", "EU EOM"
                items.append(clone)
            copy += 1
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        insert_items(conn, items)
        conn.execute("COMMIT")
        print(f"built a library of {len(items):,} items in {time.perf_counter() - t0:.1f} s")
        sources: list[tuple[str | None, sqlite3.Connection]] = [(None, conn)]
        queries = [(it.text, it.country or "Kenya") for it in rng.sample(base, args.queries)]
        for text, state in queries[:5]:  # warm the page cache
            suggestions(sources, text, state)
        timings: dict[str, list[float]] = {"suggestions": [], "precedents": [], "themes": []}
        for text, state in queries:
            t = time.perf_counter()
            suggestions(sources, text, state, limit=10)
            timings["suggestions"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            find_precedents(sources, text, state)
            timings["precedents"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            theme_votes(sources, text)
            timings["themes"].append((time.perf_counter() - t) * 1000)
        for name, values in timings.items():
            values.sort()
            p90 = values[int(len(values) * 0.9) - 1]
            print(f"{name:12s} median {statistics.median(values):6.1f} ms   p90 {p90:6.1f} ms   "
                  f"max {values[-1]:6.1f} ms  ({len(values)} queries)")
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
