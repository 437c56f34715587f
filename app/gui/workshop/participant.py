"""The participant's side: choosing an exercise, and the scenario panel beside the editor with
hints on request and the Hand in button."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.models import DIMENSION_LABELS

if TYPE_CHECKING:  # pydantic models: loaded with the first exercise, not at start-up
    from app.workshop.exercise import Exercise


def task_html(exercise: Exercise) -> str:
    """What to do: the title, the task, the criteria and the starting draft."""
    criteria = ", ".join(DIMENSION_LABELS[c] for c in exercise.criteria)
    starting = "".join(f"<li>{html.escape(t)}</li>" for t in exercise.starting_drafts)
    out = [
        f"<h3>{html.escape(exercise.title)}</h3>",
        f"<p><b>Task:</b> {html.escape(exercise.task)}</p>",
        f"<p><i>Focus on: {html.escape(criteria)}.</i></p>",
    ]
    if starting:
        out.append(f"<p><b>Starting draft:</b></p><ul>{starting}</ul>")
    return "".join(out)


def situation_html(exercise: Exercise) -> str:
    """The situation in the State and the evidence the participant can link."""
    paragraphs = "".join(
        f"<p>{html.escape(p.strip())}</p>" for p in exercise.scenario.split("\n\n") if p.strip()
    )
    evidence = "".join(
        f"<li><b>{html.escape(e.source)}{', ' + html.escape(e.reference) if e.reference else ''}"
        f":</b> {html.escape(e.text)}</li>"
        for e in exercise.evidence
    )
    return (
        f"<h4>The situation in {html.escape(exercise.state)}</h4>{paragraphs}"
        f"<h4>Evidence (also in the Evidence tab, ready to link)</h4><ul>{evidence}</ul>"
    )


def scenario_html(exercise: Exercise) -> str:
    """The exercise as the participant reads it: task first, then the situation and evidence."""
    return task_html(exercise) + situation_html(exercise)


class StartExerciseDialog(QDialog):
    """Pick an exercise and say who is doing it."""

    def __init__(
        self, exercises: list[Exercise], participant: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start an exercise")
        self.resize(820, 520)
        self.exercises = list(exercises)
        self.list = QListWidget()
        self.list.setAccessibleName("Exercises")
        for exercise in exercises:
            self.list.addItem(QListWidgetItem(f"{exercise.title}\n{exercise.id}"))
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Exercise description")
        self.participant = QLineEdit(participant)
        self.participant.setPlaceholderText("e.g. Group 3, or your name")
        self.participant.setAccessibleName("Participant or group name")
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setSizes([260, 560])
        form = QFormLayout()
        form.addRow("Your name or group:", self.participant)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Start…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.list.currentItemChanged.connect(lambda *_: self._changed())
        self.participant.textChanged.connect(lambda *_: self._changed())
        if exercises:
            self.list.setCurrentRow(0)
        self._changed()

    def exercise(self) -> Exercise | None:
        row = self.list.currentRow()
        return self.exercises[row] if 0 <= row < len(self.exercises) else None

    def participant_name(self) -> str:
        return self.participant.text().strip()

    def _changed(self) -> None:
        exercise = self.exercise()
        self.preview.setHtml(scenario_html(exercise) if exercise else "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(exercise is not None and bool(self.participant_name()))


class ScenarioPanel(QWidget):
    """Beside the editor: the exercise's scenario, hints one at a time, and Hand in."""

    hand_in_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ScenarioPanel")
        self.setMinimumWidth(320)
        self.exercise: Exercise | None = None
        self.shown_hints = 0
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hints = QLabel()
        self.hints.setWordWrap(True)
        self.hints.setTextFormat(Qt.TextFormat.RichText)
        self.situation = QLabel()
        self.situation.setWordWrap(True)
        self.situation.setTextFormat(Qt.TextFormat.RichText)
        self.situation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.text)
        inner_layout.addWidget(self.hints)
        inner_layout.addWidget(self.situation)
        inner_layout.addStretch(1)
        scroll.setWidget(inner)
        self.hint_button = QPushButton("Show a hint")
        self.hint_button.clicked.connect(self.next_hint)
        self.hand_in_button = QPushButton("Hand in…")
        self.hand_in_button.setToolTip("Write your drafts to a folder the trainer collects")
        self.hand_in_button.clicked.connect(self.hand_in_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.hint_button)
        layout.addWidget(self.hand_in_button)

    def set_exercise(self, exercise: Exercise | None, participant: str = "") -> None:
        self.exercise = exercise
        self.shown_hints = 0
        if exercise is None:
            self.text.setText("This project was started from an exercise that is not installed.")
            self.situation.setText("")
        else:
            who = f"<p><i>Working as: {html.escape(participant)}</i></p>" if participant else ""
            self.text.setText(who + task_html(exercise))
            self.situation.setText(situation_html(exercise))
        self._show_hints()

    def next_hint(self) -> None:
        if self.exercise is not None and self.shown_hints < len(self.exercise.hints):
            self.shown_hints += 1
            self._show_hints()

    def _show_hints(self) -> None:
        hints = self.exercise.hints if self.exercise is not None else ()
        shown = hints[: self.shown_hints]
        self.hints.setText(
            "".join(f"<p><b>Hint {i}:</b> {html.escape(h)}</p>" for i, h in enumerate(shown, 1))
        )
        left = len(hints) - self.shown_hints
        self.hint_button.setEnabled(left > 0)
        self.hint_button.setText(f"Show a hint ({left} left)" if left else "No more hints")
