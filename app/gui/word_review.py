"""File ▸ Review a Word Document…: choose a .docx, review it in the background with progress, and
say where the reviewed copy was saved. The work is `app.review.review_document`, as on the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.engine import Checker, load_checker
from app.errors import report_unexpected
from app.evidence.context import build_context
from app.gui.tasks import TaskManager
from app.review.annotate import ReviewJob, ReviewReport
from app.review.source import ReviewError, default_output
from app.storage.reader import reading

CheckerFactory = Callable[[], Checker]


def _default_checker() -> Checker:
    """The user's rules plus offline spelling, as `smartrec review` uses them."""
    from app.language.cli_support import providers_from_settings

    checker = load_checker()
    providers, _grammar, _status = providers_from_settings(no_grammar=True)
    checker.providers.extend(providers)
    return checker


class WordReviewDialog(QDialog):
    #: (done, total) recommendations; emitted from the worker, delivered on the GUI thread.
    progressed = Signal(int, int)
    #: Emitted when a review ends, successfully or not (tests wait on it).
    finished_work = Signal()

    def __init__(self, parent: QWidget | None, checker_factory: CheckerFactory | None = None,
                 path: str | Path | None = None, *, evidence: Path | None = None,
                 state: str = "") -> None:
        """With `evidence` (the open project's file) and a `state`, each summary cites a
        precedent to that State from the project's evidence and attached libraries."""
        super().__init__(parent)
        self.setWindowTitle("Review a Word document")
        self.resize(640, 300)
        self._factory = checker_factory or _default_checker
        self._checker: Checker | None = None
        self.tasks = TaskManager(self, workers=1)
        self.report: ReviewReport | None = None
        self.error = ""
        self._evidence = evidence if state.strip() else None
        self._state = state

        intro = QLabel("SMARTrec checks every recommendation in the document and saves a copy "
                       "with its advice as Word comments. Your document is not changed.")
        intro.setWordWrap(True)
        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText("A Word document (.docx)")
        self.path_edit.setAccessibleName("Word document to review")
        self.path_edit.textChanged.connect(self._update)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.fixes_box = QCheckBox("Suggest plain-language fixes as tracked changes")
        self.all_box = QCheckBox("Review every paragraph (not only numbered ones and tables)")
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        precedents = QLabel(
            f"Summaries cite earlier recommendations to {state} from this project's evidence."
            if self._evidence is not None else
            "Open a project with a State under Review to have summaries cite precedents.")
        precedents.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox()
        self.review_button = buttons.addButton("Review", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button = buttons.addButton("Open the Copy",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setVisible(False)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.review_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self._open_copy)
        close.clicked.connect(self.reject)
        self.progressed.connect(self._show_progress)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.fixes_box)
        layout.addWidget(self.all_box)
        layout.addWidget(precedents)
        layout.addWidget(self.target_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._busy = False
        self._update()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Review a Word document",
                                              self.path_edit.text(), "Word documents (*.docx)")
        if name:
            self.path_edit.setText(name)

    def _source(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text) if text else None

    def _update(self) -> None:
        source = self._source()
        self.review_button.setEnabled(source is not None and not self._busy)
        self.target_label.setText(
            f"The reviewed copy will be saved as “{default_output(source).name}” in the same "
            "folder." if source is not None else "")

    def start(self) -> None:
        """Review the chosen document off the GUI thread."""
        source = self._source()
        if source is None or self._busy:
            return
        self._busy = True
        self.report, self.error = None, ""
        self.open_button.setVisible(False)
        self.status.setText("Reviewing…")
        self.progress.setRange(0, 0)
        self._update()
        fixes, every = self.fixes_box.isChecked(), self.all_box.isChecked()

        evidence, state = self._evidence, self._state

        def work() -> ReviewReport:
            if self._checker is None:
                self._checker = self._factory()
            job = ReviewJob.open(source, all_paragraphs=every)
            if evidence is None:
                return job.run(self._checker, fixes=fixes, progress=self.progressed.emit)
            with reading(evidence) as conn:
                return job.run(self._checker, fixes=fixes, progress=self.progressed.emit,
                               context_for=lambda text: build_context(conn, None, text, state))

        self.tasks.run(work, self._done, self._failed)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(f"Reviewed {done} of {total} recommendations…")

    def _done(self, report: ReviewReport) -> None:
        self._busy = False
        self.report = report
        fixes = f" and {report.fixes} tracked changes" if report.fixes else ""
        replaced = (f" (the {report.replaced_comments} comments of the earlier review were "
                    "replaced)" if report.replaced_comments else "")
        left_out = f"\nNot reviewed: {report.left_out}." if report.left_out else ""
        self.status.setText(
            f"Reviewed {len(report.reviewed)} recommendations: {report.comments} comments"
            f"{fixes}{replaced}.\nThe reviewed copy is saved as {report.output}{left_out}")
        self.open_button.setVisible(True)
        self._update()
        self.finished_work.emit()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.error = str(exc) if isinstance(exc, ReviewError) else (
            report_unexpected(exc, "Word review"))
        self.status.setText(self.error)
        self._update()
        self.finished_work.emit()

    def _open_copy(self) -> None:
        if self.report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.output)))

    def done(self, result: int) -> None:
        self.tasks.shutdown()
        super().done(result)


def review_word_document(parent: QWidget | None) -> None:
    """The menu entry: a modal dialog owned by the window."""
    WordReviewDialog(parent).exec()
