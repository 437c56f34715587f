"""Draft↔evidence links inside a project file.

A link names the evidence by (library path or NULL for the project's own store, evidence id) and
keeps a copy of its kind, label and text, so the scorecard can still name the evidence when the
shared library is on another computer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.evidence.store import EvidenceItem


@dataclass(frozen=True)
class Link:
    draft_id: int
    evidence_id: int
    library: str | None
    kind: str
    label: str
    text: str

    @property
    def key(self) -> tuple[str | None, int]:
        return (self.library, self.evidence_id)


def _conn(target: Any) -> sqlite3.Connection:
    return target.connection if hasattr(target, "connection") else target


def _has_links(conn: sqlite3.Connection) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_links'"
    ).fetchone() is not None


def links(target: Any, draft_id: int) -> list[Link]:
    """Links of one draft, oldest first. `target` is a Project or its connection."""
    conn = _conn(target)
    if not _has_links(conn):
        return []
    rows = conn.execute(
        "SELECT draft_id, evidence_id, library, kind, label, text FROM evidence_links "
        "WHERE draft_id = ? ORDER BY id",
        (draft_id,),
    ).fetchall()
    return [Link(*row) for row in rows]


def link(target: Any, draft_id: int, item: EvidenceItem, library: str | None = None) -> None:
    """Link `item` to the draft (no-op when already linked); commits at once."""
    if item.id is None:
        raise ValueError("Only stored evidence can be linked.")
    sql = (
        "INSERT OR IGNORE INTO evidence_links (draft_id, evidence_id, library, kind, label, text) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    args = (draft_id, item.id, library, item.kind, item.label(), item.text)
    _write(target, sql, args)


def unlink(target: Any, draft_id: int, evidence_id: int, library: str | None = None) -> None:
    _write(
        target,
        "DELETE FROM evidence_links WHERE draft_id = ? AND evidence_id = ? "
        "AND ifnull(library, '') = ifnull(?, '')",
        (draft_id, evidence_id, library),
    )


def _write(target: Any, sql: str, args: tuple[Any, ...]) -> None:
    if hasattr(target, "transaction"):
        with target.transaction() as conn:
            conn.execute(sql, args)
    else:
        target.execute(sql, args)
        if target.in_transaction and target.isolation_level is not None:
            target.commit()
