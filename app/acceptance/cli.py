"""`smartrec check` options for the acceptance outlook, and the per-draft JSON it adds.

    smartrec check drafts.csv --column Text --state-column To --recommending-column From \\
        --session-column Session --library history.smartlib --format jsonl

Each record gains "acceptance": {"probability": p, "reasons": [...], ...}. Per-row values come
from the named columns of a CSV (or keys of a JSONL object); `--state`/`--recommending` give one
value for every draft. With `--session-column`, a draft only sees history from earlier sessions.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Protocol

from app.acceptance.history import CategoryEstimator, session_number
from app.acceptance.options import AcceptanceOptions
from app.acceptance.outlook import Forecaster, no_state
from app.acceptance.service import forecaster_for, forecasters_for
from app.core.models import CheckResult
from app.evidence.library import open_library


class DraftLike(Protocol):
    """What the CLI's draft record carries (app.draft_input.Draft)."""

    @property
    def source(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def fields(self) -> dict[str, str]: ...


def input_fields(options: AcceptanceOptions) -> Iterator[dict[str, str]]:
    """The outlook's columns of every draft in the input files, read as a stream (standard
    input can be read only once: its drafts' models are fitted when first needed)."""
    from app.draft_input import DraftReader

    files = [name for name in options.inputs if name != "-"]
    reader = DraftReader(files, options.column, encoding=options.encoding,
                         fields=options.columns())
    for draft in reader:
        yield draft.fields


class Annotator:
    """Adds "acceptance" to each draft's record; one per process (batch workers too)."""

    def __init__(self, options: AcceptanceOptions, estimate: CategoryEstimator) -> None:
        assert options.library is not None
        self.options = options
        self.estimate = estimate
        self._conn: tuple[int, sqlite3.Connection] | None = None
        #: Session cut-off -> its forecaster, for this run: nothing writes to the library
        #: during a check, so its fingerprint is not re-read for every draft.
        self._forecasters: dict[int | None, Forecaster] = {}

    def _library(self) -> sqlite3.Connection:
        """A connection of this process's own (an SQLite connection must not cross a fork)."""
        if self._conn is None or self._conn[0] != os.getpid():
            assert self.options.library is not None
            self._conn = (os.getpid(), open_library(self.options.library, read_only=True))
        return self._conn[1]

    def _forecaster(self, before: int | None) -> Forecaster:
        found = self._forecasters.get(before)
        if found is None:
            found = forecaster_for([self._library()], self.estimate, before_session=before)
            self._forecasters[before] = found
        return found

    def _cut_offs(self) -> set[int | None]:
        """The session cut-offs the input's drafts need (one model each); none when no draft
        names a State under Review, since then there is no outlook to give. Only the distinct
        sessions are kept, so memory does not grow with the input."""
        columns = self.options.columns()
        if not columns and not self.options.state:
            return set()
        if "session" not in columns:
            if self.options.state or any(v.get("state") for v in input_fields(self.options)):
                return {None}
            return set()
        return {
            session_number(v.get("session", ""))
            for v in input_fields(self.options)
            if v.get("state") or self.options.state
        }

    def warm(self) -> None:
        """Fit every model the input needs now, in the parent, before workers fork and share
        them (each worker would otherwise fit its own)."""
        cuts = self._cut_offs()
        if None in cuts:
            self._forecaster(None)
        sessions = [c for c in cuts if c is not None]
        if sessions:  # one read of the history for all of them
            fitted = forecasters_for([self._library()], self.estimate, sessions)
            for cut, forecaster in fitted.items():
                self._forecasters[cut] = forecaster

    def __call__(self, draft: DraftLike, result: CheckResult) -> dict[str, object]:
        options = self.options
        values = draft.fields
        state = values.get("state") or options.state
        recommending = values.get("recommending") or options.recommending
        before: int | None = None
        note = ""
        if "session" in options.columns():
            before = session_number(values.get("session", ""))
            if before is None:
                note = "This row names no session, so all the library's history was used."
        if not state:  # no State, no outlook: and no model to fit for it
            return {"acceptance": no_state(result.action_category.category).as_dict()}
        forecaster = self._forecaster(before)
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
