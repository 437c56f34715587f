"""The draft editor: underlines findings, explains them on hover, fixes them on right-click.

Underlines are ExtraSelections rather than a QSyntaxHighlighter because they never touch the
document's undo stack and can be replaced in one call when a check finishes. Each underline keeps
its own QTextCursor, which Qt moves as the user types, so hover and quick fixes stay on the right
words between a keystroke and the next check.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from app.gui import theme
from app.gui.spans import OffsetMap

if TYPE_CHECKING:  # the models pull in pydantic; keep it off the startup path
    from app.core.models import Finding, Replacement

#: Underlines drawn at most; a pasted 1 MB text can have tens of thousands of findings.
MAX_UNDERLINES = 500


@dataclass
class Underline:
    finding: Finding
    cursor: QTextCursor  # tracks the span as the text changes
    qt_start: int  # where the span was when the check ran
    qt_end: int


def document_text(editor: QPlainTextEdit) -> str:
    """The text as the engine and the project file see it (keeps non-breaking spaces)."""
    return editor.document().toRawText().replace("\u2029", "\n")


class DraftEditor(QPlainTextEdit):
    """Plain-text editor with finding underlines, tooltips and a quick-fix context menu."""

    ignore_requested = Signal(object)  # Finding
    disable_requested = Signal(object)  # Finding
    #: "Add to dictionary" (the user's dictionary) / "Add to project dictionary", with the word.
    add_word_requested = Signal(str)
    add_project_word_requested = Signal(str)
    fix_applied = Signal()
    #: a paste or drop was refused (app.draft_window.paste_problem): the reason
    paste_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Editor")
        self.setAccessibleName("Draft recommendation text")
        self.setAccessibleDescription(
            "Type the recommendation. Problems are underlined; right-click for fixes."
        )
        self.default_placeholder = (
            "Type a recommendation, e.g. “Adopt a law criminalising torture by 2027, in "
            "line with the Convention against Torture.”"
        )
        self.setPlaceholderText(self.default_placeholder)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(True)
        self._underlines: list[Underline] = []
        self._dark = False
        self._omap = OffsetMap("")
        self._origin = 0
        self.findings_total = 0

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt API
        """Paste and drop: text that would freeze the editor is refused with a reason."""
        from app.draft_window import paste_problem

        if source.hasText() and not self.isReadOnly():
            cursor = self.textCursor()
            start, end = cursor.selectionStart(), cursor.selectionEnd()
            first, last = self.document().findBlock(start), self.document().findBlock(end)
            before = start - first.position()
            after = last.position() + last.length() - 1 - end
            length = self.document().characterCount() - 1 - (end - start)
            problem = paste_problem(source.text(), before, after, length)
            if problem is not None:
                self.paste_refused.emit(problem)
                return
        super().insertFromMimeData(source)

    # -- underlines -------------------------------------------------------------------------
    def set_dark(self, dark: bool) -> None:
        self._dark = dark

    def clear_findings(self) -> None:
        self._underlines = []
        self.findings_total = 0
        self.setExtraSelections([])

    def set_findings(self, findings: list[Finding] | tuple[Finding, ...], text: str,
                     origin: int = 0) -> None:
        """Underline `findings` computed on `text`: the current text, or the part of it that
        starts at document position `origin` (a too-long draft is checked in part)."""
        omap = self._omap = OffsetMap(text)
        self._origin = origin
        doc_len = self.document().characterCount() - 1
        underlines: list[Underline] = []
        selections: list[QTextEdit.ExtraSelection] = []
        self.findings_total = len(findings)
        ordered = sorted(findings, key=lambda f: (f.start, -f.end))
        for f in ordered:
            whole = f.start == 0 and f.end >= len(text.rstrip()) and " " in text.strip()
            if f.end <= f.start or whole:
                continue  # whole-draft findings live in the scorecard, not as a giant underline
            start, end = omap.to_qt(f.start) + origin, omap.to_qt(f.end) + origin
            if end > doc_len:
                continue
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            underlines.append(Underline(f, cursor, start, end))
            sel = QTextEdit.ExtraSelection()
            sel.cursor = QTextCursor(cursor)
            sel.format = self._format_for(f)
            selections.append(sel)
            if len(underlines) >= MAX_UNDERLINES:
                break
        self._underlines = underlines
        self.setExtraSelections(selections)

    def _format_for(self, f: Finding) -> QTextCharFormat:
        colour = theme.dimension_colour(f.dimension, self._dark)
        fmt = QTextCharFormat()
        if f.severity == "suggestion":
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        else:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(colour)
        if f.severity != "suggestion":
            # A faint tint keeps problems visible on a washed-out projector.
            tint = QColor(colour)
            tint.setAlpha(40 if f.severity == "error" else 22)
            fmt.setBackground(tint)
        return fmt

    def underlines(self) -> list[Underline]:
        return list(self._underlines)

    def underline_ranges(self) -> list[tuple[int, int, str]]:
        """(start, end, rule_id) of each drawn underline, in Qt positions; for tests and a11y."""
        return [
            (u.cursor.selectionStart(), u.cursor.selectionEnd(), u.finding.rule_id)
            for u in self._underlines
        ]

    def findings_at(self, position: int) -> list[Underline]:
        return [
            u
            for u in self._underlines
            if u.cursor.selectionStart() <= position < u.cursor.selectionEnd()
            or (u.cursor.selectionStart() == position == u.cursor.selectionEnd())
        ]

    # -- hover ------------------------------------------------------------------------------
    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = self.cursorForPosition(event.pos()).position()
            hits = self.findings_at(pos)
            if hits:
                QToolTip.showText(event.globalPos(), tooltip_html(hits), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # -- quick fixes ------------------------------------------------------------------------
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def build_context_menu(self, viewport_pos: QPoint) -> QMenu:
        """Finding actions for the word under the pointer, then the standard edit actions."""
        position = self.cursorForPosition(viewport_pos).position()
        menu = QMenu(self)
        hits = self.findings_at(position)
        self.add_finding_actions(menu, hits)
        standard = self.createStandardContextMenu(viewport_pos)
        if hits:
            menu.addSeparator()
        for action in standard.actions():
            action.setParent(menu)
            menu.addAction(action)
        return menu

    def add_finding_actions(self, menu: QMenu, hits: list[Underline]) -> None:
        read_only = self.isReadOnly()
        for u in hits:
            f = u.finding
            title = menu.addAction(f.message)
            title.setEnabled(False)
            for rep in f.replacements[:6]:
                label = f"Replace with “{rep.text}”" if rep.text else "Delete"
                act = menu.addAction(label)
                act.setEnabled(not read_only)
                act.triggered.connect(
                    lambda _=False, u=u, rep=rep: self.apply_replacement(u, rep)
                )
            if f.dimension == "spelling" and f.matched.strip():
                word = f.matched.strip()
                add = menu.addAction("Add to dictionary")
                add.setToolTip(f"Accept “{word}” in all your projects")
                add.triggered.connect(lambda _=False, w=word: self.add_word_requested.emit(w))
                add_p = menu.addAction("Add to project dictionary")
                add_p.setToolTip(f"Accept “{word}” in this project only")
                add_p.setEnabled(not read_only)
                add_p.triggered.connect(
                    lambda _=False, w=word: self.add_project_word_requested.emit(w))
            ignore = menu.addAction("Ignore here")
            ignore.setEnabled(not read_only)
            ignore.triggered.connect(lambda _=False, f=f: self.ignore_requested.emit(f))
            disable = menu.addAction("Disable this rule in this project")
            disable.setEnabled(not read_only)
            disable.triggered.connect(lambda _=False, f=f: self.disable_requested.emit(f))
            menu.addSeparator()

    def apply_replacement(self, underline: Underline, rep: Replacement) -> None:
        """Apply a one-click fix as a single edit block, so Ctrl+Z restores the old words."""
        # Replacement offsets refer to the checked text; shift them by how far the span moved.
        shift = underline.cursor.selectionStart() - underline.qt_start
        start = self._omap.to_qt(rep.start) + self._origin + shift
        end = self._omap.to_qt(rep.end) + self._origin + shift
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.setPosition(max(0, start))
        cursor.setPosition(max(0, end), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(rep.text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.fix_applied.emit()

    def select_span(self, qt_start: int, qt_end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_point_size(self, size: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(size)
        self.setFont(font)


def tooltip_html(hits: list[Underline]) -> str:
    from app.core.models import DIMENSION_LABELS

    parts = []
    for u in hits[:4]:
        f = u.finding
        label = DIMENSION_LABELS.get(f.dimension, f.dimension)
        colour = theme.dimension_colour(f.dimension).name()
        body = f"<b>{html.escape(f.message)}</b>"
        if f.explanation:
            body += f"<br>{html.escape(f.explanation)}"
        if f.replacements:
            options = ", ".join(f"“{html.escape(r.text)}”" for r in f.replacements[:4])
            body += f"<br><i>Try:</i> {options}"
        parts.append(
            f"<p style='margin:0 0 6px 0'><span style='color:{colour}'>●</span> "
            f"<small>{html.escape(label)} · {f.severity}</small><br>{body}</p>"
        )
    return "<div style='max-width:420px'>" + "".join(parts) + "</div>"
