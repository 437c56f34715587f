"""Read-only checks that a project or library file really has the schema it claims.

The application id and version say whose file it is; they do not prove its tables are usable. A
crafted file with our id but a `drafts` table missing columns used to be switched to WAL and
given evidence tables before failing. These checks compare the file, on a read-only connection,
with a reference schema built in memory by the same migrations, so a bad file is refused before
anything writes to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]
Columns = dict[str, str]  # column name -> declared type, upper-case


def table_columns(conn: sqlite3.Connection) -> dict[str, Columns]:
    """Every ordinary table of `conn` with its columns and declared types."""
    tables: dict[str, Columns] = {}
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for name in names:
        quoted = '"' + str(name).replace('"', '""') + '"'
        info = conn.execute(f"PRAGMA table_info({quoted})").fetchall()
        tables[str(name)] = {str(col[1]): str(col[2] or "").upper() for col in info}
    return tables


def reference_schema(
    migrations: Sequence[Migration], extra: Callable[[sqlite3.Connection], None] | None = None
) -> dict[str, Columns]:
    """The tables the given migrations create, built in a throw-away in-memory database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("BEGIN")  # as in a real migration, which runs in one transaction
        for migrate in migrations:
            migrate(conn)
        if extra is not None:
            extra(conn)
        conn.execute("COMMIT")
        return table_columns(conn)
    finally:
        conn.close()


def schema_problem(
    conn: sqlite3.Connection, expected: dict[str, Columns], required: Sequence[str]
) -> str | None:
    """Why the file's tables do not match `expected`, in words; None when they do.

    Tables in `required` must exist; every expected table that exists must have each expected
    column with the same declared type. Extra tables and columns are tolerated (a newer minor
    version may add them).
    """
    actual = table_columns(conn)
    for name in required:
        if name not in actual:
            return f"the table '{name}' is missing"
    for name, columns in expected.items():
        have = actual.get(name)
        if have is None:
            continue
        for column, kind in columns.items():
            if column not in have:
                return f"the table '{name}' has no column '{column}'"
            if have[column] != kind:
                return (
                    f"the column '{name}.{column}' is {have[column] or 'untyped'}, "
                    f"not {kind or 'untyped'}"
                )
    return None
