"""The project dictionary (schema 2): words accepted by the spelling check in one project."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.storage import schema as schema_mod
from app.storage.models import ProjectMeta
from app.storage.project import SCHEMA_VERSION, Project

META = ProjectMeta(state_under_review="Kenya", cycle="4")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "kenya.smartrec"


def _make_v1(path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """A project file as schema 1 wrote it (before the words table existed)."""
    with monkeypatch.context() as m:
        m.setattr(schema_mod, "MIGRATIONS", schema_mod.MIGRATIONS[:1])
        m.setattr(schema_mod, "SCHEMA_VERSION", 1)
        p = Project.create(path, META)
        draft = p.add_draft(text="Adopt the Wanjiku law by 2027.")
        p.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'words'").fetchone()
    raw.close()
    return draft.id


def test_schema_two_has_words(path: Path) -> None:
    assert SCHEMA_VERSION >= 2
    p = Project.create(path, META)
    assert p.words() == set()
    p.close()


def test_add_remove_and_persist(path: Path) -> None:
    p = Project.create(path, META)
    assert p.add_word("Wanjiku")
    assert not p.add_word("Wanjiku")  # already there
    assert not p.add_word("   ")
    assert p.add_word(" IEBC-Kisumu ")
    assert p.words() == {"Wanjiku", "IEBC-Kisumu"}
    p.close()
    p = Project.open(path)
    assert p.words() == {"Wanjiku", "IEBC-Kisumu"}
    assert p.remove_word("Wanjiku")
    assert not p.remove_word("Wanjiku")
    p.close()
    p = Project.open(path)
    assert p.words() == {"IEBC-Kisumu"}
    p.close()


def test_v1_file_is_migrated_with_backup(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draft_id = _make_v1(path, monkeypatch)
    p = Project.open(path)
    assert p.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert p.get_draft(draft_id).text == "Adopt the Wanjiku law by 2027."
    assert p.words() == set()
    p.add_word("Wanjiku")
    p.close()
    p = Project.open(path)
    assert p.words() == {"Wanjiku"}
    p.close()
    backup = path.with_name(path.name + ".schema1.bak")
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()


def test_dump_of_schema_two_is_recognised(path: Path, tmp_path: Path) -> None:
    p = Project.create(path, META)
    p.add_word("Wanjiku")
    p.close()
    src = sqlite3.connect(path)
    script = "\n".join(src.iterdump())
    src.close()
    rebuilt = tmp_path / "rebuilt.smartrec"
    dst = sqlite3.connect(rebuilt)
    dst.executescript(script)
    dst.close()
    p = Project.open(rebuilt)  # user_version lost: inferred as 2, no migration re-run
    assert p.words() == {"Wanjiku"}
    p.close()


def test_read_only_v1_file_has_no_words(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opened read-only, a schema-1 file is not migrated: it simply has no project words."""
    _make_v1(path, monkeypatch)
    p = Project.open(path, read_only=True)
    assert p.read_only
    assert p.words() == set()
    p.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()
