"""Small dialogs: project details, rule-file problems, rules disabled in this project."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.storage.models import ProjectMeta

LANGUAGES = [("English", "en"), ("Français", "fr"), ("Español", "es")]


class ProjectDetailsDialog(QDialog):
    """State under Review, cycle, session, delegation and language of a project."""

    def __init__(self, parent: QWidget | None, meta: ProjectMeta | None = None,
                 title: str = "New project") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        form = QFormLayout()
        meta = meta or ProjectMeta()
        self.state = QLineEdit(meta.state_under_review)
        self.state.setPlaceholderText("e.g. Kenya")
        self.cycle = QLineEdit(meta.cycle)
        self.cycle.setPlaceholderText("e.g. 4")
        self.session = QLineEdit(meta.session)
        self.session.setPlaceholderText("e.g. 49th session")
        self.delegation = QLineEdit(meta.recommending_state)
        self.delegation.setPlaceholderText("Your delegation")
        self.language = QComboBox()
        for label, code in LANGUAGES:
            self.language.addItem(label, code)
        index = self.language.findData(meta.language)
        self.language.setCurrentIndex(max(0, index))
        for widget, label in ((self.state, "State under Review"), (self.cycle, "UPR cycle"),
                              (self.session, "Session"),
                              (self.delegation, "Recommending State"),
                              (self.language, "Language")):
            widget.setAccessibleName(label)
            form.addRow(label + ":", widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.state.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.ok.setEnabled(bool(self.state.text().strip()))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def _accept(self) -> None:
        if self.state.text().strip():
            self.accept()

    def values(self) -> dict[str, str]:
        return {
            "state_under_review": self.state.text().strip(),
            "cycle": self.cycle.text().strip(),
            "session": self.session.text().strip(),
            "recommending_state": self.delegation.text().strip(),
            "language": str(self.language.currentData()),
        }


class TextListDialog(QDialog):
    """A read-only list of lines (rule-file problems) the user can copy from."""

    def __init__(self, parent: QWidget | None, title: str, intro: str,
                 lines: Iterable[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 360)
        lay = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        lay.addWidget(label)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        self.text.setAccessibleName(title)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)


class DisabledRulesDialog(QDialog):
    """Tick a rule to enable it again in this project."""

    def __init__(self, parent: QWidget | None, rule_ids: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rules disabled in this project")
        self.resize(480, 320)
        lay = QVBoxLayout(self)
        intro = QLabel("These rules are switched off for this project only. Tick a rule to "
                       "switch it back on.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.list = QListWidget()
        self.list.setAccessibleName("Disabled rules")
        for rule_id in rule_ids:
            item = QListWidgetItem(rule_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if not rule_ids:
            self.list.addItem("No rule is disabled in this project.")
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def enabled_again(self) -> list[str]:
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return out
