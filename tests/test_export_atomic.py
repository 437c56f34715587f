"""Bad destinations: full disk, read-only folder, a file open in Word, a missing folder.

Every failure gives a plain message, leaves no partial or temporary file and keeps the old file.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest
from doubles.export_sample import sample_export_project

from app.export import FORMATS, export_document
from app.export import atomic as atomic_mod
from app.export.atomic import write_atomic
from app.export.model import ExportError

TEXT_FORMATS = [f for f in FORMATS if f != "pdf"]  # PDF needs Qt: covered in the GUI tests


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_replaces_the_old_file_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    export_document(sample_export_project(), "md", "list", target)
    assert target.read_text(encoding="utf-8").startswith("# Recommendations to Freedonia")
    assert _only(tmp_path) == ["out.md"]


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_full_disk_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"previous version")
    real_replace = os.replace

    def full(src: str, dst: str) -> None:  # the disk fills up while the file is finished
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_mod.os, "replace", full)
    with pytest.raises(ExportError, match="Not enough disk space"):
        export_document(sample_export_project(), fmt, "list", target)
    monkeypatch.setattr(atomic_mod.os, "replace", real_replace)
    assert target.read_bytes() == b"previous version"
    assert _only(tmp_path) == [target.name]


def test_full_disk_while_writing(tmp_path: Path) -> None:
    def produce(tmp: Path) -> None:
        tmp.write_bytes(b"half a docu")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportError, match="no file was written"):
        write_atomic(tmp_path / "x.docx", produce)
    assert _only(tmp_path) == []


def test_file_open_in_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows, replacing a .docx that Word holds open raises PermissionError."""
    target = tmp_path / "list.docx"
    target.write_bytes(b"the version Word has open")

    def locked(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(atomic_mod.os, "replace", locked)
    with pytest.raises(ExportError, match="open in Word") as info:
        export_document(sample_export_project(), "docx", "list", target)
    assert "left unchanged" in str(info.value)
    assert target.read_bytes() == b"the version Word has open"
    assert _only(tmp_path) == ["list.docx"]


def test_read_only_folder_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic_mod.tempfile, "mkstemp", denied)
    with pytest.raises(ExportError, match="read-only"):
        export_document(sample_export_project(), "csv", "list", tmp_path / "x.csv")
    assert _only(tmp_path) == []


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root ignores folder permissions"
)
def test_really_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="read-only"):
            export_document(sample_export_project(), "docx", "list", folder / "x.docx")
        assert _only(folder) == []
    finally:
        folder.chmod(0o755)


def test_missing_folder_and_folder_as_target(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_document(sample_export_project(), "md", "list", tmp_path / "nope" / "x.md")
    with pytest.raises(ExportError, match="is a folder"):
        export_document(sample_export_project(), "md", "list", tmp_path)


def test_crash_inside_the_writer_removes_the_temp_file(tmp_path: Path) -> None:
    def produce(tmp: Path) -> None:
        tmp.write_bytes(b"partial")
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "x.docx", produce)
    assert _only(tmp_path) == []


def test_new_file_gets_normal_permissions(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX modes")
    target = tmp_path / "x.json"
    export_document(sample_export_project(), "json", "list", target)
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask, "not mkstemp's private 0600"
