"""Project file behaviour: every change is committed at once and survives close/reopen."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from app.core.models import RuleOverride
from app.storage import project as project_mod
from app.storage import schema as schema_mod
from app.storage.models import DeletedDraft, ProjectMeta
from app.storage.project import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    DraftNotFoundError,
    Project,
    ProjectError,
    ProjectSaveError,
)

META = ProjectMeta(
    state_under_review="Kenya", cycle="4", session="49", recommending_state="Norway", language="en"
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "kenya.smartrec"


@pytest.fixture
def project(path: Path):
    p = Project.create(path, META)
    yield p
    p.close()


def reopen(p: Project) -> Project:
    p.close()
    return Project.open(p.path)


def test_create_open_round_trip(path: Path) -> None:
    p = Project.create(path, META)
    assert p.path == path and not p.read_only and p.meta == META
    p.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()
    p = Project.open(path)
    assert p.meta == META
    assert p.drafts() == []
    assert p.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert p.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    p.close()
    assert not path.with_name(path.name + ".lock").exists()


def test_create_refuses_existing_file_unless_overwrite(path: Path) -> None:
    Project.create(path, META).close()
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path, META)
    p = Project.create(path, ProjectMeta(state_under_review="Chile"), overwrite=True)
    assert p.meta.state_under_review == "Chile"
    p.close()


def test_update_meta_persists(project: Project) -> None:
    new = META.model_copy(update={"cycle": "5", "session": "63"})
    project.update_meta(new)
    p = reopen(project)
    assert p.meta == new
    p.close()


def test_add_update_draft_persist(project: Project) -> None:
    a = project.add_draft(text="Ensure free and fair elections.", title="A", theme="Elections")
    b = project.add_draft(text="Second")
    c = project.add_draft(text="Between", after=a.id)
    assert [d.id for d in project.drafts()] == [a.id, c.id, b.id]
    assert [d.position for d in project.drafts()] == [0, 1, 2]
    updated = project.update_draft(
        a.id,
        text="Adopt the electoral code by 2027.",
        title="A2",
        theme="Elections",
        status="final",
        notes="checked",
        score=72,
    )
    assert updated.modified >= a.modified and updated.score == 72
    p = reopen(project)
    got = p.get_draft(a.id)
    assert (got.text, got.title, got.theme, got.status, got.notes, got.score) == (
        "Adopt the electoral code by 2027.",
        "A2",
        "Elections",
        "final",
        "checked",
        72,
    )
    assert got.created == a.created
    assert [d.text for d in p.drafts()] == [
        "Adopt the electoral code by 2027.",
        "Between",
        "Second",
    ]
    p.close()


def test_score_only_update_keeps_modified(project: Project) -> None:
    d = project.add_draft(text="x")
    assert project.update_draft(d.id, score=40).modified == d.modified
    assert project.update_draft(d.id, text="y").modified > d.modified


def test_update_rejects_bad_status_and_missing_draft(project: Project) -> None:
    d = project.add_draft(text="x")
    with pytest.raises(ValueError):
        project.update_draft(d.id, status="done")
    with pytest.raises(DraftNotFoundError):
        project.update_draft(9999, text="x")
    with pytest.raises(KeyError):
        project.get_draft(9999)


def test_reorder_persists(project: Project) -> None:
    ids = [project.add_draft(text=str(i)).id for i in range(5)]
    new_order = [ids[3], ids[0], ids[4], ids[2], ids[1]]
    project.reorder(new_order)
    p = reopen(project)
    assert [d.id for d in p.drafts()] == new_order
    assert [d.position for d in p.drafts()] == list(range(5))
    with pytest.raises(ValueError):
        p.reorder(new_order[:-1])
    with pytest.raises(ValueError):
        p.reorder([*new_order[:-1], new_order[0]])
    assert [d.id for d in p.drafts()] == new_order  # failed reorder changed nothing
    p.close()


def test_duplicate_draft(project: Project) -> None:
    a = project.add_draft(text="Ratify the Optional Protocol.", title="OP", theme="Torture")
    b = project.add_draft(text="other")
    project.update_draft(a.id, notes="n")
    project.ignore(a.id, "specific.vague-verb", "ensure")
    project.add_snapshot(a.id, "old text", 10)
    copy = project.duplicate_draft(a.id)
    assert [d.id for d in project.drafts()] == [a.id, copy.id, b.id]
    p = reopen(project)
    got = p.get_draft(copy.id)
    assert (got.text, got.title, got.theme, got.notes) == (
        "Ratify the Optional Protocol.",
        "OP (copy)",
        "Torture",
        "n",
    )
    assert p.ignored(copy.id) == {("specific.vague-verb", "ensure")}
    assert p.history(copy.id) == []
    p.close()


def test_delete_and_restore(project: Project) -> None:
    a = project.add_draft(text="a")
    b = project.add_draft(text="b", title="B", theme="T")
    c = project.add_draft(text="c")
    project.update_draft(b.id, notes="note", status="final", score=55)
    project.add_snapshot(b.id, "b0", 10)
    project.add_snapshot(b.id, "b1", 20)
    project.ignore(b.id, "rule.one", "ensure")
    before = project.get_draft(b.id)
    deleted = project.delete_draft(b.id)
    assert isinstance(deleted, DeletedDraft)
    assert [s.text for s in deleted.snapshots] == ["b0", "b1"]
    assert deleted.ignored == [("rule.one", "ensure")]
    p = reopen(project)
    assert [d.id for d in p.drafts()] == [a.id, c.id]
    assert [d.position for d in p.drafts()] == [0, 1]
    assert p.history(b.id) == [] and p.ignored(b.id) == set()
    # A draft added after the delete must not take the deleted id (undo needs it).
    d = p.add_draft(text="d")
    assert d.id != b.id
    restored = p.restore_draft(deleted)
    assert restored == before
    p = reopen(p)
    assert [x.id for x in p.drafts()] == [a.id, b.id, c.id, d.id]
    assert p.get_draft(b.id) == before
    assert [(s.text, s.score) for s in p.history(b.id)] == [("b0", 10), ("b1", 20)]
    assert p.ignored(b.id) == {("rule.one", "ensure")}
    with pytest.raises(ProjectError):
        p.restore_draft(deleted)
    p.close()


def test_snapshots_skip_duplicates_and_persist(project: Project) -> None:
    d = project.add_draft(text="v1")
    assert project.add_snapshot(d.id, "v1", 30) is not None
    assert project.add_snapshot(d.id, "v1", 31) is None
    assert project.add_snapshot(d.id, "v2", 50) is not None
    assert project.add_snapshot(d.id, "v1", 30) is not None  # back to an older text is new
    p = reopen(project)
    hist = p.history(d.id)
    assert [(s.text, s.score) for s in hist] == [("v1", 30), ("v2", 50), ("v1", 30)]
    assert all(s.draft_id == d.id for s in hist)
    assert hist[0].created <= hist[-1].created
    p.close()


def test_snapshot_history_is_bounded(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_mod, "MAX_SNAPSHOTS_PER_DRAFT", 3)
    d = project.add_draft(text="x")
    other = project.add_draft(text="y")
    project.add_snapshot(other.id, "keep me", None)
    for i in range(6):
        project.add_snapshot(d.id, f"v{i}", i)
    assert [s.text for s in project.history(d.id)] == ["v3", "v4", "v5"]
    assert [s.text for s in project.history(other.id)] == ["keep me"]


def test_ignores_persist(project: Project) -> None:
    d = project.add_draft(text="Ensure free elections; ensure fair ones.")
    project.ignore(d.id, "specific.vague-verb", "Ensure")
    project.ignore(d.id, "specific.vague-verb", "Ensure")  # idempotent
    project.ignore(d.id, "tone.x", "free")
    p = reopen(project)
    assert p.ignored(d.id) == {("specific.vague-verb", "Ensure"), ("tone.x", "free")}
    p.unignore(d.id, "tone.x", "free")
    p = reopen(p)
    assert p.ignored(d.id) == {("specific.vague-verb", "Ensure")}
    p.close()


def test_rule_overrides_persist(project: Project) -> None:
    project.set_rule_override(RuleOverride(rule_id="specific.vague-verb", enabled=False))
    project.set_rule_override(
        RuleOverride(rule_id="jargon.terms", severity="error", add_terms=["mainstream", "سلام"])
    )
    project.set_rule_override(RuleOverride(rule_id="specific.vague-verb", severity="suggestion"))
    p = reopen(project)
    assert p.rule_overrides() == [
        RuleOverride(rule_id="jargon.terms", severity="error", add_terms=["mainstream", "سلام"]),
        RuleOverride(rule_id="specific.vague-verb", severity="suggestion"),
    ]
    p.set_rule_override(RuleOverride(rule_id="jargon.terms"))  # all defaults = reset
    p = reopen(p)
    assert [o.rule_id for o in p.rule_overrides()] == ["specific.vague-verb"]
    p.remove_rule_override("specific.vague-verb")
    assert p.rule_overrides() == []
    p.close()


def test_large_text_round_trip(project: Project) -> None:
    big = ("Adopt the draft electoral code by 2027, with a ring-fenced budget. " * 40_000)[
        : 2 * 1024 * 1024
    ]
    d = project.add_draft(text=big)
    project.add_snapshot(d.id, big, 12)
    p = reopen(project)
    assert p.get_draft(d.id).text == big
    assert p.history(d.id)[0].text == big
    p.close()


def test_unicode_round_trip(project: Project) -> None:
    texts = {
        "ar": "اعتماد قانون انتخابي جديد قبل عام 2027 يضمن استقلال اللجنة الانتخابية.",
        "zh": "在2027年大选前修订《选举法》，保障选举委员会的独立预算。",
        "fr": "Adopter, d’ici à 2027, une loi électorale révisée sur l’égalité femmes–hommes.",
        "mix": "Zoë’s naïve café — São Tomé e Príncipe 🇸🇹 \u200f\u0000 nul",
    }
    ids = {k: project.add_draft(text=v, title=v[:10], theme=k).id for k, v in texts.items()}
    project.update_meta(META.model_copy(update={"state_under_review": "Côte d’Ivoire"}))
    project.ignore(ids["ar"], "rule", "قانون")
    p = reopen(project)
    for key, text in texts.items():
        got = p.get_draft(ids[key])
        assert got.text == text and got.title == text[:10]
    assert p.meta.state_under_review == "Côte d’Ivoire"
    assert p.ignored(ids["ar"]) == {("rule", "قانون")}
    p.close()


def test_save_copy_is_consistent_and_standalone(project: Project, tmp_path: Path) -> None:
    a = project.add_draft(text="one")
    project.add_snapshot(a.id, "one", 1)
    dest = tmp_path / "copy.smartrec"
    project.save_copy(dest)
    project.update_draft(a.id, text="changed after copy")
    assert not dest.with_name(dest.name + "-wal").exists()
    copy = Project.open(dest)
    assert [d.text for d in copy.drafts()] == ["one"]
    assert copy.meta == META and len(copy.history(a.id)) == 1
    copy.close()
    with pytest.raises(ProjectError):
        project.save_copy(project.path)
    project.save_copy(dest)  # overwrite an existing, closed copy
    copy = Project.open(dest)
    assert [d.text for d in copy.drafts()] == ["changed after copy"]
    copy.close()


def test_closed_project_raises(project: Project) -> None:
    project.close()
    project.close()  # idempotent
    with pytest.raises(ProjectError, match="closed"):
        project.drafts()


def test_transaction_rolls_back_on_error(project: Project) -> None:
    with pytest.raises(RuntimeError), project.transaction():
        project.add_draft(text="a")
        project.add_draft(text="b")
        raise RuntimeError("boom")
    assert project.drafts() == []


def _install_fake_evidence(monkeypatch: pytest.MonkeyPatch, calls: list[bool]) -> None:
    def ensure_schema(conn: sqlite3.Connection, project: bool = False) -> None:
        calls.append(project)
        assert conn.in_transaction  # runs inside our migration transaction
        conn.execute(
            "CREATE TABLE IF NOT EXISTS ev_items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS ev_links (id INTEGER PRIMARY KEY,"
            " draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,"
            " item_id INTEGER NOT NULL REFERENCES ev_items(id), note TEXT)"
        )
        # No ON DELETE CASCADE: delete_draft must remove these itself.
        conn.execute(
            "CREATE TABLE IF NOT EXISTS ev_link_quotes (link_id INTEGER NOT NULL"
            " REFERENCES ev_links(id), quote TEXT)"
        )

    # Tables of another module that point at drafts, standing in for the evidence module's.
    monkeypatch.setattr(schema_mod, "ensure_schema", ensure_schema)


def test_evidence_schema_hook_and_undo_of_related_rows(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    _install_fake_evidence(monkeypatch, calls)
    p = Project.create(path, META)
    p = reopen(p)
    assert calls and all(calls) and len(calls) >= 2  # on create and on every open
    a = p.add_draft(text="a")
    b = p.add_draft(text="b")
    with p.transaction() as conn:
        conn.execute("INSERT INTO ev_items (id, label) VALUES (1, 'OHCHR report')")
        conn.execute(
            "INSERT INTO ev_links (id, draft_id, item_id, note) VALUES (7, ?, 1, 'x')", (a.id,)
        )
        conn.execute(
            "INSERT INTO ev_links (id, draft_id, item_id, note) VALUES (8, ?, 1, 'y')", (b.id,)
        )
        conn.execute("INSERT INTO ev_link_quotes (link_id, quote) VALUES (7, 'para 12')")
    deleted = p.delete_draft(a.id)
    conn = p.connection
    assert conn.execute("SELECT id FROM ev_links").fetchall() == [(8,)]
    assert conn.execute("SELECT count(*) FROM ev_link_quotes").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM ev_items").fetchone()[0] == 1
    p.restore_draft(deleted)
    p = reopen(p)
    conn = p.connection
    assert conn.execute("SELECT id, draft_id, note FROM ev_links ORDER BY id").fetchall() == [
        (7, a.id, "x"),
        (8, b.id, "y"),
    ]
    assert conn.execute("SELECT link_id, quote FROM ev_link_quotes").fetchall() == [(7, "para 12")]
    p.close()


def test_a_further_migration_can_be_added(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = Project.create(path, META)
    d = p.add_draft(text="kept across the upgrade")
    p.close()

    n = schema_mod.SCHEMA_VERSION

    def migration_next(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE drafts ADD COLUMN colour TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(schema_mod, "MIGRATIONS", [*schema_mod.MIGRATIONS, migration_next])
    monkeypatch.setattr(schema_mod, "SCHEMA_VERSION", n + 1)
    p = Project.open(path)
    assert p.get_draft(d.id).text == "kept across the upgrade"
    assert p.connection.execute("PRAGMA user_version").fetchone()[0] == n + 1
    cols = [r[1] for r in p.connection.execute("PRAGMA table_info(drafts)")]
    assert "colour" in cols
    p.close()
    backup = path.with_name(path.name + f".schema{n}.bak")
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == n
    assert raw.execute("SELECT text FROM drafts").fetchall() == [("kept across the upgrade",)]
    raw.close()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows refuses to move an open file")
def test_moved_while_open_refuses_to_write_but_can_save_a_copy(
    project: Project, tmp_path: Path
) -> None:
    d = project.add_draft(text="before the move")
    moved = tmp_path / "moved-away.smartrec"
    project.path.rename(moved)
    with pytest.raises(ProjectSaveError, match="moved, renamed or deleted"):
        project.update_draft(d.id, text="lost?")
    rescue = tmp_path / "rescue.smartrec"
    project.save_copy(rescue)
    project.close()
    p = Project.open(rescue)
    assert [x.text for x in p.drafts()] == ["before the move"]
    p.close()


def test_restore_skips_related_rows_whose_target_is_gone(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_fake_evidence(monkeypatch, [])
    p = Project.create(path, META)
    a = p.add_draft(text="a")
    with p.transaction() as conn:
        conn.execute("INSERT INTO ev_items (id, label) VALUES (1, 'gone soon')")
        conn.execute("INSERT INTO ev_links (id, draft_id, item_id) VALUES (7, ?, 1)", (a.id,))
    deleted = p.delete_draft(a.id)
    with p.transaction() as conn:
        conn.execute("DELETE FROM ev_items")
    restored = p.restore_draft(deleted)
    assert restored.text == "a"
    assert p.connection.execute("SELECT count(*) FROM ev_links").fetchone()[0] == 0
    p.close()


def test_real_evidence_links_follow_delete_and_undo(path: Path) -> None:
    p = Project.create(path, META)
    a = p.add_draft(text="Adopt the electoral code by 2027.")
    with p.transaction() as conn:
        conn.execute(
            "INSERT INTO evidence_links (draft_id, evidence_id, kind, label, text)"
            " VALUES (?, 42, 'finding', 'EU EOM 2022, rec. 5', 'Ring-fence the budget')",
            (a.id,),
        )
    before = p.connection.execute("SELECT * FROM evidence_links").fetchall()
    deleted = p.delete_draft(a.id)
    assert p.connection.execute("SELECT count(*) FROM evidence_links").fetchone()[0] == 0
    p.restore_draft(deleted)
    p = reopen(p)
    assert p.connection.execute("SELECT * FROM evidence_links").fetchall() == before
    p.close()
