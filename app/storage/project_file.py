"""Opening a project file safely: the name, the header, read-only validation of everything
in it before any write, read-only connections and the side files SQLite leaves."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.storage import schema
from app.storage.errors import ProjectError
from app.storage.lock import ProjectLock
from app.storage.models import ProjectMeta
from app.storage.sqlite_file import header_problem

SIDE_FILES = ("-wal", "-shm", "-journal")


def file_uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return path.resolve().as_uri() + ("?" + query if query else "")


def is_writable(path: Path) -> bool:
    """Writable for us *and* meant to be: a file without any write bit counts as read-only
    even for root/administrators, and WAL needs to create side files in the folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & 0o222:
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def describe(path: Path) -> str:
    return f"'{path.name}'"


def check_header(path: Path) -> None:
    """Cheap first test on raw bytes, before any SQLite connection touches the file."""
    problem = header_problem(path, "a SMARTrec project")
    if problem is not None:
        raise ProjectError(problem)


def validate(path: Path) -> None:
    """Refuse foreign, newer or damaged files using a read-only connection only."""
    try:
        conn = connect_read_only(path, snapshot=True)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # bad names in a damaged schema
        raise damaged(path, exc) from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        ours = app_id == schema.APPLICATION_ID or (app_id == 0 and {"meta", "drafts"} <= tables)
        if not ours:
            if app_id:
                raise ProjectError(
                    f"{describe(path)} is an SQLite database of another application "
                    f"(application id {app_id:#010x}), not a SMARTrec project."
                )
            raise ProjectError(
                f"{describe(path)} is an SQLite database but not a SMARTrec project."
            )
        if version > schema.SCHEMA_VERSION:
            raise ProjectError(
                f"{describe(path)} was created by a newer SMARTrec (schema {version}); this "
                f"version understands up to {schema.SCHEMA_VERSION} — the file was left untouched. "
                "Update SMARTrec to open it."
            )
        newer = schema.evidence_too_new(conn)
        if newer:
            raise ProjectError(
                f"{describe(path)} was created by a newer SMARTrec ({newer}) — the file was "
                "left untouched. Update SMARTrec to open it."
            )
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise ProjectError(
                f"{describe(path)} is damaged ({first_problem(problems)}). The file was left "
                "untouched; open a backup copy, or see 'Recovering a damaged project' in the "
                "README."
            )
        problem = structure_problem(conn, version)
        if problem:
            raise ProjectError(
                f"{describe(path)} is damaged or was not written by SMARTrec ({problem}). The "
                "file was left untouched; open a backup copy."
            )
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # bad names in a damaged schema
        raise damaged(path, exc) from None
    finally:
        conn.close()


def first_problem(problems: list[str]) -> str:
    """quick_check's first finding on one line (it starts with '*** in database main ***')."""
    lines = [line.strip() for text in problems for line in str(text).splitlines()]
    return next((line for line in lines if line and not line.startswith("***")), "unknown")[:160]


def structure_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """Tables, columns, types and draft rows checked against what our migrations create."""
    from app.evidence.schema import ensure_schema
    from app.storage.validation import reference_schema, schema_problem

    claimed = version or schema.infer_version(conn)
    if claimed == 0:
        return None  # an empty file of ours: the migrations will create everything
    ours = reference_schema(schema.MIGRATIONS[:claimed])
    with_evidence = reference_schema(
        schema.MIGRATIONS[:claimed], lambda c: ensure_schema(c, project=True)
    )
    return schema_problem(conn, with_evidence, required=sorted(ours)) or rows_problem(conn)


def rows_problem(conn: sqlite3.Connection) -> str | None:
    """Convert every draft and history row as the app will: the first that fails is named."""
    for row in conn.execute(f"SELECT {schema.DRAFT_COLUMNS} FROM drafts"):
        try:
            schema.draft_from_row(row)
        except (ValueError, TypeError) as exc:
            return f"draft {str(row[0])[:20]} cannot be read: {first_line(exc)}"
    for row in conn.execute("SELECT id, draft_id, text, score, created FROM snapshots"):
        try:
            schema.snapshot_from_row(row)
        except (ValueError, TypeError) as exc:
            return f"history entry {str(row[0])[:20]} cannot be read: {first_line(exc)}"
    return None


def first_line(exc: BaseException) -> str:
    """pydantic's messages span lines: field name, then the reason."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = "; ".join(lines[1:3]) if len(lines) > 1 else (lines[0] if lines else "")
    return text.split(" [type=")[0][:160]


def damaged(path: Path, exc: BaseException) -> ProjectError:
    text = str(exc)
    if "not a database" in text or "file is encrypted" in text:
        return ProjectError(
            f"{describe(path)} is not a SMARTrec project (not an SQLite database)."
        )
    return ProjectError(
        f"{describe(path)} is damaged and cannot be opened ({text}). The file was left "
        "untouched; open a backup copy, or see 'Recovering a damaged project' in the README."
    )


#: Longest file name (in UTF-8 bytes) the common file systems allow.
MAX_NAME_BYTES = 255


def check_name(target: Path) -> None:
    """Refuse a name the file system cannot hold before anything asks it (the OS would raise
    'File name too long' from a mere existence check)."""
    if len(target.name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        shown = target.name[:40] + "…"
        raise ProjectError(f"Cannot write '{shown}': the file name is longer than "
                           f"{MAX_NAME_BYTES} bytes; choose a shorter name.")


def missing_folder(target: Path) -> str:
    """Why `target` cannot be written: its folder is missing, or is a file."""
    what = "is a file, not a folder" if target.parent.exists() else "does not exist"
    return f"Cannot write '{target.name}': the folder '{target.parent}' {what}."


def wal_exists(path: Path) -> bool:
    return path.with_name(path.name + "-wal").exists()


def connect_read_only(path: Path, *, snapshot: bool = False) -> sqlite3.Connection:
    """Read-only connection that never writes to the main file.

    With `snapshot` (validation) and no `-wal` present, all content is in the main file, so
    `immutable=1` reads it without creating `-wal`/`-shm` side files next to a file we may be
    about to refuse. Otherwise `mode=ro` sees a live writer's commits; when that fails because
    the folder is read-only and no `-wal` exists, `immutable=1` is the documented fallback.
    """
    if snapshot and not wal_exists(path):
        params = {"mode": "ro", "immutable": "1"}
    else:
        params = {"mode": "ro"}
    try:
        conn = sqlite3.connect(
            file_uri(path, **params), uri=True, isolation_level=None, check_same_thread=False
        )
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        if "immutable" in params or wal_exists(path):
            raise
    conn = sqlite3.connect(
        file_uri(path, mode="ro", immutable="1"),
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def remove_side_files(path: Path) -> None:
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def remove_idle_side_files(path: Path) -> None:
    """Remove the empty -wal and its -shm a read-only reader left, unless a writer has the
    project open (it holds the lock, so taking the lock proves nobody uses them)."""
    wal = path.with_name(path.name + "-wal")
    try:
        if wal.stat().st_size != 0:
            return
        lock = ProjectLock.acquire(path)
    except (OSError, ProjectError):
        return
    try:
        if wal.exists() and wal.stat().st_size == 0:
            remove_side_files(path)
    except OSError:
        pass
    finally:
        lock.release()


def migrate(target: Path, conn: sqlite3.Connection) -> None:
    """Bring an older project file up to this version's schema, keeping a backup of it."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        version = schema.infer_version(conn)
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
        schema.ensure_evidence_schema(conn)
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


def write_copy(backup: Callable[[sqlite3.Connection], None], target: Path) -> Path:
    """Write a copy of a project with `backup` (SQLite's backup API into the connection it is
    given) to `target`: a standalone single file (rollback journal mode), written under a
    temporary name and renamed, so an existing file at `target` is replaced only by a complete
    copy, and never while that project is open elsewhere."""
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
            backup(dest)
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


def write_new(target: Path, meta: ProjectMeta) -> None:
    """Build a new project file at `target` (which the caller has locked): under a temporary
    name, renamed into place, so a crash never leaves a half-made project."""
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
            now = schema.timestamp(datetime.now(UTC))
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
            schema.ensure_evidence_schema(conn)
            if conn.in_transaction:
                conn.execute("COMMIT")
        finally:
            conn.close()
        # A -wal left by an older file of the same name would be replayed into ours.
        remove_side_files(target)
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ProjectError(f"Cannot create {describe(target)}: {reason}.") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
