"""File ▸ Export: choose a document and a format, write it in the background, or print it.

The project is read (and each draft checked) on the GUI thread, because the project's SQLite
connection belongs to it and checking takes about a millisecond per draft; only the writing, which
can take seconds for a long PDF, runs through `TaskManager`. Errors are shown in the dialog in
plain words (full disk, read-only folder, file open in Word) and never leave a partial file.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.engine import Checker
from app.errors import report_unexpected
from app.export import (
    DOCUMENT_LABELS,
    DOCUMENTS,
    FORMAT_LABELS,
    FORMATS,
    ExportProject,
    collect,
    default_filename,
    export_document,
)
from app.export.model import ExportError, require_drafts
from app.gui.export_pdf import make_document, page_layout, write_pdf
from app.gui.tasks import TaskManager
from app.storage.project import Project

_FILTERS = {
    "docx": "Word document (*.docx)",
    "pdf": "PDF (*.pdf)",
    "csv": "CSV (*.csv)",
    "json": "JSON (*.json)",
    "md": "Markdown (*.md)",
}


class ExportDialog(QDialog):
    """Modal export dialog; `exported(path)` fires after a file was written."""

    exported = Signal(str)

    def __init__(self, parent: QWidget | None, project: Project,
                 checker: Checker | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(560)
        self.project = project
        self.checker = checker
        self.tasks = TaskManager(self, workers=1)
        self.busy = False
        self.last_path: Path | None = None
        self.data: ExportProject | None = None
        self.error: str = ""
        self._browsed: Path | None = None  # the file dialog already asked about replacing it

        self.document = QComboBox()
        for key in DOCUMENTS:
            self.document.addItem(DOCUMENT_LABELS[key], key)
        self.document.setAccessibleName("Document type")
        self.format = QComboBox()
        for key in FORMATS:
            self.format.addItem(FORMAT_LABELS[key], key)
        self.format.setAccessibleName("Format")
        self.count = QSpinBox()
        self.count.setRange(1, 5)
        self.count.setValue(3)
        self.count.setAccessibleName("Recommendations on the fact sheet")
        self.count_label = QLabel("Recommendations on the sheet:")
        self.destination = QLineEdit()
        self.destination.setAccessibleName("Destination file")
        self.browse = QPushButton("Browse…")
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.destination, 1)
        dest_row.addWidget(self.browse)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("Muted")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Document:", self.document)
        form.addRow(self.count_label, self.count)
        form.addRow("Format:", self.format)
        form.addRow("Save to:", dest_row)

        self.buttons = QDialogButtonBox()
        role = QDialogButtonBox.ButtonRole
        self.export_button = self.buttons.addButton("Export", role.AcceptRole)
        self.print_button = self.buttons.addButton("Print…", role.ActionRole)
        self.open_button = self.buttons.addButton("Open file", role.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_button.setEnabled(False)
        self.export_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.document.currentIndexChanged.connect(self._options_changed)
        self.format.currentIndexChanged.connect(self._options_changed)
        self.browse.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.start_export)
        self.print_button.clicked.connect(self.print_document)
        self.open_button.clicked.connect(self._open_result)
        self.close_button.clicked.connect(self.reject)

        self._load()
        self._options_changed()

    # -- state ----------------------------------------------------------------------------

    def selected(self) -> tuple[str, str]:
        return str(self.document.currentData()), str(self.format.currentData())

    def set_choice(self, document: str, fmt: str, destination: str | Path | None = None) -> None:
        """Select options programmatically (main window shortcuts, tests)."""
        self.document.setCurrentIndex(DOCUMENTS.index(document))
        self.format.setCurrentIndex(FORMATS.index(fmt))
        if destination is not None:
            self.destination.setText(str(destination))

    def _load(self) -> None:
        try:
            self.data = collect(self.project, self.checker)
            require_drafts(self.data)
        except ExportError as exc:
            self.error = str(exc)
            self.summary.setText(self.error)
            self._set_enabled(False)
            return
        except Exception as exc:  # a damaged project must not crash the window
            self.error = f"Could not read the project: {exc}"
            self.summary.setText(self.error)
            self._set_enabled(False)
            return
        drafts = self.data.drafts
        notes = sum(len(d.footnotes) for d in drafts)
        themes = len(self.data.by_theme())
        self.summary.setText(
            f"{len(drafts)} recommendation{'s' if len(drafts) != 1 else ''} in {themes} "
            f"theme{'s' if themes != 1 else ''}, {notes} linked source{'s' if notes != 1 else ''}."
        )

    def _set_enabled(self, enabled: bool) -> None:
        for w in (self.export_button, self.print_button, self.document, self.format,
                  self.destination, self.browse, self.count):
            w.setEnabled(enabled)

    def _options_changed(self) -> None:
        document, fmt = self.selected()
        factsheet = document == "factsheet"
        self.count.setVisible(factsheet)
        self.count_label.setVisible(factsheet)
        tabular = fmt in ("csv", "json")
        self.document.setToolTip(
            "CSV and JSON always contain every draft with its scores and links." if tabular else ""
        )
        self.print_button.setEnabled(self.data is not None and not self.error and not self.busy)
        if self.data is None:
            return
        current = self.destination.text().strip()
        folder = Path(current).parent if current else self._default_folder()
        self.destination.setText(str(folder / default_filename(self.data, fmt, document)))

    def _default_folder(self) -> Path:
        return self.project.path.parent

    def _browse(self) -> None:
        _, fmt = self.selected()
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.destination.text(), _FILTERS[fmt]
        )
        if path:
            if not path.lower().endswith("." + fmt):
                path += "." + fmt
            self._browsed = Path(path)
            self.destination.setText(path)

    # -- export ---------------------------------------------------------------------------

    def confirm_overwrite(self, path: Path) -> bool:
        """Ask before replacing a file the user typed by hand (the file dialog asks itself)."""
        answer = QMessageBox.question(
            self, "Replace file?", f"“{path.name}” already exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def start_export(self) -> bool:
        """Begin writing in the background; False when nothing was started."""
        if self.busy or self.data is None or self.error:
            return False
        document, fmt = self.selected()
        text = self.destination.text().strip()
        if not text:
            self._show_error("Choose where to save the export.")
            return False
        dest = Path(text).expanduser()
        asked = self._browsed is not None and dest == self._browsed
        # os.path: False, not an exception, for a name too long for the system (refused below)
        exists = os.path.exists(dest) and not os.path.isdir(dest)
        if exists and not asked and not self.confirm_overwrite(dest):
            return False
        data, count = self.data, self.count.value()
        self.busy = True
        self._set_enabled(False)
        self.open_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(f"Writing {dest.name}…")

        def work() -> Path:
            return export_document(data, fmt, document, dest, factsheet_count=count,
                                   pdf_writer=write_pdf)

        self.tasks.run(work, self._done, self._failed)
        return True

    def _done(self, path: Path) -> None:
        self.busy = False
        self._set_enabled(True)
        self.last_path = Path(path)
        self.open_button.setEnabled(True)
        self.status.setStyleSheet("")
        self.status.setText(f"Exported to {path}")
        self.exported.emit(str(path))

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._set_enabled(True)
        if isinstance(exc, ExportError):
            self._show_error(str(exc))
        else:
            self._show_error(report_unexpected(exc, "export"))

    def _show_error(self, message: str) -> None:
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(message)

    def _open_result(self) -> None:
        if self.last_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_path)))

    # -- print ----------------------------------------------------------------------------

    def print_document(self) -> None:
        """Print the chosen document through the system print dialog (GUI thread, as Qt needs)."""
        if self.data is None or self.error:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from app.export.html import to_html

        document, _ = self.selected()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout(landscape=document == "annex"))
        printer.setDocName(default_filename(self.data, "pdf", document)[:-4])
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        make_document(to_html(self.data, document, self.count.value())).print_(printer)
        self.status.setStyleSheet("")
        self.status.setText("Sent to the printer.")

    # -- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        if self.busy:  # the file is being written; closing now would hide the result
            self.status.setText("Please wait until the export has finished.")
            return
        self.tasks.shutdown()
        super().reject()


def run_export_dialog(parent: QWidget | None, project: Project, checker: Checker | None) -> int:
    """Show the export dialog modally; returns QDialog's result code."""
    dialog = ExportDialog(parent, project, checker)
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()
