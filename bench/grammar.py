"""Grammar round trip: GrammarChecker against a LanguageTool server (default: the built-in fake).

Usage: .venv/bin/python bench/grammar.py [--url http://host:8081] [--runs 200] [--language en-GB]

With no URL it starts tests/doubles/fakelt.py on loopback, so the figure is our own overhead
(language_tool_python/requests HTTP, JSON, offset conversion, vocabulary filter) and not
LanguageTool's checking time. Prints the first check (lazy import of language_tool_python and its
GET /v2/languages), then median and 95th percentile milliseconds for a 60-word draft and a
20,000-character text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test doubles

from doubles.fakelt import FakeLanguageTool

from app.language.languagetool import GrammarChecker
from app.language.spelling import SpellingProvider

DRAFT = (
    "Adopt by December 2027 a comprehensive law that criminalises domestic violence, including "
    "marital rape, in line with the Istanbul Convention and CEDAW general recommendation No. 35; "
    "allocate a dedicated budget to the national programme for shelters, train judges and police "
    "officers, and recieve reports on the number of prosecutions from the goverment before the "
    "next Universal Periodic Review cycle, with support from civil society organisations."
)


def timed(checker: GrammarChecker, text: str, runs: int) -> tuple[float, float]:
    checker.check(text)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        checker.check(text)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--language", default="en-GB")
    args = parser.parse_args(argv)
    fake = None
    url = args.url
    if not url:
        fake = FakeLanguageTool().start()
        url = fake.url
    with tempfile.TemporaryDirectory() as tmp:
        vocabulary = SpellingProvider(args.language, user_dictionary=Path(tmp) / "d.txt")
        vocabulary.load()
        checker = GrammarChecker(url=url, language=args.language, vocabulary=vocabulary)
        t0 = time.perf_counter()
        findings = checker.check(DRAFT)
        first = (time.perf_counter() - t0) * 1000
        print(f"server: {url}{' (fake LanguageTool)' if fake else ''}")
        print(f"findings on the draft: {[f.matched for f in findings]}")
        print(f"first check (imports, client set-up): {first:.1f} ms")
        median, p95 = timed(checker, DRAFT, args.runs)
        print(f"60-word draft round trip: median {median:.2f} ms, p95 {p95:.2f} ms "
              f"({args.runs} runs)")
        long_text = "\n\n".join([DRAFT] * 40)[:20_000]
        median, p95 = timed(checker, long_text, max(5, args.runs // 10))
        print(f"20,000-character text ({len(long_text)} chars, "
              f"{len(long_text) // checker.chunk_chars + 1} chunk(s)): median {median:.2f} ms, "
              f"p95 {p95:.2f} ms")
    if fake is not None:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
