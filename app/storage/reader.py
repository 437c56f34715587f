"""Read-only access to a project file for worker threads.

A `Project` and its connection belong to the GUI thread. Background look-ups (evidence
suggestions, precedents, badge scores) open a connection of their own here: it sees what the
autosave has written and can never write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def read_only_connection(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open `path` read-only; falls back to an immutable view of a file in a read-only folder
    (no -wal can be created there, and nobody else is writing it then)."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=check_same_thread)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None,
                               check_same_thread=check_same_thread)


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """`with reading(path) as conn:` — a read-only connection closed afterwards."""
    conn = read_only_connection(path)
    try:
        yield conn
    finally:
        conn.close()
