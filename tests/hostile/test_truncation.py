"""A project or library file cut short (one byte, a page, half) is refused unchanged.

The evidence for refusing rather than opening: SQLite reads the missing tail of the last page as
zeros, and both `quick_check` and `integrity_check` answer "ok" for a file cut by one byte,
while the last row written has silently lost its last character. So the size is checked
against the page count in the header before SQLite is asked anything.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.evidence.library import LibraryError, open_library
from app.storage.errors import ProjectError
from app.storage.models import ProjectMeta
from app.storage.project import Project

PAGE = 4096
CUTS = {"one byte": 1, "a hundred bytes": 100, "a page": PAGE, "half": None}


def _valid_project(folder: Path) -> Path:
    path = folder / "valid.smartrec"
    project = Project.create(path, ProjectMeta(state_under_review="Freedonia"))
    for n in range(40):
        project.add_draft(text=f"Ratify protocol {n} by 2030. " + "Publish it. " * 20,
                          title=f"Draft {n}", theme="Treaties")
    project.close()
    return path


def _cut(source: Path, folder: Path, cut: int | None) -> Path:
    data = source.read_bytes()
    target = folder / f"cut-{cut}{source.suffix}"
    target.write_bytes(data[: len(data) // 2] if cut is None else data[:-cut])
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT * FROM drafts ORDER BY id").fetchall()
    finally:
        conn.close()


def test_sqlite_alone_does_not_notice_a_file_cut_by_one_byte(tmp_path: Path) -> None:
    """Why the size check exists: SQLite's own checks pass while a stored value changed."""
    valid = _valid_project(tmp_path)
    cut = _cut(valid, tmp_path, 1)
    conn = sqlite3.connect(f"file:{cut}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    assert _rows(cut) != _rows(valid)  # one value lost its last byte, silently


@pytest.mark.parametrize("how", list(CUTS))
@pytest.mark.parametrize("read_only", [False, True])
def test_a_cut_project_is_refused_unchanged(tmp_path: Path, how: str, read_only: bool) -> None:
    cut = _cut(_valid_project(tmp_path), tmp_path, CUTS[how])
    before = _digest(cut)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ProjectError, match="is cut short") as refused:
        Project.open(cut, read_only=read_only)
    assert "\n" not in str(refused.value)
    assert "left untouched" in str(refused.value)
    assert _digest(cut) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # no -wal, -shm, lock


@pytest.mark.parametrize("how", list(CUTS))
def test_the_cli_names_a_cut_project_in_one_line(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = _cut(_valid_project(tmp_path), tmp_path, CUTS[how])
    before = _digest(cut)
    code = main(["export", str(cut), "--no-check", "-f", "csv", "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and cut.name in err and "cut short" in err, err
    assert _digest(cut) == before
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("how", list(CUTS))
def test_a_cut_library_is_refused_unchanged(tmp_path: Path, how: str) -> None:
    from app.evidence.importers import import_file

    library = tmp_path / "valid.smartlib"
    rows = "".join(f'"The State should adopt law {n} by 2030.",Freedonia,2020\n'
                   for n in range(300))
    source = tmp_path / "items.csv"
    source.write_text("Text,Country,Year\n" + rows, encoding="utf-8")
    conn = open_library(library, create=True)
    import_file(conn, source)
    conn.close()
    cut = _cut(library, tmp_path, CUTS[how])
    before = _digest(cut)
    with pytest.raises(LibraryError, match="cut short"):
        open_library(cut, create=True)
    assert _digest(cut) == before


def test_a_project_with_a_pending_write_ahead_log_still_opens(tmp_path: Path) -> None:
    """A copy taken while the app was running (file + -wal) is not 'cut short': its newest
    pages live in the log, and everything in it is there after opening."""
    valid = _valid_project(tmp_path)
    project = Project.open(valid)
    added = project.add_draft(text="Publish the budget by 2028.", title="Late", theme="")
    copy = tmp_path / "copy"
    copy.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{valid}{suffix}", copy / f"valid.smartrec{suffix}")
    project.close()
    assert (copy / "valid.smartrec-wal").stat().st_size > 0
    reopened = Project.open(copy / "valid.smartrec", read_only=True)
    try:
        assert reopened.get_draft(added.id).text == "Publish the budget by 2028."
        assert len(reopened.drafts()) == 41
    finally:
        reopened.close()
