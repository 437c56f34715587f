"""The project file's schema: its migrations, the tables and columns they create, and reading
rows back as models. Append-only: a migration, once released, is never edited."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.evidence.schema import EVIDENCE_SCHEMA_VERSION, ensure_schema
from app.evidence.schema import schema_version as evidence_schema_version
from app.storage.links import ensure_links_table
from app.storage.models import Draft, Snapshot

#: Written to the SQLite header (offset 68); "SMRC" in ASCII. Never change it.
APPLICATION_ID = 0x534D5243
OUR_TABLES = frozenset(
    {"meta", "drafts", "snapshots", "ignored_findings", "rule_overrides", "words"}
)
def migration_1(conn: sqlite3.Connection) -> None:
    """Initial schema."""
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    # AUTOINCREMENT so that ids are never reused: undo of a delete restores the same id safely.
    conn.execute(
        """CREATE TABLE drafts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            theme TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
            notes TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            modified TEXT NOT NULL,
            score INTEGER
        )"""
    )
    conn.execute("CREATE INDEX drafts_position ON drafts(position)")
    conn.execute(
        """CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            score INTEGER,
            created TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX snapshots_draft ON snapshots(draft_id, id)")
    conn.execute(
        """CREATE TABLE ignored_findings (
            draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            rule_id TEXT NOT NULL,
            matched TEXT NOT NULL,
            PRIMARY KEY (draft_id, rule_id, matched)
        )"""
    )
    conn.execute(
        """CREATE TABLE rule_overrides (
            rule_id TEXT PRIMARY KEY,
            data TEXT NOT NULL
        )"""
    )


def migration_2(conn: sqlite3.Connection) -> None:
    """Project dictionary: words the spelling check accepts in this project only."""
    conn.execute(
        """CREATE TABLE words (
            word TEXT PRIMARY KEY,
            added TEXT NOT NULL
        )"""
    )


#: MIGRATIONS[i] brings a file from schema version i to i + 1. Append only; never edit old ones.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [migration_1, migration_2]
SCHEMA_VERSION = len(MIGRATIONS)


def infer_version(conn: sqlite3.Connection) -> int:
    """Schema version of a file whose user_version was lost (0) although our tables exist.

    That happens after recovery with the sqlite3 shell's `.dump`, which does not carry the
    header pragmas. When adding migration N, teach this function to recognise schema N.
    """
    tables = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if "drafts" not in tables:
        return 0
    return 2 if "words" in tables else 1


def ensure_evidence_schema(conn: sqlite3.Connection) -> None:
    """The evidence module's tables (the project's own evidence store) and our links table,
    created or upgraded inside our migration transaction."""
    ensure_schema(conn, project=True)
    ensure_links_table(conn)


def evidence_too_new(conn: sqlite3.Connection) -> str | None:
    """The evidence module's own version check, read-only, so a project whose evidence tables
    are newer is refused before anything is written."""
    version = evidence_schema_version(conn)
    if version > EVIDENCE_SCHEMA_VERSION:
        return (f"evidence schema {version}; this version understands up to "
                f"{EVIDENCE_SCHEMA_VERSION}")
    return None


DRAFT_COLUMNS = "id, title, text, theme, position, status, notes, created, modified, score"


def timestamp(value: datetime) -> str:
    """How a time is stored: ISO 8601 to the microsecond, read back by `fromisoformat`."""
    return value.isoformat(timespec="microseconds")


def draft_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Draft:
    return Draft(
        id=row[0],
        title=row[1],
        text=row[2],
        theme=row[3],
        position=row[4],
        status=row[5],
        notes=row[6],
        created=datetime.fromisoformat(row[7]),
        modified=datetime.fromisoformat(row[8]),
        score=row[9],
    )


def snapshot_from_row(row: tuple[Any, ...]) -> Snapshot:
    return Snapshot(
        id=row[0],
        draft_id=row[1],
        text=row[2],
        score=row[3],
        created=datetime.fromisoformat(row[4]),
    )


