"""Undoable drafts-list operations (QUndoStack commands).

Text edits have their own per-draft undo in the editor's QTextDocument; these cover the list:
add, duplicate, delete and reorder. Each command talks to the project file directly, so undo
is persisted as soon as it happens, like every other change. The commands see the drafts list
only through the small `DraftsHost` protocol, so they import no controller (no import cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from app.storage.models import DeletedDraft
    from app.storage.project import Project


class DraftsHost(Protocol):
    """What the undo commands need from the drafts-list controller."""

    @property
    def current_id(self) -> int | None: ...

    def open_project(self) -> Project:
        """The project the commands act on (they only exist while one is open)."""
        ...

    def refresh_drafts(self, select: int | None = None) -> None: ...

    def forget_draft(self, draft_id: int) -> None: ...


class _DraftCommand(QUndoCommand):
    def __init__(self, host: DraftsHost, label: str) -> None:
        super().__init__(label)
        self.host = host

    @property
    def project(self) -> Project:
        return self.host.open_project()


class AddDraftCommand(_DraftCommand):
    """Add (or duplicate) a draft; undo deletes it, redo brings the same draft back."""

    def __init__(self, host: DraftsHost, *, after: int | None,
                 duplicate_of: int | None = None, theme: str = "") -> None:
        super().__init__(host, "Duplicate Draft" if duplicate_of is not None else "New Draft")
        self.after = after
        self.duplicate_of = duplicate_of
        self.theme = theme
        self.draft_id: int | None = None
        self.deleted: DeletedDraft | None = None

    def redo(self) -> None:
        if self.deleted is not None:
            self.project.restore_draft(self.deleted)
            self.draft_id = self.deleted.id
        elif self.duplicate_of is not None:
            self.draft_id = self.project.duplicate_draft(self.duplicate_of).id
        else:
            self.draft_id = self.project.add_draft(text="", title="", theme=self.theme,
                                                   after=self.after).id
        self.host.refresh_drafts(select=self.draft_id)

    def undo(self) -> None:
        if self.draft_id is None:
            return
        self.host.forget_draft(self.draft_id)
        self.deleted = self.project.delete_draft(self.draft_id)
        self.host.refresh_drafts(select=self.after or self.duplicate_of)


class DeleteDraftCommand(_DraftCommand):
    def __init__(self, host: DraftsHost, draft_id: int) -> None:
        super().__init__(host, "Delete Draft")
        self.draft_id = draft_id
        self.deleted: DeletedDraft | None = None
        self.neighbour: int | None = None

    def redo(self) -> None:
        ids = [d.id for d in self.project.drafts()]
        if self.draft_id in ids:
            i = ids.index(self.draft_id)
            rest = ids[:i] + ids[i + 1:]
            self.neighbour = rest[min(i, len(rest) - 1)] if rest else None
        self.host.forget_draft(self.draft_id)
        self.deleted = self.project.delete_draft(self.draft_id)
        self.host.refresh_drafts(select=self.neighbour)

    def undo(self) -> None:
        if self.deleted is not None:
            self.project.restore_draft(self.deleted)
            self.host.refresh_drafts(select=self.draft_id)


class ReorderCommand(_DraftCommand):
    def __init__(self, host: DraftsHost, old: list[int], new: list[int]) -> None:
        super().__init__(host, "Reorder Drafts")
        self.old = list(old)
        self.new = list(new)

    def redo(self) -> None:
        self.project.reorder(self.new)
        self.host.refresh_drafts(select=self.host.current_id)

    def undo(self) -> None:
        self.project.reorder(self.old)
        self.host.refresh_drafts(select=self.host.current_id)
