"""Open our Word exports in LibreOffice (headless) and convert them to PDF: a second reader.

    python tools/docx_to_pdf_check.py [--install] [--png] [--out DIR] [FILE.docx ...]

Without files it writes the sample recommendation list, fact sheet and quality annex first. For
each PDF it prints the page count and checks that the recommendations and footnote texts made it
through (needs `pdftotext`/`pdfinfo` from poppler-utils for those checks). `--install` apt-installs
libreoffice-writer-nogui and poppler-utils (Debian/Ubuntu, as root). Not part of CI: LibreOffice is
~300 MB and the conversion takes seconds per file.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the made-up export model


def install() -> None:
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "libreoffice-writer-nogui", "poppler-utils"],
                   check=True)


def make_samples(folder: Path) -> list[Path]:
    from doubles.export_sample import sample_export_project

    from app.export import export_document

    project = sample_export_project()
    out = []
    for document in ("list", "factsheet", "annex"):
        path = folder / f"sample-{document}.docx"
        export_document(project, "docx", document, path)
        out.append(path)
    return out


def convert(soffice: str, docx: Path, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
             "pdf", "--outdir", str(outdir), str(docx)],
            check=True, capture_output=True, timeout=300,
        )
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice wrote no PDF for {docx}")
    return pdf


def pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if match:
            return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def pdf_text(pdf: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert .docx exports with LibreOffice.")
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--install", action="store_true", help="apt-get install LibreOffice")
    parser.add_argument("--png", action="store_true", help="also render page PNGs (pdftoppm)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "docx-check")
    args = parser.parse_args(argv)
    if args.install:
        install()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice is not installed; run with --install (needs apt and root)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    files = args.files or make_samples(args.out)
    failures = 0
    for docx in files:
        started = time.perf_counter()
        try:
            pdf = convert(soffice, docx, args.out)
        except (subprocess.SubprocessError, RuntimeError) as exc:
            print(f"FAIL {docx.name}: {exc}")
            failures += 1
            continue
        seconds = time.perf_counter() - started
        count = pages(pdf)
        problems = []
        text = pdf_text(pdf)
        if text is not None and docx.name.startswith("sample-"):
            from doubles.export_sample import FINDING, PRECEDENT

            # join words split across lines ("Pre-\ntrial") before searching
            flat = re.sub(r"-\s+", "-", " ".join(text.split()))
            expected = ["Freedonia", "Reduce pre-trial detention"]
            if "annex" not in docx.name:
                expected += [PRECEDENT.label, "Pre-trial detainees were held"]
            if "list" in docx.name:
                expected += [FINDING.label, "农村地区女童入学率仍然较低"]
            problems = [e for e in expected if e not in flat]
            if "factsheet" in docx.name and count > 2:
                problems.append(f"fact sheet has {count} pages (limit 2)")
        if args.png and shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))],
                           check=False)
        status = "ok  " if not problems else "FAIL"
        failures += bool(problems)
        print(f"{status} {docx.name} -> {pdf.name}: {count} page(s), {seconds:.1f} s"
              + (f"; missing: {problems}" if problems else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
