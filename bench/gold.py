"""Agreement of the SMART verdicts with expert labels (a gold JSONL labelled with the rubric).

Usage:
    .venv/bin/python bench/gold.py ../shared/gold/dev.jsonl [--rules DIR] [--errors CRITERION]
        [--flags] [--show N]

Runs the checker the way `smartrec check` does by default (offline spelling on, no LanguageTool)
and prints, per criterion: agreement, balanced accuracy, and how often "met" was said where the
experts said no (false met) or vice versa; then pairwise ordering of the SMART score against the
experts' `quality` grade (pairs whose grades differ by 3 or more), the mean score per expert
`overall` class, agreement of `CheckResult.overall` with the expert `overall`, and how many "met"
verdicts carry a problem message as their reason (must be 0).

A verdict counts as "met" only when the status is "met": "partly", "not met" and "not applicable"
all count as not met, as the rubric says a field is `yes` only when the text has it.

`--errors time_bound` lists the disagreements for one criterion (text, verdict, reason), to read;
`--flags` counts each rule's findings on the gold texts, to judge flag precision by reading.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.engine import load_checker
from app.core.models import CheckResult
from app.language.cli_support import providers_from_settings
from app.settings import AppSettings

#: SMARTrec dimension -> gold field (the rubric's name).
CRITERIA: dict[str, str] = {
    "specific": "concrete_act",
    "measurable": "verifiable_output",
    "time_bound": "deadline",
    "jargon": "plain_language",
    "tone": "advisory_tone",
}
PAIR_GAP = 3


def _load(path: Path) -> list[dict[str, object]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: invalid JSON: {exc.msg}") from None
    return rows


def balanced_accuracy(tp: int, fn: int, tn: int, fp: int) -> float:
    """Mean of the recall on `yes` and on `no` (0.5 for one class missing means 'uninformative')."""
    recalls = [tp / (tp + fn) if tp + fn else None, tn / (tn + fp) if tn + fp else None]
    known = [r for r in recalls if r is not None]
    return sum(known) / len(known) if known else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--rules", action="append", type=Path, default=[])
    parser.add_argument("--errors", choices=sorted(CRITERIA), help="list disagreements")
    parser.add_argument("--flags", action="store_true", help="count findings per rule")
    parser.add_argument("--show", type=int, default=40, help="how many errors to list")
    args = parser.parse_args(argv)

    rows = _load(args.gold)
    if not rows:
        print("no rows")
        return 2
    checker = load_checker(args.rules, user_rules=False)
    for error in checker.load_errors:
        print(f"rule load error: {error}", file=sys.stderr)
    # As `smartrec check` by default, with the default settings (not this machine's) and no LT.
    providers, _grammar, _status = providers_from_settings(no_grammar=True, settings=AppSettings())
    checker.providers.extend(providers)

    results: list[CheckResult] = [checker.check(str(row["text"])) for row in rows]

    print(f"rows: {len(rows)}  ({args.gold.name})")
    print(
        f"\n{'criterion':<32}{'agree':>8}{'bal.acc':>9}{'false met':>11}{'false not':>11}"
        f"{'gold yes':>10}{'said met':>10}{'n/a':>6}"
    )
    for dimension, field in CRITERIA.items():
        tp = fn = tn = fp = na = 0
        for row, result in zip(rows, results, strict=True):
            status = result.scores().get(dimension)
            met = status == "met"
            na += status == "not_applicable"
            gold = row.get(field) == "yes"
            if gold and met:
                tp += 1
            elif gold:
                fn += 1
            elif met:
                fp += 1
            else:
                tn += 1
        n = tp + fn + tn + fp
        label = f"{dimension} ({field})"
        print(
            f"{label:<32}{(tp + tn) / n:>8.1%}{balanced_accuracy(tp, fn, tn, fp):>9.1%}"
            f"{fp:>11}{fn:>11}{tp + fn:>10}{tp + fp:>10}{na:>6}"
        )

    scores = [r.smart_score for r in results]
    grades = [int(str(row["quality"])) for row in rows]
    ordered = ties = pairs = 0
    for i, j in itertools.combinations(range(len(rows)), 2):
        if abs(grades[i] - grades[j]) < PAIR_GAP:
            continue
        pairs += 1
        hi, lo = (i, j) if grades[i] > grades[j] else (j, i)
        if scores[hi] > scores[lo]:
            ordered += 1
        elif scores[hi] == scores[lo]:
            ties += 1
    if pairs:
        print(
            f"\npairwise ordering vs quality (gap >= {PAIR_GAP}): {ordered / pairs:.1%} "
            f"({ordered}/{pairs} pairs; ties {ties} counted as wrong; "
            f"with ties as half: {(ordered + ties / 2) / pairs:.1%})"
        )

    by_class: dict[str, list[int]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        by_class[str(row["overall"])].append(score)
    means = {c: statistics.mean(v) for c, v in by_class.items()}
    print(
        "mean score per gold overall: "
        + "  ".join(
            f"{c} {means[c]:.1f} (n={len(by_class[c])})"
            for c in ("strong", "adequate", "weak")
            if c in means
        )
    )
    if all(c in means for c in ("strong", "adequate", "weak")):
        print(
            f"  gaps: strong-adequate {means['strong'] - means['adequate']:.1f}, "
            f"adequate-weak {means['adequate'] - means['weak']:.1f}"
        )

    confusion: Counter[tuple[str, str]] = Counter(
        (str(row["overall"]), r.overall) for row, r in zip(rows, results, strict=True)
    )
    agree = sum(v for (g, p), v in confusion.items() if g == p)
    print(f"overall class agreement: {agree / len(rows):.1%} ({agree}/{len(rows)})")
    classes = ("strong", "adequate", "weak")
    print("  gold \\ said " + "".join(f"{c:>10}" for c in classes))
    for g in classes:
        print(f"  {g:<12}" + "".join(f"{confusion[(g, p)]:>10}" for p in classes))

    contradictions = sum(
        1
        for result in results
        for status in result.dimensions
        if status.status == "met" and status.reason in {f.message for f in result.findings}
    )
    print(f"'met' verdicts whose reason is a problem message: {contradictions}")

    if args.errors:
        field = CRITERIA[args.errors]
        print(f"\n== disagreements on {args.errors} ({field}) ==")
        shown = 0
        for row, result in zip(rows, results, strict=True):
            status = result.dimension(args.errors)
            assert status is not None
            if (status.status == "met") == (row.get(field) == "yes"):
                continue
            shown += 1
            if shown > args.show:
                break
            print(
                f"- [{row['id']}] gold {row.get(field)}, said {status.status} "
                f"({status.reason})\n    {str(row['text'])[:400]}\n    note: {row.get('note')}"
            )

    if args.flags:
        counts: Counter[str] = Counter()
        for result in results:
            for finding in result.findings:
                counts[finding.rule_id] += 1
        print("\n== findings per rule on these texts ==")
        for rule_id, count in counts.most_common():
            print(f"  {count:>5}  {rule_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
