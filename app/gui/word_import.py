"""File ▸ Import Drafts from Word…: read a .docx in the background, list the paragraphs that look
like recommendations with a tick box and their theme, and add the ticked ones to the project in
document order (one transaction, through `app.review.drafts`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import report_unexpected
from app.gui.tasks import TaskManager
from app.review.drafts import add_to_project, preview_drafts
from app.review.locate import Candidates, Recommendation
from app.review.source import ReviewError
from app.storage.errors import ProjectError
from app.storage.models import Draft
from app.storage.project import Project

_TEXT, _THEME, _WHERE = range(3)


class WordImportDialog(QDialog):
    #: Emitted when a preview has been read or has failed (tests wait on it).
    finished_work = Signal()

    def __init__(self, parent: QWidget | None, project: Project,
                 path: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import drafts from Word")
        self.resize(900, 560)
        self.project = project
        self.tasks = TaskManager(self, workers=1)
        self.candidates: list[Recommendation] = []
        self.imported: list[Draft] = []
        self.error = ""
        #: One line on numbered paragraphs left out as too long, or "".
        self.left_out = ""

        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText("A Word document (.docx)")
        self.path_edit.setAccessibleName("Word document to import drafts from")
        self.path_edit.returnPressed.connect(self.load)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.all_box = QCheckBox("Offer every paragraph")
        self.all_box.toggled.connect(self.load)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.all_box)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Recommendation", "Theme", "Where"])
        self.table.setAccessibleName("Paragraphs found; tick the recommendations to import")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_THEME, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_THEME, 220)
        header.setSectionResizeMode(_WHERE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(self._update)
        self.status = QLabel("Choose a Word document.")
        self.status.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("Import Ticked",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.import_ticked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._update()
        if path:
            self.load()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import drafts from Word",
                                              self.path_edit.text(), "Word documents (*.docx)")
        if name:
            self.path_edit.setText(name)
            self.load()

    def load(self) -> None:
        """Read the document off the GUI thread and fill the preview."""
        text = self.path_edit.text().strip()
        if not text:
            return
        path, every = Path(text), self.all_box.isChecked()
        self.status.setText("Reading the document…")
        self.tasks.run(lambda: preview_drafts(path, all_paragraphs=every), self._show,
                       self._failed)

    def _show(self, found: Candidates) -> None:
        candidates = found.items
        self.candidates = candidates
        self.left_out = found.note()
        self.error = ""
        self.table.blockSignals(True)
        self.table.setRowCount(len(candidates))
        for row, rec in enumerate(candidates):
            item = QTableWidgetItem(rec.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, _TEXT, item)
            self.table.setItem(row, _THEME, QTableWidgetItem(rec.theme))
            where = QTableWidgetItem(rec.where)
            where.setFlags(where.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, _WHERE, where)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        if not candidates:
            left_out = f" ({self.left_out})" if self.left_out else ""
            self.status.setText("No numbered paragraphs or recommendation tables were found"
                                f"{left_out}. Tick “Offer every paragraph” to choose from all "
                                "paragraphs.")
        self._update()
        self.finished_work.emit()

    def _failed(self, exc: BaseException) -> None:
        self.candidates = []
        self.left_out = ""
        self.table.setRowCount(0)
        self.error = str(exc) if isinstance(exc, ReviewError) else (
            report_unexpected(exc, "import drafts from Word"))
        self.status.setText(self.error)
        self._update()
        self.finished_work.emit()

    def ticked(self) -> list[Recommendation]:
        """The ticked candidates in document order, with the theme as edited in the table."""
        chosen = []
        for row, rec in enumerate(self.candidates):
            text_item, theme_item = self.table.item(row, _TEXT), self.table.item(row, _THEME)
            if text_item is not None and text_item.checkState() == Qt.CheckState.Checked:
                theme = theme_item.text().strip() if theme_item is not None else rec.theme
                chosen.append(replace(rec, theme=theme))
        return chosen

    def _update(self) -> None:
        count = len(self.ticked()) if self.candidates else 0
        self.import_button.setEnabled(count > 0)
        if self.candidates:
            left_out = f" Not offered: {self.left_out}." if self.left_out else ""
            self.status.setText(f"{len(self.candidates)} paragraphs look like recommendations; "
                                f"{count} ticked. Untick any that are not.{left_out}")

    def import_ticked(self) -> None:
        chosen = self.ticked()
        if not chosen:
            return
        try:
            self.imported = add_to_project(self.project, chosen)
        except ProjectError as exc:
            self.status.setText(f"Nothing was imported: {exc}")
            return
        self.accept()

    def done(self, result: int) -> None:
        self.tasks.shutdown()
        super().done(result)
