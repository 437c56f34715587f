"""The class board: watches a folder of hand-ins and shows the room as it fills up.

The folder is polled twice a second (USB sticks and shared folders do not always send change
notifications), and only files whose size or time changed are read again, so new hand-ins show
within a second. Names are hidden ("Group A, B, ...") until the trainer ticks "Show names".
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from app.core.engine import Checker
from app.core.models import DIMENSION_LABELS
from app.export.model import ExportError
from app.gui.workshop.present import PresentationWindow
from app.gui.workshop.views import (
    CRITERIA,
    SYMBOLS,
    DraftView,
    ModelAnswerView,
    PairView,
)
from app.workshop.analysis import CheckedDraft, ResultCache, Room, analyse
from app.workshop.exercise import Exercise
from app.workshop.folder import FolderScanner, ScanResult
from app.workshop.report import write_report

POLL_MS = 500
GROUPINGS = ("hand-in", "score", *CRITERIA)
_STATUS_GROUPS = (
    ("not_met", "Not met"), ("partly", "Partly met"), ("met", "Met"),
    ("not_applicable", "Not applicable"),
)
_KEY_ROLE = Qt.ItemDataRole.UserRole


def grouping_label(grouping: str) -> str:
    if grouping == "hand-in":
        return "Hand-in"
    if grouping == "score":
        return "Score (weakest first)"
    return DIMENSION_LABELS[grouping]


class ClassBoard(QMainWindow):
    """One exercise's hand-ins folder, live."""

    #: Emitted after the room was rebuilt from a changed folder.
    room_changed = Signal()

    def __init__(
        self,
        folder: Path,
        exercise: Exercise,
        known_exercises: set[str],
        checker: Checker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ClassBoard")
        self.setWindowTitle(f"Class board — {exercise.title}")
        self.resize(1280, 720)
        self.folder = folder
        self.exercise = exercise
        self.scanner = FolderScanner(folder, exercise.id, known_exercises)
        self.results = ResultCache(checker)
        self.scan = ScanResult()
        self.room: Room = analyse(exercise, [], self.results)
        self.presentation: PresentationWindow | None = None
        self._signature: object = None
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.refresh()
        self.timer.start()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel(
            f"<b>{html.escape(self.exercise.title)}</b> — {html.escape(self.exercise.state)}"
            f"<br><span>{html.escape(self.exercise.task)}</span>"
        )
        title.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.grouping = QComboBox()
        for grouping in GROUPINGS:
            self.grouping.addItem(grouping_label(grouping), grouping)
        self.grouping.setAccessibleName("Group drafts by")
        self.grouping.currentIndexChanged.connect(self._fill_drafts)
        self.names = QCheckBox("Show names")
        self.names.setToolTip("Names are hidden by default: groups are shown as Group A, B, …")
        self.names.toggled.connect(self._names_toggled)
        self.present_button = QPushButton("Present")
        self.present_button.setToolTip("Full screen for the projector (F5)")
        self.present_button.clicked.connect(self.present)
        self.model_button = QPushButton("Model answer")
        self.model_button.setCheckable(True)
        self.model_button.toggled.connect(self._show_detail)
        self.report_button = QPushButton("Write report…")
        self.report_button.clicked.connect(self._ask_report)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Group by:"))
        bar.addWidget(self.grouping)
        bar.addWidget(self.names)
        bar.addStretch(1)
        for button in (self.model_button, self.present_button, self.report_button):
            bar.addWidget(button)

        self.problems = QListWidget()
        self.problems.setAccessibleName("Most frequent problems")
        self.problems.setWordWrap(True)
        self.problems.itemActivated.connect(self._problem_chosen)
        self.problems.itemClicked.connect(self._problem_chosen)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Most frequent problems</b>"))
        left_layout.addWidget(self.problems)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Hand-ins and drafts")
        self.tree.setHeaderLabels(["Draft", "Score", "S", "M", "T", "A", "Plain", "Tone"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(1, 48)
        for column in range(2, 8):
            self.tree.setColumnWidth(column, 30 if column < 6 else 44)
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(lambda *_: self._show_detail())

        self.detail = QStackedWidget()
        self.draft_view = DraftView()
        self.pair_view = PairView()
        self.model_view = ModelAnswerView()
        self.hint = QLabel("Choose a draft to see its underlines and scorecard.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        for widget in (self.hint, self.draft_view, self.pair_view, self.model_view):
            self.detail.addWidget(widget)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setSizes([230, 520, 530])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.setCentralWidget(central)

        present = QAction("Present", self)
        present.setShortcut(QKeySequence("F5"))
        present.triggered.connect(self.present)
        self.addAction(present)

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Rescan the folder; rebuild the room only when something changed."""
        scan = self.scanner.scan()
        signature = (
            tuple((s.path.name, s.modified) for s in scan.submissions),
            tuple(str(s) for s in scan.skipped),
        )
        if signature == self._signature:
            return False
        self._signature = signature
        self.scan = scan
        self.room = analyse(self.exercise, scan.submissions, self.results)
        self.status.setText(f"{self.folder}: {scan.summary()}")
        self.status.setToolTip("\n".join(f"Skipped {s}" for s in scan.skipped))
        self._fill_problems()
        self._fill_drafts()
        if self.presentation is not None:
            self.presentation.update_room(self.room, self.ordered_drafts())
        self.room_changed.emit()
        return True

    def _fill_problems(self) -> None:
        self.problems.clear()
        for problem in self.room.problems:
            item = QListWidgetItem(problem.sentence())
            item.setData(_KEY_ROLE, problem.dimension)
            self.problems.addItem(item)
        if not self.room.problems:
            self.problems.addItem("No problems yet." if self.room.drafts else "No hand-ins yet.")

    def grouping_key(self) -> str:
        return str(self.grouping.currentData())

    def set_grouping(self, grouping: str) -> None:
        self.grouping.setCurrentIndex(GROUPINGS.index(grouping))

    def _draft_item(self, draft: CheckedDraft) -> QTreeWidgetItem:
        name = self._name(draft.entry_label)
        values = [f"{name} · {draft.number}: {draft.text}", str(draft.result.smart_score)]
        for criterion in CRITERIA:
            status = draft.result.dimension(criterion)
            values.append(SYMBOLS[status.status] if status is not None else "")
        item = QTreeWidgetItem(values)
        item.setToolTip(0, draft.text)
        item.setData(0, _KEY_ROLE, (draft.entry_label, draft.number))
        return item

    def _name(self, label: str) -> str:
        for entry in self.room.entries:
            if entry.label == label:
                return entry.name(show_names=self.names.isChecked())
        return label

    def _fill_drafts(self) -> None:
        selected = self._selected_key()
        self.tree.clear()
        grouping = self.grouping_key()
        drafts = self.room.drafts
        if grouping == "hand-in":
            for entry in self.room.entries:
                parent = QTreeWidgetItem([entry.name(show_names=self.names.isChecked())])
                parent.addChildren([self._draft_item(d) for d in entry.drafts])
                self.tree.addTopLevelItem(parent)
        elif grouping == "score":
            ordered = sorted(drafts, key=lambda d: d.result.smart_score)
            self.tree.addTopLevelItems([self._draft_item(d) for d in ordered])
        else:
            label = DIMENSION_LABELS[grouping]
            for status, words in _STATUS_GROUPS:
                members = [
                    d for d in self.room.by_criterion(grouping) if _status(d, grouping) == status
                ]
                if not members:
                    continue
                parent = QTreeWidgetItem([f"{SYMBOLS[status]} {label}: {words} ({len(members)})"])
                parent.addChildren([self._draft_item(d) for d in members])
                self.tree.addTopLevelItem(parent)
        self.tree.expandAll()
        if selected is not None:
            self.select(selected)

    def _draft_items(self) -> list[QTreeWidgetItem]:
        """Every draft row, top to bottom (group headings left out)."""
        out = []
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value() is not None:
            item = iterator.value()
            if item.data(0, _KEY_ROLE) is not None:
                out.append(item)
            iterator += 1
        return out

    def ordered_drafts(self) -> list[CheckedDraft]:
        """Drafts in the order the board shows them: presentation mode walks this order."""
        by_key = {(d.entry_label, d.number): d for d in self.room.drafts}
        return [by_key[tuple(item.data(0, _KEY_ROLE))] for item in self._draft_items()]

    def _selected_key(self) -> tuple[str, int] | None:
        item = self.tree.currentItem()
        key = item.data(0, _KEY_ROLE) if item is not None else None
        return (str(key[0]), int(key[1])) if key is not None else None

    def select(self, key: tuple[str, int]) -> None:
        for item in self._draft_items():
            if tuple(item.data(0, _KEY_ROLE)) == key:
                self.tree.setCurrentItem(item)
                return

    def selected_draft(self) -> CheckedDraft | None:
        key = self._selected_key()
        for draft in self.room.drafts:
            if (draft.entry_label, draft.number) == key:
                return draft
        return None

    # -- reactions --------------------------------------------------------------------------
    def _names_toggled(self) -> None:
        self._fill_drafts()
        self._show_detail()

    def _problem_chosen(self, item: QListWidgetItem) -> None:
        dimension = item.data(_KEY_ROLE)
        if dimension in GROUPINGS:
            self.set_grouping(str(dimension))

    def _show_detail(self) -> None:
        if self.model_button.isChecked():
            self.model_view.show_answers(self.exercise, self.room.model_results)
            self.detail.setCurrentWidget(self.model_view)
            return
        draft = self.selected_draft()
        if draft is None:
            self.detail.setCurrentWidget(self.hint)
        elif draft.before is not None:
            self.pair_view.show_pair(self._name(draft.entry_label), draft)
            self.detail.setCurrentWidget(self.pair_view)
        else:
            heading = f"{self._name(draft.entry_label)}, draft {draft.number}"
            self.draft_view.show_draft(heading, draft)
            self.detail.setCurrentWidget(self.draft_view)

    def present(self) -> PresentationWindow:
        drafts = self.ordered_drafts()
        current = self.selected_draft()
        start = drafts.index(current) if current in drafts else 0
        window = PresentationWindow(self.room, drafts, start)
        window.show_names = self.names.isChecked()
        window.show_current()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(self._presentation_closed)
        self.presentation = window
        window.showFullScreen()
        window.activateWindow()
        window.setFocus()
        return window

    def _presentation_closed(self) -> None:
        self.presentation = None

    def _ask_report(self) -> None:
        name = f"{self.exercise.id}-class-report.docx"
        path, _ = QFileDialog.getSaveFileName(
            self, "Write the class report", str(self.folder.parent / name), "Word (*.docx)"
        )
        if path:
            self.write_report_to(Path(path))

    def write_report_to(self, path: Path) -> bool:
        try:
            written = write_report(self.room, path, show_names=self.names.isChecked())
        except ExportError as exc:
            self.statusBar().showMessage(str(exc))
            return False
        self.statusBar().showMessage(f"Class report written to {written}")
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.timer.stop()
        if self.presentation is not None:
            self.presentation.close()
        super().closeEvent(event)


def _status(draft: CheckedDraft, dimension: str) -> str:
    status = draft.result.dimension(dimension)
    return status.status if status is not None else "met"
