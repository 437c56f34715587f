"""Files in the user cache folder: written whole or not at all, never required to exist.

A cache write goes to a temporary file in the same folder and is renamed over the target, so a
reader sees the old file or the new one, never half of one; two processes writing at once both
write complete files and the last rename wins. A folder that cannot be created or written
(read-only home, full disk) makes `write_atomic` return False: callers then work uncached.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path


def cache_folder(name: str) -> Path:
    from app.paths import user_cache_dir

    return user_cache_dir() / name


def write_atomic(path: Path, *chunks: bytes) -> bool:
    """Write `chunks` to `path` atomically (folder created user-only); False if impossible."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True


def read_pickle(path: Path, header: bytes) -> object | None:
    """The object pickled after `header` in `path`, or None when absent, foreign or damaged.

    The header (a magic line and the content key) is compared before anything is unpickled.
    """
    try:
        with path.open("rb") as handle:
            if handle.read(len(header)) != header:
                return None
            body = handle.read()
    except OSError:
        return None
    try:
        return pickle.loads(body)
    except Exception:  # a truncated or foreign entry is rebuilt, whatever the unpickler says
        return None


def write_pickle(path: Path, header: bytes, value: object) -> bool:
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something unpicklable: simply not cached
        return False
    return write_atomic(path, header, body)
