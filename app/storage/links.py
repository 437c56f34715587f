"""Draft↔evidence links: a table of the project file, owned here like the rest of its schema.

A link names the evidence by (library path, or NULL for the project's own store; evidence id)
and keeps a copy of its kind, label and text, so the scorecard and exports can still name the
evidence when the shared library is on another computer. Writes go through `Project`
(`link_evidence`, `unlink_evidence`); `read_links` also serves worker threads' read-only
connections.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

#: Created with the project (and on upgrade); the foreign key lets the project's delete/undo
#: carry links along with their draft.
LINK_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS evidence_links (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
        evidence_id INTEGER NOT NULL,
        library TEXT,
        kind TEXT NOT NULL DEFAULT 'other',
        label TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )""",
    """CREATE UNIQUE INDEX IF NOT EXISTS evidence_links_unique
        ON evidence_links(draft_id, evidence_id, ifnull(library, ''))""",
)


@dataclass(frozen=True)
class EvidenceLink:
    draft_id: int
    evidence_id: int
    library: str | None
    kind: str
    label: str
    text: str

    @property
    def key(self) -> tuple[str | None, int]:
        return (self.library, self.evidence_id)


def ensure_links_table(conn: sqlite3.Connection) -> None:
    for statement in LINK_STATEMENTS:
        conn.execute(statement)


def read_links(conn: sqlite3.Connection, draft_id: int) -> list[EvidenceLink]:
    """Links of one draft, oldest first (none in a read-only file made before links existed)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_links'"
    ).fetchone()
    if has_table is None:
        return []
    rows = conn.execute(
        "SELECT draft_id, evidence_id, library, kind, label, text FROM evidence_links "
        "WHERE draft_id = ? ORDER BY id",
        (draft_id,),
    ).fetchall()
    return [EvidenceLink(*row) for row in rows]


def insert_link(conn: sqlite3.Connection, link: EvidenceLink) -> None:
    """Add a link; a second link to the same evidence is ignored."""
    conn.execute(
        "INSERT OR IGNORE INTO evidence_links (draft_id, evidence_id, library, kind, label, "
        "text) VALUES (?, ?, ?, ?, ?, ?)",
        (link.draft_id, link.evidence_id, link.library, link.kind, link.label, link.text),
    )


def delete_link(conn: sqlite3.Connection, draft_id: int, evidence_id: int,
                library: str | None) -> None:
    conn.execute(
        "DELETE FROM evidence_links WHERE draft_id = ? AND evidence_id = ? "
        "AND ifnull(library, '') = ifnull(?, '')",
        (draft_id, evidence_id, library),
    )
