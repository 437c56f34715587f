"""Plain data shapes the project file hands to the GUI, exports and the CLI.

Pydantic models so that every consumer sees the same validated shape; the database rows are
converted here and nowhere else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DraftStatus = Literal["draft", "final"]


class ProjectMeta(BaseModel):
    """What the whole project is about; shown in the title bar and used as check context."""

    model_config = ConfigDict(extra="forbid")

    state_under_review: str = ""
    cycle: str = ""
    session: str = ""
    recommending_state: str = ""
    language: str = "en"


class Draft(BaseModel):
    """One draft recommendation; `position` orders the drafts list (0-based, contiguous)."""

    model_config = ConfigDict(extra="forbid")

    id: int
    title: str = ""
    text: str = ""
    theme: str = ""
    position: int = 0
    status: DraftStatus = "draft"
    notes: str = ""
    created: datetime
    modified: datetime
    #: Last SMART score the checker gave the text (None until checked).
    score: int | None = None


class Snapshot(BaseModel):
    """A saved version of a draft's text, for the history panel."""

    model_config = ConfigDict(extra="forbid")

    id: int
    draft_id: int
    text: str
    score: int | None = None
    created: datetime


class RelatedRow(BaseModel):
    """A row of another table (e.g. evidence links) that pointed at a deleted draft.

    Captured generically through SQLite's foreign-key list so that undoing a delete also brings
    back rows owned by other modules, without this package knowing their tables.
    """

    model_config = ConfigDict(extra="forbid")

    table: str
    values: dict[str, Any]


class DeletedDraft(Draft):
    """What `Project.delete_draft` returns: the draft plus everything `restore_draft` needs."""

    snapshots: list[Snapshot] = Field(default_factory=list)
    ignored: list[tuple[str, str]] = Field(default_factory=list)
    related: list[RelatedRow] = Field(default_factory=list)
