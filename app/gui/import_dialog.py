"""Import evidence: pick a file, check the preview, map columns, choose the encoding, save.

Tables (CSV/XLSX/JSON, UPR Info, UHRI) show the mapping, the first rows as they will be stored
and every rejected row with its line and reason. Observation reports (PDF/DOCX/text) show the
recommendations found, each with a tick box, so the user reviews them before anything is saved.
Parsing and saving run through `TaskManager`; nothing is written until "Import" is pressed, and
then all selected items are written in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import report_unexpected
from app.evidence.importers import (
    ENCODING_LABELS,
    ENCODINGS,
    FIELDS,
    EvidenceImportError,
    ImportPreview,
    ImportResult,
    is_report,
    prepare_import,
    save_preview,
)
from app.evidence.library import LibraryError, attached_libraries, open_library
from app.evidence.schema import KINDS
from app.gui.tasks import TaskManager
from app.storage.project import Project

PREVIEW_ROWS = 200
_NOT_MAPPED = "(not imported)"


class ImportDialog(QDialog):
    #: Emitted after a parse or save finishes (tests wait on it).
    finished_work = Signal()

    def __init__(self, parent: QWidget | None, project: Project) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import evidence")
        self.resize(900, 640)
        self.project = project
        self.preview: ImportPreview | None = None
        self.import_result: ImportResult | None = None
        self.tasks = TaskManager(self)
        self._busy = False

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            "CSV, XLSX, JSON, or an observation report (PDF, DOCX, TXT)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)

        self.kind_box = QComboBox()
        self.kind_box.addItem("Recognise from the file", None)
        for kind in KINDS:
            self.kind_box.addItem(kind.capitalize(), kind)
        self.encoding_box = QComboBox()
        self.encoding_box.addItem("Detect", None)
        for enc in ENCODINGS:
            self.encoding_box.addItem(ENCODING_LABELS[enc], enc)

        # Report metadata (used for PDF/DOCX/TXT reports and as defaults for tables).
        self.meta_edits: dict[str, QLineEdit] = {}
        meta = QGroupBox("Source details (applied to every item that lacks them)")
        meta_form = QFormLayout(meta)
        state = project.meta.state_under_review
        for field, label, value in (
            ("organisation", "Organisation", ""),
            ("country", "Country", state),
            ("year", "Year", ""),
            ("mission", "Mission", ""),
            ("report_title", "Report title", ""),
        ):
            edit = QLineEdit(value)
            self.meta_edits[field] = edit
            meta_form.addRow(label, edit)

        # Where to save: the project, or a shared library it has attached.
        self.target_box = QComboBox()
        self.target_box.addItem("This project", None)
        try:
            for lib_path in attached_libraries(project.connection):
                if Path(lib_path).exists():
                    self.target_box.addItem(f"Shared library: {Path(lib_path).name}", lib_path)
        except Exception:  # a closed or old project: the project itself is the only target
            pass

        options = QFormLayout()
        options.addRow("File", self._wrap(file_row))
        options.addRow("Save into", self.target_box)
        options.addRow("Kind", self.kind_box)
        options.addRow("Encoding", self.encoding_box)

        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.run_preview)

        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels(["Field", "Column in the file"])
        self.mapping_table.horizontalHeader().setStretchLastSection(True)
        self.mapping_table.verticalHeader().setVisible(False)

        self.items_table = QTableWidget(0, 4)
        self.items_table.setHorizontalHeaderLabels(["Import", "Line", "Source", "Text"])
        self.items_table.horizontalHeader().setStretchLastSection(True)
        self.items_table.verticalHeader().setVisible(False)

        self.errors_list = QListWidget()
        self.errors_list.setAccessibleName("Rows that will not be imported")
        self.summary = QLabel("Choose a file and press Preview.")
        self.summary.setWordWrap(True)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._titled("Items to import", self.items_table))
        right.addWidget(self._titled("Rows with problems (not imported)", self.errors_list))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(meta)
        left_layout.addWidget(self._titled("Column mapping", self.mapping_table), 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(1, 2)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(body, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _wrap(layout: QHBoxLayout) -> QWidget:
        w = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        w.setLayout(layout)
        return w

    @staticmethod
    def _titled(title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(title))
        lay.addWidget(widget, 1)
        return box

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import evidence", "",
            "Evidence files (*.csv *.tsv *.xlsx *.json *.pdf *.docx *.txt);;All files (*)")
        if path:
            self.set_path(path)

    def set_path(self, path: str) -> None:
        self.path_edit.setText(path)
        self.mapping_table.setRowCount(0)
        self.run_preview()

    def _defaults(self) -> dict[str, str]:
        return {k: e.text().strip() for k, e in self.meta_edits.items() if e.text().strip()}

    def _column_map(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for row in range(self.mapping_table.rowCount()):
            field_item = self.mapping_table.item(row, 0)
            combo = self.mapping_table.cellWidget(row, 1)
            if field_item is None or not isinstance(combo, QComboBox):
                continue
            column = combo.currentText()
            mapping[field_item.text()] = "" if column == _NOT_MAPPED else column
        return mapping

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        self.preview_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy and bool(self.preview and self.preview.items))
        if message:
            self.summary.setText(message)

    # ------------------------------------------------------------------ preview

    def run_preview(self) -> None:
        path = self.path_edit.text().strip()
        if not path or self._busy:
            return
        kind = self.kind_box.currentData()
        encoding = self.encoding_box.currentData()
        column_map = self._column_map() if self.mapping_table.rowCount() else None
        defaults = self._defaults()
        if not is_report(path, kind):
            defaults.pop("report_title", None)
        self._set_busy(True, "Reading the file…")

        def work() -> ImportPreview:
            return prepare_import(path, kind=kind, encoding=encoding, column_map=column_map,
                                  defaults=defaults)

        self.tasks.run(work, self._show_preview, self._preview_failed)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self.items_table.setRowCount(0)
        self.errors_list.clear()
        if isinstance(exc, EvidenceImportError):
            text = str(exc)
        else:  # a bug, not the file: one line here, the traceback in a crash report
            text = report_unexpected(exc, "evidence import")
        name = Path(self.path_edit.text().strip()).name
        if name not in text:
            text = f"{name}: {text}"
        self.errors_list.addItem(text)
        self._set_busy(False, f"Cannot import: {text}")
        self.finished_work.emit()

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        report = preview.format.startswith("eom-")
        self._fill_mapping(preview, enabled=not report)
        self.items_table.setRowCount(0)
        shown = preview.items if report else preview.items[:PREVIEW_ROWS]
        self.items_table.setRowCount(len(shown))
        for row, (line, item) in enumerate(shown):
            check = QTableWidgetItem()
            if report:
                check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                check.setCheckState(Qt.CheckState.Checked)
            else:
                check.setFlags(Qt.ItemFlag.ItemIsEnabled)
                check.setText("✓")
            self.items_table.setItem(row, 0, check)
            self.items_table.setItem(row, 1, QTableWidgetItem(str(line)))
            self.items_table.setItem(row, 2, QTableWidgetItem(item.label()))
            self.items_table.setItem(row, 3, QTableWidgetItem(item.text))
        self.items_table.resizeColumnsToContents()
        self.errors_list.clear()
        for error in preview.errors:
            self.errors_list.addItem(str(error))
        parts = [f"{len(preview.items)} item(s) ready ({preview.format}"
                 + (f", {ENCODING_LABELS.get(preview.encoding, preview.encoding)})"
                    if preview.encoding else ")")]
        if preview.errors:
            parts.append(f"{len(preview.errors)} row(s) with problems will be skipped")
        if not report and len(preview.items) > PREVIEW_ROWS:
            parts.append(f"first {PREVIEW_ROWS} shown")
        if report:
            parts.append("untick any item you do not want, then Import")
        parts.extend(preview.notes)
        self._set_busy(False, "; ".join(parts) + ".")
        self.finished_work.emit()

    def _fill_mapping(self, preview: ImportPreview, *, enabled: bool) -> None:
        table = self.mapping_table
        table.setRowCount(0)
        if not preview.columns:
            return
        table.setRowCount(len(FIELDS))
        for row, field in enumerate(FIELDS):
            item = QTableWidgetItem(field)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(_NOT_MAPPED)
            combo.addItems(preview.columns)
            combo.setCurrentText(preview.mapping.get(field, _NOT_MAPPED))
            combo.setEnabled(enabled)
            combo.currentIndexChanged.connect(lambda _i: self.run_preview())
            table.setCellWidget(row, 1, combo)

    # ------------------------------------------------------------------ save

    def selected_indexes(self) -> list[int] | None:
        """Ticked report items; None (all) for tables."""
        if self.preview is None or not self.preview.format.startswith("eom-"):
            return None
        return [row for row in range(self.items_table.rowCount())
                if (cell := self.items_table.item(row, 0)) is not None
                and cell.checkState() == Qt.CheckState.Checked]

    def run_import(self) -> None:
        preview = self.preview
        if preview is None or self._busy:
            return
        selected = self.selected_indexes()
        project = self.project
        library = self.target_box.currentData()
        self._set_busy(True, "Importing…")

        def work() -> ImportResult:
            if library is None:
                return save_preview(project, preview, selected=selected)
            conn = open_library(library)
            try:
                return save_preview(conn, preview, selected=selected)
            finally:
                conn.close()

        def done(result: ImportResult) -> None:
            self.import_result = result
            self._set_busy(False, f"Imported {result.written} item(s); "
                                  f"{len(result.errors)} row(s) skipped.")
            self.import_button.setEnabled(False)
            self.finished_work.emit()

        def failed(exc: BaseException) -> None:
            reason = str(exc) if isinstance(exc, EvidenceImportError | LibraryError) else (
                report_unexpected(exc, "evidence import"))
            self._set_busy(False, f"Nothing was imported: {reason}")
            self.finished_work.emit()

        self.tasks.run(work, done, failed)

    def done(self, result: int) -> None:
        self.tasks.shutdown()
        super().done(result)


def run_import_dialog(parent: QWidget | None, project: Project) -> int:
    """Show the dialog modally; returns how many items were imported."""
    dialog = ImportDialog(parent, project)
    dialog.exec()
    return dialog.import_result.written if dialog.import_result else 0
