"""The scorecard: SMART dimensions, action category, readability, themes and the findings list.

Widgets are built once and only their text changes on each check, so updating at typing speed
costs little and screen readers keep their place.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme

if TYPE_CHECKING:  # the models pull in pydantic; keep it off the startup path
    from app.core.models import CheckResult, Finding, Precedent

LETTERS = {
    "specific": "S",
    "measurable": "M",
    "attainable": "A",
    "relevant": "R",
    "time_bound": "T",
    "jargon": "J",
    "tone": "Tn",
}
STATUS_TEXT = {
    "met": "✓ Met",
    "partly": "◐ Partly",
    "not_met": "✗ Not met",
    "not_applicable": "– Not applicable",
}
CATEGORY_NAMES = {
    1: "Minimal action",
    2: "Continuing action",
    3: "Considering action",
    4: "General action",
    5: "Specific action",
}


def response_words(response: str) -> str:
    """The State's response in a sentence ("supported it", "noted it")."""
    value = response.strip().lower()
    if value in ("supported", "accepted", "support", "accept"):
        return "supported it"
    if value in ("noted", "note", "rejected"):
        return "noted it" if value != "rejected" else "rejected it"
    return f"responded: {response.strip()}" if value else "response not recorded"


def _title(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("PanelTitle")
    label.setWordWrap(True)  # a narrow panel at large zoom wraps the title, never cuts it
    return label


def dot_icon(colour: QColor, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pix)


class _DimensionRow:
    def __init__(self, grid: QGridLayout, row: int, dimension: str) -> None:
        from app.core.models import DIMENSION_LABELS

        self.dimension = dimension
        self.label = DIMENSION_LABELS[dimension]
        self.letter = QLabel(LETTERS[dimension])
        self.letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.letter.setFixedWidth(30)
        self.name = QLabel(self.label)
        self.status = QLabel("–")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reason = QLabel("")
        self.reason.setObjectName("Muted")
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.letter, row * 2, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.name, row * 2, 1)
        grid.addWidget(self.status, row * 2, 2)
        grid.addWidget(self.reason, row * 2 + 1, 1, 1, 2)

    def update(self, status: str, reason: str, dark: bool) -> None:
        colour = theme.status_colour(status, dark)
        dim_colour = theme.dimension_colour(self.dimension, dark).name()
        self.letter.setStyleSheet(
            f"QLabel {{ background: {dim_colour}; color: {theme.on_colour(dark)};"
            f" font-weight: 700;"
            f" border-radius: 4px; padding: 2px 0; }}"
        )
        self.status.setText(f"<span style='color:{colour}; font-weight:600'>"
                            f"{STATUS_TEXT.get(status, status)}</span>")
        self.reason.setText(reason)
        label = self.label
        self.status.setAccessibleName(f"{label}: {STATUS_TEXT.get(status, status)}")
        self.reason.setAccessibleName(f"{label} reason")


class ScorecardPanel(QWidget):
    """Right-hand scorecard; emits `finding_activated` when a finding is clicked."""

    finding_activated = Signal(object)  # Finding
    theme_chosen = Signal(str)
    #: "as recommended previously" was clicked for this Precedent.
    phrasing_requested = Signal(object)
    #: "Show the precedent" was clicked for this Precedent.
    precedent_requested = Signal(object)
    #: "Show the longest clause" was clicked: (start, end) in Python offsets of the checked text.
    span_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Scorecard")
        self._dark = False
        self._findings: list[Finding] = []
        self._precedents: list[Precedent] = []
        self._longest: tuple[int, int] = (0, 0)
        #: The checked text already carries the "as recommended previously" phrase.
        self._phrased = False

        body = QWidget()
        lay = QVBoxLayout(body)
        self._body = lay
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)

        # Said first when only part of a too-long draft was checked (app.draft_window).
        self.notice = QLabel("")
        self.notice.setObjectName("Notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setAccessibleName("Check notice")
        self.notice.hide()
        lay.addWidget(self.notice)

        # Score headline
        head = QHBoxLayout()
        self.score = QLabel("–")
        self.score.setAccessibleName("SMART score")
        font = self.score.font()
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        self.score.setFont(font)
        head.addWidget(self.score)
        sub = QVBoxLayout()
        sub.setSpacing(0)
        self.score_caption = QLabel("SMART score / 100")
        self.score_caption.setObjectName("Muted")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        sub.addStretch(1)
        sub.addWidget(self.score_caption)
        sub.addWidget(self.summary)
        sub.addStretch(1)
        head.addLayout(sub, 1)
        lay.addLayout(head)

        # Precedents: a callout under the score, hidden unless the draft closely matches an
        # earlier recommendation to the same State (a delegate needs to know that first).
        self.precedent_box = QFrame()
        self.precedent_box.setObjectName("PrecedentBox")
        box_lay = QVBoxLayout(self.precedent_box)
        box_lay.setContentsMargins(10, 8, 10, 8)
        box_lay.setSpacing(4)
        self.precedents_title = _title("Recommended before")
        self.precedents = QLabel("")
        self.precedents.setWordWrap(True)
        self.precedents.setTextFormat(Qt.TextFormat.RichText)
        self.precedents.setAccessibleName("Earlier recommendations like this draft")
        self.precedents.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.precedents.linkActivated.connect(self._precedent_link)
        box_lay.addWidget(self.precedents_title)
        box_lay.addWidget(self.precedents)
        lay.addWidget(self.precedent_box)

        # Dimensions
        lay.addWidget(_title("S.M.A.R.T. check"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self._grid = grid
        self.rows: dict[str, _DimensionRow] = {}  # built on first use (imports the models)
        lay.addLayout(grid)

        # Action category
        lay.addWidget(_title("Action category"))
        meter = QHBoxLayout()
        meter.setSpacing(3)
        self.segments: list[QLabel] = []
        for i in range(1, 6):
            seg = QLabel(str(i))
            seg.setAlignment(Qt.AlignmentFlag.AlignCenter)
            seg.setMinimumHeight(22)
            seg.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            seg.setToolTip(CATEGORY_NAMES[i])
            self.segments.append(seg)
            meter.addWidget(seg)
        lay.addLayout(meter)
        self.category_label = QLabel("")
        self.category_label.setWordWrap(True)
        self.category_label.setTextFormat(Qt.TextFormat.RichText)
        self.category_label.setAccessibleName("Action category")
        self.upgrade = QLabel("")
        self.upgrade.setWordWrap(True)
        self.upgrade.setObjectName("Muted")
        self.upgrade.setTextFormat(Qt.TextFormat.PlainText)
        self.upgrade.setAccessibleName("What would make it a 5")
        lay.addWidget(self.category_label)
        lay.addWidget(self.upgrade)

        # Readability and themes
        lay.addWidget(_title("Readability"))
        self.readability = QLabel("")
        self.readability.setWordWrap(True)
        self.readability.setTextFormat(Qt.TextFormat.RichText)
        self.readability.setAccessibleName("Readability")
        self.readability.setToolTip("Click “show the longest clause” to select it in the draft")
        self.readability.linkActivated.connect(self._readability_link)
        lay.addWidget(self.readability)
        lay.addWidget(_title("Suggested themes"))
        self.themes = QLabel("")
        self.themes.setWordWrap(True)
        self.themes.setAccessibleName("Suggested themes")
        self.themes.setTextFormat(Qt.TextFormat.RichText)
        self.themes.setToolTip("Click a theme to file the draft under it")
        self.themes.linkActivated.connect(self._theme_link)
        lay.addWidget(self.themes)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        # Wrapped labels fit any width; what cannot wrap scrolls rather than being cut.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        findings_box = QWidget()
        flay = QVBoxLayout(findings_box)
        flay.setContentsMargins(12, 6, 12, 12)
        self.findings_title = _title("Findings")
        flay.addWidget(self.findings_title)
        self.findings = QListWidget()
        self.findings.setAccessibleName("Findings")
        self.findings.setWordWrap(True)
        self.findings.setUniformItemSizes(False)
        self.findings.setSpacing(1)
        self.findings.itemActivated.connect(self._activated)
        self.findings.itemClicked.connect(self._activated)
        flay.addWidget(self.findings)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(scroll)
        split.addWidget(findings_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.splitter = split
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.clear()

    def add_section(self, widget: QWidget, after: QWidget | None = None) -> None:
        """A section another part fills (the acceptance outlook), after `after` or last."""
        index = self._body.indexOf(after) + 1 if after is not None else self._body.count() - 1
        self._body.insertWidget(index, widget)

    def set_dark(self, dark: bool) -> None:
        self._dark = dark

    def set_base_font(self, font: QFont) -> None:
        """Zoom: the score headline stays 2.4 times the interface font."""
        score_font = QFont(font)
        score_font.setBold(True)
        score_font.setPointSizeF(font.pointSizeF() * 2.4)
        self.score.setFont(score_font)

    def _ensure_rows(self) -> None:
        if not self.rows:
            from app.core.models import SCORED_DIMENSIONS

            for i, d in enumerate(SCORED_DIMENSIONS):
                self.rows[d] = _DimensionRow(self._grid, i, d)

    def set_notice(self, text: str) -> None:
        """A plain sentence above the score (e.g. which part of a long draft was checked)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def clear(self) -> None:
        self.set_notice("")
        self.score.setText("–")
        self.score.setStyleSheet("")
        self.summary.setText("Select or add a draft to see its score.")
        for row in self.rows.values():
            row.status.setText("")
            row.reason.setText("")
            row.update("", "", self._dark)
            row.status.setText("")
        self._paint_meter(0)
        self.category_label.setText("")
        self.upgrade.setText("")
        self.readability.setText("")
        self._longest = (0, 0)
        self._show_precedents([], False)
        self.themes.setText("")
        self.findings.clear()
        self._findings = []
        self.findings_title.setText("FINDINGS")

    def show_empty(self) -> None:
        """An empty draft has nothing to judge: the criteria without verdicts, no score."""
        self._ensure_rows()
        self.clear()
        self.summary.setText("Type the recommendation to see how SMART it is.")

    def set_result(self, result: CheckResult, max_items: int = 500, text: str = "") -> None:
        """Show `result`; `text` (the checked draft) hides the phrasing offer once it is used."""
        from app.core.models import OVERALL_LABELS, SCORED_DIMENSIONS

        self._ensure_rows()
        dark = self._dark
        self.score.setText(str(result.smart_score))
        self.score.setStyleSheet(f"color: {theme.score_colour(result.smart_score, dark)}")
        met = sum(1 for d in result.dimensions if d.status == "met")
        applicable = sum(1 for d in result.dimensions if d.status != "not_applicable")
        if applicable:
            skipped = len(SCORED_DIMENSIONS) - applicable
            note = f" ({skipped} not applicable)" if skipped else ""
            overall = OVERALL_LABELS[result.overall].capitalize()  # the rubric's class
            self.summary.setText(f"{overall} · {met} of {applicable} criteria met{note}")
        else:
            self.summary.setText("No SMART verdicts: the draft is not in English.")
        for name, row in self.rows.items():
            status = result.dimension(name)
            if status is None:
                row.update("", "", dark)
                row.status.setText("")
            else:
                row.update(status.status, status.reason, dark)

        cat = result.action_category
        self._paint_meter(cat.category)
        verb = f" — “{html.escape(cat.verb)}”" if cat.verb else ""
        self.category_label.setText(
            f"<b>{cat.category} · {CATEGORY_NAMES.get(cat.category, '')}</b>{verb}<br>"
            f"{html.escape(cat.reason)}"
        )
        self.upgrade.setText(
            f"To reach 5: {cat.upgrade}" if cat.upgrade else "Highest category."
        )

        self._set_readability(result)
        self._show_precedents(list(result.precedents),
                              "recommended previously" in text.lower())
        if result.themes:
            # The reason says where a suggestion comes from (keywords, or the votes of similar
            # past recommendations); it is shown in full, not elided.
            self.themes.setText("<br>".join(
                f"<a href='theme:{quote(t.issue)}'><b>{html.escape(t.issue)}</b></a><br>"
                f"<span style='color:gray'>{html.escape(t.reason)}</span>"
                for t in result.themes[:3]
            ))
        else:
            self.themes.setText("<span style='color:gray'>No theme recognised yet.</span>")
        self._set_findings(list(result.findings), max_items)

    def _set_readability(self, result: CheckResult) -> None:
        """Plain-words reading of the figures, with a link that selects the worst clause."""
        from app.core.readability import describe

        r = result.readability
        lines = [html.escape(line) for line in describe(r)]
        span = tuple(r.longest_clause)
        flagged = False
        for f in result.findings:  # the rule's own span, when the long-clause rule fired
            if f.rule_id.startswith("readability.") and "clause" in f.rule_id and f.end > f.start:
                span, flagged = (f.start, f.end), True
                break
        self._longest = (int(span[0]), int(span[1]))
        link = ""
        # Worth pointing at when flagged, or when it is long enough to be worth a look.
        if self._longest[1] > self._longest[0] and (flagged or r.longest_clause_words >= 20):
            link = ("<br><a href='readability:longest'>Show the longest clause "
                    f"({r.longest_clause_words} words)</a>")
        self.readability.setText("<br>".join(lines) + link)

    def _show_precedents(self, precedents: list[Precedent], phrased: bool) -> None:
        self._precedents = precedents[:3]
        self._phrased = phrased
        shown = bool(self._precedents)
        self.precedent_box.setVisible(shown)
        if not shown:
            self.precedents.setText("")
            return
        accent = theme.dimension_colour("relevant", self._dark).name()
        tint = QColor(accent)
        tint.setAlpha(28)
        self.precedent_box.setStyleSheet(
            f"QFrame#PrecedentBox {{ border-left: 4px solid {accent};"
            f" background: rgba({tint.red()},{tint.green()},{tint.blue()},{tint.alpha()});"
            " border-radius: 4px; }")
        blocks = []
        for i, p in enumerate(self._precedents):
            who = html.escape(p.recommending_state or "Another State")
            when = ", ".join(
                part for part in (f"cycle {p.cycle}" if p.cycle else "",
                                  f"session {p.session}" if p.session else "") if part
            )
            response = html.escape(response_words(p.response))
            excerpt = p.text if len(p.text) <= 160 else p.text[:157].rstrip() + "…"
            actions = [f"<a href='precedent:{i}'>Show it</a>"]
            if not phrased:
                actions.insert(0, f"<a href='phrase:{i}'>Add “as recommended previously”</a>")
            blocks.append(
                f"<b>{who}</b> recommended this{' in ' + html.escape(when) if when else ''}"
                f" ({round(p.similarity * 100)} % alike).<br>"
                f"The State {response}.<br>"
                f"<span style='color:gray'>“{html.escape(excerpt)}”</span><br>"
                + " · ".join(actions)
            )
        self.precedents.setText("<br><br>".join(blocks))

    def _precedent_link(self, link: str) -> None:
        kind, _, index = link.partition(":")
        try:
            precedent = self._precedents[int(index)]
        except (ValueError, IndexError):
            return
        if kind == "phrase":
            self.phrasing_requested.emit(precedent)
        elif kind == "precedent":
            self.precedent_requested.emit(precedent)

    def _readability_link(self, link: str) -> None:
        if link == "readability:longest" and self._longest[1] > self._longest[0]:
            self.span_requested.emit(*self._longest)

    def _set_findings(self, findings: list[Finding], max_items: int) -> None:
        from app.core.models import DIMENSION_LABELS, SEVERITY_RANK

        ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.start))
        self._findings = ordered[:max_items]
        self.findings.setUpdatesEnabled(False)
        self.findings.clear()
        for f in self._findings:
            item = QListWidgetItem(dot_icon(theme.dimension_colour(f.dimension, self._dark)),
                                   f.message)
            label = DIMENSION_LABELS.get(f.dimension, f.dimension)
            tip = f"<b>{html.escape(label)} · {f.severity}</b><br>{html.escape(f.explanation)}"
            item.setToolTip(tip)
            item.setData(Qt.ItemDataRole.UserRole, f)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{label} {f.severity}: {f.message}")
            self.findings.addItem(item)
        self.findings.setUpdatesEnabled(True)
        extra = f" (showing {max_items})" if len(findings) > max_items else ""
        self.findings_title.setText(f"FINDINGS · {len(findings)}{extra}")

    def _paint_meter(self, category: int) -> None:
        dark = self._dark
        on = theme.dimension_colour("action", dark).name()
        off = "#30363d" if dark else "#e6e9ee"
        off_text = "#8b949e" if dark else "#6e7781"
        on_text = theme.on_colour(dark)
        for i, seg in enumerate(self.segments, start=1):
            if category and i <= category:
                seg.setStyleSheet(f"background:{on}; color:{on_text}; border-radius:3px;"
                                  " font-weight:600;")
            else:
                seg.setStyleSheet(f"background:{off}; color:{off_text}; border-radius:3px;")
        for seg in self.segments:
            seg.setAccessibleName(f"Action category {category} of 5" if category else "")

    def _theme_link(self, link: str) -> None:
        if link.startswith("theme:"):
            self.theme_chosen.emit(unquote(link[len("theme:"):]))

    def _activated(self, item: QListWidgetItem) -> None:
        finding = item.data(Qt.ItemDataRole.UserRole)
        if finding is not None:
            self.finding_activated.emit(finding)
