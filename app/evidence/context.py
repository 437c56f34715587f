"""Everything the checker needs from the evidence library for one draft, in one call."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core.models import CheckContext, EvidenceRef
from app.evidence import memindex
from app.evidence.library import LibraryError, attached_libraries, open_library
from app.evidence.precedents import find_precedents, theme_votes
from app.evidence.search import MARKS, SearchHit, Source, search
from app.storage.links import read_links

#: Kinds offered as suggestions; prior recommendations are shown as precedents instead.
SUGGESTION_KINDS = ("finding", "commitment", "other")

_pool_lock = threading.Lock()
_pool: dict[tuple[int, str], tuple[float, sqlite3.Connection]] = {}


def resolved_path(path: str | os.PathLike[str]) -> str:
    """The absolute path; resolved once per process and working folder, as a batch asks for
    it for every draft."""
    return _resolved(os.fspath(path), os.getcwd())


@lru_cache(maxsize=64)
def _resolved(path: str, cwd: str) -> str:
    return str(Path(cwd, path).resolve())


def library_connection(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection to a library, cached per thread and reopened when the file
    changes on disk (another window imported into it)."""
    key = (threading.get_ident(), resolved_path(path))
    try:
        mtime = os.stat(key[1]).st_mtime
    except OSError as exc:
        raise LibraryError(f"The evidence library '{Path(path).name}' cannot be found.") from exc
    with _pool_lock:
        cached = _pool.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        if cached:
            cached[1].close()
        conn = open_library(key[1], read_only=True)
        _pool[key] = (mtime, conn)
        return conn


def sources_for(conn: sqlite3.Connection | None, *,
                extra_libraries: list[str] | None = None) -> list[Source]:
    """The project's own store plus every library it has attached (missing ones skipped).

    `conn` is a connection to a project or library file, or None (libraries only).
    """
    sources: list[Source] = []
    paths: list[str] = []
    if conn is not None:
        sources.append((None, conn))
        paths.extend(attached_libraries(conn))
    for path in extra_libraries or []:
        resolved = resolved_path(path)
        if resolved not in paths:
            paths.append(resolved)
    for path in paths:
        try:
            sources.append((path, library_connection(path)))
        except LibraryError:
            continue  # shown as "library not found" by the panel, not a checker failure
    return sources


def _ref_kind(kind: str) -> str:
    return kind if kind in ("finding", "commitment", "precedent") else "other"


def build_context(
    conn: sqlite3.Connection | None,
    draft_id: int | None,
    text: str,
    state_under_review: str,
    *,
    extra_libraries: list[str] | None = None,
    ignored: set[tuple[str, str]] | None = None,
) -> CheckContext:
    """CheckContext with linked evidence, precedents to the same State and theme votes."""
    sources = sources_for(conn, extra_libraries=extra_libraries)
    refs: list[EvidenceRef] = []
    if draft_id is not None and conn is not None:
        refs = [
            EvidenceRef(kind=_ref_kind(link.kind), label=link.label)  # type: ignore[arg-type]
            for link in read_links(conn, draft_id)
        ]
    return CheckContext(
        state_under_review=state_under_review,
        linked_evidence=refs,
        precedents=find_precedents(sources, text, state_under_review) if text.strip() else [],
        theme_votes=theme_votes(sources, text) if text.strip() else {},
        ignored=set(ignored or set()),
    )


def suggestions(
    sources: Sequence[Source], text: str, state: str, *, limit: int = 10,
    kinds: tuple[str, ...] | None = SUGGESTION_KINDS, marks: tuple[str, str] = MARKS,
) -> list[SearchHit]:
    """Most relevant evidence for a draft: BM25 over its words, same-State items boosted."""
    return search(sources, text, country=state, kinds=kinds, limit=limit, mode="any",
                  marks=marks)


def hit_to_dict(hit: SearchHit, marks: tuple[str, str] = ("[", "]")) -> dict[str, Any]:
    snippet = hit.snippet.replace(MARKS[0], marks[0]).replace(MARKS[1], marks[1])
    return {
        "id": hit.item.id,
        "library": hit.library,
        "kind": hit.item.kind,
        "label": hit.item.label(),
        "country": hit.item.country,
        "text": hit.item.text,
        "snippet": snippet,
        "score": round(hit.score, 3),
    }


def suggest_for_text(
    library_path: str | os.PathLike[str] | None, text: str, state: str, *, limit: int = 5,
    conn: sqlite3.Connection | None = None,
) -> dict[str, Any]:
    """JSON-ready suggestions, precedents and theme votes for `smartrec check --library`."""
    sources = sources_for(conn, extra_libraries=[str(library_path)] if library_path else [])
    if library_path and not any(p == resolved_path(library_path) for p, _ in sources):
        open_library(library_path, read_only=True).close()  # raises the clear LibraryError
    return {
        "suggestions": [hit_to_dict(h) for h in suggestions(sources, text, state, limit=limit)],
        "precedents": [p.model_dump() for p in find_precedents(sources, text, state)],
        "theme_votes": {
            issue: {"score": score, "reason": reason}
            for issue, (score, reason) in theme_votes(sources, text).items()
        },
    }


def check_with_library(
    library_path: str | os.PathLike[str], text: str, state: str, *, limit: int = 5,
    suggest: bool = True,
) -> tuple[CheckContext, dict[str, Any]]:
    """`smartrec check --library`: the check's context and the JSON suggestions from one set of
    look-ups (the same as `build_context` + `suggest_for_text`, which would rank twice)."""
    sources = sources_for(None, extra_libraries=[str(library_path)])
    if not any(p == resolved_path(library_path) for p, _ in sources):
        open_library(library_path, read_only=True).close()  # raises the clear LibraryError
    for path, conn in sources:
        memindex.attach_if_served(path, conn)
    precedents = find_precedents(sources, text, state) if text.strip() else []
    votes = theme_votes(sources, text) if text.strip() else {}
    context = CheckContext(state_under_review=state, precedents=precedents, theme_votes=votes)
    return context, {
        "suggestions": [hit_to_dict(h) for h in suggestions(sources, text, state, limit=limit)]
        if suggest else [],
        "precedents": [p.model_dump() for p in precedents],
        "theme_votes": {
            issue: {"score": score, "reason": reason} for issue, (score, reason) in votes.items()
        },
    }
