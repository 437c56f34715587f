"""A shared evidence library: a plain SQLite file that several projects can attach.

A delegation imports its reference material once into a library and points each project at it.
The file carries its own `application_id` ("SMLB") so that a project, or any other SQLite file,
is refused with a clear message instead of being written into.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from app.evidence.schema import (
    EVIDENCE_SCHEMA_VERSION,
    EvidenceSchemaError,
    ensure_schema,
)
from app.storage.reader import read_only_connection
from app.storage.sqlite_file import header_problem

#: "SMLB" in ASCII; projects use "SMRC". Never change it.
LIBRARY_APPLICATION_ID = 0x534D4C42
LIBRARY_SUFFIX = ".smartlib"


class LibraryError(Exception):
    """A user-facing problem with a library file."""


def _name(path: Path) -> str:
    return f"'{path.name}'"


def _check_header(path: Path) -> None:
    problem = header_problem(path, "an evidence library")
    if problem is not None:
        raise LibraryError(problem)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return read_only_connection(path, check_same_thread=False)
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)


def require_library(path: str | os.PathLike[str]) -> Path:
    """`path` as an evidence library that opens read-only, or LibraryError naming it: what a
    command checks before any output, so a bad `--library` fails at once and writes nothing."""
    target = Path(path)
    if not target.is_file():
        raise LibraryError(f"{target}: no such evidence library")
    try:
        open_library(target, read_only=True).close()
    except LibraryError as exc:
        raise LibraryError(f"{target}: {exc}") from None
    return target


def open_library(
    path: str | os.PathLike[str], *, create: bool = False, read_only: bool = False
) -> sqlite3.Connection:
    """Open (or with `create`, make) a library file; raises LibraryError in words.

    The connection is in autocommit mode; writers wrap changes in BEGIN/COMMIT themselves.
    """
    target = Path(path)
    if not target.exists():
        if not create:
            raise LibraryError(f"The evidence library {_name(target)} does not exist.")
        if not target.parent.is_dir():
            raise LibraryError(f"The folder '{target.parent}' does not exist.")
        try:
            conn = _connect(target, read_only=False)
            conn.execute("BEGIN IMMEDIATE")
            ensure_schema(conn, project=False)
            conn.execute(f"PRAGMA application_id = {LIBRARY_APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {EVIDENCE_SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(OSError):
                target.unlink()
            raise LibraryError(f"Cannot create {_name(target)}: {exc}.") from exc
        return conn
    _check_header(target)
    writable = os.access(target, os.W_OK) and os.access(target.parent, os.W_OK)
    ro = read_only or not writable
    try:  # every check runs on a read-only connection; a refused file is never written
        conn = _connect(target, read_only=True)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise LibraryError(f"{_name(target)} cannot be opened: {exc}.") from None
    if app_id != LIBRARY_APPLICATION_ID:
        conn.close()
        if app_id == 0x534D5243:
            raise LibraryError(
                f"{_name(target)} is a SMARTrec project, not an evidence library; open it as a "
                "project, or create a library with 'smartrec evidence import'."
            )
        raise LibraryError(f"{_name(target)} is an SQLite file but not an evidence library.")
    if version > EVIDENCE_SCHEMA_VERSION:
        conn.close()
        raise LibraryError(
            f"{_name(target)} was written by a newer SMARTrec (library schema {version}; this "
            f"version understands up to {EVIDENCE_SCHEMA_VERSION}). It was left untouched."
        )
    problem = _structure_problem(conn, version)
    if problem:
        conn.close()
        raise LibraryError(
            f"{_name(target)} is damaged or was not written by SMARTrec ({problem}). It was left "
            "untouched."
        )
    if not ro:
        conn.close()
        try:
            conn = _connect(target, read_only=False)
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{_name(target)} cannot be opened: {exc}.") from None
    if not ro and version < EVIDENCE_SCHEMA_VERSION:
        try:
            conn.execute("BEGIN IMMEDIATE")
            ensure_schema(conn, project=False)
            conn.execute(f"PRAGMA user_version = {EVIDENCE_SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except (sqlite3.Error, EvidenceSchemaError) as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            raise LibraryError(f"Cannot upgrade {_name(target)}: {exc}.") from exc
    if ro:
        conn.execute("PRAGMA query_only = ON")
    return conn


def _structure_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """Compare tables and columns with a fresh library's before anything is written."""
    from app.storage.validation import reference_schema, schema_problem

    expected = reference_schema([], lambda c: ensure_schema(c, project=False))
    required = ("evidence", "evidence_meta", "evidence_imports") if version else ()
    try:
        return schema_problem(conn, expected, required)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return str(exc)


# ------------------------------------------------------------------ libraries attached to projects


def attach_library(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> str:
    """Record in a project that it uses the library at `path` (checked first)."""
    resolved = str(Path(path).resolve())
    open_library(resolved, read_only=True).close()
    conn.execute("INSERT OR IGNORE INTO evidence_libraries (path) VALUES (?)", (resolved,))
    return resolved


def detach_library(conn: sqlite3.Connection, path: str) -> None:
    conn.execute("DELETE FROM evidence_libraries WHERE path = ?", (path,))


def attached_libraries(conn: sqlite3.Connection) -> list[str]:
    has = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_libraries'"
    ).fetchone()
    if not has:
        return []
    return [r[0] for r in conn.execute("SELECT path FROM evidence_libraries ORDER BY added")]
