"""Before/after pictures of a reviewed page for docs/word-review.md, rendered by LibreOffice.

Usage: python tools/review_screenshots.py [OUT_DIR]   (default docs/images)
Needs soffice (apt: libreoffice-writer-nogui) and pdftoppm (apt: poppler-utils). Builds the
sample delegation document, reviews it with --fixes, converts both files to PDF and saves the top
of page 1 of each as PNG, plus the reviewed list with the comments exported as PDF annotations
(LibreOffice 7.4 cannot print comments in the margin headless, so their markers show instead).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.cli import main as smartrec
from app.review.sample import build_sample_document

PDF_WITH_COMMENTS = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'


def render(docx_file: Path, png: Path, folder: Path, *, notes: bool = False,
           area: tuple[int, int, int, int] = (0, 0, 910, 800)) -> None:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        raise SystemExit("needs soffice and pdftoppm (apt: libreoffice-writer-nogui poppler-utils)")
    fmt = PDF_WITH_COMMENTS if notes else "pdf"
    profile = f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}"
    subprocess.run([soffice, profile, "--headless", "--convert-to", fmt, "--outdir",
                    str(folder), str(docx_file)], check=True, capture_output=True, timeout=300)
    pdf = folder / f"{docx_file.stem}.pdf"
    x, y, width, height = area  # pixels of page 1 at 110 dpi
    subprocess.run([pdftoppm, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                    "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), str(pdf),
                    str(png.with_suffix(""))], check=True, capture_output=True, timeout=120)


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = build_sample_document(folder / "Freedonia drafts.docx")
        reviewed = folder / "Freedonia drafts (SMARTrec review).docx"
        code = smartrec(["review", str(source), "--fixes", "--no-user-rules", "--no-spelling"])
        if code:
            return code
        render(source, out_dir / "word-review-before.png", folder)
        render(reviewed, out_dir / "word-review-after.png", folder)
        render(reviewed, out_dir / "word-review-comments.png", folder, notes=True,
               area=(100, 300, 760, 280))
    print(f"wrote word-review-before.png, word-review-after.png, word-review-comments.png "
          f"in {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
