"""History of one draft: its snapshots with scores and a side-by-side comparison of two.

Recommendations are a sentence or two, so a word-level diff (difflib) reads better than a
line diff: removed words are struck through on the left, added words highlighted on the right.
"""

from __future__ import annotations

import difflib
import html
import re
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme

if TYPE_CHECKING:  # the window is drawn before the data models are imported
    from app.storage.models import Snapshot

_TOKEN = re.compile(r"\s+|[^\s]+")
#: Word diffs are quadratic in the worst case; longer texts are shown without highlighting.
MAX_DIFF_CHARS = 30_000


def word_diff_html(old: str, new: str, dark: bool = False) -> tuple[str, str]:
    """Two HTML fragments: `old` with deletions marked, `new` with insertions marked."""
    if len(old) + len(new) > MAX_DIFF_CHARS:
        note = "<p><i>Too long to compare word by word; showing the start.</i></p>"
        return (note + html.escape(old[:10_000]).replace("\n", "<br>"),
                note + html.escape(new[:10_000]).replace("\n", "<br>"))
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    del_bg = "#5c1d1d" if dark else "#ffd7d5"
    ins_bg = "#1d4d2b" if dark else "#ccf2d4"
    left, right = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part = html.escape("".join(a[i1:i2]))
        new_part = html.escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(f"<span style='background:{del_bg}; text-decoration:line-through'>"
                        f"{old_part}</span>")
        if new_part:
            right.append(f"<span style='background:{ins_bg}'>{new_part}</span>")
    return "".join(left).replace("\n", "<br>"), "".join(right).replace("\n", "<br>")


def _when(value: datetime) -> str:
    """When a version was kept, in the computer's local time."""
    local = value.astimezone() if value.tzinfo is not None else value
    return local.strftime("%d %b %H:%M:%S")


class HistoryPanel(QWidget):
    """Pick two versions (or a version and the current text) and see what changed."""

    restore_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Draft history")
        self._snapshots: list[Snapshot] = []
        self._current_text = ""
        self._current_score: int | None = None
        self._dark = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(8)
        pick = QGridLayout()
        pick.setHorizontalSpacing(8)
        self.older = QComboBox()
        self.older.setAccessibleName("Earlier version")
        self.newer = QComboBox()
        self.newer.setAccessibleName("Later version")
        for combo in (self.older, self.newer):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        pick.addWidget(QLabel("Compare"), 0, 0)
        pick.addWidget(self.older, 0, 1)
        pick.addWidget(QLabel("with"), 1, 0)
        pick.addWidget(self.newer, 1, 1)
        pick.setColumnStretch(1, 1)
        lay.addLayout(pick)
        self.score_change = QLabel("")
        self.score_change.setAccessibleName("Score change")
        lay.addWidget(self.score_change)

        cols = QHBoxLayout()
        self.left = QTextBrowser()
        self.left.setAccessibleName("Earlier text")
        self.right = QTextBrowser()
        self.right.setAccessibleName("Later text")
        for view in (self.left, self.right):
            view.setOpenLinks(False)
            cols.addWidget(view)
        lay.addLayout(cols, 1)
        self.restore = QPushButton("Restore the earlier version")
        self.restore.setAccessibleName("Restore the earlier version into the editor")
        self.restore.setToolTip("Replaces the editor text; Ctrl+Z undoes it.")
        self.restore.clicked.connect(self._restore)
        lay.addWidget(self.restore, 0, Qt.AlignmentFlag.AlignRight)
        self.empty = QLabel("Versions are saved when you pause typing for a few seconds.")
        self.empty.setObjectName("Muted")
        self.empty.setWordWrap(True)
        lay.addWidget(self.empty)
        self.older.currentIndexChanged.connect(self._compare)
        self.newer.currentIndexChanged.connect(self._compare)

    def set_dark(self, dark: bool) -> None:
        self._dark = dark

    def set_history(self, snapshots: list[Snapshot], current_text: str,
                    current_score: int | None) -> None:
        """Snapshots oldest first; the current text is always offered as the last version."""
        self._snapshots = list(snapshots)
        self._current_text = current_text
        self._current_score = current_score
        labels = [f"{_when(s.created)} · score {self._score_text(s.score)}"
                  for s in self._snapshots]
        labels.append(f"Current text · score {self._score_text(current_score)}")
        for combo in (self.older, self.newer):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(labels)
            combo.blockSignals(False)
        # Default: the latest version that differs from the current text.
        older = next((i for i in range(len(self._snapshots) - 1, -1, -1)
                      if self._snapshots[i].text != current_text),
                     max(0, len(labels) - 2))
        self.older.setCurrentIndex(older)
        self.newer.setCurrentIndex(len(labels) - 1)
        self.empty.setVisible(not self._snapshots)
        self._compare()

    def update_current(self, current_text: str, current_score: int | None) -> None:
        self._current_text = current_text
        self._current_score = current_score
        last = self.newer.count() - 1
        if last >= 0:
            label = f"Current text · score {self._score_text(current_score)}"
            self.older.setItemText(last, label)
            self.newer.setItemText(last, label)
        if self.isVisible():
            self._compare()

    @staticmethod
    def _score_text(score: int | None) -> str:
        return "–" if score is None else str(score)

    def _version(self, index: int) -> tuple[str, int | None]:
        if 0 <= index < len(self._snapshots):
            s = self._snapshots[index]
            return s.text, s.score
        return self._current_text, self._current_score

    def _compare(self) -> None:
        old_text, old_score = self._version(self.older.currentIndex())
        new_text, new_score = self._version(self.newer.currentIndex())
        if self.older.currentIndex() == self.newer.currentIndex():
            self.left.setHtml("<i style='color:gray'>Pick an earlier version to compare.</i>")
            self.right.setPlainText(new_text)
            self.score_change.setText("")
            self.restore.setEnabled(False)
            return
        left, right = word_diff_html(old_text, new_text, self._dark)
        self.left.setHtml(left)
        self.right.setHtml(right)
        if old_score is not None and new_score is not None:
            delta = new_score - old_score
            colour = theme.status_colour("met" if delta > 0 else "not_met" if delta < 0
                                         else "partly", self._dark)
            self.score_change.setText(
                f"Score {old_score} → {new_score} "
                f"<b style='color:{colour}'>({delta:+d})</b>"
            )
        else:
            self.score_change.setText("")
        self.restore.setEnabled(
            self.older.currentIndex() < len(self._snapshots) and old_text != self._current_text
        )

    def _restore(self) -> None:
        text, _ = self._version(self.older.currentIndex())
        self.restore_requested.emit(text)
