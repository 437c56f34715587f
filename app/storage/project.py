"""A SMARTrec project: one SQLite file holding drafts, their history, ignores and rule overrides.

Why SQLite: a single file the user can copy or e-mail, atomic commits (autosave commits every
change at once, so a crash loses nothing that was committed), and a versioned schema via
`PRAGMA user_version`. The file is identified by `PRAGMA application_id` so that other SQLite
files are refused instead of being "upgraded". Files that are refused are only ever read through
a read-only connection, so they are left byte-for-byte untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.models import RuleOverride
from app.storage import schema
from app.storage.deletion import delete_draft, restore_draft
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
from app.storage.models import DeletedDraft, Draft, ProjectMeta, Snapshot
from app.storage.overrides import decode_overrides, store_override
from app.storage.project_file import (
    check_header,
    check_name,
    connect_read_only,
    damaged,
    describe,
    is_writable,
    migrate,
    missing_folder,
    remove_idle_side_files,
    validate,
    wal_exists,
    write_copy,
    write_new,
)
from app.storage.schema import (
    DRAFT_COLUMNS,
    draft_from_row,
    snapshot_from_row,
)
from app.storage.schema import timestamp as _ts

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

#: Suggested extension for project files.
FILE_SUFFIX = ".smartrec"
#: Oldest snapshots beyond this many per draft are dropped, so autosave history stays bounded.
MAX_SNAPSHOTS_PER_DRAFT = 500

def _now() -> datetime:
    return datetime.now(UTC)


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
        try:
            write_new(target, meta)
        except BaseException:
            lock.release()
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
            migrate(target, conn)
            return cls(target, conn, read_only=False, lock=lock)
        except sqlite3.Error as exc:
            conn.close()
            lock.release()
            raise ProjectError(f"Cannot open {describe(target)}: {exc}.") from exc
        except BaseException:
            conn.close()
            lock.release()
            raise

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
            return delete_draft(conn, self._require_draft(conn, draft_id))

    def restore_draft(self, draft: Draft) -> Draft:
        """Put a deleted draft back at its old position with the same id (undo of delete)."""
        with self.transaction() as conn:
            restore_draft(conn, draft)
            return self._require_draft(conn, draft.id)

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
        return decode_overrides(self._read("SELECT rule_id, data FROM rule_overrides "
                                           "ORDER BY rule_id"))

    def set_rule_override(self, override: RuleOverride) -> None:
        """Insert or replace the override of one rule; one that changes nothing is removed."""
        with self.transaction() as conn:
            store_override(conn, override)

    def remove_rule_override(self, rule_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM rule_overrides WHERE rule_id = ?", (rule_id,))

    # ----------------------------------------------------------------------- dictionary

    def words(self) -> set[str]:
        """The project dictionary: words the spelling check accepts in this project (none in
        a read-only file of schema 1, which was never migrated)."""
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
            return conn.execute("DELETE FROM words WHERE word = ?", (word.strip(),)).rowcount > 0

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
        """Write a consistent copy of the open project to `path` (see `write_copy`)."""
        target = Path(path)
        check_name(target)
        if target.resolve() == self._path.resolve():
            raise ProjectError("Choose a different file name for the copy.")

        def backup(dest: sqlite3.Connection) -> None:
            with self._mutex:
                self._live().backup(dest)

        return write_copy(backup, target)
