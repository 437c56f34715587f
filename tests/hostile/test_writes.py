"""Honest writes: no "Wrote ..." unless the whole file is on disk, and never a good file lost."""

from __future__ import annotations

import hashlib
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import DRAFT, build

from app.cli import main
from app.export import ExportError
from app.export.atomic import write_atomic
from app.storage.models import ProjectMeta
from app.storage.project import Project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("writes")
    build(root, ("project",))
    return root / "project" / "valid.smartrec"


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project in rollback-journal mode: a WAL reader needs a 32 KB -shm file, which the
    file-size cap below would refuse before the PDF is even written."""
    path = tmp_path_factory.mktemp("big") / "big.smartrec"
    project = Project.create(path, ProjectMeta(state_under_review="Freedonia"))
    with project.transaction():
        for n in range(40):
            project.add_draft(text=f"{DRAFT} Report on progress in {2020 + n % 8}, item {n}.")
    project.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def export(project: Path, out: Path, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def cap_file_size() -> None:  # what a nearly full disk looks like to the writer
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "app", "export", str(project), "--no-check", "-f", "pdf",
         "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=cap_file_size,
    )


def test_pdf_export_onto_a_full_disk_keeps_the_previous_pdf(
    big_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "list.pdf"
    first = export(big_project, out)
    assert first.returncode == 0, first.stderr
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    second = export(big_project, out, limit=out.stat().st_size // 2)
    assert second.returncode == 1
    assert "Wrote" not in second.stdout
    assert "could not be written completely" in second.stderr
    assert "the existing file was left unchanged" in second.stderr
    assert "Traceback" not in second.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.pdf"]  # no temp file left


def test_truncated_zip_is_not_reported_as_written(tmp_path: Path) -> None:
    target = tmp_path / "list.docx"
    target.write_bytes(b"previous version")

    def cut_short(tmp: Path) -> None:
        tmp.write_bytes(b"PK\x03\x04" + b"\0" * 100)

    with pytest.raises(ExportError, match="could not be written completely"):
        write_atomic(target, cut_short)
    assert target.read_bytes() == b"previous version"


def test_export_file_name_of_300_characters(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / ("x" * 300 + ".csv")
    code = main(["export", str(project), "--no-check", "-f", "csv", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "is too long (304 characters)" in err
    assert list(tmp_path.iterdir()) == []
