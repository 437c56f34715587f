"""Agreement of the checker's action category and themes with UPR Info's human coding.

Usage:
    .venv/bin/python bench/quality.py ../shared/data/upr-info-cycle1.csv [--limit N]
        [--sessions 1-6] [--split 1-6] [--errors 25] [--rules DIR] [--dump-errors FILE]

Prints: action-category accuracy and Cohen's kappa against the `Action` column, the
first-verb lookup baseline (most frequent category per first word, fitted on the same rows, so
it is optimistic), the confusion matrix, the most common disagreements (by estimating rule),
theme hit@1 / hit@3 against the `Issue` column, per-issue recall@3, and accuracy per half of the
sessions (1-6 vs 7-12) to show whether the rules generalise.

`--split 1-6` treats those sessions as the training half and the other sessions as the test half:
it prints accuracy, kappa, confusion and per-category recall for each half, and lists (and dumps)
disagreements from the training half only, so that rules can be tuned on one half while the other
stays unseen.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.engine import load_checker


def _sessions(spec: str | None) -> set[int] | None:
    if not spec:
        return None
    out: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def _kappa(confusion: dict[tuple[int, int], int], labels: list[int]) -> float:
    total = sum(confusion.values())
    if not total:
        return 0.0
    observed = sum(confusion[(c, c)] for c in labels) / total
    expected = sum(
        sum(confusion[(c, p)] for p in labels) * sum(confusion[(g, c)] for g in labels)
        for c in labels
    ) / (total * total)
    return (observed - expected) / (1 - expected) if expected < 1 else 0.0


def _print_confusion(confusion: dict[tuple[int, int], int], labels: list[int]) -> None:
    print("        " + "".join(f"{p:>7}" for p in labels) + "   recall")
    for g in labels:
        row_total = sum(confusion[(g, p)] for p in labels)
        recall = confusion[(g, g)] / row_total if row_total else 0.0
        print(
            f"  {g:>4}  " + "".join(f"{confusion[(g, p)]:>7}" for p in labels) + f"   {recall:.3f}"
        )


def _half(row: dict[str, str]) -> str:
    return "sessions 1-6" if int(row.get("Session") or 0) <= 6 else "sessions 7-12"


def _first_word(text: str) -> str:
    words = re.findall(r"[A-Za-z']+", text.lower())
    return words[0] if words else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows")
    parser.add_argument("--sessions", help="only these sessions, e.g. 1-6 or 7-12")
    parser.add_argument("--errors", type=int, default=25, help="how many error groups to print")
    parser.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        help="extra rules folder or file (layered over the built-in packs)",
    )
    parser.add_argument("--dump-errors", type=Path, help="write every disagreement to this TSV")
    parser.add_argument(
        "--split",
        help="training sessions, e.g. 1-6: report train and test halves, list train errors only",
    )
    args = parser.parse_args(argv)

    checker = load_checker(args.rules, user_rules=False)
    for error in checker.load_errors:
        print(f"rule load error: {error}", file=sys.stderr)
    wanted = _sessions(args.sessions)
    train = _sessions(args.split)
    with args.csv_path.open(encoding="utf-8", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if wanted is None or int(r.get("Session") or 0) in wanted
        ]
    if args.limit:
        rows = rows[: args.limit]
    if not rows:
        print("no rows")
        return 2

    labels = [1, 2, 3, 4, 5]
    confusion: dict[tuple[int, int], int] = Counter()
    by_half: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: Counter[tuple[int, int, str, str]] = Counter()
    error_examples: dict[tuple[int, int, str, str], str] = {}
    first_word: dict[str, Counter[int]] = defaultdict(Counter)
    #: (half, first word) -> gold counts, for a baseline fitted on one half and scored on the other
    half_words: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    half_gold: list[tuple[str, str, int]] = []
    half_themes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    hit1 = hit3 = themed = 0
    issue_total: Counter[str] = Counter()
    issue_hit: Counter[str] = Counter()
    #: "train"/"test" -> confusion, when --split is given
    split_confusion: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    dump = args.dump_errors.open("w", encoding="utf-8") if args.dump_errors else None
    started = time.perf_counter()
    for row in rows:
        text = row["Text"]
        result = checker.check(text)
        action = result.action_category
        try:
            gold = int(row["Action"])
        except (KeyError, ValueError):
            gold = 0
        if gold in labels:
            confusion[(gold, action.category)] += 1
            first_word[_first_word(text)][gold] += 1
            half = _half(row)
            word = _first_word(text)
            half_words[(half, word)][gold] += 1
            half_gold.append((half, word, gold))
            by_half[half][0] += action.category == gold
            by_half[half][1] += 1
            in_train = train is None or int(row.get("Session") or 0) in train
            if train is not None:
                split_confusion["train" if in_train else "test"][(gold, action.category)] += 1
            if action.category != gold and in_train:
                key = (gold, action.category, action.rule_id or "-", action.verb or "-")
                errors[key] += 1
                error_examples.setdefault(key, text)
                if dump:
                    dump.write(
                        f"{gold}\t{action.category}\t{action.rule_id}\t{action.verb}\t{text}\n"
                    )
        issues = {i.strip() for i in (row.get("Issue") or "").split(",") if i.strip()}
        if issues:
            themed += 1
            ranked = [t.issue for t in result.themes]
            hit1 += bool(ranked[:1] and ranked[0] in issues)
            top3 = set(ranked[:3])
            hit3 += bool(top3 & issues)
            half_themes[_half(row)][0] += bool(top3 & issues)
            half_themes[_half(row)][1] += 1
            for issue in issues:
                issue_total[issue] += 1
                issue_hit[issue] += issue in top3
    elapsed = time.perf_counter() - started
    if dump:
        dump.close()

    coded = sum(confusion.values())
    correct = sum(confusion[(c, c)] for c in labels)
    baseline = sum(max(c.values()) for c in first_word.values())
    print(f"rows: {len(rows)}  (checked in {elapsed:.1f} s, {len(rows) / elapsed:.0f} drafts/s)")
    print("\n== Action category vs UPR Info `Action` ==")
    print(f"accuracy: {correct / coded:.4f}  ({correct}/{coded})")
    print(f"Cohen's kappa: {_kappa(confusion, labels):.4f}")
    print(
        f"baseline (most frequent category per first word, fitted on these rows): "
        f"{baseline / coded:.4f}"
    )
    for half, (ok, n) in sorted(by_half.items()):
        other = "sessions 7-12" if half == "sessions 1-6" else "sessions 1-6"
        fitted = [(w, g) for h, w, g in half_gold if h == half and half_words.get((other, w))]
        cross = sum(1 for w, g in fitted if half_words[(other, w)].most_common(1)[0][0] == g)
        print(
            f"  {half}: {ok / n:.4f}  ({n} rows; first-word baseline fitted on {other}: "
            f"{cross / n:.4f})"
        )
    print("\nconfusion (rows = UPR Info, columns = estimate):")
    _print_confusion(confusion, labels)
    if train is not None:
        for name in ("train", "test"):
            part = split_confusion[name]
            total = sum(part.values())
            if not total:
                print(f"\n== {name}: no rows")
                continue
            ok = sum(part[(c, c)] for c in labels)
            sessions = f"sessions {args.split}" if name == "train" else "the other sessions"
            print(
                f"\n== {name} ({sessions}): accuracy {ok / total:.4f} ({ok}/{total}), "
                f"kappa {_kappa(part, labels):.4f}"
            )
            _print_confusion(part, labels)
    scope = "training half" if train is not None else "all rows"
    print(
        f"\nmost common disagreements in the {scope} (gold -> estimate, rule, verb), "
        f"top {args.errors}:"
    )
    for (gold, est, rule_id, verb), count in errors.most_common(args.errors):
        example = error_examples[(gold, est, rule_id, verb)]
        print(f"  {count:>5}  {gold}->{est}  {rule_id:<36} {verb:<14} e.g. {example[:90]!r}")

    print("\n== Themes vs UPR Info `Issue` ==")
    if themed:
        print(f"hit@1: {hit1 / themed:.4f}   hit@3: {hit3 / themed:.4f}   ({themed} rows)")
        for half, (ok, n) in sorted(half_themes.items()):
            print(f"  {half}: hit@3 {ok / n:.4f}  ({n} rows)")
        print("weakest issues (recall@3, rows):")
        weakest = sorted(issue_total, key=lambda i: issue_hit[i] / issue_total[i])
        for issue in weakest[:15]:
            print(
                f"  {issue_hit[issue] / issue_total[issue]:.3f}  {issue_total[issue]:>5}  {issue}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
