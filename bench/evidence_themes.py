"""Precedent-based theme suggestion on the UPR Info cycle-1 export, split by session.

Usage: python bench/evidence_themes.py PATH/upr-info-cycle1.csv [--library-sessions 1-9]
       [--query-sessions 10-12] [--limit N]

Sessions in the first range are imported into a temporary library; each recommendation of the
second range is a query. hit@k: one of the row's UPR Info issues is among the top k votes. The
default split is the target one; `--library-sessions 1-6 --query-sessions 7-9` is the development
split that the parameters in app/evidence/precedents.py were chosen on.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.evidence.importers import prepare_table, save_preview
from app.evidence.library import open_library
from app.evidence.precedents import nearest, votes_from_neighbours


def _range(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv")
    ap.add_argument("--library-sessions", default="1-9")
    ap.add_argument("--query-sessions", default="10-12")
    ap.add_argument("--limit", type=int, default=0, help="only the first N queries")
    args = ap.parse_args()
    lib_sessions = {str(s) for s in _range(args.library_sessions)}
    query_sessions = {str(s) for s in _range(args.query_sessions)}
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_library(Path(tmp) / "lib.smartlib", create=True)
        preview = prepare_table(args.csv)
        library_rows = [(n, it) for n, it in preview.items if it.session in lib_sessions]
        preview.items = library_rows
        save_preview(conn, preview)
        with open(args.csv, encoding="utf-8", newline="") as fh:
            queries = [r for r in csv.DictReader(fh) if r["Session"] in query_sessions]
        if args.limit:
            queries = queries[: args.limit]
        hit1 = hit3 = 0
        times = []
        for row in queries:
            gold = {i.strip() for i in row["Issue"].split(",") if i.strip()}
            t0 = time.perf_counter()
            votes = votes_from_neighbours(nearest([(None, conn)], row["Text"]))
            times.append((time.perf_counter() - t0) * 1000)
            ranked = sorted(votes, key=lambda k: -votes[k][0])
            hit1 += bool(ranked[:1] and ranked[0] in gold)
            hit3 += bool(gold & set(ranked[:3]))
        n = len(queries)
        print(f"library: {len(library_rows)} rows (sessions {args.library_sessions}); "
              f"queries: {n} (sessions {args.query_sessions})")
        print(f"hit@1 {hit1 / n:.1%}  hit@3 {hit3 / n:.1%}  "
              f"median {statistics.median(times):.1f} ms/query")
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
