"""Autosave for the open project (in the spirit of qutebrowser's `SaveManager`).

The rules of the road: every edit reaches the project file within about a second (400 ms
debounce, 1 s at most while typing without pause); pending edits are flushed before anything
that could lose them (switching drafts, closing, save a copy); a settled text becomes a history
snapshot after 3 s without typing. Status goes out through signals; no widgets here.

A draft over `MAX_DRAFT_CHARS` (a pasted report) costs tens of milliseconds per save, so it is
saved 2 s after typing stops and at most every 5 s while typing, and its versions are not kept
in the history (500 versions of 5 MB would be 2.5 GB); the version from before it grew is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from app.bounds import MAX_DRAFT_CHARS
from app.gui.session import ProjectSession
from app.storage.errors import ProjectError

SAVE_DELAY_MS = 400
SAVE_MAX_DELAY_MS = 1000
SAVE_RETRY_MS = 3000
SNAPSHOT_IDLE_MS = 3000
LONG_SAVE_DELAY_MS = 2000
LONG_SAVE_MAX_DELAY_MS = 5000

#: A pending change of one draft field: text, title, theme, status or notes.
FieldValue = str | None


class CurrentText(Protocol):
    """Where the save manager reads the text being edited (the drafts-list controller)."""

    @property
    def current_id(self) -> int | None: ...

    def current_text(self) -> str: ...

    def current_length(self) -> int:
        """Length of the text being edited, without copying it."""
        ...


def single_shot(parent: QObject, ms: int, slot: Callable[[], object]) -> QTimer:
    """A stopped single-shot timer; the parts restart them as debounces."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer


class SaveManager(QObject):
    """Pending edits of the current draft, written to the project file on a short debounce."""

    #: text for the status bar's save label, its tooltip
    status_changed = Signal(str, str)
    #: a save failed (the user-facing reason); edits stay pending and are retried
    save_failed = Signal(str)
    #: saving works again after a failure
    recovered = Signal()
    #: the draft as saved, and whether its theme changed (the list regroups)
    draft_saved = Signal(object, bool)
    #: a new history version of this draft id was stored
    snapshot_taken = Signal(int)
    #: a message for the status bar
    message = Signal(str)

    def __init__(self, session: ProjectSession, editor: CurrentText,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.editor = editor
        #: Score of the last check of (draft id, text), for snapshots; set by the window.
        self.score_of: Callable[[int, str], int | None] = lambda _d, _t: None
        self.failed = False
        self._pending: dict[str, FieldValue] = {}
        self._pending_id: int | None = None
        #: Drafts whose stored text is known to be in the history already.
        self._baselined: set[int] = set()
        self._save_timer = single_shot(self, SAVE_DELAY_MS, self.flush)
        self._save_deadline = single_shot(self, SAVE_MAX_DELAY_MS, self.flush)
        self._snapshot_timer = single_shot(self, SNAPSHOT_IDLE_MS, self.take_snapshot)
        session.about_to_close.connect(self._before_close)
        session.project_changed.connect(self._project_changed)

    @property
    def pending(self) -> bool:
        """True while an edit has not reached the file yet."""
        return bool(self._pending)

    def mark_dirty(self, name: str, value: FieldValue = None) -> None:
        """Note a change of the current draft (`text` is read from the editor when saved)."""
        project, draft_id = self.session.project, self.editor.current_id
        if project is None or project.read_only or draft_id is None:
            return
        if self._pending_id not in (None, draft_id):
            self.flush()
        if name == "text" and draft_id not in self._baselined:
            self._keep_original(draft_id)
        self._pending[name] = value
        self._pending_id = draft_id
        long = self.editor.current_length() > MAX_DRAFT_CHARS
        self._save_timer.start(LONG_SAVE_DELAY_MS if long else SAVE_DELAY_MS)
        if not self._save_deadline.isActive():
            self._save_deadline.start(LONG_SAVE_MAX_DELAY_MS if long else SAVE_MAX_DELAY_MS)
        if name == "text":
            self._snapshot_timer.start()
        self.status_changed.emit("Saving…", "")

    def _keep_original(self, draft_id: int) -> None:
        """Before the first edit of a draft without history, keep the text as it was stored,
        so the History tab can always show the original next to the new text."""
        project = self.session.require()
        self._baselined.add(draft_id)
        try:
            if project.history(draft_id):
                return
            stored = project.get_draft(draft_id)
        except ProjectError:
            return
        if stored.text.strip() and len(stored.text) <= MAX_DRAFT_CHARS:
            self.snapshot(draft_id, stored.text, stored.score)

    def flush(self) -> None:
        """Write pending edits to the project file now."""
        self._save_timer.stop()
        self._save_deadline.stop()
        project = self.session.project
        if not self._pending or self._pending_id is None or project is None:
            self._pending.clear()
            return
        changes = dict(self._pending)
        if "text" in changes:
            if self._pending_id == self.editor.current_id:
                changes["text"] = self.editor.current_text()
            else:
                del changes["text"]
        try:
            draft = project.update_draft(
                self._pending_id, text=changes.get("text"), title=changes.get("title"),
                theme=changes.get("theme"), status=changes.get("status"),
                notes=changes.get("notes"))
        except ProjectError as exc:
            self.failed = True
            self.status_changed.emit("⚠ Not saved", str(exc))
            self.save_failed.emit(str(exc))
            self._save_deadline.start(SAVE_RETRY_MS)  # keep the edit pending and retry
            return
        if self.failed:
            self.failed = False
            self.recovered.emit()
        self._pending.clear()
        self._pending_id = None
        self.status_changed.emit(f"Saved {time.strftime('%H:%M:%S')}",
                                 "Every change is saved automatically.")
        self.draft_saved.emit(draft, "theme" in changes)

    def forget(self, draft_id: int) -> None:
        """The draft is about to be deleted: flush it, drop a pending snapshot of it."""
        self.flush()
        if draft_id == self.editor.current_id:
            self._snapshot_timer.stop()

    def snapshot_if_due(self) -> None:
        """Before switching drafts: keep the settled text of the one being left."""
        self.flush()
        if self._snapshot_timer.isActive():
            self.take_snapshot()

    def take_snapshot(self) -> None:
        """The text has settled: keep it in the history with its score."""
        self._snapshot_timer.stop()
        project, draft_id = self.session.project, self.editor.current_id
        if project is None or project.read_only or draft_id is None:
            return
        self.flush()
        if self.editor.current_length() > MAX_DRAFT_CHARS:
            return  # saved in the draft itself; too big to keep copies of
        text = self.editor.current_text()
        self.snapshot(draft_id, text, self.score_of(draft_id, text))

    def snapshot(self, draft_id: int, text: str, score: int | None) -> None:
        """Store a version (nothing when it equals the latest one)."""
        project = self.session.project
        if project is None or project.read_only:
            return
        try:
            snap = project.add_snapshot(draft_id, text, score)
        except ProjectError as exc:
            self.message.emit(f"Could not save the version: {exc}")
            return
        if snap is not None:
            self.snapshot_taken.emit(draft_id)

    def save_now(self) -> bool:
        """Ctrl+S: flush and snapshot at once; True when everything reached the file."""
        self.flush()
        self.take_snapshot()
        return self.session.project is not None and not self.failed

    def _before_close(self) -> None:
        self.flush()
        self.take_snapshot()
        self.stop()

    def stop(self) -> None:
        for timer in (self._save_timer, self._save_deadline, self._snapshot_timer):
            timer.stop()
        self._pending.clear()
        self._pending_id = None

    def _project_changed(self, project: object) -> None:
        self.failed = False
        self._baselined.clear()
        if project is None:
            self.status_changed.emit("", "")
