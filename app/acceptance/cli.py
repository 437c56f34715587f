"""`smartrec check` options for the acceptance outlook, and the per-draft JSON it adds.

    smartrec check drafts.csv --column Text --state-column To --recommending-column From \\
        --session-column Session --library history.smartlib --format jsonl

Each record gains "acceptance": {"probability": p, "reasons": [...], ...}. Per-row values come
from the named columns of a CSV (or keys of a JSONL object); `--state`/`--recommending` give one
value for every draft. With `--session-column`, a draft only sees history from earlier sessions.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from app.acceptance.history import CategoryEstimator, session_number
from app.acceptance.options import AcceptanceInputError, AcceptanceOptions
from app.acceptance.service import forecaster_for
from app.core.models import CheckResult
from app.evidence.library import open_library

#: Row key: (source as the CLI names it, line where the record starts).
RowKey = tuple[str, int]


class DraftLike(Protocol):
    """What the CLI's draft record carries (app.draft_input.Draft)."""

    @property
    def source(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def text(self) -> str: ...


def _read_rows(path: Path, columns: Mapping[str, str]) -> dict[RowKey, dict[str, str]]:
    """field -> value per record, numbered exactly as `app.draft_input.DraftReader`
    numbers them."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    out: dict[RowKey, dict[str, str]] = {}
    if path.suffix.lower() == ".jsonl":
        for number, raw in enumerate(text.splitlines(), start=1):
            try:
                value = json.loads(raw) if raw.strip() else None
            except json.JSONDecodeError:
                continue  # the checker's own reader reports it
            if isinstance(value, dict):
                out[(str(path), number)] = {
                    f: str(value.get(c, "") or "") for f, c in columns.items()}
        return out
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return out
    missing = [c for c in columns.values() if c not in header]
    if missing:
        raise AcceptanceInputError(
            f"{path}: no column named {missing[0]!r} (columns: {', '.join(header)})")
    index = {f: header.index(c) for f, c in columns.items()}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except (StopIteration, csv.Error):
            return out
        out[(str(path), line)] = {f: row[i] if i < len(row) else "" for f, i in index.items()}
        line = reader.line_num + 1


def read_columns(options: AcceptanceOptions) -> dict[RowKey, dict[str, str]]:
    columns = options.columns()
    rows: dict[RowKey, dict[str, str]] = {}
    if not columns:
        return rows
    for name in options.inputs:
        path = Path(name)
        if path.suffix.lower() in (".csv", ".jsonl") and path.is_file():
            rows.update(_read_rows(path, columns))
        elif name != "-" and path.is_file():
            raise AcceptanceInputError(
                f"{path}: --state-column and the other column options need a .csv or .jsonl "
                "file")
    return rows


class Annotator:
    """Adds "acceptance" to each draft's record; one per process (batch workers too)."""

    def __init__(self, options: AcceptanceOptions, estimate: CategoryEstimator) -> None:
        assert options.library is not None
        self.options = options
        self.estimate = estimate
        self.rows = read_columns(options)
        self._conn: tuple[int, sqlite3.Connection] | None = None

    def _library(self) -> sqlite3.Connection:
        """A connection of this process's own (an SQLite connection must not cross a fork)."""
        if self._conn is None or self._conn[0] != os.getpid():
            assert self.options.library is not None
            self._conn = (os.getpid(), open_library(self.options.library, read_only=True))
        return self._conn[1]

    def warm(self) -> None:
        """Fit now (in the parent, before workers fork and share the fitted model)."""
        if "session" not in self.options.columns():
            forecaster_for([self._library()], self.estimate)

    def __call__(self, draft: DraftLike, result: CheckResult) -> dict[str, object]:
        options = self.options
        values = self.rows.get((draft.source, draft.line), {})
        state = values.get("state") or options.state
        recommending = values.get("recommending") or options.recommending
        before: int | None = None
        note = ""
        if "session" in options.columns():
            before = session_number(values.get("session", ""))
            if before is None:
                note = "This row names no session, so all the library's history was used."
        forecaster = forecaster_for([self._library()], self.estimate, before_session=before)
        outlook = forecaster.outlook(
            draft.text, state, [recommending] if recommending else [],
            result.action_category.category, [t.issue for t in result.themes],
        )
        record = outlook.as_dict()
        if note:
            record["note"] = f"{note} {record['note']}".strip()
        return {"acceptance": record}


def make_annotator(
    options: AcceptanceOptions | None, estimate: CategoryEstimator, *, warm: bool = False
) -> Annotator | None:
    """The per-draft outlook for `smartrec check`, or None when none was asked for."""
    if options is None or options.library is None or not options.enabled:
        return None
    annotator = Annotator(options, estimate)
    if warm:
        annotator.warm()
    return annotator
