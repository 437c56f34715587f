"""Acceptance outlook: discrimination and calibration on later sessions and a later cycle.

Usage: python bench/acceptance.py PATH/upr-info-cycle1.csv [--uhri PATH/uhri-slovenia-cycles2-4.csv]
       [--history-sessions 1-9] [--query-sessions 10-12] [--labels] [--limit N]
       python bench/acceptance.py PATH/upr-info-cycle1.csv --scale-rows 40000

`--scale-rows N` only measures fitting: a temporary library of N rows made of copies of the
export (each copy's texts marked as variants and moved to later sessions), the fit time of three
fresh fits (median, memory and disk caches emptied before each), the time to load the fitted model
from the disk cache (a second run of the CLI or the app), and the peak memory of the process.
The user cache folder is a temporary one for the whole run, so no figure comes from an earlier run.

Sessions in the first range are imported into a temporary library (through the real importer);
each recommendation of the second range is a draft, checked like `smartrec check --library`
does: its action category and themes are the checker's estimates (never UPR Info's labels unless
`--labels` asks for them, for comparison), and its outlook comes from `app.acceptance`.

Printed: AUC, Brier score, a calibration table by deciles of the predicted probability, the
fit time and the median time of one outlook, and the same AUC/Brier for the plain baseline: the
mean of three smoothed log-odds tables (State x category, State x issue, State x recommending
State). With `--uhri`, the recommendations to one State in later cycles are scored twice: with
only the UPR Info file as history, and with that plus the State's own earlier cycles (each
session sees strictly earlier sessions only, as `smartrec check --session-column` does).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.acceptance.groups import canonical_key
from app.acceptance.history import HistoryStats, read_history
from app.acceptance.service import checker_estimator, forecaster_for
from app.core.engine import Checker, load_checker
from app.core.models import CheckContext
from app.evidence.importers import prepare_table, save_preview
from app.evidence.library import open_library
from app.evidence.precedents import theme_votes


def _range(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


@dataclass
class Draft:
    text: str
    state: str
    recommenders: str
    supported: bool
    session: int
    label: int | None


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Probability that a random supported draft scores above a random noted one (ties 1/2)."""
    pairs = sorted(zip(scores, labels, strict=True))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # 1-based average rank of the tie block
        rank_sum += mid * sum(1 for _, y in pairs[i:j] if y)
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def brier(scores: Sequence[float], labels: Sequence[bool]) -> float:
    return statistics.fmean((p - y) ** 2 for p, y in zip(scores, labels, strict=True))


def calibration(scores: Sequence[float], labels: Sequence[bool]) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per decile of the predicted probability."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    out = []
    for d in range(10):
        idx = order[d * len(order) // 10:(d + 1) * len(order) // 10]
        if idx:
            out.append((statistics.fmean(scores[i] for i in idx),
                        statistics.fmean(labels[i] for i in idx), len(idx)))
    return out


def report(name: str, scores: list[float], labels: list[bool], base: list[float] | None) -> None:
    print(f"\n== {name}: {len(scores)} drafts, {sum(labels)} supported "
          f"({statistics.fmean(labels):.1%})")
    print(f"AUC {auc(scores, labels):.4f}   Brier {brier(scores, labels):.4f}")
    if base is not None:
        print(f"baseline (State x category / issue / recommending State table): "
              f"AUC {auc(base, labels):.3f}   Brier {brier(base, labels):.4f}")
    print("decile  predicted  observed  gap    n")
    worst = 0.0
    for d, (pred, obs, n) in enumerate(calibration(scores, labels), start=1):
        worst = max(worst, abs(pred - obs))
        print(f"{d:>6}  {pred:8.1%}  {obs:8.1%}  {100 * (obs - pred):+5.1f}  {n:>4}")
    print(f"largest decile gap: {100 * worst:.1f} points")


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def baseline(conn: object, estimate: object, drafts: list[Draft], cats: list[int],
             issues: list[list[str]], before: int | None) -> list[float]:
    """Mean of State x category, State x issue and State x recommending-State smoothed log-odds,
    each shrunk (weight 8) towards the State's rate, itself shrunk towards all States'."""
    stats = HistoryStats()
    tables: dict[tuple[object, ...], list[int]] = {}
    total = [0, 0]
    for row in read_history([conn], estimate, stats, before_session=before):  # type: ignore[list-item,arg-type]
        r = row.recommendation
        keys = [("s", r.state), ("sc", r.state, r.category)]
        keys += [("si", r.state, i) for i in r.issues]
        keys += [("sr", r.state, x) for x in r.recommenders]
        total[0] += 1
        total[1] += row.supported
        for key in keys:
            slot = tables.setdefault(key, [0, 0])
            slot[0] += 1
            slot[1] += row.supported
    p0 = (total[1] + 1) / (total[0] + 2)

    def smooth(key: tuple[object, ...], prior: float) -> float:
        n, k = tables.get(key, [0, 0])
        return (k + 8 * prior) / (n + 8)

    out = []
    for draft, cat, its in zip(drafts, cats, issues, strict=True):
        s = canonical_key(draft.state)
        ps = smooth(("s",), p0) if False else smooth(("s", s), p0)
        parts = [_logit(smooth(("sc", s, cat), ps))]
        parts += [_logit(smooth(("si", s, i), ps)) for i in its] or [_logit(ps)]
        recs = [canonical_key(x) for x in draft.recommenders.split(",") if x.strip()]
        parts += [_logit(smooth(("sr", s, x), ps)) for x in recs] or [_logit(ps)]
        z = statistics.fmean(parts)
        out.append(1 / (1 + math.exp(-z)))
    return out


def score(checker: Checker, conn: object, drafts: list[Draft], *, labels: bool,
          cutoff: int | None, per_session: bool) -> tuple[list[float], list[float]]:
    estimate = checker_estimator(checker)
    cats: list[int] = []
    issues: list[list[str]] = []
    for d in drafts:
        context = CheckContext(state_under_review=d.state,
                               theme_votes=theme_votes([(None, conn)], d.text))  # type: ignore[list-item]
        result = checker.check(d.text, context)
        cats.append(d.label if labels and d.label else result.action_category.category)
        issues.append([t.issue for t in result.themes])
    cutoffs = sorted({d.session if per_session else cutoff for d in drafts},
                     key=lambda b: -1 if b is None else b)
    fits: list[float] = []
    forecasters = {}
    for before in cutoffs:
        t0 = time.perf_counter()
        forecasters[before] = forecaster_for([conn], estimate, before_session=before)  # type: ignore[list-item]
        fits.append(time.perf_counter() - t0)
    scores: list[float] = []
    times: list[float] = []
    no_figure = 0
    for d, cat, its in zip(drafts, cats, issues, strict=True):
        forecaster = forecasters[d.session if per_session else cutoff]
        t1 = time.perf_counter()
        outlook = forecaster.outlook(d.text, d.state, [d.recommenders], cat, its)
        times.append((time.perf_counter() - t1) * 1000)
        if outlook.probability is None:
            no_figure += 1
        scores.append(outlook.probability if outlook.probability is not None else 0.5)
    sizes = ", ".join(f"{f.model.tables.total} rows" for f in forecasters.values())
    print(f"fit: {len(fits)} model(s) ({sizes}): "
          f"{', '.join(f'{f:.1f} s' for f in fits)}; one outlook: median "
          f"{statistics.median(times):.2f} ms, 95th percentile "
          f"{sorted(times)[int(0.95 * len(times))]:.1f} ms; 'not enough history' (scored 0.5): "
          f"{no_figure}")
    bases: list[float] = []
    for before in sorted({d.session if per_session else cutoff for d in drafts},
                         key=lambda b: b or 0):
        idx = [i for i, d in enumerate(drafts) if (d.session if per_session else cutoff) == before]
        part = baseline(conn, estimate, [drafts[i] for i in idx], [cats[i] for i in idx],
                        [issues[i] for i in idx], before)
        bases.extend(part)
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].session if per_session else 0))
    # `bases` was built session by session; put it back in draft order.
    restored = [0.0] * len(drafts)
    for pos, i in enumerate(order):
        restored[i] = bases[pos]
    return scores, restored


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv", help="UPR Info export (upr-info-cycle1.csv)")
    ap.add_argument("--uhri", help="OHCHR UHRI export of one State's later cycles")
    ap.add_argument("--history-sessions", default="1-9")
    ap.add_argument("--query-sessions", default="10-12")
    ap.add_argument("--labels", action="store_true",
                    help="use UPR Info's action category for drafts (comparison only)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N drafts")
    ap.add_argument("--scale-rows", type=int, default=0,
                    help="only measure fit time and memory on a library of this many rows")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # fitted models are cached there, not in the user's
        if args.scale_rows:
            return scale(args.csv, args.scale_rows)
        return run(args)


def run(args: argparse.Namespace) -> int:
    history = {str(s) for s in _range(args.history_sessions)}
    queries = set(_range(args.query_sessions))
    checker = load_checker(user_rules=False)
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_library(Path(tmp) / "history.smartlib", create=True)
        preview = prepare_table(args.csv)
        every = list(preview.items)
        preview.items = [(n, it) for n, it in every if it.session in history]
        save_preview(conn, preview)
        with open(args.csv, encoding="utf-8", newline="") as fh:
            drafts = [
                Draft(r["Text"], r["To"], r["From"], r["Response"] == "Accepted",
                      int(r["Session"]), int(r["Action"]) if r["Action"].isdigit() else None)
                for r in csv.DictReader(fh) if int(r["Session"]) in queries
            ]
        if args.limit:
            drafts = drafts[: args.limit]
        cutoff = min(queries)
        print(f"history: {len(preview.items)} rows (sessions {args.history_sessions}); "
              f"drafts: {len(drafts)} (sessions {args.query_sessions}); category: "
              f"{'UPR Info label' if args.labels else 'estimated by the checker'}")
        scores, base = score(checker, conn, drafts, labels=args.labels, cutoff=cutoff,
                             per_session=False)
        report(f"sessions {args.query_sessions}", scores, [d.supported for d in drafts], base)
        conn.close()
        if args.uhri:
            later_cycle(args.uhri, args.csv, every, checker, Path(tmp))
    return 0


def later_cycle(uhri: str, upr_csv: str, upr_items: list, checker: Checker, tmp: Path) -> None:
    with open(uhri, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    drafts = [Draft(r["text"], r["sur"], r["recommending_states"], r["position"] == "Supported",
                    int(r["session"]), None) for r in rows]
    labels = [d.supported for d in drafts]
    conn = open_library(tmp / "cycle1.smartlib", create=True)
    preview = prepare_table(upr_csv)
    preview.items = upr_items
    save_preview(conn, preview)
    print(f"\nlater cycle: {len(drafts)} recommendations to {drafts[0].state} "
          f"(sessions {sorted({d.session for d in drafts})}); history: UPR Info cycle 1 only")
    scores, base = score(checker, conn, drafts, labels=False, cutoff=None, per_session=False)
    report("later cycle, cycle-1 history", scores, labels, base)
    uhri_preview = prepare_table(uhri)
    save_preview(conn, uhri_preview)
    print("\nhistory: cycle 1 plus the State's own earlier sessions (strictly earlier only)")
    scores, base = score(checker, conn, drafts, labels=False, cutoff=None, per_session=True)
    report("later cycle, cycle-1 + earlier sessions", scores, labels, base)
    conn.close()


def scale(upr_csv: str, rows: int) -> int:
    import resource

    from app.acceptance.service import clear_cache
    from app.core.cachefiles import cache_folder

    preview = prepare_table(upr_csv)
    base = list(preview.items)
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_library(Path(tmp) / "scale.smartlib", create=True)
        copy = 0
        written = 0
        while written < rows:
            chunk = base[: rows - written]
            for _n, item in chunk:
                item.session = str(int(item.session) % 12 + 1 + 12 * copy)
                if copy:
                    item.text = f"{item.text.rstrip('.')} (variant {copy})."
            preview.items = chunk
            written += save_preview(conn, preview).written
            copy += 1
        fits = []
        cpu = []
        for _ in range(3):
            clear_cache()
            shutil.rmtree(cache_folder("acceptance"), ignore_errors=True)
            t0, c0 = time.perf_counter(), time.process_time()
            forecaster = forecaster_for([conn], lambda _t: 4)
            fits.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        loads = []
        for _ in range(3):
            clear_cache()  # memory only: the model comes from the disk cache
            t0 = time.perf_counter()
            forecaster_for([conn], lambda _t: 4)
            loads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        times = []
        for _ in range(200):
            t0 = time.perf_counter()
            forecaster.outlook("Abolish the death penalty and ratify the Second Optional "
                               "Protocol.", "Kenya", ["Norway"], 5, ["Death penalty"])
            times.append((time.perf_counter() - t0) * 1000)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{written} rows: fit median {statistics.median(fits):.1f} s "
              f"({', '.join(f'{f:.1f}' for f in fits)}; CPU time median "
              f"{statistics.median(cpu):.1f} s); from the disk cache: median "
              f"{statistics.median(loads):.2f} s; one outlook median "
              f"{statistics.median(times):.2f} ms; peak memory {peak:.0f} MB")
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
