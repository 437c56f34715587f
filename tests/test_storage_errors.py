"""Files SMARTrec must refuse, with a clear message, without changing a single byte."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.evidence.schema import EVIDENCE_SCHEMA_VERSION
from app.storage.models import ProjectMeta
from app.storage.project import SCHEMA_VERSION, Project, ProjectError, ProjectReadOnlyError


def _snapshot_dir(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _assert_refused(path: Path, match: str) -> ProjectError:
    before = _snapshot_dir(path.parent)
    with pytest.raises(ProjectError, match=match) as info:
        Project.open(path)
    assert _snapshot_dir(path.parent) == before  # same files, same bytes, no lock left behind
    return info.value


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def _make_project(path: Path, drafts: int = 0) -> None:
    p = Project.create(path, ProjectMeta(state_under_review="Kenya", cycle="4"))
    for i in range(drafts):
        p.add_draft(text=f"Draft {i}: " + "Adopt the electoral code by 2027. " * 60)
    p.close()


def test_missing_file(folder: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(folder / "nope.smartrec")
    assert list(folder.iterdir()) == []


def test_folder_is_refused(folder: Path) -> None:
    (folder / "dir.smartrec").mkdir()
    with pytest.raises(ProjectError, match="folder"):
        Project.open(folder / "dir.smartrec")


def test_text_file_is_not_sqlite(folder: Path) -> None:
    path = folder / "notes.smartrec"
    path.write_text("Ensure free and fair elections.\n" * 50, encoding="utf-8")
    err = _assert_refused(path, "not an SQLite database")
    assert "not a SMARTrec project" in str(err)


def test_empty_file(folder: Path) -> None:
    path = folder / "empty.smartrec"
    path.write_bytes(b"")
    _assert_refused(path, "empty")


def test_sqlite_magic_with_garbage(folder: Path) -> None:
    path = folder / "fake.smartrec"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096 * 3))
    _assert_refused(path, "not a SMARTrec project|damaged")


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_foreign_sqlite_with_application_id(folder: Path, journal: str) -> None:
    path = folder / "other.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA journal_mode = {journal}")
    raw.execute("PRAGMA application_id = 1234")
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    raw.execute("INSERT INTO invoices (total) VALUES (9.5)")
    raw.commit()
    raw.close()
    _assert_refused(path, "another application")


def test_foreign_sqlite_without_application_id(folder: Path) -> None:
    path = folder / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE drafts_of_something_else (x)")
    raw.commit()
    raw.close()
    _assert_refused(path, "SQLite database but not a SMARTrec project")


def test_newer_schema_is_refused_untouched(folder: Path) -> None:
    path = folder / "future.smartrec"
    _make_project(path, drafts=3)
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.commit()
    raw.close()
    err = _assert_refused(path, "newer SMARTrec")
    assert f"schema {SCHEMA_VERSION + 5}" in str(err)
    assert f"up to {SCHEMA_VERSION}" in str(err)
    assert "left untouched" in str(err)


def test_truncated_file_is_refused_untouched(folder: Path) -> None:
    path = folder / "cut.smartrec"
    _make_project(path, drafts=60)
    data = path.read_bytes()
    assert len(data) > 40_000
    path.write_bytes(data[: len(data) // 2])
    _assert_refused(path, "damaged")


def test_overwritten_pages_are_refused_untouched(folder: Path) -> None:
    path = folder / "bad.smartrec"
    _make_project(path, drafts=60)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for n in (2, 4):  # clobber whole b-tree pages (not page 1, whose header we check first)
        data[n * page : (n + 1) * page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    _assert_refused(path, "damaged")


@pytest.fixture
def read_only_project(folder: Path) -> Iterator[Path]:
    path = folder / "ro.smartrec"
    p = Project.create(path, ProjectMeta(state_under_review="Kenya"))
    p.add_draft(text="Publish polling-station results within 48 hours.")
    p.close()
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    yield path
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_read_only_file_opens_read_only(read_only_project: Path) -> None:
    before = _snapshot_dir(read_only_project.parent)
    p = Project.open(read_only_project)
    assert p.read_only
    assert [d.text for d in p.drafts()] == ["Publish polling-station results within 48 hours."]
    assert p.meta.state_under_review == "Kenya"
    draft_id = p.drafts()[0].id
    for change in (
        lambda: p.update_draft(draft_id, text="changed"),
        lambda: p.add_draft(text="new"),
        lambda: p.delete_draft(draft_id),
        lambda: p.ignore(draft_id, "r", "m"),
        lambda: p.add_snapshot(draft_id, "x", 1),
        lambda: p.update_meta(ProjectMeta()),
        lambda: p.reorder([draft_id]),
    ):
        with pytest.raises(ProjectReadOnlyError, match="read-only"):
            change()
    with pytest.raises(sqlite3.Error):  # even the raw connection refuses writes
        p.connection.execute("DELETE FROM drafts")
    p.close()
    assert _snapshot_dir(read_only_project.parent) == before  # no bytes, side files or lock


def test_read_only_on_request(folder: Path) -> None:
    path = folder / "x.smartrec"
    _make_project(path, drafts=1)
    writer = Project.open(path)
    viewer = Project.open(path, read_only=True)  # allowed while another window writes
    assert viewer.read_only and len(viewer.drafts()) == 1
    writer.add_draft(text="seen by the viewer")
    assert len(viewer.drafts()) == 2
    viewer.close()
    writer.close()


def test_project_rebuilt_from_a_dump_opens(folder: Path) -> None:
    """The README's recovery recipe: `.dump` loses user_version and application_id."""
    path = folder / "orig.smartrec"
    _make_project(path, drafts=3)
    src = sqlite3.connect(path)
    script = "\n".join(src.iterdump())
    src.close()
    rebuilt = folder / "rebuilt.smartrec"
    dst = sqlite3.connect(rebuilt)
    dst.executescript(script)
    dst.close()
    raw = sqlite3.connect(rebuilt)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
    raw.close()
    p = Project.open(rebuilt)
    assert len(p.drafts()) == 3 and p.meta.state_under_review == "Kenya"
    p.add_draft(text="new after recovery")
    p.close()
    raw = sqlite3.connect(rebuilt)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


def test_newer_evidence_tables_are_refused_untouched(folder: Path) -> None:
    path = folder / "evidence-future.smartrec"
    _make_project(path, drafts=1)
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT OR REPLACE INTO evidence_meta (key, value) VALUES ('schema_version', ?)",
        (str(EVIDENCE_SCHEMA_VERSION + 1),),
    )
    raw.commit()
    raw.close()
    _assert_refused(path, "newer SMARTrec")
