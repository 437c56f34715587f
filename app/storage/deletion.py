"""Deleting a draft with everything that points at it, and undoing that exactly.

A draft owns its snapshots and ignored findings; other modules' tables (evidence links, and any
table a later module adds with a foreign key to `drafts`) may point at it too. Deleting captures
all of those rows first, children after the rows they point at, so the undo can put back the
same draft, with the same id and position, and the rows that pointed at it.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from app.storage.errors import ProjectError
from app.storage.models import DeletedDraft, Draft, RelatedRow
from app.storage.schema import DRAFT_COLUMNS, OUR_TABLES, snapshot_from_row
from app.storage.schema import timestamp as _ts

log = logging.getLogger(__name__)

#: Tables pointing at tables pointing at a draft... are followed this deep at most.
MAX_DEPTH = 4


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def delete_draft(conn: sqlite3.Connection, draft: Draft) -> DeletedDraft:
    """Delete `draft` (inside the caller's transaction); returns what `restore_draft` needs."""
    draft_id = draft.id
    snapshots = [
        snapshot_from_row(r)
        for r in conn.execute(
            "SELECT id, draft_id, text, score, created FROM snapshots "
            "WHERE draft_id = ? ORDER BY id",
            (draft_id,),
        )
    ]
    ignored = [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT rule_id, matched FROM ignored_findings WHERE draft_id = ? ORDER BY rowid",
            (draft_id,),
        )
    ]
    related = _capture_related(conn, "drafts", [{"id": draft_id}])
    # Children first, so foreign keys without ON DELETE CASCADE do not block us.
    for row in reversed(related):
        _delete_row(conn, row)
    conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
    conn.execute("UPDATE drafts SET position = position - 1 WHERE position > ?", (draft.position,))
    return DeletedDraft(**draft.model_dump(), snapshots=snapshots, ignored=ignored,
                        related=related)


def restore_draft(conn: sqlite3.Connection, draft: Draft) -> None:
    """Put a deleted draft back at its old position with the same id (inside the caller's
    transaction), with its history, ignores and the rows that pointed at it."""
    if conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft.id,)).fetchone():
        raise ProjectError(f"Draft {draft.id} already exists; nothing to restore.")
    count = conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
    position = max(0, min(draft.position, count))
    conn.execute("UPDATE drafts SET position = position + 1 WHERE position >= ?", (position,))
    conn.execute(
        f"INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (draft.id, draft.title, draft.text, draft.theme, position, draft.status, draft.notes,
         _ts(draft.created), _ts(draft.modified), draft.score),
    )
    if not isinstance(draft, DeletedDraft):
        return
    conn.executemany(
        "INSERT INTO snapshots (id, draft_id, text, score, created) VALUES (?, ?, ?, ?, ?)",
        [(s.id, draft.id, s.text, s.score, _ts(s.created)) for s in draft.snapshots],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO ignored_findings (draft_id, rule_id, matched) VALUES (?, ?, ?)",
        [(draft.id, rule_id, matched) for rule_id, matched in draft.ignored],
    )
    for row in draft.related:
        if row.table in OUR_TABLES:
            continue
        cols = ", ".join(quote(c) for c in row.values)
        marks = ", ".join("?" for _ in row.values)
        try:
            conn.execute(
                f"INSERT OR IGNORE INTO {quote(row.table)} ({cols}) VALUES ({marks})",
                tuple(row.values.values()),
            )
        except (sqlite3.IntegrityError, sqlite3.OperationalError) as exc:
            # e.g. the evidence item it pointed at was deleted meanwhile, or the table
            # changed: restore the rest rather than refuse the whole undo.
            log.warning("Not restoring a %s row: %s", row.table, exc)


def _child_tables(conn: sqlite3.Connection, parent: str) -> list[tuple[str, str, str]]:
    """(child table, child column, parent column) for single-column foreign keys."""
    result: list[tuple[str, str, str]] = []
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        fks: dict[int, list[tuple[Any, ...]]] = {}
        for fk in conn.execute(f"PRAGMA foreign_key_list({quote(table)})"):
            fks.setdefault(fk[0], []).append(fk)
        for parts in fks.values():
            if len(parts) != 1 or parts[0][2].lower() != parent.lower():
                continue
            to_col = parts[0][4]
            if to_col is None:  # references the parent's primary key
                pk = [r[1] for r in conn.execute(f"PRAGMA table_info({quote(parent)})") if r[5]]
                if len(pk) != 1:
                    continue
                to_col = pk[0]
            result.append((table, parts[0][3], to_col))
    return result


def _capture_related(
    conn: sqlite3.Connection, parent: str, parent_rows: list[dict[str, Any]], depth: int = 0
) -> list[RelatedRow]:
    """Rows of other modules' tables that point at `parent_rows`, recursively, each table's
    rows before the rows that point at them (the order restore needs)."""
    if depth > MAX_DEPTH or not parent_rows:
        return []
    captured: list[RelatedRow] = []
    for table, col, to_col in _child_tables(conn, parent):
        if table == parent or table in OUR_TABLES:
            continue
        keys = [r[to_col] for r in parent_rows if r.get(to_col) is not None]
        if not keys:
            continue
        cursor = conn.execute(
            f"SELECT * FROM {quote(table)} WHERE {quote(col)} IN "
            f"({', '.join('?' for _ in keys)})",
            tuple(keys),
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor]
        captured.extend(RelatedRow(table=table, values=r) for r in rows)
        captured.extend(_capture_related(conn, table, rows, depth + 1))
    return captured


def _delete_row(conn: sqlite3.Connection, row: RelatedRow) -> None:
    if not row.values:
        return
    where = " AND ".join(f"{quote(c)} IS ?" for c in row.values)
    conn.execute(f"DELETE FROM {quote(row.table)} WHERE {where}", tuple(row.values.values()))
