"""Connects the main window to its parts; each part has one job and talks through signals.

- `ProjectSession` (session.py): the open project, recent files, read-only state;
- `SaveManager` (save_manager.py): autosave, history snapshots, flush before switching;
- `DraftsController` (drafts_controller.py): the drafts list, the current draft, undo;
- `CheckCoordinator` (check_coordinator.py): rules, debounced checks, spelling, grammar,
  evidence context, stale results dropped;
- `FindingActions` (finding_actions.py): what the editor's and scorecard's links ask for;
- `ViewPreferences` (view_prefs.py): zoom, palette, window geometry.
This module only shows what they report and handles the File, Rules and Help menus.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app import __version__
from app.bounds import MAX_DRAFT_CHARS
from app.core.models import CheckResult
from app.gui.acceptance_panel import OutlookPart, OutlookSection
from app.gui.check_coordinator import CheckCoordinator, RuleOptions
from app.gui.dialogs import ProjectDetailsDialog, TextListDialog
from app.gui.drafts_controller import DraftsController
from app.gui.evidence_panel import EvidencePanel
from app.gui.finding_actions import FindingActions
from app.gui.grammar import GrammarRunner
from app.gui.session import ProjectSession
from app.gui.view_prefs import ViewPreferences
from app.gui.window import MainWindow
from app.gui.word_actions import WordActions
from app.gui.workshop.menu import WorkshopMenu
from app.storage.errors import ProjectError
from app.storage.models import ProjectMeta
from app.storage.project import Project

if TYPE_CHECKING:
    from app.core.engine import Checker

PROJECT_FILTER = "SMARTrec projects (*.smartrec);;All files (*)"
#: Status-bar messages stay this long unless a part says otherwise (ms).
MESSAGE_MS = 5000


class MainController(QObject):
    """Builds the parts for one window and shows what they report."""

    def __init__(self, window: MainWindow, settings: QSettings, *, user_rules: bool = True,
                 async_rules: bool = True, builtin_rules: bool = True,
                 extra_rule_dirs: list[Path] | None = None,
                 view: ViewPreferences | None = None) -> None:
        """`view`: the window's preferences when they were applied before it was shown."""
        super().__init__(window)
        self.w = window
        self.settings = settings
        self.last_error = ""
        window.set_evidence_panel(EvidencePanel())
        self._background_started = False
        window.evidence.hold(True)
        self.session = ProjectSession(settings, self)
        # Connected first: the window is set up for a project before the parts fill it.
        self.session.project_changed.connect(self._project_changed)
        self.drafts = DraftsController(window, self.session, self)
        # Connected before checking starts: a new draft clears the scorecard, then is checked.
        self.drafts.draft_selected.connect(self._draft_selected)
        self.saver = self.drafts.saver
        # Spelling and LanguageTool start after the first paint or with the first project.
        self.grammar = GrammarRunner(self, start=False)
        options = RuleOptions(user_rules=user_rules, builtin_rules=builtin_rules,
                              extra_rule_dirs=extra_rule_dirs, async_rules=async_rules)
        self.checks = CheckCoordinator(self.session, self.drafts, self.grammar, options, self)
        self.checks.hold_background(True)
        self.saver.score_of = self.checks.score_of
        self.actions = FindingActions(window, self.session, self.drafts, self.checks, self)
        outlook_view = OutlookSection()
        window.scorecard.add_section(outlook_view, after=window.scorecard.upgrade)
        self.outlook = OutlookPart(self.session, self.checks, outlook_view, self)
        if view is None:
            view = ViewPreferences(window, settings)
            view.restore()
        view.setParent(self)
        self.view = view
        self.word = WordActions(window, self.session, self.drafts, self)
        self.word.message.connect(self.show_message)
        self.workshop = WorkshopMenu(window, self.session, self.saver, self.checks, settings, self)
        self._connect()
        self.view.apply_palette()
        self._recent_changed(self.session.recent())
        self._project_changed(None)

    # -- the parts' state, for the window's users (tests, tools, benchmarks) ---------------------
    @property
    def project(self) -> Project | None:
        return self.session.project

    @property
    def checker(self) -> Checker | None:
        return self.checks.checker

    @property
    def result(self) -> CheckResult | None:
        return self.checks.result

    @property
    def current_id(self) -> int | None:
        return self.drafts.current_id

    def current_text(self) -> str:
        return self.drafts.current_text()

    def open_project(self, path: str | Path) -> bool:
        return self.session.open(path)

    def open_sample(self) -> bool:
        return self.session.open_sample()

    # -- wiring ------------------------------------------------------------------------------
    def _connect(self) -> None:
        w, session = self.w, self.session
        w.act_new.triggered.connect(self.new_project)
        w.act_open.triggered.connect(self.open_dialog)
        w.act_save.triggered.connect(self.save_now)
        w.act_save_copy.triggered.connect(self.save_copy)
        w.act_close.triggered.connect(session.close_by_user)
        w.act_quit.triggered.connect(w.close)
        w.act_export.triggered.connect(self.export)
        w.act_import.triggered.connect(self.import_evidence)
        w.act_project_info.triggered.connect(self.edit_project_details)
        w.act_reload_rules.triggered.connect(self.checks.reload_rules)
        w.act_rule_errors.triggered.connect(self.show_rule_errors)
        w.act_language.triggered.connect(self.language_settings)
        w.act_about.triggered.connect(self.about)
        w.packs_button.clicked.connect(self.show_rule_errors)
        w.errors_button.clicked.connect(self.show_rule_errors)
        w.grammar_label.clicked.connect(self.language_settings)
        w.close_requested.connect(self._on_close)
        w.welcome.new_button.clicked.connect(self.new_project)
        w.welcome.open_button.clicked.connect(self.open_dialog)
        w.welcome.sample_button.clicked.connect(self.open_sample)
        w.history.restore_requested.connect(self.restore_text)
        w.tabs.currentChanged.connect(lambda _i: self.refresh_history())
        w.evidence.links_changed.connect(self.checks.refresh_evidence)
        w.editor.paste_refused.connect(lambda text: self._problem("Not pasted", text, True))

        session.recent_changed.connect(self._recent_changed)
        session.problem.connect(self._problem)
        self.drafts.message.connect(self.show_message)
        self.saver.status_changed.connect(self._save_status)
        self.saver.save_failed.connect(self._save_failed)
        self.saver.recovered.connect(self._save_recovered)
        self.saver.snapshot_taken.connect(lambda _d: self.refresh_history())
        self.saver.message.connect(lambda text: self.show_message(text, 8000))
        self.checks.result_ready.connect(self._show_result)
        self.checks.rules_loading.connect(lambda: w.packs_button.setText("Loading rules…"))
        self.checks.rules_loaded.connect(self._rules_loaded)
        self.checks.rules_failed.connect(self._rules_failed)
        self.checks.check_state.connect(self._check_state)
        self.checks.score_ready.connect(self._store_score)
        self.checks.message.connect(self.show_message)
        self.grammar.status_changed.connect(self._grammar_status)
        self.actions.message.connect(self.show_message)
        self.actions.problem.connect(self.error)
        self.drafts.text_edited.connect(self._text_edited)
        # The rest starts once the first verdict is on screen; without a project, once the
        # window is. Queued, so the verdict is painted before anything competes with it.
        self.checks.rules_loaded.connect(
            lambda _c: QTimer.singleShot(0, self, self._start_background))
        self.checks.rules_failed.connect(
            lambda _r: QTimer.singleShot(0, self, self._start_background))
        if w.has_painted:
            QTimer.singleShot(0, self, self._start_if_idle)
        else:
            w.first_painted.connect(self._start_if_idle)
        self.view.palette_changed.connect(self.checks.run_check)

    def _start_if_idle(self) -> None:
        if self.session.project is None:
            self._start_background()

    def _start_background(self) -> None:
        """Spelling, LanguageTool, evidence look-ups and background scores: none of them is
        needed for the first verdict, and each would slow it down (Python runs one thread at
        a time), so they wait until it is shown."""
        if self._background_started:
            return
        self._background_started = True
        self.grammar.start()
        self.w.evidence.hold(False)
        self.checks.hold_background(False)

    # -- messages ----------------------------------------------------------------------------
    def error(self, title: str, text: str) -> None:
        self.last_error = text
        QMessageBox.critical(self.w, title, text)

    def _problem(self, title: str, text: str, warning: bool) -> None:
        self.last_error = text
        if warning:
            QMessageBox.warning(self.w, title, text)
        else:
            QMessageBox.critical(self.w, title, text)

    def show_message(self, text: str, ms: int = MESSAGE_MS) -> None:
        self.w.statusBar().showMessage(text, ms)

    # -- project switches --------------------------------------------------------------------
    def _project_changed(self, project: Project | None) -> None:
        w = self.w
        has = project is not None
        editable = has and project is not None and not project.read_only
        for action in (w.act_save, w.act_save_copy, w.act_close, w.act_export, w.act_find):
            action.setEnabled(has)
        for action in (w.act_add, w.act_duplicate, w.act_delete, w.act_disabled_rules,
                       w.act_ignored, w.act_import, w.act_project_info):
            action.setEnabled(editable)
        w.show_workspace(has)
        w.evidence.set_project(project)
        self._update_title()
        if project is None:
            # Nothing of the closed project stays on screen, status bar included.
            w.banner.hide()
            w.scorecard.clear()
            w.statusBar().clearMessage()
            for label in (w.saved_label, w.check_label):
                label.setText("")
                label.setToolTip("")
            w.packs_button.setText("")
            w.errors_button.hide()
            return
        if project.read_only:
            w.banner.setText(
                f"“{project.path.name}” is read-only, so nothing can be changed. "
                "To work on it, use File → Save a Copy… and edit the copy.")
            w.banner.show()
        else:
            w.banner.hide()
        w.saved_label.setText("Read-only" if project.read_only else "All changes saved")
        w.saved_label.setToolTip("" if project.read_only
                                 else "Every change is saved automatically.")

    def _update_title(self) -> None:
        p = self.session.project
        if p is None:
            self.w.setWindowTitle("SMARTrec")
            return
        parts = [p.meta.state_under_review or "Untitled project"]
        if p.meta.cycle:
            parts.append(f"UPR cycle {p.meta.cycle}")
        ro = " [read-only]" if p.read_only else ""
        self.w.setWindowTitle(f"{' · '.join(parts)} — {p.path.name}{ro} — SMARTrec")

    def _recent_changed(self, items: list[str]) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for item in items:
            action = menu.addAction(Path(item).name)
            action.setToolTip(item)
            action.setStatusTip(item)
            action.triggered.connect(lambda _=False, p=item: self.session.open(p))
        menu.setEnabled(bool(items))

    # -- File menu ---------------------------------------------------------------------------
    def new_project(self) -> None:
        dialog = ProjectDetailsDialog(self.w)
        if not dialog.exec():
            return
        values = dialog.values()
        name = "-".join(filter(None, [values["state_under_review"],
                                      f"UPR{values['cycle']}" if values["cycle"] else ""]))
        start = self.session.last_dir() / f"{name}.smartrec"
        path, _ = QFileDialog.getSaveFileName(self.w, "Create project", str(start),
                                              PROJECT_FILTER)
        if path:
            if not path.endswith(".smartrec"):
                path += ".smartrec"
            # os.path.exists: False, not an exception, for a name the system cannot hold
            self.create_project(Path(path), values, overwrite=os.path.exists(path))

    def create_project(self, path: Path, values: dict[str, str], overwrite: bool = False) -> bool:
        if not self.session.create(path, ProjectMeta(**values), overwrite=overwrite):
            return False
        self.drafts.add_draft()
        return True

    def open_dialog(self) -> None:
        start = str(self.session.last_dir())
        path, _ = QFileDialog.getOpenFileName(self.w, "Open project", start, PROJECT_FILTER)
        if path:
            self.settings.setValue("last_dir", str(Path(path).parent))
            self.session.open(path)

    def save_now(self) -> None:
        """Ctrl+S: everything is autosaved; this flushes at once and says so."""
        if self.saver.save_now():
            self.show_message("Saved", 2500)

    def save_copy(self) -> None:
        project = self.session.project
        if project is None:
            return
        self.saver.flush()
        suggested = project.path.with_name(project.path.stem + " copy.smartrec")
        path, _ = QFileDialog.getSaveFileName(self.w, "Save a copy", str(suggested),
                                              PROJECT_FILTER)
        if not path:
            return
        if not path.endswith(".smartrec"):
            path += ".smartrec"
        try:
            saved = project.save_copy(path)
        except ProjectError as exc:
            self.error("Cannot save a copy", str(exc))
            return
        self.show_message(f"Copy saved to {saved}")

    def edit_project_details(self) -> None:
        project = self.session.project
        if project is None or project.read_only:
            return
        dialog = ProjectDetailsDialog(self.w, project.meta, title="Project details")
        if not dialog.exec():
            return
        try:
            project.update_meta(ProjectMeta(**dialog.values()))
        except ProjectError as exc:
            self.error("Cannot save project details", str(exc))
            return
        self._update_title()
        self.checks.schedule_check()

    def export(self) -> None:
        project = self.session.project
        if project is None:
            return
        self.saver.flush()
        # The dialogs are imported when first used, to keep them out of the start-up time.
        from app.gui.export_dialog import run_export_dialog

        run_export_dialog(self.w, project, self.checks.checker)

    def import_evidence(self) -> None:
        project = self.session.project
        if project is None:
            return
        from app.gui.import_dialog import run_import_dialog

        run_import_dialog(self.w, project)
        self.w.evidence.set_project(project)
        current = self.drafts.current_draft()
        if current is not None:
            self.w.evidence.set_draft(*current)
            self.checks.refresh_evidence()

    # -- Rules and Help menus ----------------------------------------------------------------
    def show_rule_errors(self) -> None:
        checker = self.checks.checker
        if self.checks.load_failure:
            lines = [self.checks.load_failure]
        else:
            lines = [str(e) for e in checker.load_errors] if checker is not None else []
        packs = ", ".join(checker.packs) if checker is not None else ""
        dirs = ", ".join(str(d) for d in self.checks.options.dirs())
        intro = (f"Rule packs loaded: {packs or 'none'}.\nRule folders: {dirs}.\n\n"
                 + ("These rule-file problems were found; the rest of the rules still work. "
                    "Fix the file and save it: rules reload automatically."
                    if lines else "No problems in the rule files."))
        TextListDialog(self.w, "Rule files", intro, lines).exec()

    def language_settings(self) -> None:
        from app.gui.language_settings import LanguageSettingsDialog

        self.grammar.start()
        if LanguageSettingsDialog(self.w).exec():
            self.grammar.reload_settings()
        self.checks.run_check()

    def about(self) -> None:
        QMessageBox.about(self.w, "About SMARTrec", about_text())

    # -- showing what the parts report -------------------------------------------------------
    def _draft_selected(self, draft_id: int | None) -> None:
        self.w.scorecard.clear()
        current = self.drafts.current_draft()
        if current is None:
            self.w.evidence.set_draft(None, "")
        elif len(current[1]) > MAX_DRAFT_CHARS:
            self.w.evidence.set_draft(current[0], "")  # the checked part follows
        else:
            self.w.evidence.set_draft(*current)
        self.refresh_history()

    def _text_edited(self) -> None:
        if self.drafts.current_length() > MAX_DRAFT_CHARS:
            # A pasted report: no copy of it per keystroke. The evidence keeps the part checked
            # last (it waits for typing to pause, as for any draft); _show_result updates it.
            self.w.evidence.set_draft(self.drafts.current_id, self.w.evidence.text)
            return
        current = self.drafts.current_draft()
        if current is not None:
            self.w.evidence.set_draft(*current)

    def _show_result(self, result: CheckResult, text: str, draft_id: int) -> None:
        w = self.w
        window = self.checks.window  # set when only part of a too-long draft was checked
        notice = window.describe() if window is not None else ""
        if window is not None:
            w.evidence.set_draft(draft_id, text)
        if not text.strip():
            w.editor.clear_findings()
            w.scorecard.show_empty()
            w.scorecard.set_notice(notice)
            w.check_label.setText("")
            return
        w.editor.set_findings(result.findings, text, origin=self.checks.origin)
        w.scorecard.set_result(result, text=text)
        w.scorecard.set_notice(notice)
        shown = min(len(result.findings), 500)
        more = (f" · {shown} of {len(result.findings)} shown"
                if shown < len(result.findings) else "")
        part = f" · {window.short()}" if window is not None else ""
        w.check_label.setText(f"Checked in {result.elapsed_ms:.1f} ms{more}{part}")
        w.check_label.setToolTip(notice)
        if window is None:  # the score of a part is not the draft's score
            self._store_score(draft_id, result.smart_score)
        if w.tabs.currentWidget() is w.history and window is None:
            w.history.update_current(text, result.smart_score)

    def _store_score(self, draft_id: int, score: int) -> None:
        project = self.session.project
        if project is None or project.read_only:
            return
        try:
            draft = project.update_draft(draft_id, score=score)
        except ProjectError:
            return
        self.drafts.show_in_list(draft)

    def _rules_loaded(self, checker: Checker) -> None:
        w = self.w
        enabled = sum(1 for r in checker.rules if r.enabled)
        w.packs_button.setText(f"{len(checker.packs)} rule packs · {enabled} rules")
        w.packs_button.setToolTip("Packs: " + ", ".join(checker.packs) if checker.packs
                                  else "No rule packs")
        errors = checker.load_errors
        if errors:
            n = len(errors)
            w.errors_button.setText(f"⚠ {n} rule-file problem{'s' if n != 1 else ''}")
            w.errors_button.setToolTip(str(errors[0]))
            w.errors_button.show()
        else:
            w.errors_button.hide()

    def _rules_failed(self, reason: str) -> None:
        self.w.errors_button.setText("⚠ Rules could not be loaded")
        self.w.errors_button.setToolTip(reason)
        self.w.errors_button.show()

    def _check_state(self, text: str, tip: str) -> None:
        self.w.check_label.setText(text)
        self.w.check_label.setToolTip(tip)

    def _grammar_status(self, message: str) -> None:
        short = message.split(":")[0] if ":" in message[:40] else message
        if len(short) > 40:
            short = short[:38].rstrip() + "…"
        self.w.grammar_label.setText(short)
        self.w.grammar_label.setToolTip(message)
        self.w.grammar_label.setVisible(bool(message))

    def _save_status(self, text: str, tip: str) -> None:
        self.w.saved_label.setText(text)
        self.w.saved_label.setToolTip(tip)

    def _save_failed(self, reason: str) -> None:
        self.w.banner.setText(f"Your latest changes could not be saved: {reason} SMARTrec keeps "
                              "trying; File → Save a Copy… writes them somewhere else.")
        self.w.banner.show()

    def _save_recovered(self) -> None:
        project = self.session.project
        if project is not None and not project.read_only:
            self.w.banner.hide()

    # -- history -----------------------------------------------------------------------------
    def refresh_history(self) -> None:
        """Fill the History tab when it is the one shown."""
        w = self.w
        if w.tabs.currentWidget() is not w.history:
            return
        project, draft_id = self.session.project, self.drafts.current_id
        if project is None or draft_id is None:
            w.history.set_history([], "", None)
            return
        result = self.checks.result
        w.history.set_history(project.history(draft_id), self.drafts.current_text(),
                              result.smart_score if result is not None else None)

    def restore_text(self, text: str) -> None:
        """Put an earlier version back through the editor's cursor, so Ctrl+Z undoes it."""
        editor = self.w.editor
        if editor.isReadOnly():
            return
        cursor = editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()

    # -- closing -----------------------------------------------------------------------------
    def _on_close(self, event: QCloseEvent) -> None:
        self.view.save()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Flush everything and release the project; safe to call twice."""
        self.workshop.close_all()
        self.session.shutdown()
        self.w.evidence.shutdown()
        self.grammar.shutdown()
        self.checks.shutdown()
        self.outlook.shutdown()


def about_text() -> str:
    return (f"SMARTrec {__version__}\n\n"
            "SMARTrec helps delegations draft Universal Periodic Review recommendations that are "
            "Specific, Measurable, Attainable, Relevant and Time-bound.\n\n"
            "It works entirely offline. Every change is saved automatically.")
