"""Views of one checked draft, a before/after pair and the model answers, at any type size.

The class board shows them at normal size; presentation mode shows the same views with large
type on the projector. They render what `app.workshop.analysis` computed and judge nothing.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.models import DIMENSION_LABELS, OVERALL_LABELS, CheckResult
from app.gui import theme
from app.gui.editor import DraftEditor
from app.workshop.analysis import CheckedDraft
from app.workshop.exercise import Exercise

#: Criteria on the scorecard, in the rubric's order (relevance needs linked evidence).
CRITERIA = ("specific", "measurable", "time_bound", "attainable", "jargon", "tone")
SYMBOLS = {"met": "✓", "partly": "◐", "not_met": "✗", "not_applicable": "–"}


def scorecard_html(result: CheckResult, *, dark: bool = False, compact: bool = False) -> str:
    """The verdicts as a small table: symbol, criterion and why (`compact`: why only for the
    criteria that are not met, so a projected scorecard points at the problems)."""
    rows = []
    for name in CRITERIA:
        status = result.dimension(name)
        if status is None:
            continue
        colour = theme.status_colour(status.status, dark)
        why = "" if compact and status.status == "met" else html.escape(status.reason)
        rows.append(
            f"<tr><td style='color:{colour}; padding-right:10px'><b>"
            f"{SYMBOLS[status.status]}</b></td><td style='padding-right:14px'><b>"
            f"{html.escape(DIMENSION_LABELS[name])}</b></td>"
            f"<td>{why}</td></tr>"
        )
    return "<table cellspacing='4'>" + "".join(rows) + "</table>"


def score_badge(result: CheckResult, *, dark: bool = False) -> str:
    colour = theme.score_colour(result.smart_score, dark)
    return (
        f"<span style='color:{colour}'><b>{result.smart_score}</b>/100</span> "
        f"<span>· {html.escape(OVERALL_LABELS[result.overall])}</span>"
    )


class DraftView(QWidget):
    """One draft with its underlines and scorecard; `scale` multiplies the type size."""

    def __init__(
        self, scale: float = 1.0, parent: QWidget | None = None, *, lines: int = 6,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self.scale = scale
        self.lines = lines
        self.compact = compact
        self._base = self.font().pointSizeF()
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.editor = DraftEditor()
        self.editor.setReadOnly(True)
        self.editor.setAccessibleName("Draft under discussion")
        self.verdicts = QLabel()
        self.verdicts.setTextFormat(Qt.TextFormat.RichText)
        self.verdicts.setWordWrap(True)
        self.verdicts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.editor)
        layout.addWidget(self.verdicts, 1)
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        """Type size relative to the desktop's (presentation mode follows the screen)."""
        self.scale = scale
        base = self._base
        for widget in (self.heading, self.verdicts):
            font = widget.font()
            font.setPointSizeF(base * self.scale)
            widget.setFont(font)
        self.editor.set_point_size(base * self.scale * 1.25)
        # A fixed number of lines (plus the frame and the style's padding), so that the
        # scorecards of a before/after pair line up whatever each text's length.
        lines = QFontMetrics(self.editor.font()).lineSpacing() * self.lines
        self.editor.setFixedHeight(lines + 2 * int(self.editor.document().documentMargin()) + 8)

    def show_text(self, heading: str, text: str, result: CheckResult) -> None:
        dark = theme.is_dark()
        self.heading.setText(f"{html.escape(heading)} — {score_badge(result, dark=dark)}")
        self.editor.setPlainText(text)
        self.editor.set_findings(result.findings, text)
        self.verdicts.setText(scorecard_html(result, dark=dark, compact=self.compact))

    def show_draft(self, heading: str, draft: CheckedDraft) -> None:
        self.show_text(heading, draft.text, draft.result)


class PairView(QWidget):
    """Before and after side by side, with the score change."""

    def __init__(
        self, scale: float = 1.0, parent: QWidget | None = None, *, lines: int = 6,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self._base = self.font().pointSizeF()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.before = DraftView(scale, lines=lines, compact=compact)
        self.after = DraftView(scale, lines=lines, compact=compact)
        row = QHBoxLayout()
        row.addWidget(self.before, 1)
        row.addWidget(self.after, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(row, 1)
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        font = self.title.font()
        font.setPointSizeF(self._base * scale * 1.15)
        self.title.setFont(font)
        self.before.set_scale(scale)
        self.after.set_scale(scale)

    def show_pair(self, name: str, draft: CheckedDraft) -> None:
        assert draft.before is not None and draft.before_result is not None
        change = draft.score_change or 0
        colour = theme.score_colour(80 if change > 0 else 50 if change == 0 else 0)
        self.title.setText(
            f"<b>{html.escape(name)}, draft {draft.number}: before and after</b> — score "
            f"{draft.before_result.smart_score} → {draft.result.smart_score} "
            f"<span style='color:{colour}'><b>({change:+d})</b></span>"
        )
        self.before.show_text("Before", draft.before, draft.before_result)
        self.after.show_draft("After", draft)


class ModelAnswerView(QWidget):
    """The exercise's model answers with why they are good."""

    def __init__(self, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._base = self.font().pointSizeF()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        font = self.label.font()
        font.setPointSizeF(self._base * scale)
        self.label.setFont(font)

    def show_answers(self, exercise: Exercise, results: list[CheckResult]) -> None:
        dark = theme.is_dark()
        title = "Model answer" if len(exercise.model_answers) == 1 else "Model answers"
        parts = [f"<h2>{title}</h2>"]
        for answer, result in zip(exercise.model_answers, results, strict=True):
            parts.append(
                f"<p style='font-size:large'><b>“{html.escape(answer.text)}”</b></p>"
                f"<p>{score_badge(result, dark=dark)}</p>"
                f"<p><i>Why it works:</i> {html.escape(answer.why)}</p>"
            )
        self.label.setText("".join(parts))
