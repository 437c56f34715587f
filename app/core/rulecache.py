"""Compiled rule sets cached on disk, so that start-up skips YAML parsing and validation.

A cache entry is the pickled result of `load_layers()` for one list of rule files. Its key is a
SHA-256 over the bytes of every rule file (and which files, in which layers), the source of the
rule engine (`app/core/*.py`, so a schema change invalidates it without anyone remembering),
`LOADER_VERSION` and the versions of Python, pydantic, regex and PyYAML. Compiled `regex`
patterns pickle with their compiled code, so loading an entry costs a few milliseconds.

Safety: the key is checked before anything is unpickled; an entry that does not match, cannot
be read or fails to unpickle is ignored and rebuilt. Rule files are hashed before and after
loading and the entry is written only if they did not change in between, so a file edited
during the load is never cached under the wrong key. Writes go to a temporary file that is
renamed into place (two processes building at once both write a correct entry; the last
rename wins). A read-only or missing cache folder only means nothing is cached.
The folder lives under the user's cache directory (`smartrec rules cache` prints it) and is
created readable by the user only: like any per-user cache, it is trusted as the user's own.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.core.cachefiles import cache_folder, read_pickle, write_pickle
from app.core.loader import LoadedRules, load_layers
from app.core.yamlload import MAX_RULE_FILE_BYTES
from app.textio import TextInputError, read_bounded

#: Bump when the meaning of a cached rule set changes in a way the engine's source does not show
#: (e.g. a bundle without source files). Documented in docs/performance.md.
LOADER_VERSION = 1
_MAGIC = b"SMARTrec compiled rules\n"
_PREFIX = "rules-"
_SUFFIX = ".pickle"
#: Entries kept per cache folder (one per distinct list of rule files); the oldest go first.
MAX_ENTRIES = 16


def cache_dir() -> Path:
    return cache_folder("rules")


def load_layers_cached(
    layers: Sequence[Sequence[Path]], folder: Path | None = None
) -> LoadedRules:
    """`load_layers(layers)`, served from the on-disk cache when every input is unchanged."""
    folder = cache_dir() if folder is None else folder
    key = _content_key(layers)
    entry = folder / f"{_PREFIX}{_name_key(layers)}{_SUFFIX}"
    cached = _read(entry, key)
    if cached is not None:
        return cached
    loaded = load_layers(layers)
    if _content_key(layers) == key:  # nothing was edited while we were loading
        _write(folder, entry, key, loaded)
    return loaded


def clear(folder: Path | None = None) -> int:
    """Delete every cached rule set; returns how many files were removed."""
    folder = cache_dir() if folder is None else folder
    removed = 0
    for path in _entries(folder):
        try:
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def entries(folder: Path | None = None) -> list[Path]:
    return _entries(cache_dir() if folder is None else folder)


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith(_PREFIX))
    except OSError:
        return []


def _name_key(layers: Sequence[Sequence[Path]]) -> str:
    """Which files in which layers: one cache file each, overwritten when their content changes."""
    digest = hashlib.sha256()
    for files in layers:
        digest.update(b"\x01layer")
        for path in files:
            digest.update(b"\x02" + os.fsencode(_absolute(path)))
    return digest.hexdigest()[:24]


def _content_key(layers: Sequence[Sequence[Path]]) -> bytes:
    digest = hashlib.sha256(_environment_key())
    for files in layers:
        digest.update(b"\x01layer")
        for path in files:
            digest.update(b"\x02" + os.fsencode(_absolute(path)) + b"\x00")
            try:  # bounded, regular files only: a FIFO or /dev/zero must not hang the key
                data = read_bounded(path, MAX_RULE_FILE_BYTES, "rule file")
            except TextInputError as exc:
                data = f"\x00unreadable {exc}".encode()
            digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest().encode("ascii")


def _absolute(path: Path) -> str:
    return os.path.abspath(path)


@functools.cache
def _environment_key() -> bytes:
    """Everything besides the rule files that shapes a compiled rule set (computed once)."""
    import pydantic
    import regex

    parts = [
        f"format {LOADER_VERSION}",
        sys.version,
        sys.implementation.cache_tag or "",
        pydantic.VERSION,
        regex.__version__,
        _installed("yaml"),  # PyYAML itself is not imported unless a rule file must be parsed
    ]
    if getattr(sys, "frozen", False):  # a bundle has no sources to hash: its executable decides
        stat = Path(sys.executable).stat()
        parts.append(f"bundle {stat.st_size} {stat.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(parts).encode())
    core = Path(__file__).resolve().parent
    for source in sorted(core.rglob("*.py")):  # absent in a bundle: then the versions decide
        try:
            digest.update(source.relative_to(core).as_posix().encode() + source.read_bytes())
        except OSError:
            continue
    return digest.digest()


def _installed(package: str) -> str:
    """Where and which build of `package` is installed, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package}: missing"
    try:
        stat = os.stat(spec.origin)
    except OSError:  # a bundle's modules live in its archive: the executable's stamp decides
        return f"{package}: {spec.origin}"
    return f"{package}: {spec.origin} {stat.st_size} {stat.st_mtime_ns}"


def _read(entry: Path, key: bytes) -> LoadedRules | None:
    loaded = read_pickle(entry, _MAGIC + key + b"\n")
    return loaded if isinstance(loaded, LoadedRules) else None


def _write(folder: Path, entry: Path, key: bytes, loaded: LoadedRules) -> None:
    if write_pickle(entry, _MAGIC + key + b"\n", loaded):
        _prune(folder, keep=entry)


def _prune(folder: Path, keep: Path) -> None:
    found = []
    for path in _entries(folder):
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:
            continue
    found.sort(reverse=True)
    for _mtime, path in found[MAX_ENTRIES:]:
        if path != keep:
            try:
                path.unlink()
            except OSError:
                continue
