"""Cheap checks on a file that should be an SQLite database, before SQLite touches it.

Shared by project files and evidence libraries: each names the file the way its users know it
("a SMARTrec project", "an evidence library") and raises its own error with the reason.

A file cut short is refused here, by its size: SQLite reads the missing tail of its last page
as zeros without an error, and `PRAGMA quick_check` and `integrity_check` both answer "ok" for a
project cut by one byte whose last draft row has lost its last character (see
`tests/hostile/test_truncation.py`). Without a write-ahead log, a complete file is exactly
`page_count * page_size` bytes, and the header records the page count. (Bytes after the
last page are ignored by SQLite itself, so a longer file is not refused here.)
"""

from __future__ import annotations

import struct
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
    expected = expected_size(head)
    try:
        size = path.stat().st_size
        wal = path.with_name(path.name + "-wal")
        pending = wal.exists() and wal.stat().st_size > 0
    except OSError as exc:
        return f"{name} cannot be read: {exc.strerror or exc}."
    if expected is not None and size < expected and not pending:
        return (f"{name} is damaged: it is cut short, {size:,} bytes where its header says "
                f"{expected:,} (was it copied completely?). The file was left untouched; open "
                "a backup copy.")
    return None


def expected_size(head: bytes) -> int | None:
    """The file size SQLite's header promises, or None when the header does not say.

    The page count at offset 28 is valid when the change counter (offset 24) equals the
    "version valid for" number (offset 92); SQLite has written both since version 3.7.0.
    """
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, = struct.unpack(">I", head[28:32])
    counter, = struct.unpack(">I", head[24:28])
    valid_for, = struct.unpack(">I", head[92:96])
    if pages == 0 or counter != valid_for or page_size < 512 or page_size & (page_size - 1):
        return None
    return pages * page_size
