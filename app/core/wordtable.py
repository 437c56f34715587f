"""Read-only word tables on disk, looked up by binary search over a memory-mapped file.

Why: the pronouncing dictionary (126k words) and the spelling word lists take 0.2–1 s to load
into dicts, yet a one-draft check needs a few dozen words. A table is built once from its source
(`cached_table`), written to the user cache folder, and then opened in microseconds: the
operating system pages in only the parts that are read, and every process shares them.

File format: a header line `SMARTrec word table <FORMAT> <key> <body bytes>` then
`word<TAB>value` lines sorted by their UTF-8 bytes. The key names the source (e.g. its size and
date), so a changed source builds a new table; a file with another header, or shorter or longer
than its header says (a copy cut short), is ignored and rebuilt. Writes go to a
temporary file renamed into place; a read-only cache folder means the table is kept in memory.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from app.core.cachefiles import cache_folder, write_atomic

FORMAT = 2
_HEADER = b"SMARTrec word table %d %s "


class WordTable(Protocol):
    """Look-up of a word's value; `None` when the word is not listed."""

    def get(self, word: str) -> str | None: ...

    def __contains__(self, word: object) -> bool: ...


class MappedTable:
    """A sorted table file searched in place (no load time, shared pages).

    A binary search costs ~20 µs in Python; after `PRELOAD_AFTER` look-ups (a batch, not a
    draft) the whole table is read into a dict once (~50 ms) and look-ups become dict hits.
    """

    PRELOAD_AFTER = 2_000

    def __init__(self, path: Path, header: bytes) -> None:
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        end = self._map.find(b"\n", 0, len(header) + 24)
        size = self._map[len(header) : end] if end > 0 else b""
        if (
            self._map[: len(header)] != header
            or not size.isdigit()
            or len(self._map) - end - 1 != int(size)
        ):
            self._map.close()
            raise ValueError(f"{path}: not a complete table for this key")
        self._start = end + 1
        self._lookups = 0
        self._all: dict[str, str] | None = None

    def get(self, word: str) -> str | None:
        if self._all is not None:
            return self._all.get(word)
        self._lookups += 1
        if self._lookups > self.PRELOAD_AFTER:
            text = self._map[self._start :].decode("utf-8", "surrogatepass")
            self._all = dict(line.split("\t", 1) for line in text.splitlines())
            return self._all.get(word)
        target = word.encode("utf-8", "surrogatepass")
        data = self._map
        lo, hi = self._start, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1 or lo  # the line holding `mid`
            end = data.find(b"\n", start, hi)
            if end < 0:
                end = hi
            tab = data.find(b"\t", start, end)
            entry = data[start : tab if tab >= 0 else end]
            if entry == target:
                return data[tab + 1 : end].decode("utf-8") if tab >= 0 else ""
            if entry < target:
                lo = end + 1
            else:
                hi = start
        return None

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None


class MemoryTable:
    """The same interface over a dict (when the cache folder cannot be written)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def get(self, word: str) -> str | None:
        return self._values.get(word)

    def __contains__(self, word: object) -> bool:
        return word in self._values


def cached_table(
    name: str, key: str, build: Callable[[], Mapping[str, str]], folder: Path | None = None
) -> WordTable:
    """The table `name` for source `key`, built with `build()` the first time."""
    if folder is None:
        folder = cache_folder("tables")
    header = _HEADER % (FORMAT, key.encode("ascii", "replace"))
    path = folder / f"{name}.table"
    try:
        return MappedTable(path, header)
    except (OSError, ValueError):
        pass
    values = build()
    if _write(path, header, values):
        try:
            return MappedTable(path, header)
        except (OSError, ValueError):
            pass
    return MemoryTable(values)


def _write(path: Path, header: bytes, values: Mapping[str, str]) -> bool:
    lines = sorted(
        (word.encode("utf-8", "surrogatepass"), value.encode("utf-8"))
        for word, value in values.items()
        if word and not any(ch in word for ch in "\t\n")
    )
    body = b"".join(word + b"\t" + value + b"\n" for word, value in lines)
    return write_atomic(path, header, b"%d\n" % len(body), body)
