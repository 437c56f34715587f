"""The class report opens in LibreOffice Writer (converted headless to PDF and read back)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from workshop_room import EXERCISE_ID, NAMES, write_room

from app.core.engine import load_checker
from app.paths import exercises_dir
from app.workshop.analysis import analyse
from app.workshop.exercise import load_exercises
from app.workshop.folder import scan_folder
from app.workshop.report import write_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def test_report_opens_in_libreoffice(tmp_path: Path) -> None:
    assert SOFFICE is not None
    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    folder, work = tmp_path / "handins", tmp_path / "work"
    folder.mkdir()
    work.mkdir()
    write_room(folder, work, exercise)
    scan = scan_folder(folder, EXERCISE_ID, {EXERCISE_ID})
    room = analyse(exercise, scan.submissions, load_checker(user_rules=False))
    report = write_report(room, tmp_path / "report.docx")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(report)],
        capture_output=True, timeout=240, check=False,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60, check=True).stdout
        assert "9 of 12 drafts have no deadline" in " ".join(text.split())
        assert not [name for name in NAMES if name in text]
