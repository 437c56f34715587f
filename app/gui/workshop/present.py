"""Presentation mode for the projector: full screen, large type, one draft at a time.

Keys: → / Space / Page Down next, ← / Page Up previous, Home / End first and last, B before and
after, M model answer, N show or hide names, Esc leave. Names are hidden until N is pressed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.gui.workshop.views import DraftView, ModelAnswerView, PairView
from app.workshop.analysis import CheckedDraft, Entry, Room

#: Type size on the projector relative to the desktop's, per 720 pixels of screen height.
SCALE = 2.0
REFERENCE_HEIGHT = 720
_NEXT = {Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown, Qt.Key.Key_Down}
_PREVIOUS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Backspace}


class PresentationWindow(QWidget):
    """Walks through `drafts` (in the board's order); `closed` tells the board to come back."""

    closed = Signal()

    def __init__(self, room: Room, drafts: list[CheckedDraft], start: int = 0) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle(f"SMARTrec — {room.exercise.title}")
        self.setObjectName("WorkshopPresentation")
        self.room = room
        self.drafts = drafts
        self.index = max(0, min(start, len(drafts) - 1))
        self.show_names = False
        self.mode = "draft"
        self._entries: dict[str, Entry] = {e.label: e for e in room.entries}
        self.position = QLabel()
        self.position.setObjectName("Muted")
        self.help = QLabel("→ next   ← previous   B before/after   M model answer   "
                           "N names   Esc leave")
        self.help.setObjectName("Muted")
        self.stack = QStackedWidget()
        # On the projector: fewer lines of editor and reasons only for what is not met, so a
        # pair and its scorecards fit a 1280×720 screen at large type.
        self.draft_view = DraftView(SCALE, lines=4, compact=True)
        self.pair_view = PairView(SCALE, lines=5, compact=True)
        self.model_view = ModelAnswerView(SCALE)
        self.empty = QLabel("No hand-ins yet.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (self.draft_view, self.pair_view, self.model_view, self.empty):
            self.stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 28, 48, 20)
        layout.addWidget(self.stack, 1)
        bottom = QVBoxLayout()
        bottom.addWidget(self.position)
        bottom.addWidget(self.help)
        layout.addLayout(bottom)
        self._footer_size = self.position.font().pointSizeF()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for view in (self.draft_view, self.pair_view.before, self.pair_view.after):
            view.editor.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_current()

    def update_room(self, room: Room, drafts: list[CheckedDraft]) -> None:
        """New hand-ins arrived: take them in and stay on the draft being discussed."""
        current = self.current()
        key = (current.entry_label, current.number) if current is not None else None
        self.room = room
        self.drafts = drafts
        self._entries = {e.label: e for e in room.entries}
        keys = [(d.entry_label, d.number) for d in drafts]
        self.index = keys.index(key) if key in keys else min(self.index, max(len(drafts) - 1, 0))
        self.show_current()

    # -- what is shown ----------------------------------------------------------------------
    def current(self) -> CheckedDraft | None:
        return self.drafts[self.index] if self.drafts else None

    def name_of(self, draft: CheckedDraft) -> str:
        entry = self._entries.get(draft.entry_label)
        if entry is None:
            return draft.entry_label
        return entry.name(show_names=self.show_names)

    def show_current(self) -> None:
        draft = self.current()
        if self.mode == "model":
            self.model_view.show_answers(self.room.exercise, self.room.model_results)
            self.stack.setCurrentWidget(self.model_view)
        elif draft is None:
            self.stack.setCurrentWidget(self.empty)
        elif self.mode == "pair" and draft.before is not None:
            self.pair_view.show_pair(self.name_of(draft), draft)
            self.stack.setCurrentWidget(self.pair_view)
        else:
            self.draft_view.show_draft(f"{self.name_of(draft)}, draft {draft.number}", draft)
            self.stack.setCurrentWidget(self.draft_view)
        where = f"{self.index + 1} of {len(self.drafts)}" if self.drafts else "0 of 0"
        pair = "" if draft is None or draft.before is None else "   ·   B: before and after"
        self.position.setText(f"{self.room.exercise.title}   ·   draft {where}{pair}")

    # -- keyboard ---------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
            return
        if key in _NEXT:
            self.step(1)
        elif key in _PREVIOUS:
            self.step(-1)
        elif key == Qt.Key.Key_Home:
            self.go(0)
        elif key == Qt.Key.Key_End:
            self.go(len(self.drafts) - 1)
        elif key == Qt.Key.Key_B:
            self.mode = "draft" if self.mode == "pair" else "pair"
            self.show_current()
        elif key == Qt.Key.Key_M:
            self.mode = "draft" if self.mode == "model" else "model"
            self.show_current()
        elif key == Qt.Key.Key_N:
            self.show_names = not self.show_names
            self.show_current()
        else:
            super().keyPressEvent(event)

    def step(self, delta: int) -> None:
        self.go(self.index + delta)

    def go(self, index: int) -> None:
        if not self.drafts:
            return
        self.index = max(0, min(index, len(self.drafts) - 1))
        if self.mode == "model":
            self.mode = "draft"
        self.show_current()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Large type at any projector resolution: the type grows with the screen."""
        scale = SCALE * max(0.75, event.size().height() / REFERENCE_HEIGHT)
        for view in (self.draft_view, self.pair_view, self.model_view):
            view.set_scale(scale)
        for label in (self.position, self.help):
            font = label.font()
            font.setPointSizeF(self._footer_size * scale * 0.6)
            label.setFont(font)
        super().resizeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.closed.emit()
        super().closeEvent(event)
