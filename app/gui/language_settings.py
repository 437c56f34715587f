"""Rules ▸ Language and Grammar…: where LanguageTool is, which variant, spelling and grammar
on or off.

"Test connection" runs in the background (a local LanguageTool can take many seconds to start),
so the dialog stays responsive; its result is shown in the dialog. OK saves to app.settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.tasks import TaskManager
from app.language.languagetool import GrammarChecker
from app.language.lt_client import LanguageToolError, normalise_url
from app.language.lt_server import find_jar
from app.settings import AppSettings, load_settings, save_settings

VARIANTS = [
    ("English (United Kingdom, UN style)", "en-GB"),
    ("English (United States)", "en-US"),
    ("Français", "fr"),
    ("Español", "es"),
]


class LanguageSettingsDialog(QDialog):
    """Edit the language settings; `accept()` writes them to the settings file."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        settings_file: Path | None = None,
        test_timeout: float = 10.0,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Language and Grammar")
        self.setMinimumWidth(520)
        self._settings_file = settings_file
        self._test_timeout = test_timeout
        self._tasks = TaskManager(self, workers=1)
        self._test_generation = 0
        current, warning = load_settings(settings_file)

        layout = QVBoxLayout(self)
        if warning:
            note = QLabel(warning)
            note.setWordWrap(True)
            layout.addWidget(note)

        self.spelling = QCheckBox("Check spelling (offline dictionary and UN vocabulary)")
        self.spelling.setChecked(current.spelling_enabled)
        self.grammar = QCheckBox("Check grammar with LanguageTool")
        self.grammar.setChecked(current.grammar_enabled)
        layout.addWidget(self.spelling)
        layout.addWidget(self.grammar)

        form = QFormLayout()
        self.variant = QComboBox()
        for label, code in VARIANTS:
            self.variant.addItem(label, code)
        self.variant.setCurrentIndex(max(0, self.variant.findData(current.language_variant)))
        form.addRow("Language:", self.variant)
        layout.addLayout(form)

        box = QGroupBox("LanguageTool")
        box_layout = QVBoxLayout(box)
        intro = QLabel(
            "LanguageTool is a free grammar checker that runs on Java. Point SMARTrec at a "
            "folder where it is unzipped (the one with languagetool-server.jar), or at a "
            "LanguageTool server, for example one your trainer runs for the room. Nothing is "
            "downloaded."
        )
        intro.setWordWrap(True)
        box_layout.addWidget(intro)
        self.source_none = QRadioButton("None (grammar checking off)")
        self.source_folder = QRadioButton("Local folder:")
        self.source_url = QRadioButton("Server URL:")
        self._sources = QButtonGroup(self)
        for button in (self.source_none, self.source_folder, self.source_url):
            self._sources.addButton(button)
        self.folder = QLineEdit(current.languagetool_folder)
        self.folder.setPlaceholderText("Folder containing languagetool-server.jar")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        self.url = QLineEdit(current.languagetool_url)
        self.url.setPlaceholderText("e.g. http://192.168.1.20:8081")
        box_layout.addWidget(self.source_none)
        row = QHBoxLayout()
        row.addWidget(self.source_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        box_layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.source_url)
        row.addWidget(self.url, 1)
        box_layout.addLayout(row)
        if current.languagetool_url:
            self.source_url.setChecked(True)
        elif current.languagetool_folder:
            self.source_folder.setChecked(True)
        else:
            self.source_none.setChecked(True)
        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        box_layout.addLayout(test_row)
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.setAccessibleName("Connection test result")
        box_layout.addWidget(self.test_result)
        layout.addWidget(box)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        for widget in (self.source_none, self.source_folder, self.source_url, self.grammar):
            widget.toggled.connect(self._update_enabled)
        self._update_enabled()

    # -- form --------------------------------------------------------------------------------
    def _update_enabled(self) -> None:
        on = self.grammar.isChecked()
        for widget in (self.source_none, self.source_folder, self.source_url):
            widget.setEnabled(on)
        self.folder.setEnabled(on and self.source_folder.isChecked())
        self.browse.setEnabled(on and self.source_folder.isChecked())
        self.url.setEnabled(on and self.source_url.isChecked())
        self.test_button.setEnabled(on and not self.source_none.isChecked())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "LanguageTool folder", self.folder.text() or str(Path.home())
        )
        if folder:
            self.folder.setText(folder)
            self.source_folder.setChecked(True)

    def settings(self) -> AppSettings:
        """The settings as currently entered (not yet saved)."""
        folder = self.folder.text().strip()
        url = self.url.text().strip()
        if self.source_none.isChecked():
            folder = url = ""
        elif self.source_folder.isChecked():
            url = ""
        else:
            folder = ""
        return AppSettings(
            languagetool_folder=folder,
            languagetool_url=url,
            language_variant=self.variant.currentData(),
            spelling_enabled=self.spelling.isChecked(),
            grammar_enabled=self.grammar.isChecked(),
        )

    def _problem(self, settings: AppSettings) -> str | None:
        """A reason the entered LanguageTool source cannot work, found without contacting it."""
        if settings.languagetool_url:
            try:
                normalise_url(settings.languagetool_url)
            except LanguageToolError as exc:
                return str(exc)
        if self.source_folder.isChecked():
            if not settings.languagetool_folder:
                return "Choose the LanguageTool folder, or pick None."
            if find_jar(Path(settings.languagetool_folder).expanduser()) is None:
                return (
                    "That folder has no languagetool-server.jar. Choose the folder LanguageTool "
                    "was unzipped into."
                )
        if self.source_url.isChecked() and not settings.languagetool_url:
            return "Enter the LanguageTool server URL, or pick None."
        return None

    # -- test --------------------------------------------------------------------------------
    def test_connection(self) -> None:
        settings = self.settings()
        problem = self._problem(settings)
        if problem:
            self._show_test(False, problem)
            return
        self._test_generation += 1
        generation = self._test_generation
        self.test_button.setEnabled(False)
        starting = " (starting LanguageTool, this can take a minute)" if (
            settings.languagetool_folder) else ""
        self.test_result.setText("Testing…" + starting)
        timeout = self._test_timeout

        def work() -> str:
            checker = GrammarChecker(
                folder=settings.languagetool_folder,
                url=settings.languagetool_url,
                language=settings.language_variant,
                timeout=timeout,
            )
            try:
                return checker.test_connection()
            finally:
                checker.close()

        def done(message: str) -> None:
            if generation == self._test_generation:
                self._show_test(True, message)

        def failed(exc: BaseException) -> None:
            if generation == self._test_generation:
                self._show_test(False, str(exc) if isinstance(exc, LanguageToolError)
                                else f"Test failed: {exc}")

        self._tasks.run(work, done, failed)

    def _show_test(self, ok: bool, message: str) -> None:
        self.test_result.setText(("✓ " if ok else "✗ ") + message)
        self._update_enabled()
        self.test_finished_ok = ok

    test_finished_ok: bool | None = None

    # -- closing -----------------------------------------------------------------------------
    def accept(self) -> None:
        settings = self.settings()
        problem = self._problem(settings) if settings.grammar_enabled else None
        if problem:
            QMessageBox.warning(self, "Language settings", problem)
            return
        try:
            save_settings(settings, self._settings_file)
        except OSError as exc:
            QMessageBox.warning(self, "Language settings", f"Could not save settings: {exc}")
            return
        self._tasks.shutdown()
        super().accept()

    def reject(self) -> None:
        self._tasks.shutdown()
        super().reject()
