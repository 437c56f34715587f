"""Cheap checks on a file that should be an SQLite database, before SQLite touches it.

Shared by project files and evidence libraries: each names the file the way its users know it
("a SMARTrec project", "an evidence library") and raises its own error with the reason.
"""

from __future__ import annotations

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


def header_problem(path: Path, noun: str) -> str | None:
    """Why `path` cannot be `noun` judging by its first 100 bytes, or None when it may be."""
    name = f"'{path.name}'"
    try:
        with path.open("rb") as fh:
            head = fh.read(HEADER_SIZE)
    except FileNotFoundError:
        return f"{name} does not exist (moved or deleted?)."
    except IsADirectoryError:
        return f"{name} is a folder, not {noun}."
    except PermissionError:
        return f"{name} cannot be read: permission denied."
    except OSError as exc:
        return f"{name} cannot be read: {exc.strerror or exc}."
    if not head:
        return f"{name} is an empty file, not {noun}."
    if len(head) < HEADER_SIZE or not head.startswith(SQLITE_MAGIC):
        return f"{name} is not {noun} (not an SQLite database)."
    return None
