"""Evidence schema, libraries, project integration and links."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.evidence.library import (
    LIBRARY_APPLICATION_ID,
    LibraryError,
    attach_library,
    attached_libraries,
    open_library,
)
from app.evidence.links import link, unlink
from app.evidence.schema import EVIDENCE_SCHEMA_VERSION, EvidenceSchemaError, ensure_schema
from app.evidence.store import EvidenceItem, add_item, count_items, get_item
from app.storage.models import ProjectMeta
from app.storage.project import Project


def _item(text: str = "Observers found late funding of the electoral commission.",
          **kw: object) -> EvidenceItem:
    return EvidenceItem(kind=kw.pop("kind", "finding"), text=text, **kw)  # type: ignore[arg-type]


def test_ensure_schema_is_idempotent_and_does_not_commit() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    ensure_schema(conn, project=False)
    ensure_schema(conn, project=False)
    assert conn.in_transaction  # still the caller's transaction
    conn.execute("ROLLBACK")
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'evidence'")
    assert tables.fetchone()[0] == 0


def test_newer_evidence_schema_is_refused() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    conn.execute("UPDATE evidence_meta SET value = ? WHERE key = 'schema_version'",
                 (str(EVIDENCE_SCHEMA_VERSION + 1),))
    with pytest.raises(EvidenceSchemaError, match="newer"):
        ensure_schema(conn, project=False)


def test_fts_index_follows_inserts_updates_and_deletes() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    item_id = add_item(conn, _item())
    match = "SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH ?"
    assert conn.execute(match, ('"funding"',)).fetchall() == [(item_id,)]
    conn.execute("UPDATE evidence SET text = 'Ballot papers arrived late.' WHERE id = ?",
                 (item_id,))
    assert conn.execute(match, ('"funding"',)).fetchall() == []
    assert conn.execute(match, ('"ballot"',)).fetchall() == [(item_id,)]
    conn.execute("DELETE FROM evidence WHERE id = ?", (item_id,))
    assert conn.execute(match, ('"ballot"',)).fetchall() == []
    conn.execute("INSERT INTO evidence_fts(evidence_fts) VALUES ('integrity-check')")


def test_diacritics_and_stems_match() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    add_item(conn, _item("Les élections régionales ont été reportées."))
    rows = conn.execute("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH ?",
                        ('"election"',)).fetchall()
    assert len(rows) == 1


def test_library_create_reopen_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "shared.smartlib"
    conn = open_library(path, create=True)
    add_item(conn, _item())
    conn.close()
    conn = open_library(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == LIBRARY_APPLICATION_ID
    assert count_items(conn) == 1
    conn.close()

    with pytest.raises(LibraryError, match="does not exist"):
        open_library(tmp_path / "missing.smartlib")
    text = tmp_path / "notes.smartlib"
    text.write_text("hello")
    with pytest.raises(LibraryError, match="not an SQLite"):
        open_library(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(LibraryError, match="not an evidence library"):
        open_library(other)
    newer = tmp_path / "newer.smartlib"
    c = open_library(newer, create=True)
    c.execute(f"PRAGMA user_version = {EVIDENCE_SCHEMA_VERSION + 5}")
    c.close()
    with pytest.raises(LibraryError, match="newer SMARTrec"):
        open_library(newer)


def test_project_file_is_not_taken_for_a_library(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta(state_under_review="Kenya"))
    project.close()
    with pytest.raises(LibraryError, match="is a SMARTrec project"):
        open_library(tmp_path / "p.smartrec")


def test_links_persist_and_follow_draft_delete_and_undo(tmp_path: Path) -> None:
    path = tmp_path / "p.smartrec"
    project = Project.create(path, ProjectMeta(state_under_review="Kenya"))
    draft = project.add_draft(text="Publish results forms.")
    with project.transaction() as conn:
        item_id = add_item(conn, _item())
    item = get_item(project.connection, item_id)
    assert item is not None
    link(project, draft.id, item)
    link(project, draft.id, item)  # twice: still one link
    assert [lk.evidence_id for lk in project.evidence_links(draft.id)] == [item_id]
    project.close()

    project = Project.open(path)
    found = project.evidence_links(draft.id)
    assert len(found) == 1 and found[0].kind == "finding" and "Observers" in found[0].label
    deleted = project.delete_draft(draft.id)
    assert project.evidence_links(draft.id) == []
    project.restore_draft(deleted)
    assert len(project.evidence_links(draft.id)) == 1
    unlink(project, draft.id, item_id)
    assert project.evidence_links(draft.id) == []
    project.close()


def test_library_links_are_told_apart_from_project_items(tmp_path: Path) -> None:
    lib = tmp_path / "lib.smartlib"
    lconn = open_library(lib, create=True)
    lib_id = add_item(lconn, _item("Library item about voter registration."))
    lib_item = get_item(lconn, lib_id)
    lconn.close()
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta(state_under_review="Kenya"))
    with project.transaction() as conn:
        attach_library(conn, lib)
        own_id = add_item(conn, _item("Project item about voter registration."))
    assert attached_libraries(project.connection) == [str(lib.resolve())]
    draft = project.add_draft(text="x")
    own = get_item(project.connection, own_id)
    assert lib_item is not None and own is not None
    link(project, draft.id, lib_item, str(lib.resolve()))
    link(project, draft.id, own)
    assert len(project.evidence_links(draft.id)) == 2
    unlink(project, draft.id, lib_id, str(lib.resolve()))
    found = project.evidence_links(draft.id)
    assert [(lk.library, lk.evidence_id) for lk in found] == [(None, own_id)]
    project.close()


def test_attaching_something_that_is_not_a_library_fails(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta())
    bogus = tmp_path / "x.smartlib"
    bogus.write_bytes(b"nope")
    with pytest.raises(LibraryError), project.transaction() as conn:
        attach_library(conn, bogus)
    assert attached_libraries(project.connection) == []
    project.close()


def test_invalid_items_are_refused() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(conn, project=False)
    with pytest.raises(ValueError, match="empty text"):
        add_item(conn, _item("  "))
    with pytest.raises(ValueError, match="follow-up"):
        add_item(conn, _item(follow_up="done"))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO evidence (kind, text) VALUES ('rumour', 'x')")
