"""Word review speed: a 40-page document with 150 numbered recommendations, target <= 5 s.

Usage: python bench/review.py [../shared/data/upr-info-cycle1.csv] [--repeat 5] [--fixes]
With the CSV, the 150 recommendations are real ones (the document is built in a temporary folder
and deleted); without it, a few sample sentences written for this bench are cycled. Prints the
median of in-process reviews (rules loaded and warmed once), the median of cold `smartrec review`
runs (start-up, rule loading and first-check warm-up included), and the page count when
LibreOffice is installed to measure it.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx

from app.core.engine import load_checker
from app.review.annotate import review_document

SAMPLES = [
    "Take all necessary measures to ensure the protection of journalists and their sources.",
    "Consider strengthening capacity-building for stakeholders in the prison administration.",
    "Adopt a law on domestic violence that criminalises marital rape before the next review.",
    "Continue efforts to mainstream the rights of older persons in the health strategy.",
    "Establish a national preventive mechanism against torture by the end of 2027.",
    "Redouble efforts to promote the inclusion of persons with disabilities in schools.",
]
FILLER = (
    "The delegation discussed these proposals with the ministries concerned and with civil "
    "society organisations during the consultations held in the capital last spring, and the "
    "text below reflects the comments received from the legal department."
)


def build(path: Path, texts: list[str], filler_per_theme: int) -> None:
    document = docx.Document()
    document.add_heading("Draft recommendations for the working group", level=0)
    for index, text in enumerate(texts):
        if index % 10 == 0:
            document.add_heading(f"Theme {index // 10 + 1}", level=1)
            for _ in range(filler_per_theme):
                document.add_paragraph(FILLER)
        document.add_paragraph(text, style="List Number")
    document.save(str(path))


def pages(path: Path, folder: Path) -> int | None:
    soffice, pdfinfo = shutil.which("soffice"), shutil.which("pdfinfo")
    if not soffice or not pdfinfo:
        return None
    profile = f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}"
    subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir",
                    str(folder), str(path)], capture_output=True, check=True, timeout=300)
    info = subprocess.run([pdfinfo, str(folder / f"{path.stem}.pdf")], capture_output=True,
                          text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv_path", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fixes", action="store_true")
    parser.add_argument("--recommendations", type=int, default=150)
    parser.add_argument("--filler", type=int, default=20, help="filler paragraphs per theme")
    args = parser.parse_args()
    if args.csv_path:
        with args.csv_path.open(encoding="utf-8", newline="") as handle:
            real = [row["Text"] for row in csv.DictReader(handle) if row["Text"].strip()]
        step = max(1, len(real) // args.recommendations)
        texts = real[::step][: args.recommendations]
    else:
        texts = [SAMPLES[i % len(SAMPLES)] for i in range(args.recommendations)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "drafts.docx"
        build(source, texts, args.filler)
        counted = pages(source, folder)
        print(f"document: {len(texts)} recommendations, {source.stat().st_size / 1024:.0f} KB, "
              f"{counted if counted is not None else '? (no soffice)'} pages")
        checker = load_checker(user_rules=False)
        checker.check(texts[0])  # first-check warm-up (word tables); the cold figure includes it
        times = []
        report = None
        for run in range(args.repeat):
            started = time.perf_counter()
            report = review_document(source, checker, output=folder / f"out{run}.docx",
                                     fixes=args.fixes)
            times.append(time.perf_counter() - started)
        assert report is not None
        print(f"in-process review: median {statistics.median(times):.2f} s over {args.repeat} "
              f"runs ({report.comments} comments, {report.fixes} tracked changes; target <= 5 s)")
        cold = []
        command = [sys.executable, "-c", "from app.cli import main; raise SystemExit(main())",
                   "review", str(source), "-o",
                   str(folder / "cli.docx"), "--no-user-rules", "--no-spelling"]
        if args.fixes:
            command.append("--fixes")
        for _ in range(max(1, args.repeat // 2)):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            cold.append(time.perf_counter() - started)
        print(f"cold `smartrec review` (start-up, rules, review, write): median "
              f"{statistics.median(cold):.2f} s over {len(cold)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
