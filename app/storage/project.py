"""A SMARTrec project: one SQLite file holding drafts, their history, ignores and rule overrides.

Why SQLite: a single file the user can copy or e-mail, atomic commits (autosave commits every
change at once, so a crash loses nothing that was committed), and a versioned schema via
`PRAGMA user_version`. The file is identified by `PRAGMA application_id` so that other SQLite
files are refused instead of being "upgraded". Files that are refused are only ever read through
a read-only connection, so they are left byte-for-byte untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.models import RuleOverride
from app.storage import schema
from app.storage.errors import (
    DraftNotFoundError,
    ProjectError,
    ProjectLockedError,
    ProjectReadOnlyError,
    ProjectSaveError,
)
from app.storage.links import (
    EvidenceLink,
    delete_link,
    insert_link,
    read_links,
)
from app.storage.lock import ProjectLock
from app.storage.models import DeletedDraft, Draft, ProjectMeta, RelatedRow, Snapshot
from app.storage.project_file import (
    check_header,
    check_name,
    connect_read_only,
    damaged,
    describe,
    is_writable,
    missing_folder,
    remove_idle_side_files,
    remove_side_files,
    validate,
    wal_exists,
)
from app.storage.schema import (
    DRAFT_COLUMNS,
    OUR_TABLES,
    draft_from_row,
    ensure_evidence_schema,
    infer_version,
    snapshot_from_row,
)

APPLICATION_ID = schema.APPLICATION_ID
SCHEMA_VERSION = schema.SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "FILE_SUFFIX",
    "SCHEMA_VERSION",
    "DraftNotFoundError",
    "Project",
    "ProjectError",
    "ProjectLockedError",
    "ProjectReadOnlyError",
    "ProjectSaveError",
]

log = logging.getLogger(__name__)

#: Suggested extension for project files.
FILE_SUFFIX = ".smartrec"
#: Oldest snapshots beyond this many per draft are dropped, so autosave history stays bounded.
MAX_SNAPSHOTS_PER_DRAFT = 500

def _now() -> datetime:
    return datetime.now(UTC)


def _ts(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Project:
    """An open project file. Every mutating method commits before it returns."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        read_only: bool,
        lock: ProjectLock | None,
    ) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = conn
        self._read_only = read_only
        self._lock_file = lock
        self._mutex = threading.RLock()
        self._tx_depth = 0
        self._identity: tuple[int, int] | None = None
        if not read_only:
            with contextlib.suppress(OSError):
                st = os.stat(path)
                self._identity = (st.st_dev, st.st_ino)
        #: A read-only session that created empty -wal/-shm files removes them when it closes.
        self._tidy_on_close = False
        self._meta = self._load_meta()

    # ----------------------------------------------------------------- open / create / close

    @classmethod
    def create(
        cls, path: str | os.PathLike[str], meta: ProjectMeta, *, overwrite: bool = False
    ) -> Project:
        """Create a new project file and open it.

        The file is built under a temporary name and renamed into place, so a crash never leaves
        a half-made project. An existing file is refused unless `overwrite` (the GUI asks first).
        """
        target = Path(path)
        check_name(target)
        if target.exists() and not overwrite:
            raise ProjectError(f"{describe(target)} already exists.")
        if target.is_dir():
            raise ProjectError(f"{describe(target)} is a folder.")
        if not target.parent.is_dir():
            raise ProjectError(missing_folder(target))
        lock = ProjectLock.acquire(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.creating")
        try:
            remove_side_files(tmp)
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            try:
                conn = sqlite3.connect(tmp, isolation_level=None)
            except sqlite3.Error as exc:
                raise ProjectError(f"Cannot create {describe(target)}: {exc}.") from exc
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("BEGIN IMMEDIATE")
                for migration in schema.MIGRATIONS:
                    migration(conn)
                conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
                now = _ts(_now())
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("application", "SMARTrec"),
                        ("application_id", str(schema.APPLICATION_ID)),
                        ("created", now),
                        ("created_by_schema", str(schema.SCHEMA_VERSION)),
                        *((f"meta.{k}", v) for k, v in meta.model_dump().items()),
                    ],
                )
                ensure_evidence_schema(conn)
                if conn.in_transaction:
                    conn.execute("COMMIT")
            finally:
                conn.close()
            # A -wal left by an older file of the same name would be replayed into ours.
            remove_side_files(target)
            os.replace(tmp, target)
        except (sqlite3.Error, OSError) as exc:
            lock.release()
            with contextlib.suppress(OSError):
                tmp.unlink()
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise ProjectError(f"Cannot create {describe(target)}: {reason}.") from exc
        except BaseException:
            lock.release()
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return cls._open_checked(target, lock)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> Project:
        """Open an existing project; read-only when asked or when the file is not writable.

        Raises ProjectError (user-facing message) for missing, foreign, newer or damaged files,
        and ProjectLockedError when another window or process has it open for writing.
        """
        target = Path(path)
        check_header(target)
        ro = read_only or not is_writable(target)
        if ro:
            validate(target)
            had_wal = wal_exists(target)
            try:
                conn = connect_read_only(target)
            except sqlite3.Error as exc:
                raise damaged(target, exc) from None
            conn.execute("PRAGMA query_only = ON")
            project = cls(target, conn, read_only=True, lock=None)
            project._tidy_on_close = not had_wal
            return project
        lock = ProjectLock.acquire(target)
        try:
            validate(target)
        except BaseException:
            lock.release()
            raise
        return cls._open_checked(target, lock)

    @classmethod
    def _open_checked(cls, target: Path, lock: ProjectLock) -> Project:
        """Open read-write a file that is known to be ours and is locked by us."""
        try:
            conn = sqlite3.connect(
                target, isolation_level=None, check_same_thread=False, timeout=10.0
            )
        except sqlite3.Error as exc:
            lock.release()
            raise damaged(target, exc) from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            # WAL: readers never block the writer and a commit is one append to the -wal file;
            # NORMAL sync keeps every commit across a process crash (see README, "Project files").
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
            cls._migrate(target, conn)
            return cls(target, conn, read_only=False, lock=lock)
        except sqlite3.Error as exc:
            conn.close()
            lock.release()
            raise ProjectError(f"Cannot open {describe(target)}: {exc}.") from exc
        except BaseException:
            conn.close()
            lock.release()
            raise

    @staticmethod
    def _migrate(target: Path, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            version = infer_version(conn)
        if 0 < version < schema.SCHEMA_VERSION:
            # Keep the pre-upgrade file: an older SMARTrec can still open the backup.
            backup = target.with_name(f"{target.name}.schema{version}.bak")
            dest = sqlite3.connect(backup)
            try:
                conn.backup(dest)
            finally:
                dest.close()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for index in range(version, schema.SCHEMA_VERSION):
                schema.MIGRATIONS[index](conn)
            if conn.execute("PRAGMA user_version").fetchone()[0] != schema.SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            ensure_evidence_schema(conn)
        except (ProjectError, sqlite3.Error):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        except Exception as exc:  # e.g. the evidence module's own schema error
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise ProjectError(f"Cannot open {describe(target)}: {exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if conn.in_transaction:
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close the file (SQLite checkpoints the WAL into it) and release the lock."""
        with self._mutex:
            if self._conn is None:
                return
            try:
                self._conn.close()
            finally:
                self._conn = None
                if self._lock_file is not None:
                    self._lock_file.release()
                    self._lock_file = None
            if self._tidy_on_close:
                remove_idle_side_files(self._path)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("read-only" if self._read_only else "open")
        return f"<Project {self._path} {state}>"

    # ----------------------------------------------------------------------- properties

    @property
    def path(self) -> Path:
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def closed(self) -> bool:
        return self._conn is None

    @property
    def meta(self) -> ProjectMeta:
        return self._meta

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for modules that own extra tables (evidence).

        It is in autocommit mode: wrap multi-statement changes in `with project.transaction():`.
        """
        return self._live()

    # ----------------------------------------------------------------------- internals

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProjectError(f"{describe(self._path)} is closed.")
        return self._conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on exit and rolled back on error; nests flat."""
        if self._read_only:
            raise ProjectReadOnlyError(
                f"{describe(self._path)} is open read-only; changes cannot be saved."
            )
        with self._mutex:
            conn = self._live()
            if self._tx_depth:
                self._tx_depth += 1
                try:
                    yield conn
                finally:
                    self._tx_depth -= 1
                return
            self._check_identity()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._save_error(exc) from exc
            self._tx_depth = 1
            try:
                yield conn
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError:
                    # Disk full, I/O error, file damaged meanwhile: say so in words.
                    raise self._save_error(exc) from exc
                raise
            else:
                try:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise self._save_error(exc) from exc
            finally:
                self._tx_depth = 0

    def _save_error(self, exc: BaseException) -> ProjectSaveError:
        return ProjectSaveError(
            f"Cannot save to {describe(self._path)}: {exc}. The last change was not saved."
        )

    def _check_identity(self) -> None:
        """Refuse to keep writing into a file that was moved, replaced or deleted while open:
        on POSIX those writes would silently go to a file the user can no longer see."""
        if self._identity is None:
            return
        try:
            st = os.stat(self._path)
            same = (st.st_dev, st.st_ino) == self._identity
        except OSError:
            same = False
        if not same:
            raise ProjectSaveError(
                f"{describe(self._path)} was moved, renamed or deleted while open. Use "
                "'Save a Copy…' to keep your work, then open the copy."
            )

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._mutex:
            try:
                return list(self._live().execute(sql, tuple(params)))
            except sqlite3.OperationalError:  # e.g. "no such table" in an old read-only file
                raise
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # damage quick_check missed
                raise ProjectError(
                    f"{describe(self._path)} is damaged ({exc}); nothing was changed. Open a "
                    "backup copy, or see 'Recovering a damaged project' in the README."
                ) from exc

    def _load_meta(self) -> ProjectMeta:
        rows = dict(self._read("SELECT key, value FROM meta WHERE key LIKE 'meta.%'"))
        fields = ProjectMeta.model_fields
        return ProjectMeta(
            **{k[5:]: v for k, v in rows.items() if k[5:] in fields and isinstance(v, str)}
        )

    def _require_draft(self, conn: sqlite3.Connection, draft_id: int) -> Draft:
        row = conn.execute(
            f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)
        ).fetchone()
        if row is None:
            raise DraftNotFoundError(f"Draft {draft_id} does not exist in this project.")
        return draft_from_row(row)

    # ----------------------------------------------------------------------- meta

    def update_meta(self, meta: ProjectMeta) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [(f"meta.{k}", v) for k, v in meta.model_dump().items()],
            )
        self._meta = meta.model_copy()

    # ----------------------------------------------------------------------- drafts

    def drafts(self) -> list[Draft]:
        """All drafts in list order."""
        rows = self._read(f"SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY position, id")
        return [draft_from_row(r) for r in rows]

    def get_draft(self, draft_id: int) -> Draft:
        with self._mutex:
            return self._require_draft(self._live(), draft_id)

    def add_draft(
        self, text: str = "", title: str = "", theme: str = "", after: int | None = None
    ) -> Draft:
        """Insert a draft right after draft `after`, or at the end when `after` is None."""
        with self.transaction() as conn:
            if after is None:
                position = conn.execute(
                    "SELECT coalesce(max(position) + 1, 0) FROM drafts"
                ).fetchone()[0]
            else:
                position = self._require_draft(conn, after).position + 1
                conn.execute(
                    "UPDATE drafts SET position = position + 1 WHERE position >= ?", (position,)
                )
            now = _ts(_now())
            cur = conn.execute(
                "INSERT INTO drafts (title, text, theme, position, status, notes, created,"
                " modified) VALUES (?, ?, ?, ?, 'draft', '', ?, ?)",
                (title, text, theme, position, now, now),
            )
            assert cur.lastrowid is not None
            return self._require_draft(conn, cur.lastrowid)

    def update_draft(
        self,
        draft_id: int,
        *,
        text: str | None = None,
        title: str | None = None,
        theme: str | None = None,
        status: str | None = None,
        notes: str | None = None,
        score: int | None = None,
    ) -> Draft:
        """Change the given fields (None = keep) and commit. `modified` moves only when
        something the user wrote changed, not when only the score was refreshed."""
        if status is not None and status not in ("draft", "final"):
            raise ValueError(f"status must be 'draft' or 'final', not {status!r}")
        with self.transaction() as conn:
            old = self._require_draft(conn, draft_id)
            changes: dict[str, Any] = {}
            for name, value in (
                ("text", text),
                ("title", title),
                ("theme", theme),
                ("status", status),
                ("notes", notes),
            ):
                if value is not None and value != getattr(old, name):
                    changes[name] = value
            if changes:
                changes["modified"] = _ts(_now())
            if score is not None and score != old.score:
                changes["score"] = int(score)
            if not changes:
                return old
            assignments = ", ".join(f"{name} = ?" for name in changes)
            conn.execute(
                f"UPDATE drafts SET {assignments} WHERE id = ?", (*changes.values(), draft_id)
            )
            return self._require_draft(conn, draft_id)

    def duplicate_draft(self, draft_id: int) -> Draft:
        """Copy text, title, theme, notes and ignores (not history) right after the original."""
        with self.transaction() as conn:
            src = self._require_draft(conn, draft_id)
            title = f"{src.title} (copy)" if src.title else ""
            new = self.add_draft(text=src.text, title=title, theme=src.theme, after=draft_id)
            conn.execute("UPDATE drafts SET notes = ? WHERE id = ?", (src.notes, new.id))
            conn.execute(
                "INSERT INTO ignored_findings (draft_id, rule_id, matched) "
                "SELECT ?, rule_id, matched FROM ignored_findings WHERE draft_id = ?",
                (new.id, draft_id),
            )
            return self._require_draft(conn, new.id)

    def reorder(self, ids: list[int]) -> None:
        """Set the list order; `ids` must name every draft exactly once."""
        with self.transaction() as conn:
            existing = {row[0] for row in conn.execute("SELECT id FROM drafts")}
            if len(ids) != len(set(ids)) or set(ids) != existing:
                raise ValueError("reorder() needs every draft id exactly once")
            conn.executemany(
                "UPDATE drafts SET position = ? WHERE id = ?",
                [(pos, draft_id) for pos, draft_id in enumerate(ids)],
            )

    def delete_draft(self, draft_id: int) -> DeletedDraft:
        """Delete a draft with its history, ignores and rows of other tables pointing at it.

        Returns everything `restore_draft` needs to undo the deletion exactly.
        """
        with self.transaction() as conn:
            draft = self._require_draft(conn, draft_id)
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
                    "SELECT rule_id, matched FROM ignored_findings WHERE draft_id = ? "
                    "ORDER BY rowid",
                    (draft_id,),
                )
            ]
            draft_row = {"id": draft_id}
            related = self._capture_related(conn, "drafts", [draft_row])
            # Children first, so foreign keys without ON DELETE CASCADE do not block us.
            for row in reversed(related):
                self._delete_row(conn, row)
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
            conn.execute(
                "UPDATE drafts SET position = position - 1 WHERE position > ?", (draft.position,)
            )
            return DeletedDraft(
                **draft.model_dump(), snapshots=snapshots, ignored=ignored, related=related
            )

    def restore_draft(self, draft: Draft) -> Draft:
        """Put a deleted draft back at its old position with the same id (undo of delete)."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft.id,)).fetchone():
                raise ProjectError(f"Draft {draft.id} already exists; nothing to restore.")
            count = conn.execute("SELECT count(*) FROM drafts").fetchone()[0]
            position = max(0, min(draft.position, count))
            conn.execute(
                "UPDATE drafts SET position = position + 1 WHERE position >= ?", (position,)
            )
            conn.execute(
                f"INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.id,
                    draft.title,
                    draft.text,
                    draft.theme,
                    position,
                    draft.status,
                    draft.notes,
                    _ts(draft.created),
                    _ts(draft.modified),
                    draft.score,
                ),
            )
            if isinstance(draft, DeletedDraft):
                conn.executemany(
                    "INSERT INTO snapshots (id, draft_id, text, score, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(s.id, draft.id, s.text, s.score, _ts(s.created)) for s in draft.snapshots],
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO ignored_findings (draft_id, rule_id, matched) "
                    "VALUES (?, ?, ?)",
                    [(draft.id, rule_id, matched) for rule_id, matched in draft.ignored],
                )
                for row in draft.related:
                    if row.table in OUR_TABLES:
                        continue
                    cols = ", ".join(_quote(c) for c in row.values)
                    marks = ", ".join("?" for _ in row.values)
                    try:
                        conn.execute(
                            f"INSERT OR IGNORE INTO {_quote(row.table)} ({cols}) VALUES ({marks})",
                            tuple(row.values.values()),
                        )
                    except (sqlite3.IntegrityError, sqlite3.OperationalError) as exc:
                        # e.g. the evidence item it pointed at was deleted meanwhile, or the
                        # table changed: restore the rest rather than refuse the whole undo.
                        log.warning("Not restoring a %s row: %s", row.table, exc)
            return self._require_draft(conn, draft.id)

    @staticmethod
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
            for fk in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
                fks.setdefault(fk[0], []).append(fk)
            for parts in fks.values():
                if len(parts) != 1 or parts[0][2].lower() != parent.lower():
                    continue
                to_col = parts[0][4]
                if to_col is None:  # references the parent's primary key
                    pk = [
                        r[1] for r in conn.execute(f"PRAGMA table_info({_quote(parent)})") if r[5]
                    ]
                    if len(pk) != 1:
                        continue
                    to_col = pk[0]
                result.append((table, parts[0][3], to_col))
        return result

    def _capture_related(
        self,
        conn: sqlite3.Connection,
        parent: str,
        parent_rows: list[dict[str, Any]],
        depth: int = 0,
    ) -> list[RelatedRow]:
        """Rows of other modules' tables that point at `parent_rows`, recursively, each
        table's rows before the rows that point at them (the order restore needs)."""
        if depth > 4 or not parent_rows:
            return []
        captured: list[RelatedRow] = []
        for table, col, to_col in self._child_tables(conn, parent):
            if table == parent or table in OUR_TABLES:
                continue
            keys = [r[to_col] for r in parent_rows if r.get(to_col) is not None]
            if not keys:
                continue
            cursor = conn.execute(
                f"SELECT * FROM {_quote(table)} WHERE {_quote(col)} IN "
                f"({', '.join('?' for _ in keys)})",
                tuple(keys),
            )
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor]
            captured.extend(RelatedRow(table=table, values=r) for r in rows)
            captured.extend(self._capture_related(conn, table, rows, depth + 1))
        return captured

    @staticmethod
    def _delete_row(conn: sqlite3.Connection, row: RelatedRow) -> None:
        if not row.values:
            return
        where = " AND ".join(f"{_quote(c)} IS ?" for c in row.values)
        conn.execute(f"DELETE FROM {_quote(row.table)} WHERE {where}", tuple(row.values.values()))

    # ----------------------------------------------------------------------- history

    def add_snapshot(self, draft_id: int, text: str, score: int | None = None) -> Snapshot | None:
        """Record a version of the text; returns None when it equals the latest snapshot."""
        with self.transaction() as conn:
            self._require_draft(conn, draft_id)
            last = conn.execute(
                "SELECT text FROM snapshots WHERE draft_id = ? ORDER BY id DESC LIMIT 1",
                (draft_id,),
            ).fetchone()
            if last is not None and last[0] == text:
                return None
            cur = conn.execute(
                "INSERT INTO snapshots (draft_id, text, score, created) VALUES (?, ?, ?, ?)",
                (draft_id, text, score, _ts(_now())),
            )
            conn.execute(
                "DELETE FROM snapshots WHERE draft_id = ? AND id NOT IN (SELECT id FROM "
                "snapshots WHERE draft_id = ? ORDER BY id DESC LIMIT ?)",
                (draft_id, draft_id, MAX_SNAPSHOTS_PER_DRAFT),
            )
            row = conn.execute(
                "SELECT id, draft_id, text, score, created FROM snapshots WHERE id = ?",
                (cur.lastrowid,),
            ).fetchone()
            return snapshot_from_row(row)

    def history(self, draft_id: int) -> list[Snapshot]:
        """Snapshots of a draft, oldest first."""
        rows = self._read(
            "SELECT id, draft_id, text, score, created FROM snapshots WHERE draft_id = ? "
            "ORDER BY id",
            (draft_id,),
        )
        return [snapshot_from_row(r) for r in rows]

    # ----------------------------------------------------------------------- ignores

    def ignored(self, draft_id: int) -> set[tuple[str, str]]:
        rows = self._read(
            "SELECT rule_id, matched FROM ignored_findings WHERE draft_id = ?", (draft_id,)
        )
        return {(r[0], r[1]) for r in rows}

    def ignore(self, draft_id: int, rule_id: str, matched: str) -> None:
        with self.transaction() as conn:
            self._require_draft(conn, draft_id)
            conn.execute(
                "INSERT OR IGNORE INTO ignored_findings (draft_id, rule_id, matched) "
                "VALUES (?, ?, ?)",
                (draft_id, rule_id, matched),
            )

    def unignore(self, draft_id: int, rule_id: str, matched: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM ignored_findings WHERE draft_id = ? AND rule_id = ? AND matched = ?",
                (draft_id, rule_id, matched),
            )

    # ----------------------------------------------------------------------- rule overrides

    def rule_overrides(self) -> list[RuleOverride]:
        """Per-project rule changes; entries this version cannot read are skipped and logged."""
        result: list[RuleOverride] = []
        for rule_id, data in self._read(
            "SELECT rule_id, data FROM rule_overrides ORDER BY rule_id"
        ):
            try:
                result.append(RuleOverride.model_validate_json(data))
            except ValueError as exc:
                log.warning("Skipping unreadable rule override for %s: %s", rule_id, exc)
        return result

    def set_rule_override(self, override: RuleOverride) -> None:
        """Insert or replace the override of one rule; an override that changes nothing is
        removed, so resetting a rule in the GUI leaves no trace."""
        with self.transaction() as conn:
            if override.enabled is None and override.severity is None and not override.add_terms:
                conn.execute("DELETE FROM rule_overrides WHERE rule_id = ?", (override.rule_id,))
                return
            conn.execute(
                "INSERT OR REPLACE INTO rule_overrides (rule_id, data) VALUES (?, ?)",
                (override.rule_id, override.model_dump_json()),
            )

    def remove_rule_override(self, rule_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM rule_overrides WHERE rule_id = ?", (rule_id,))

    # ----------------------------------------------------------------------- dictionary

    def words(self) -> set[str]:
        """The project dictionary: words the spelling check accepts in this project.

        A read-only file of schema 1 (never migrated) simply has none.
        """
        try:
            return {r[0] for r in self._read("SELECT word FROM words")}
        except sqlite3.OperationalError:
            if self._read_only:
                return set()
            raise

    def add_word(self, word: str) -> bool:
        """Accept `word` in this project; False when it is empty or already there."""
        word = word.strip()
        if not word:
            return False
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO words (word, added) VALUES (?, ?)", (word, _ts(_now()))
            )
            return cur.rowcount > 0

    def remove_word(self, word: str) -> bool:
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM words WHERE word = ?", (word.strip(),))
            return cur.rowcount > 0

    # ----------------------------------------------------------------------- evidence links

    def evidence_links(self, draft_id: int) -> list[EvidenceLink]:
        """The evidence linked to a draft, oldest first."""
        with self._mutex:
            return read_links(self._live(), draft_id)

    def link_evidence(self, link: EvidenceLink) -> None:
        """Link evidence to its draft (no-op when already linked); commits at once."""
        with self.transaction() as conn:
            self._require_draft(conn, link.draft_id)
            insert_link(conn, link)

    def unlink_evidence(self, draft_id: int, evidence_id: int,
                        library: str | None = None) -> None:
        with self.transaction() as conn:
            delete_link(conn, draft_id, evidence_id, library)

    # ----------------------------------------------------------------------- copies

    def save_copy(self, path: str | os.PathLike[str]) -> Path:
        """Write a consistent copy of the open project (SQLite backup API) to `path`.

        The copy is a standalone single file (rollback journal mode), written under a temporary
        name and renamed, so an existing file at `path` is replaced only by a complete copy.
        """
        target = Path(path)
        check_name(target)
        if target.resolve() == self._path.resolve():
            raise ProjectError("Choose a different file name for the copy.")
        if not target.parent.is_dir():
            raise ProjectError(missing_folder(target))
        lock = None
        if target.exists():
            lock = ProjectLock.acquire(target)  # do not overwrite a project open elsewhere
        tmp = target.with_name(f".{target.name}.{os.getpid()}.copying")
        try:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            dest = sqlite3.connect(tmp, isolation_level=None)
            try:
                with self._mutex:
                    self._live().backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE").fetchone()
            finally:
                dest.close()
            remove_side_files(target)
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise ProjectError(f"Cannot write {describe(target)}: {exc}.") from exc
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise ProjectError(f"Cannot write {describe(target)}: {exc.strerror or exc}.") from exc
        finally:
            if lock is not None:
                lock.release()
        return target
