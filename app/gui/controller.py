"""Wires the main window to a project file and the checker.

The rules of the road:
- every edit reaches the project file within about a second (400 ms debounce, 1 s at most while
  typing without pause), and the text is flushed before anything that could lose it (switching
  drafts, closing, save a copy);
- checking is debounced (150 ms) and runs on the GUI thread for normal drafts (about 1 ms); very
  long texts go to the background TaskManager and stale results are dropped;
- the optional panels of other modules (evidence, grammar, export, language settings) are imported
  lazily; when they are missing the related menu entries are hidden.
"""

from __future__ import annotations

import contextlib
import importlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QGuiApplication,
    QTextDocument,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextDocumentLayout,
    QPlainTextEdit,
)

from app.gui import theme
from app.gui.commands import AddDraftCommand, DeleteDraftCommand, ReorderCommand
from app.gui.editor import document_text
from app.gui.tasks import TaskManager
from app.gui.window import MainWindow

if TYPE_CHECKING:
    from app.core.engine import Checker
    from app.core.models import CheckContext, CheckResult, Finding
    from app.storage.project import Project

#: Texts longer than this are checked in the background.
ASYNC_CHECK_CHARS = 20_000
CHECK_DELAY_MS = 150
#: While typing without a pause, underlines still refresh this often.
CHECK_MAX_DELAY_MS = 700
SAVE_DELAY_MS = 400
SAVE_MAX_DELAY_MS = 1000
SNAPSHOT_IDLE_MS = 3000
#: Linked evidence, precedents and theme votes are looked up this long after typing stops.
EVIDENCE_IDLE_MS = 600
RULES_RELOAD_DELAY_MS = 300
MAX_RECENT = 8
PROJECT_FILTER = "SMARTrec projects (*.smartrec);;All files (*)"
#: The editor text is larger than the chrome: it is what people read, and trainers project it.
EDITOR_SCALE = 1.35
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)


class MainController(QObject):
    """Owns the open project, the checker and the timers; the window only displays."""

    #: Emitted from the spelling loader thread; queued onto the GUI thread.
    _spelling_ready = Signal()

    def __init__(
        self,
        window: MainWindow,
        settings: QSettings,
        *,
        user_rules: bool = True,
        async_rules: bool = True,
        builtin_rules: bool = True,
        extra_rule_dirs: list[Path] | None = None,
        defer_optional: bool = False,
    ) -> None:
        super().__init__(window)
        self.w = window
        self.settings = settings
        self.user_rules = user_rules
        self.async_rules = async_rules
        self.builtin_rules = builtin_rules
        self.extra_rule_dirs = list(extra_rule_dirs or [])
        self.project: Project | None = None
        self.checker: Checker | None = None
        self.tasks = TaskManager(self)
        self.undo_stack = QUndoStack(self)
        self.current_id: int | None = None
        self.result: CheckResult | None = None
        self.result_text = ""
        self.last_error = ""
        self._docs: dict[int, QTextDocument] = {}
        self._empty_doc = QTextDocument(self)
        self._empty_doc.setDocumentLayout(QPlainTextDocumentLayout(self._empty_doc))
        self._ignored: dict[int, set[tuple[str, str]]] = {}
        self._pending: dict[str, Any] = {}
        self._pending_id: int | None = None
        self._check_generation = 0
        self._check_inflight = False
        self._check_again = False
        self._rules_generation = 0
        self._loading_fields = False
        self._zoom_index = ZOOM_STEPS.index(1.0)
        self._base_point_size = _base_point_size()
        self._dark = theme.is_dark()
        self.evidence_panel: Any = None
        self.grammar: Any = None
        self._export_fn: Callable[..., Any] | None = None
        self._language_dialog: Any = None
        self._import_dialog: Any = None

        self._check_timer = self._timer(CHECK_DELAY_MS, self.run_check)
        self._check_deadline = self._timer(CHECK_MAX_DELAY_MS, self.run_check)
        self._save_timer = self._timer(SAVE_DELAY_MS, self.flush)
        self._save_deadline = self._timer(SAVE_MAX_DELAY_MS, self.flush)
        self._snapshot_timer = self._timer(SNAPSHOT_IDLE_MS, self.take_snapshot)
        self._evidence_timer = self._timer(EVIDENCE_IDLE_MS, self.refresh_evidence)
        #: draft id -> (text it was computed for, CheckContext from app.evidence)
        self._evidence: dict[int, tuple[str, Any]] = {}
        self._evidence_generation = 0
        self._rules_timer = self._timer(RULES_RELOAD_DELAY_MS, self.reload_rules)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(lambda _p: self._rules_timer.start())
        self.watcher.directoryChanged.connect(lambda _p: self._rules_timer.start())

        self._connect()
        self._spelling_ready.connect(self.schedule_check)
        self._spelling_hooked: object = None
        self._project_words: set[str] = set()
        self._optional_loaded = False
        if not defer_optional:
            self.load_optional_modules()
        self._restore_window()
        self.apply_palette()
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda _s: self.apply_palette(restyle=True))
        self._update_recent_menu()
        self.set_project(None)

    def _timer(self, ms: int, slot: Callable[[], Any]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # -- wiring -----------------------------------------------------------------------------
    def _connect(self) -> None:
        w = self.w
        w.act_new.triggered.connect(self.new_project)
        w.act_open.triggered.connect(self.open_dialog)
        w.act_save.triggered.connect(self.save_now)
        w.act_save_copy.triggered.connect(self.save_copy)
        w.act_close.triggered.connect(self.user_close_project)
        w.act_quit.triggered.connect(w.close)
        w.act_undo.triggered.connect(self.undo)
        w.act_redo.triggered.connect(self.redo)
        w.act_find.triggered.connect(w.drafts.focus_find)
        w.act_add.triggered.connect(self.add_draft)
        w.act_duplicate.triggered.connect(self._duplicate_current)
        w.act_delete.triggered.connect(self._delete_current)
        w.act_move_up.triggered.connect(lambda: self.move_current(-1))
        w.act_move_down.triggered.connect(lambda: self.move_current(+1))
        w.act_zoom_in.triggered.connect(lambda: self.zoom(+1))
        w.act_zoom_out.triggered.connect(lambda: self.zoom(-1))
        w.act_zoom_reset.triggered.connect(lambda: self.zoom(0))
        w.act_reload_rules.triggered.connect(self.reload_rules)
        w.act_rule_errors.triggered.connect(self.show_rule_errors)
        w.act_disabled_rules.triggered.connect(self.show_disabled_rules)
        w.act_project_info.triggered.connect(self.edit_project_details)
        w.act_ignored.triggered.connect(self.restore_ignored)
        w.act_about.triggered.connect(self.about)
        w.packs_button.clicked.connect(self.show_rule_errors)
        w.errors_button.clicked.connect(self.show_rule_errors)
        w.close_requested.connect(self._on_close)
        w.welcome.new_button.clicked.connect(self.new_project)
        w.welcome.open_button.clicked.connect(self.open_dialog)
        w.welcome.sample_button.clicked.connect(self.open_sample)

        w.drafts.draft_selected.connect(self.select_draft)
        w.drafts.add_requested.connect(self.add_draft)
        w.drafts.duplicate_requested.connect(self.duplicate_draft)
        w.drafts.delete_requested.connect(self.delete_draft)
        w.drafts.reordered.connect(lambda ids: QTimer.singleShot(0, lambda: self.reorder(ids)))

        w.editor.textChanged.connect(self._text_changed)
        w.editor.ignore_requested.connect(self.ignore_finding)
        w.editor.disable_requested.connect(self.disable_rule)
        w.scorecard.finding_activated.connect(self.jump_to)
        w.scorecard.theme_chosen.connect(self.set_theme)
        w.scorecard.phrasing_requested.connect(self.insert_precedent_phrase)
        w.scorecard.precedent_requested.connect(self.show_precedent)
        w.scorecard.span_requested.connect(self.select_checked_span)
        w.editor.add_word_requested.connect(self.add_user_word)
        w.editor.add_project_word_requested.connect(self.add_project_word)
        w.history.restore_requested.connect(self.restore_text)
        w.tabs.currentChanged.connect(lambda _i: self._refresh_history_if_visible())

        w.title_edit.textEdited.connect(lambda t: self._field_changed("title", t))
        w.theme_combo.activated.connect(
            lambda _i: self._field_changed("theme", w.theme_combo.currentText().strip()))
        theme_line = w.theme_combo.lineEdit()
        if theme_line is not None:
            theme_line.editingFinished.connect(
                lambda: self._field_changed("theme", w.theme_combo.currentText().strip()))
        w.status_combo.currentIndexChanged.connect(
            lambda _i: self._field_changed("status", w.status_combo.currentData()))
        w.notes.textChanged.connect(
            lambda: self._field_changed("notes", w.notes.toPlainText()))

    def load_optional_modules(self) -> None:
        """Panels written by other modules: used when present, their UI hidden otherwise.

        `run()` calls this after the first paint so their imports do not delay the window.
        """
        if self._optional_loaded:
            return
        self._optional_loaded = True
        w = self.w
        try:
            from app.gui.evidence_panel import EvidencePanel

            self.evidence_panel = EvidencePanel()
            w.tabs.addTab(self.evidence_panel, "Evidence")
            if hasattr(self.evidence_panel, "links_changed"):
                self.evidence_panel.links_changed.connect(self.refresh_evidence)
        except ImportError:
            self.evidence_panel = None
        try:
            from app.gui.grammar import GrammarRunner

            self.grammar = GrammarRunner(self)
            self._feed_project_words()
            self.grammar.findings_ready.connect(self._grammar_ready)
            self.grammar.status_changed.connect(self._grammar_status)
        except ImportError:
            self.grammar = None
        try:
            from app.gui.export_dialog import run_export_dialog

            self._export_fn = run_export_dialog
            w.act_export.triggered.connect(self.export)
        except ImportError:
            w.act_export.setVisible(False)
        try:
            from app.gui.language_settings import LanguageSettingsDialog

            self._language_dialog = LanguageSettingsDialog
            w.act_language.triggered.connect(self.language_settings)
            w.grammar_label.clicked.connect(self.language_settings)
        except ImportError:
            w.act_language.setVisible(False)
        try:
            self._import_dialog = importlib.import_module("app.gui.import_dialog")
            w.act_import.triggered.connect(self.import_evidence)
        except ImportError:
            w.act_import.setVisible(False)

    # -- messages ---------------------------------------------------------------------------
    def error(self, title: str, text: str) -> None:
        self.last_error = text
        QMessageBox.critical(self.w, title, text)

    def warn(self, title: str, text: str) -> None:
        self.last_error = text
        QMessageBox.warning(self.w, title, text)

    # -- projects ---------------------------------------------------------------------------
    def open_project(self, path: str | Path) -> bool:
        """Open a project file; a clear message (and no change) when it cannot be opened."""
        from app.storage.errors import ProjectError, ProjectLockedError
        from app.storage.project import Project

        path = Path(path)
        if self.project is not None and self.project.path.resolve() == path.resolve():
            return True
        try:
            project = Project.open(path)
        except ProjectLockedError as exc:
            self.warn("Project already open", f"{exc}\n\nSwitch to the window that has it open, "
                      "or close it there first.")
            return False
        except ProjectError as exc:
            self.error("Cannot open project", str(exc))
            self._forget_recent(path)
            return False
        except Exception as exc:
            self.error("Cannot open project", f"{path.name} could not be opened: {exc}")
            return False
        self.set_project(project)
        return True

    def set_project(self, project: Project | None) -> None:
        self.close_project(keep_welcome=project is not None)
        self.project = project
        w = self.w
        has = project is not None
        for action in (w.act_save, w.act_save_copy, w.act_close, w.act_export, w.act_add,
                       w.act_duplicate, w.act_delete, w.act_find, w.act_project_info,
                       w.act_disabled_rules, w.act_ignored, w.act_import):
            action.setEnabled(has)
        w.show_workspace(has)
        if project is None:
            self._update_title()
            return
        self._add_recent(project.path)
        self.settings.setValue("last_project", str(project.path))
        editable = not project.read_only
        for action in (w.act_add, w.act_duplicate, w.act_delete, w.act_disabled_rules,
                       w.act_ignored, w.act_import, w.act_project_info):
            action.setEnabled(editable)
        w.drafts.set_editable(editable)
        if project.read_only:
            w.banner.setText(
                f"“{project.path.name}” is read-only, so nothing can be changed. "
                "To work on it, use File → Save a Copy… and edit the copy."
            )
            w.banner.show()
        else:
            w.banner.hide()
        self._call_evidence_panel("set_project", project)
        self._update_title()
        w.saved_label.setText("Read-only" if project.read_only else "All changes saved")
        w.saved_label.setToolTip("" if project.read_only
                                 else "Every change is saved automatically.")
        self._feed_project_words()
        drafts = project.drafts()
        self._set_fields_enabled(False)
        self.refresh_drafts(select=drafts[0].id if drafts else None)
        self.reload_rules()
        self._watch_rules()

    def close_project(self, keep_welcome: bool = False) -> None:
        if self.project is None:
            return
        self.flush()
        self.take_snapshot()
        for timer in (self._check_timer, self._check_deadline, self._save_timer,
                      self._save_deadline, self._snapshot_timer, self._evidence_timer):
            timer.stop()
        project = self.project
        self.project = None
        self.current_id = None
        self.result = None
        self.undo_stack.clear()
        self._set_editor_document(None)
        self._docs.clear()
        self._ignored.clear()
        self._evidence.clear()
        self.w.scorecard.clear()
        self.w.drafts.set_drafts([], None)
        self._call_evidence_panel("set_project", None)
        project.close()
        if not keep_welcome:
            self.set_project(None)

    def user_close_project(self) -> None:
        """File → Close: the next start shows the welcome page instead of reopening it."""
        self.close_project()
        self.settings.remove("last_project")

    def _update_title(self) -> None:
        p = self.project
        if p is None:
            self.w.setWindowTitle("SMARTrec")
            return
        meta = p.meta
        parts = [meta.state_under_review or "Untitled project"]
        if meta.cycle:
            parts.append(f"UPR cycle {meta.cycle}")
        head = " · ".join(parts)
        ro = " [read-only]" if p.read_only else ""
        self.w.setWindowTitle(f"{head} — {p.path.name}{ro} — SMARTrec")

    def new_project(self) -> None:
        from app.gui.dialogs import ProjectDetailsDialog

        dialog = ProjectDetailsDialog(self.w)
        if not dialog.exec():
            return
        values = dialog.values()
        name = "-".join(filter(None, [values["state_under_review"],
                                      f"UPR{values['cycle']}" if values["cycle"] else ""]))
        start = Path(str(self.settings.value("last_dir", str(Path.home())))) / f"{name}.smartrec"
        path, _ = QFileDialog.getSaveFileName(self.w, "Create project", str(start),
                                              PROJECT_FILTER)
        if not path:
            return
        if not path.endswith(".smartrec"):
            path += ".smartrec"
        self.create_project(Path(path), values, overwrite=Path(path).exists())

    def create_project(self, path: Path, values: dict[str, str], overwrite: bool = False) -> bool:
        from app.storage.errors import ProjectError
        from app.storage.models import ProjectMeta
        from app.storage.project import Project

        try:
            project = Project.create(path, ProjectMeta(**values), overwrite=overwrite)
        except ProjectError as exc:
            self.error("Cannot create project", str(exc))
            return False
        self.settings.setValue("last_dir", str(path.parent))
        self.set_project(project)
        self.add_draft()
        return True

    def open_dialog(self) -> None:
        start = str(self.settings.value("last_dir", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self.w, "Open project", start, PROJECT_FILTER)
        if path:
            self.settings.setValue("last_dir", str(Path(path).parent))
            self.open_project(path)

    def open_sample(self) -> bool:
        """Open the sample project in the user data folder, creating it on first use."""
        from app.paths import user_data_dir
        from app.storage.errors import ProjectError
        from app.storage.sample import create_sample_project

        folder = user_data_dir()
        path = folder / "Sample project.smartrec"
        if path.exists():
            return self.open_project(path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            project = create_sample_project(path)
        except (ProjectError, OSError) as exc:
            self.error("Cannot create the sample project", str(exc))
            return False
        self.set_project(project)
        return True

    def save_now(self) -> None:
        """Ctrl+S: everything is autosaved; this flushes at once and says so."""
        self.flush()
        self.take_snapshot()
        if self.project is not None and not self.last_save_failed:
            self.w.statusBar().showMessage("Saved", 2500)

    last_save_failed = False

    def save_copy(self) -> None:
        from app.storage.errors import ProjectError

        if self.project is None:
            return
        self.flush()
        suggested = self.project.path.with_name(self.project.path.stem + " copy.smartrec")
        path, _ = QFileDialog.getSaveFileName(self.w, "Save a copy", str(suggested),
                                              PROJECT_FILTER)
        if not path:
            return
        if not path.endswith(".smartrec"):
            path += ".smartrec"
        try:
            saved = self.project.save_copy(path)
        except ProjectError as exc:
            self.error("Cannot save a copy", str(exc))
            return
        self.w.statusBar().showMessage(f"Copy saved to {saved}", 5000)

    def edit_project_details(self) -> None:
        from app.gui.dialogs import ProjectDetailsDialog
        from app.storage.errors import ProjectError
        from app.storage.models import ProjectMeta

        if self.project is None or self.project.read_only:
            return
        dialog = ProjectDetailsDialog(self.w, self.project.meta, title="Project details")
        if not dialog.exec():
            return
        try:
            self.project.update_meta(ProjectMeta(**dialog.values()))
        except ProjectError as exc:
            self.error("Cannot save project details", str(exc))
            return
        self._update_title()
        self.schedule_check()

    # -- recent files -----------------------------------------------------------------------
    def recent(self) -> list[str]:
        value: Any = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        items = [p for p in self.recent() if Path(p) != path]
        self.settings.setValue("recent", [str(path), *items][:MAX_RECENT])
        self._update_recent_menu()

    def _forget_recent(self, path: Path) -> None:
        self.settings.setValue("recent", [p for p in self.recent() if Path(p) != path])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for item in self.recent():
            action = menu.addAction(Path(item).name)
            action.setToolTip(item)
            action.setStatusTip(item)
            action.triggered.connect(lambda _=False, p=item: self.open_project(p))
        menu.setEnabled(bool(self.recent()))

    # -- drafts list ------------------------------------------------------------------------
    def refresh_drafts(self, select: int | None = None) -> None:
        """Rebuild the list from the file and show `select` (or keep the current draft)."""
        if self.project is None:
            return
        drafts = self.project.drafts()
        ids = {d.id for d in drafts}
        target = select if select in ids else self.current_id if self.current_id in ids else None
        if target is None and drafts:
            target = drafts[0].id
        self.w.drafts.set_drafts(drafts, target)
        themes = sorted({d.theme for d in drafts if d.theme})
        combo = self.w.theme_combo
        combo.blockSignals(True)
        current = combo.currentText()
        combo.clear()
        combo.addItems(themes)
        combo.setCurrentText(current)
        combo.blockSignals(False)
        if target != self.current_id:
            self.select_draft(target)
        elif target is None:
            self.select_draft(None)

    def forget_draft(self, draft_id: int) -> None:
        """Called before a draft is deleted: flush it and drop its editor document."""
        if draft_id == self.current_id:
            self.flush()
            self._snapshot_timer.stop()
            self.current_id = None
            self._set_editor_document(None)
        self._docs.pop(draft_id, None)

    def add_draft(self) -> None:
        if self.project is None or self.project.read_only:
            return
        self.flush()
        theme_name = ""
        if self.current_id is not None:
            theme_name = self.w.theme_combo.currentText().strip()
        self.undo_stack.push(AddDraftCommand(self, after=self.current_id, theme=theme_name))
        self.w.editor.setFocus()

    def duplicate_draft(self, draft_id: int) -> None:
        if self.project is None or self.project.read_only:
            return
        self.flush()
        self.undo_stack.push(AddDraftCommand(self, after=draft_id, duplicate_of=draft_id))

    def delete_draft(self, draft_id: int) -> None:
        if self.project is None or self.project.read_only:
            return
        self.flush()
        self.undo_stack.push(DeleteDraftCommand(self, draft_id))
        self.w.statusBar().showMessage("Draft deleted — Ctrl+Z brings it back", 5000)

    def _duplicate_current(self) -> None:
        if self.current_id is not None:
            self.duplicate_draft(self.current_id)

    def _delete_current(self) -> None:
        if self.current_id is not None:
            self.delete_draft(self.current_id)

    def reorder(self, ids: list[int]) -> None:
        if self.project is None or self.project.read_only:
            return
        old = [d.id for d in self.project.drafts()]
        if sorted(old) != sorted(ids):
            self.refresh_drafts()
            return
        if old == ids:
            self.refresh_drafts()
            return
        self.undo_stack.push(ReorderCommand(self, old, ids))

    def move_current(self, step: int) -> None:
        """Keyboard alternative to dragging: swap the draft with its neighbour in the list."""
        if self.project is None or self.current_id is None:
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

    # -- the current draft ------------------------------------------------------------------
    def select_draft(self, draft_id: int | None) -> None:
        if draft_id == self.current_id and draft_id is not None:
            return
        self.flush()
        if self._snapshot_timer.isActive():
            self.take_snapshot()
        self._check_timer.stop()
        self.current_id = None
        self.result = None
        if self.project is None or draft_id is None:
            self._call_evidence_panel("set_draft", None, "")
            self._set_editor_document(None)
            self._set_fields_enabled(False)
            self.w.scorecard.clear()
            return
        from app.storage.errors import ProjectError

        try:
            draft = self.project.get_draft(draft_id)
        except ProjectError:
            self.refresh_drafts()
            return
        doc = self._docs.get(draft_id)
        if doc is None or document_text_of(doc) != draft.text:
            doc = QTextDocument(self)
            doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
            doc.setPlainText(draft.text)
            doc.setDocumentMargin(10)
            doc.setModified(False)
            self._docs[draft_id] = doc
        self.current_id = draft_id
        self._set_editor_document(doc)
        self._loading_fields = True
        w = self.w
        w.title_edit.setText(draft.title)
        w.theme_combo.setCurrentText(draft.theme)
        theme_line = w.theme_combo.lineEdit()
        if theme_line is not None:
            theme_line.setCursorPosition(0)  # show the start of a long theme name
        w.status_combo.setCurrentIndex(max(0, w.status_combo.findData(draft.status)))
        w.notes.setPlainText(draft.notes)
        self._loading_fields = False
        self._set_fields_enabled(True)
        w.drafts.select(draft_id)
        self.run_check()
        self.refresh_evidence()
        self._refresh_history_if_visible(force=True)

    def _set_editor_document(self, doc: QTextDocument | None) -> None:
        editor = self.w.editor
        editor.blockSignals(True)
        if doc is None:
            editor.setDocument(self._empty_doc)
            editor.setReadOnly(True)
            editor.setPlaceholderText(
                "Select a draft on the left, or add one with ＋ New (Ctrl+Shift+N)."
                if self.project is not None else "")
        else:
            editor.setPlaceholderText(editor.default_placeholder)
            doc.setDefaultFont(editor.font())
            editor.setDocument(doc)
            editor.setReadOnly(self.project is None or self.project.read_only)
        editor.blockSignals(False)
        editor.clear_findings()

    def _set_fields_enabled(self, enabled: bool) -> None:
        w = self.w
        editable = enabled and self.project is not None and not self.project.read_only
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

    def current_text(self) -> str:
        return document_text(self.w.editor)

    def _text_changed(self) -> None:
        if self.current_id is None or self.project is None or self.project.read_only:
            return
        self._mark_dirty("text", None)
        self._snapshot_timer.start()
        self._evidence_timer.start()
        self.schedule_check()

    def _field_changed(self, name: str, value: Any) -> None:
        if self._loading_fields or self.current_id is None:
            return
        if self.project is None or self.project.read_only:
            return
        self._mark_dirty(name, value)

    def _mark_dirty(self, name: str, value: Any) -> None:
        self._pending[name] = value
        self._pending_id = self.current_id
        self._save_timer.start()
        if not self._save_deadline.isActive():
            self._save_deadline.start()
        self.w.saved_label.setText("Saving…")

    def flush(self) -> None:
        """Write pending edits of the current draft to the project file now."""
        self._save_timer.stop()
        self._save_deadline.stop()
        if not self._pending or self._pending_id is None or self.project is None:
            self._pending.clear()
            return
        from app.storage.errors import ProjectError

        changes = dict(self._pending)
        if "text" in changes:
            changes["text"] = self.current_text() if self._pending_id == self.current_id \
                else None
            if changes["text"] is None:
                del changes["text"]
        draft_id = self._pending_id
        try:
            draft = self.project.update_draft(draft_id, **changes)
        except ProjectError as exc:
            self.last_save_failed = True
            self.w.saved_label.setText("⚠ Not saved")
            self.w.saved_label.setToolTip(str(exc))
            self.w.banner.setText(f"Your latest changes could not be saved: {exc} SMARTrec keeps "
                                  "trying; File → Save a Copy… writes them somewhere else.")
            self.w.banner.show()
            # Keep the edit pending and try again shortly.
            self._save_deadline.start(3000)
            return
        if self.last_save_failed and not self.project.read_only:
            self.w.banner.hide()
        self.last_save_failed = False
        self._pending.clear()
        self._pending_id = None
        self.w.saved_label.setText(f"Saved {time.strftime('%H:%M:%S')}")
        self.w.saved_label.setToolTip("Every change is saved automatically.")
        self.w.drafts.update_draft(draft.id, title=draft.title, text=draft.text[:4000],
                                   score=draft.score, status=draft.status)
        if "theme" in changes:
            self.refresh_drafts(select=draft.id)

    def take_snapshot(self) -> None:
        """The text has settled: keep it in the history with its score."""
        self._snapshot_timer.stop()
        if self.project is None or self.project.read_only or self.current_id is None:
            return
        from app.storage.errors import ProjectError

        self.flush()
        text = self.current_text()
        score = self.result.smart_score if self.result and self.result_text == text else None
        try:
            snap = self.project.add_snapshot(self.current_id, text, score)
        except ProjectError as exc:
            self.w.statusBar().showMessage(f"Could not save the version: {exc}", 8000)
            return
        if snap is not None:
            self._refresh_history_if_visible(force=True)

    def _refresh_history_if_visible(self, force: bool = False) -> None:
        if self.w.tabs.currentWidget() is not self.w.history:
            return
        if self.project is None or self.current_id is None:
            self.w.history.set_history([], "", None)
            return
        score = self.result.smart_score if self.result else None
        self.w.history.set_history(self.project.history(self.current_id), self.current_text(),
                                   score)

    def restore_text(self, text: str) -> None:
        """Put an earlier version back through the editor's cursor, so Ctrl+Z undoes it."""
        if self.w.editor.isReadOnly():
            return
        cursor = self.w.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()

    # -- checking ---------------------------------------------------------------------------
    def schedule_check(self) -> None:
        self._check_timer.start()
        if not self._check_deadline.isActive():
            self._check_deadline.start()

    def context(self, draft_id: int) -> CheckContext:
        from app.core.models import CheckContext

        assert self.project is not None
        if draft_id not in self._ignored:
            self._ignored[draft_id] = self.project.ignored(draft_id)
        ctx = CheckContext(
            state_under_review=self.project.meta.state_under_review,
            ignored=set(self._ignored[draft_id]),
        )
        cached = self._evidence.get(draft_id)
        if cached is not None:
            # From the last settled text: a keystroke later it is still the right evidence.
            evidence = cached[1]
            ctx.linked_evidence = list(evidence.linked_evidence)
            ctx.precedents = list(evidence.precedents)
            ctx.theme_votes = dict(evidence.theme_votes)
        return ctx

    def _call_evidence_panel(self, method: str, *args: Any) -> None:
        """The evidence module's panel is optional and must never break the editor."""
        panel = self.evidence_panel
        if panel is None or not hasattr(panel, method):
            return
        try:
            getattr(panel, method)(*args)
        except Exception as exc:
            self.w.statusBar().showMessage(f"Evidence panel: {exc}", 8000)

    def refresh_evidence(self) -> None:
        """Look up linked evidence, precedents and theme votes (app.evidence) in the background,
        on a read-only connection of its own, then re-check with them."""
        self._evidence_timer.stop()
        if self.project is None or self.current_id is None:
            return
        self._call_evidence_panel("set_draft", self.current_id, self.current_text())
        try:
            from app.evidence.context import build_context
        except ImportError:
            return
        path, draft_id = self.project.path, self.current_id
        text, state = self.current_text(), self.project.meta.state_under_review
        if len(text) > ASYNC_CHECK_CHARS:
            return
        self._evidence_generation += 1
        generation = self._evidence_generation

        def work() -> Any:
            conn = _read_only_connection(path)
            try:
                return build_context(conn, draft_id, text, state)
            finally:
                conn.close()

        def done(ctx: Any) -> None:
            if generation != self._evidence_generation or self.current_id != draft_id:
                return
            self._evidence[draft_id] = (text, ctx)
            if self.current_text() == text:
                self.run_check()

        def failed(exc: BaseException) -> None:
            self.w.statusBar().showMessage(f"Evidence lookup failed: {exc}", 6000)

        self.tasks.run(work, done, failed)

    def run_check(self) -> None:
        self._check_timer.stop()
        self._check_deadline.stop()
        if self.checker is None or self.project is None or self.current_id is None:
            return
        text = self.current_text()
        draft_id = self.current_id
        checker = self.checker
        self._attach_spelling(checker)
        ctx = self.context(draft_id)
        if len(text) <= ASYNC_CHECK_CHARS:
            self._check_generation += 1
            self._apply_result(checker.check(text, ctx), text, draft_id)
            return
        if self._check_inflight:
            self._check_again = True
            return
        self._check_generation += 1
        generation = self._check_generation
        self._check_inflight = True
        self.w.check_label.setText("Checking long text…")

        def done(result: CheckResult) -> None:
            self._check_inflight = False
            if generation == self._check_generation and draft_id == self.current_id \
                    and text == self.current_text():
                self._apply_result(result, text, draft_id)
            if self._check_again:
                self._check_again = False
                self.schedule_check()

        def failed(exc: BaseException) -> None:
            self._check_inflight = False
            self.w.check_label.setText("Check failed")
            self.w.check_label.setToolTip(str(exc))

        self.tasks.run(lambda: checker.check(text, ctx), done, failed)

    def _attach_spelling(self, checker: Checker) -> None:
        """Offline spelling (from the language module's runner) as a checker provider."""
        runner = self.grammar
        spelling = getattr(runner, "spelling", None) if runner is not None else None
        enabled = bool(getattr(runner, "spelling_enabled", False))
        others = [p for p in checker.providers if getattr(p, "name", "") != "spelling"]
        wanted = [*others, spelling] if spelling is not None and enabled else others
        if wanted != checker.providers:
            checker.providers[:] = wanted
        if spelling is not None and spelling is not self._words_fed_to:
            self._feed_project_words()  # the language changed: a new provider
        if spelling is not None and spelling is not self._spelling_hooked:
            self._spelling_hooked = spelling
            if hasattr(spelling, "on_ready"):
                spelling.on_ready(self._spelling_ready.emit)

    def _apply_result(self, result: CheckResult, text: str, draft_id: int,
                      grammar: bool = True) -> None:
        self.result = result
        self.result_text = text
        w = self.w
        w.editor.set_findings(result.findings, text)
        w.scorecard.set_result(result, text=text)
        shown = min(len(result.findings), 500)
        more = f" · {shown} of {len(result.findings)} shown" if shown < len(result.findings) \
            else ""
        w.check_label.setText(f"Checked in {result.elapsed_ms:.1f} ms{more}")
        if self.project is not None and not self.project.read_only:
            self._store_score(draft_id, result.smart_score)
        if w.tabs.currentWidget() is w.history:
            w.history.update_current(text, result.smart_score)
        if grammar and self.grammar is not None and len(text) <= ASYNC_CHECK_CHARS:
            try:
                self.grammar.request(draft_id, text, self.context(draft_id))
            except Exception as exc:
                self._grammar_status(f"Grammar: {exc}")

    def _store_score(self, draft_id: int, score: int) -> None:
        from app.storage.errors import ProjectError

        assert self.project is not None
        try:
            draft = self.project.update_draft(draft_id, score=score)
        except ProjectError:
            return
        text = draft.text[:4000]
        self.w.drafts.update_draft(draft_id, title=draft.title, text=text, score=score,
                                   status=draft.status)

    def _grammar_ready(self, draft_key: Any, text: str, findings: list[Finding],
                       elapsed_ms: float) -> None:
        if (draft_key != self.current_id or self.result is None or self.checker is None
                or text != self.result_text or self.current_id is None):
            return
        ctx = self.context(self.current_id)
        if hasattr(self.grammar, "merge"):
            merged = self.grammar.merge(self.checker, self.result, findings, text, ctx)
        else:
            merged = self.checker.merge(self.result, findings, text, ctx)
        self._apply_result(merged, text, self.current_id, grammar=False)

    def _grammar_status(self, message: str) -> None:
        short = message.split(":")[0] if ":" in message[:40] else message
        if len(short) > 40:
            short = short[:38].rstrip() + "…"
        self.w.grammar_label.setText(short)
        self.w.grammar_label.setToolTip(message)
        self.w.grammar_label.setVisible(bool(message))

    def set_theme(self, name: str) -> None:
        """File the current draft under `name` (a suggested theme was clicked)."""
        if self.current_id is None or self.project is None or self.project.read_only:
            return
        self.w.theme_combo.setCurrentText(name)
        self._field_changed("theme", name)
        self.flush()

    def select_checked_span(self, start: int, end: int) -> None:
        """Select a span given in offsets of the last checked text (e.g. the longest clause)."""
        from app.gui.spans import OffsetMap

        omap = OffsetMap(self.result_text)
        self.w.editor.select_span(omap.to_qt(start), omap.to_qt(end))

    def insert_precedent_phrase(self, precedent: Any) -> None:
        """Add ", as recommended previously by <State> (cycle N)" at the end of the first
        sentence, through the editor's cursor so that Ctrl+Z takes it out again."""
        from app.gui.spans import OffsetMap

        editor = self.w.editor
        if editor.isReadOnly() or self.current_id is None:
            return
        text = self.current_text()
        at = first_sentence_end(text)
        phrase = precedent_phrase(precedent)
        cursor = editor.textCursor()
        cursor.beginEditBlock()
        cursor.setPosition(OffsetMap(text).to_qt(at))
        cursor.insertText(phrase)
        cursor.endEditBlock()
        editor.setTextCursor(cursor)
        editor.setFocus()
        self.run_check()

    def show_precedent(self, precedent: Any) -> None:
        """The earlier recommendation in full, with a way to find it in the Evidence tab."""
        from app.gui.scorecard import response_words

        when = ", ".join(x for x in (f"cycle {precedent.cycle}" if precedent.cycle else "",
                                     f"session {precedent.session}" if precedent.session
                                     else "") if x)
        box = QMessageBox(self.w)
        box.setWindowTitle("Earlier recommendation")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(f"{precedent.recommending_state or 'Another State'}"
                    f"{' (' + when + ')' if when else ''}: the State "
                    f"{response_words(precedent.response)}.")
        box.setInformativeText(precedent.text)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        find = None
        panel = self.evidence_panel
        if panel is not None and hasattr(panel, "search_box"):
            find = box.addButton("Find in Evidence tab", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        self._precedent_box = box
        box.exec()
        if find is not None and box.clickedButton() is find:
            self.find_in_evidence(precedent)

    _precedent_box: QMessageBox | None = None

    def find_in_evidence(self, precedent: Any) -> None:
        """Switch to the Evidence tab, filtered to prior recommendations, searching its words."""
        panel = self.evidence_panel
        if panel is None:
            return
        self.w.tabs.setCurrentWidget(panel)
        box = getattr(panel, "filter_box", None)
        if box is not None:
            index = box.findText("Prior UPR recommendations")
            if index >= 0:
                box.setCurrentIndex(index)
        words = " ".join(precedent.text.split()[:12])
        panel.search_box.setText(words)

    # -- dictionaries -----------------------------------------------------------------------
    def _spelling_target(self) -> Any:
        runner = self.grammar
        if runner is None:
            return None
        if hasattr(runner, "add_word"):
            return runner
        slot = getattr(runner, "spelling_slot", None)
        if slot is not None and hasattr(slot, "add_word"):
            return slot
        return getattr(runner, "spelling", None)

    def add_user_word(self, word: str) -> None:
        """"Add to dictionary": the user's dictionary file, for every project."""
        target = self._spelling_target()
        if target is None:
            self.w.statusBar().showMessage("Spelling is not available.", 4000)
            return
        try:
            target.add_word(word)
        except OSError as exc:
            self.error("Cannot add the word", f"The dictionary could not be written: {exc}")
            return
        self.w.statusBar().showMessage(f"“{word}” added to your dictionary.", 4000)
        self.run_check()

    def add_project_word(self, word: str) -> None:
        """"Add to project dictionary": kept in the project file, for this project only."""
        from app.storage.errors import ProjectError

        if self.project is None or self.project.read_only:
            return
        try:
            self.project.add_word(word)
        except ProjectError as exc:
            self.error("Cannot add the word", str(exc))
            return
        self._feed_project_words()
        self.w.statusBar().showMessage(f"“{word}” added to this project's dictionary.", 4000)
        self.run_check()

    def _feed_project_words(self) -> None:
        """Give the project's dictionary to the spelling check (and LanguageTool's filter)."""
        words: set[str] = set()
        if self.project is not None and hasattr(self.project, "words"):
            try:
                words = self.project.words()
            except Exception:
                words = set()
        self._project_words = words
        self._words_fed_to = None
        runner = self.grammar
        spelling = getattr(runner, "spelling", None) if runner is not None else None
        if spelling is not None and hasattr(spelling, "set_project_words"):
            spelling.set_project_words(sorted(words))
            self._words_fed_to = spelling

    _words_fed_to: object = None

    def jump_to(self, finding: Finding) -> None:
        from app.gui.spans import OffsetMap

        omap = OffsetMap(self.result_text)
        self.w.editor.select_span(omap.to_qt(finding.start), omap.to_qt(finding.end))

    def ignore_finding(self, finding: Finding) -> None:
        from app.storage.errors import ProjectError

        if self.project is None or self.current_id is None or self.project.read_only:
            return
        try:
            self.project.ignore(self.current_id, finding.rule_id, finding.matched)
        except ProjectError as exc:
            self.error("Cannot ignore", str(exc))
            return
        self._ignored.pop(self.current_id, None)
        self.w.statusBar().showMessage(
            "Ignored here. Rules → Restore Ignored Findings brings it back.", 5000)
        self.run_check()

    def restore_ignored(self) -> None:
        if self.project is None or self.current_id is None or self.project.read_only:
            return
        for rule_id, matched in self.project.ignored(self.current_id):
            self.project.unignore(self.current_id, rule_id, matched)
        self._ignored.pop(self.current_id, None)
        self.run_check()

    def disable_rule(self, finding: Finding) -> None:
        from app.core.models import RuleOverride
        from app.storage.errors import ProjectError

        if self.project is None or self.project.read_only:
            return
        try:
            self.project.set_rule_override(RuleOverride(rule_id=finding.rule_id, enabled=False))
        except ProjectError as exc:
            self.error("Cannot disable the rule", str(exc))
            return
        self.w.statusBar().showMessage(
            f"Rule {finding.rule_id} disabled in this project "
            "(Rules → Rules Disabled in This Project to undo).", 6000)
        self.reload_rules()

    def show_disabled_rules(self) -> None:
        from app.gui.dialogs import DisabledRulesDialog

        if self.project is None:
            return
        disabled = [o.rule_id for o in self.project.rule_overrides() if o.enabled is False]
        dialog = DisabledRulesDialog(self.w, disabled)
        if dialog.exec():
            for rule_id in dialog.enabled_again():
                self.project.remove_rule_override(rule_id)
            if dialog.enabled_again():
                self.reload_rules()

    # -- rules ------------------------------------------------------------------------------
    def _rule_dirs(self) -> list[Path]:
        from app.paths import rules_dir, user_rules_dir

        dirs = [rules_dir()] if self.builtin_rules else []
        if self.user_rules:
            dirs.append(user_rules_dir())
        dirs.extend(self.extra_rule_dirs)
        return [d for d in dirs if d.is_dir()]

    def _watch_rules(self) -> None:
        """Watch the rule folders and each rule file (editors often replace files on save)."""
        dirs = self._rule_dirs()
        paths = [str(d) for d in dirs]
        for d in dirs:
            paths.extend(str(p) for p in sorted(d.glob("*.y*ml")))
        current = set(self.watcher.files()) | set(self.watcher.directories())
        missing = [p for p in paths if p not in current]
        if missing:
            self.watcher.addPaths(missing)

    def reload_rules(self) -> None:
        """Build a checker from the rule files and this project's overrides."""
        self._rules_timer.stop()
        overrides = list(self.project.rule_overrides()) if self.project is not None else []
        user_rules, builtin, extra = self.user_rules, self.builtin_rules, self.extra_rule_dirs
        self._rules_generation += 1
        generation = self._rules_generation

        def build() -> Checker:
            from app.core.engine import load_checker

            checker = load_checker(extra_dirs=extra, overrides=overrides, user_rules=user_rules,
                                   builtin=builtin)
            # The first check loads dictionaries lazily; pay that here, not on a keystroke.
            checker.check("Adopt a law on the matter by 2027.")
            return checker

        def done(checker: Checker) -> None:
            if generation == self._rules_generation:
                self._set_checker(checker)

        def failed(exc: BaseException) -> None:
            if generation == self._rules_generation:
                self.w.errors_button.setText("⚠ Rules could not be loaded")
                self.w.errors_button.setToolTip(str(exc))
                self.w.errors_button.show()
                self._load_failure = str(exc)

        if self.checker is None:
            self.w.packs_button.setText("Loading rules…")
        self._watch_rules()
        if not self.async_rules:
            try:
                done(build())
            except Exception as exc:
                failed(exc)
            return
        self.tasks.run(build, done, failed)

    _load_failure = ""

    def _set_checker(self, checker: Checker) -> None:
        self.checker = checker
        self._load_failure = ""
        w = self.w
        packs = getattr(checker, "packs", [])
        enabled = sum(1 for r in checker.rules if getattr(r, "enabled", True))
        w.packs_button.setText(f"{len(packs)} rule packs · {enabled} rules")
        w.packs_button.setToolTip("Packs: " + ", ".join(packs) if packs else "No rule packs")
        errors = checker.load_errors
        if errors:
            n = len(errors)
            w.errors_button.setText(f"⚠ {n} rule-file problem{'s' if n != 1 else ''}")
            w.errors_button.setToolTip(str(errors[0]))
            w.errors_button.show()
        else:
            w.errors_button.hide()
        self._ignored.clear()
        self.run_check()
        self._score_all()

    def _score_all(self) -> None:
        """Give every draft a score badge, in the background (the rules may have changed)."""
        project, checker = self.project, self.checker
        if project is None or checker is None or project.read_only:
            return
        jobs = [(d.id, d.text, self.context(d.id)) for d in project.drafts()
                if d.id != self.current_id and len(d.text) <= ASYNC_CHECK_CHARS]
        try:
            from app.evidence.context import build_context
        except ImportError:
            build_context = None  # type: ignore[assignment]
        path, state = project.path, project.meta.state_under_review

        def work() -> list[tuple[int, int]]:
            conn = _read_only_connection(path) if build_context is not None else None
            try:
                scores = []
                for draft_id, text, ctx in jobs:
                    if conn is not None and build_context is not None:
                        ctx = build_context(conn, draft_id, text, state, ignored=ctx.ignored)
                    scores.append((draft_id, checker.check(text, ctx).smart_score))
                return scores
            finally:
                if conn is not None:
                    conn.close()

        def done(scores: list[tuple[int, int]]) -> None:
            if self.project is not project or self.checker is not checker:
                return
            for draft_id, score in scores:
                if draft_id != self.current_id:
                    self._store_score(draft_id, score)

        self.tasks.run(work, done, lambda _e: None)

    def show_rule_errors(self) -> None:
        from app.gui.dialogs import TextListDialog

        if self._load_failure:
            lines = [self._load_failure]
        elif self.checker is not None:
            lines = [str(e) for e in self.checker.load_errors]
        else:
            lines = []
        packs = ", ".join(getattr(self.checker, "packs", []) or []) if self.checker else ""
        dirs = ", ".join(str(d) for d in self._rule_dirs())
        intro = (f"Rule packs loaded: {packs or 'none'}.\nRule folders: {dirs}.\n\n"
                 + ("These rule-file problems were found; the rest of the rules still work. "
                    "Fix the file and save it: rules reload automatically."
                    if lines else "No problems in the rule files."))
        dialog = TextListDialog(self.w, "Rule files", intro, lines)
        dialog.exec()

    # -- other modules ----------------------------------------------------------------------
    def export(self) -> None:
        if self._export_fn is None or self.project is None:
            return
        self.flush()
        self._export_fn(self.w, self.project, self.checker)

    def language_settings(self) -> None:
        if self._language_dialog is None:
            return
        dialog = self._language_dialog(self.w)
        if dialog.exec() and self.grammar is not None and hasattr(self.grammar,
                                                                 "reload_settings"):
            self.grammar.reload_settings()
        self.run_check()

    def import_evidence(self) -> None:
        module = self._import_dialog
        if module is None or self.project is None:
            return
        runner = getattr(module, "run_import_dialog", None)
        if runner is not None:
            runner(self.w, self.project)
        elif hasattr(module, "ImportDialog"):
            module.ImportDialog(self.w, self.project).exec()
        self._call_evidence_panel("set_project", self.project)
        if self.current_id is not None:
            self._call_evidence_panel("set_draft", self.current_id, self.current_text())

    def about(self) -> None:
        QMessageBox.about(
            self.w, "About SMARTrec",
            "SMARTrec helps delegations draft Universal Periodic Review recommendations that are "
            "Specific, Measurable, Attainable, Relevant and Time-bound.\n\n"
            "It works entirely offline. Every change is saved automatically.",
        )

    # -- look and layout --------------------------------------------------------------------
    def apply_palette(self, restyle: bool = False) -> None:
        app = QApplication.instance()
        if restyle and isinstance(app, QApplication):
            theme.apply_theme(app)
        self._dark = theme.is_dark()
        self.w.editor.set_dark(self._dark)
        self.w.scorecard.set_dark(self._dark)
        self.w.history.set_dark(self._dark)
        if restyle:
            self.w.drafts.list.viewport().update()
            self.run_check()

    def zoom(self, step: int) -> None:
        if step == 0:
            self._zoom_index = ZOOM_STEPS.index(1.0)
        else:
            self._zoom_index = max(0, min(len(ZOOM_STEPS) - 1, self._zoom_index + step))
        self.settings.setValue("zoom", self._zoom_index)
        self._apply_zoom()

    def zoom_factor(self) -> float:
        return ZOOM_STEPS[self._zoom_index]

    def _apply_zoom(self) -> None:
        factor = self.zoom_factor()
        # The whole interface grows, menus and status bar included: trainers project it.
        font = QFont(QApplication.font())
        font.setPointSizeF(self._base_point_size * factor)
        changed = abs(QApplication.font().pointSizeF() - font.pointSizeF()) > 0.01
        QApplication.setFont(font)
        app = QApplication.instance()
        if changed and isinstance(app, QApplication) and app.styleSheet():
            # Widgets polished by a style sheet keep their old font until polished again.
            app.setStyleSheet(app.styleSheet())
        self.w.editor.set_point_size(self._base_point_size * factor * EDITOR_SCALE)
        self.w.editor.document().setDefaultFont(self.w.editor.font())
        score_font = QFont(font)
        score_font.setBold(True)
        score_font.setPointSizeF(font.pointSizeF() * 2.4)
        self.w.scorecard.score.setFont(score_font)
        if factor != 1.0:
            self.w.statusBar().showMessage(f"Zoom {round(factor * 100)} %", 1500)

    def _restore_window(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.w.restoreGeometry(geometry)
        state = s.value("window/state")
        if state is not None:
            self.w.restoreState(state)
        splitter = s.value("window/splitter")
        if splitter is not None:
            self.w.splitter.restoreState(splitter)
        try:
            index = int(str(s.value("zoom", self._zoom_index)))
        except (TypeError, ValueError):
            index = self._zoom_index
        self._zoom_index = max(0, min(len(ZOOM_STEPS) - 1, index))
        self._apply_zoom()

    def save_window(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.w.saveGeometry())
        s.setValue("window/state", self.w.saveState())
        s.setValue("window/splitter", self.w.splitter.saveState())
        s.sync()

    def _on_close(self, event: QCloseEvent) -> None:
        self.save_window()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Flush everything and release the project; safe to call twice."""
        if self.project is not None:
            self.settings.setValue("last_project", str(self.project.path))
        self.close_project(keep_welcome=True)
        self._call_evidence_panel("shutdown")
        if self.grammar is not None and hasattr(self.grammar, "shutdown"):
            with contextlib.suppress(Exception):
                self.grammar.shutdown()
        self.tasks.shutdown()
        self.settings.sync()


def first_sentence_end(text: str) -> int:
    """Where a phrase belongs at the end of the first sentence: before its full stop (or at
    the end of the text, without trailing spaces, when there is none). Sentences as the engine
    splits them, so "e.g." or "U.N." do not end one."""
    from app.core.document import Document

    spans = Document(text).sentences
    end = spans[0][1] if spans else len(text)
    end = len(text[:end].rstrip())
    while end > 0 and text[end - 1] in ".!?":
        end -= 1
    return end


def precedent_phrase(precedent: Any) -> str:
    who = precedent.recommending_state or "another State"
    cycle = f" (cycle {precedent.cycle})" if precedent.cycle else ""
    return f", as recommended previously by {who}{cycle}"


def _base_point_size() -> float:
    """The application font size before any zoom (remembered on the app across windows)."""
    app = QApplication.instance()
    stored = app.property("smartrecBasePointSize") if app is not None else None
    if isinstance(stored, float) and stored > 0:
        return stored
    size = QApplication.font().pointSizeF()
    if size <= 0:
        size = 10.0
    if app is not None:
        app.setProperty("smartrecBasePointSize", float(size))
    return size


def _read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection of a worker thread's own: sees the autosaved text, never writes."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:  # read-only folder and no -wal: a frozen snapshot is fine
        conn.close()
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)


def document_text_of(doc: QTextDocument) -> str:
    return doc.toRawText().replace("\u2029", "\n")
