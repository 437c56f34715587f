"""The drafts list and the draft being edited: selection, editor documents, fields and the
undoable list operations (add, duplicate, delete, reorder).

The undo commands talk to this controller through `commands.DraftsHost`, so there is no import
cycle. Edits are handed to the `SaveManager`; checking listens to `draft_selected` and
`text_edited`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextDocument, QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextDocumentLayout, QPlainTextEdit

from app.draft_window import LIVE_WINDOW_CHARS, DraftWindow, window_around
from app.gui.commands import AddDraftCommand, DeleteDraftCommand, ReorderCommand
from app.gui.editor import document_text
from app.gui.save_manager import FieldValue, SaveManager
from app.gui.session import ProjectSession
from app.gui.spans import OffsetMap
from app.gui.window import MainWindow
from app.storage.errors import ProjectError
from app.storage.models import Draft
from app.storage.project import Project

#: The drafts list shows this much of each text (titles and previews only).
PREVIEW_CHARS = 4000


class DraftsController(QObject):
    """Owns which draft is current and the per-draft editor documents (each has its own undo)."""

    #: the newly current draft id, or None
    draft_selected = Signal(object)
    #: the current draft's text was edited
    text_edited = Signal()
    #: the editor's cursor moved (also on every keystroke)
    cursor_moved = Signal()
    #: a message for the status bar, and how long to show it (ms)
    message = Signal(str, int)

    def __init__(self, window: MainWindow, session: ProjectSession,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.w = window
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.current_id: int | None = None
        self._docs: dict[int, QTextDocument] = {}
        self._empty_doc = QTextDocument(self)
        self._empty_doc.setDocumentLayout(QPlainTextDocumentLayout(self._empty_doc))
        self._loading_fields = False
        self.saver = SaveManager(session, self, self)
        self._connect()

    def _connect(self) -> None:
        w = self.w
        w.drafts.draft_selected.connect(self.select_draft)
        w.drafts.add_requested.connect(self.add_draft)
        w.drafts.duplicate_requested.connect(self.duplicate_draft)
        w.drafts.delete_requested.connect(self.delete_draft)
        w.drafts.reordered.connect(lambda ids: QTimer.singleShot(0, lambda: self.reorder(ids)))
        w.act_add.triggered.connect(self.add_draft)
        w.act_duplicate.triggered.connect(self._duplicate_current)
        w.act_delete.triggered.connect(self._delete_current)
        w.act_move_up.triggered.connect(lambda: self.move_current(-1))
        w.act_move_down.triggered.connect(lambda: self.move_current(+1))
        w.act_undo.triggered.connect(self.undo)
        w.act_redo.triggered.connect(self.redo)
        w.act_find.triggered.connect(w.drafts.focus_find)
        w.editor.textChanged.connect(self._text_changed)
        w.editor.cursorPositionChanged.connect(self.cursor_moved)
        w.title_edit.textEdited.connect(lambda t: self.field_changed("title", t))
        w.theme_combo.activated.connect(lambda _i: self.field_changed("theme", self._theme()))
        theme_line = w.theme_combo.lineEdit()
        if theme_line is not None:
            theme_line.editingFinished.connect(lambda: self.field_changed("theme", self._theme()))
        w.status_combo.currentIndexChanged.connect(
            lambda _i: self.field_changed("status", str(w.status_combo.currentData())))
        w.notes.textChanged.connect(lambda: self.field_changed("notes", w.notes.toPlainText()))
        self.saver.draft_saved.connect(self._draft_saved)
        self.session.about_to_close.connect(self._clear)
        self.session.project_changed.connect(self._project_changed)

    # -- DraftsHost (for the undo commands) --------------------------------------------------
    def open_project(self) -> Project:
        return self.session.require()

    def refresh_drafts(self, select: int | None = None) -> None:
        """Rebuild the list from the file and show `select` (or keep the current draft)."""
        project = self.session.project
        if project is None:
            return
        drafts = project.drafts()
        ids = {d.id for d in drafts}
        target = select if select in ids else self.current_id if self.current_id in ids else None
        if target is None and drafts:
            target = drafts[0].id
        self.w.drafts.set_drafts(drafts, target)
        combo = self.w.theme_combo
        combo.blockSignals(True)
        current = combo.currentText()
        combo.clear()
        combo.addItems(sorted({d.theme for d in drafts if d.theme}))
        combo.setCurrentText(current)
        combo.blockSignals(False)
        if target != self.current_id or target is None:
            self.select_draft(target)

    def forget_draft(self, draft_id: int) -> None:
        """Called before a draft is deleted: flush it and drop its editor document."""
        self.saver.forget(draft_id)
        if draft_id == self.current_id:
            self.current_id = None
            self._set_editor_document(None)
        self._docs.pop(draft_id, None)

    # -- list operations ---------------------------------------------------------------------
    def add_draft(self) -> None:
        if not self.session.editable:
            return
        self.saver.flush()
        theme_name = self._theme() if self.current_id is not None else ""
        self.undo_stack.push(AddDraftCommand(self, after=self.current_id, theme=theme_name))
        self.w.editor.setFocus()

    def duplicate_draft(self, draft_id: int) -> None:
        if not self.session.editable:
            return
        self.saver.flush()
        self.undo_stack.push(AddDraftCommand(self, after=draft_id, duplicate_of=draft_id))

    def delete_draft(self, draft_id: int) -> None:
        if not self.session.editable:
            return
        self.saver.flush()
        self.undo_stack.push(DeleteDraftCommand(self, draft_id))
        self.message.emit("Draft deleted — Ctrl+Z brings it back", 5000)

    def _duplicate_current(self) -> None:
        if self.current_id is not None:
            self.duplicate_draft(self.current_id)

    def _delete_current(self) -> None:
        if self.current_id is not None:
            self.delete_draft(self.current_id)

    def reorder(self, ids: list[int]) -> None:
        project = self.session.project
        if project is None or project.read_only:
            return
        old = [d.id for d in project.drafts()]
        if sorted(old) != sorted(ids) or old == ids:
            self.refresh_drafts()
            return
        self.undo_stack.push(ReorderCommand(self, old, ids))

    def move_current(self, step: int) -> None:
        """Keyboard alternative to dragging: swap the draft with its neighbour in the list."""
        if self.session.project is None or self.current_id is None:
            return
        ids = self.w.drafts.draft_ids()
        if self.current_id not in ids:
            return
        i = ids.index(self.current_id)
        j = i + step
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            self.reorder(ids)

    def undo(self) -> None:
        """Ctrl+Z: the focused text field's own undo, else the drafts list's."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QPlainTextEdit | QLineEdit) and not focus.isReadOnly():
            focus.undo()
        else:
            self.undo_stack.undo()

    def redo(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QPlainTextEdit | QLineEdit) and not focus.isReadOnly():
            focus.redo()
        else:
            self.undo_stack.redo()

    # -- the current draft -------------------------------------------------------------------
    def select_draft(self, draft_id: int | None) -> None:
        if draft_id == self.current_id and draft_id is not None:
            return
        self.saver.snapshot_if_due()
        self.current_id = None
        project = self.session.project
        draft = None
        if project is not None and draft_id is not None:
            try:
                draft = project.get_draft(draft_id)
            except ProjectError:
                self.refresh_drafts()
                return
        if draft is None:
            self._set_editor_document(None)
            self._set_fields_enabled(False)
            self.draft_selected.emit(None)
            return
        doc = self._docs.get(draft.id)
        if doc is None or document_text_of(doc) != draft.text:
            doc = QTextDocument(self)
            doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
            doc.setPlainText(draft.text)
            doc.setDocumentMargin(10)
            doc.setModified(False)
            self._docs[draft.id] = doc
        self.current_id = draft.id
        self._set_editor_document(doc)
        self._show_fields(draft)
        self.w.drafts.select(draft.id)
        self.draft_selected.emit(draft.id)

    def current_text(self) -> str:
        return document_text(self.w.editor)

    def current_length(self) -> int:
        """Characters in the editor, without copying the text (cheap on every keystroke)."""
        return self.w.editor.document().characterCount() - 1

    def checked_window(self) -> tuple[DraftWindow, str]:
        """The part of a too-long draft the live check reads, and its text: the paragraph at
        the cursor, or the sentences around the cursor in a paragraph over the window size.
        Only that paragraph is copied out of the document, never the whole text."""
        editor = self.w.editor
        doc = editor.document()
        position = editor.textCursor().position()
        total = doc.characterCount() - 1
        block = doc.findBlock(position)
        origin, text = block.position(), block.text()
        if len(text) <= LIVE_WINDOW_CHARS:
            return DraftWindow(origin, origin + block.length() - 1, total, True), text
        omap = OffsetMap(text)
        part = window_around(text, omap.to_py(position - origin))
        window = DraftWindow(origin + omap.to_qt(part.start), origin + omap.to_qt(part.end),
                             total, False)
        return window, text[part.start:part.end]

    def cursor_offset(self) -> int:
        """Where the cursor is, as a document position."""
        return self.w.editor.textCursor().position()

    def current_draft(self) -> tuple[int, str] | None:
        """(id, text) of the draft being edited, or None."""
        if self.current_id is None:
            return None
        return self.current_id, self.current_text()

    def _show_fields(self, draft: Draft) -> None:
        w = self.w
        self._loading_fields = True
        w.title_edit.setText(draft.title)
        w.title_edit.setCursorPosition(0)  # the start of a long title, not its end
        w.theme_combo.setCurrentText(draft.theme)
        theme_line = w.theme_combo.lineEdit()
        if theme_line is not None:
            theme_line.setCursorPosition(0)  # show the start of a long theme name
        w.status_combo.setCurrentIndex(max(0, w.status_combo.findData(draft.status)))
        w.notes.setPlainText(draft.notes)
        self._loading_fields = False
        self._set_fields_enabled(True)

    def _set_editor_document(self, doc: QTextDocument | None) -> None:
        editor = self.w.editor
        editor.blockSignals(True)
        if doc is None:
            editor.setDocument(self._empty_doc)
            editor.setReadOnly(True)
            editor.setPlaceholderText(
                "Select a draft on the left, or add one with + New (Ctrl+Shift+N)."
                if self.session.project is not None else "")
        else:
            editor.setPlaceholderText(editor.default_placeholder)
            doc.setDefaultFont(editor.font())
            editor.setDocument(doc)
            editor.setReadOnly(not self.session.editable)
        editor.blockSignals(False)
        editor.clear_findings()

    def _set_fields_enabled(self, enabled: bool) -> None:
        w = self.w
        editable = enabled and self.session.editable
        for widget in (w.title_edit, w.theme_combo, w.status_combo):
            widget.setEnabled(editable)
        w.notes.setReadOnly(not editable)
        for action in (w.act_duplicate, w.act_delete, w.act_move_up, w.act_move_down):
            action.setEnabled(editable)
        if not enabled:
            self._loading_fields = True
            w.title_edit.clear()
            w.theme_combo.setCurrentText("")
            w.notes.clear()
            self._loading_fields = False

    def set_theme(self, name: str) -> None:
        """File the current draft under `name` (a suggested theme was clicked)."""
        if self.current_id is None or not self.session.editable:
            return
        self.w.theme_combo.setCurrentText(name)
        self.field_changed("theme", name)
        self.saver.flush()

    def _theme(self) -> str:
        return self.w.theme_combo.currentText().strip()

    def _text_changed(self) -> None:
        if self.current_id is None or not self.session.editable:
            return
        self.saver.mark_dirty("text")
        self.text_edited.emit()

    def field_changed(self, name: str, value: FieldValue) -> None:
        if self._loading_fields or self.current_id is None or not self.session.editable:
            return
        self.saver.mark_dirty(name, value)

    def _draft_saved(self, draft: Draft, theme_changed: bool) -> None:
        self.show_in_list(draft)
        if theme_changed:
            self.refresh_drafts(select=draft.id)

    def show_in_list(self, draft: Draft) -> None:
        self.w.drafts.update_draft(draft.id, title=draft.title, text=draft.text[:PREVIEW_CHARS],
                                   score=draft.score, status=draft.status)

    # -- project switches --------------------------------------------------------------------
    def _clear(self) -> None:
        self.current_id = None
        self.undo_stack.clear()
        self._set_editor_document(None)
        self._docs.clear()
        self.w.drafts.set_drafts([], None)
        self._set_fields_enabled(False)
        self.draft_selected.emit(None)

    def _project_changed(self, project: Project | None) -> None:
        self.w.drafts.set_editable(project is not None and not project.read_only)
        if project is None:
            return
        drafts = project.drafts()
        self._set_fields_enabled(False)
        self.refresh_drafts(select=drafts[0].id if drafts else None)


def document_text_of(doc: QTextDocument) -> str:
    return doc.toRawText().replace("\u2029", "\n")
