"""`smartrec check` options for the acceptance outlook, and the per-draft JSON it adds.

    smartrec check drafts.csv --column Text --state-column To --recommending-column From \\
        --session-column Session --library history.smartlib --format jsonl

Each record gains "acceptance": {"probability": p, "reasons": [...], ...}. Per-row values come
from the named columns of a CSV (or keys of a JSONL object); `--state`/`--recommending` give one
value for every draft. With `--session-column`, a draft only sees history from earlier sessions.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from app.acceptance.history import CategoryEstimator, session_number
from app.acceptance.service import forecaster_for
from app.core.models import CheckResult

#: Row key: (source as the CLI names it, line where the record starts).
RowKey = tuple[str, int]


class DraftLike(Protocol):
    """What the CLI's draft record carries (app.cli.Draft)."""

    @property
    def source(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def text(self) -> str: ...


class AcceptanceInputError(ValueError):
    """A bad acceptance option or column; the CLI reports it as an input error."""


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the outlook's options on `smartrec check` (`--state` is the checker's own)."""
    group = parser.add_argument_group(
        "acceptance outlook (needs --library with earlier recommendations and responses)")
    group.add_argument("--recommending", metavar="STATE",
                       help="recommending State for every draft")
    group.add_argument("--state-column", metavar="COLUMN",
                       help="CSV column (or JSONL key) naming each draft's State under Review")
    group.add_argument("--recommending-column", metavar="COLUMN",
                       help="CSV column (or JSONL key) naming each draft's recommending State(s)")
    group.add_argument("--session-column", metavar="COLUMN",
                       help="CSV column (or JSONL key) with each draft's UPR session: only "
                       "history from earlier sessions is used")
    group.add_argument("--no-outlook", action="store_true",
                       help="with --library, leave the acceptance outlook out")


def _columns(args: argparse.Namespace) -> dict[str, str]:
    named = {"state": args.state_column, "recommending": args.recommending_column,
             "session": args.session_column}
    return {k: v for k, v in named.items() if v}


def _read_rows(path: Path, columns: Mapping[str, str]) -> dict[RowKey, dict[str, str]]:
    """field -> value per record, numbered exactly as `app.cli.read_drafts` numbers them."""
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


Annotate = Callable[[DraftLike, CheckResult], dict[str, object]]


def outlook_annotator(
    args: argparse.Namespace, library: sqlite3.Connection | None, estimate: CategoryEstimator,
) -> Annotate | None:
    """The per-draft outlook for `cmd_check`, or None when no outlook was asked for.

    Raises AcceptanceInputError for options that cannot work (columns without a library,
    a column the file lacks).
    """
    columns = _columns(args)
    if library is None:
        if columns or args.recommending:
            raise AcceptanceInputError(
                "--state-column, --recommending-column, --session-column and --recommending "
                "need --library (a library with earlier recommendations and their responses)")
        return None
    if args.no_outlook:
        return None
    rows: dict[RowKey, dict[str, str]] = {}
    if columns:
        for name in args.inputs:
            path = Path(name)
            if path.suffix.lower() in (".csv", ".jsonl") and path.is_file():
                rows.update(_read_rows(path, columns))
            elif name != "-" and path.is_file():
                raise AcceptanceInputError(
                    f"{path}: --state-column and the other column options need a .csv or .jsonl "
                    "file")

    def annotate(draft: DraftLike, result: CheckResult) -> dict[str, object]:
        values = rows.get((draft.source, draft.line), {})
        state = values.get("state") or args.state or ""
        recommending = values.get("recommending") or args.recommending or ""
        before: int | None = None
        note = ""
        if "session" in columns:
            before = session_number(values.get("session", ""))
            if before is None:
                note = "This row names no session, so all the library's history was used."
        forecaster = forecaster_for([library], estimate, before_session=before)
        outlook = forecaster.outlook(
            draft.text, state, [recommending] if recommending else [],
            result.action_category.category, [t.issue for t in result.themes],
        )
        record = outlook.as_dict()
        if note:
            record["note"] = f"{note} {record['note']}".strip()
        return {"acceptance": record}

    return annotate
