"""What the editor's and the scorecard's links ask for: jump to a finding, ignore it, disable its
rule, add a word to a dictionary, use or show an earlier recommendation (precedent).

Each action changes the project through its API and asks the check coordinator to check again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from app.core.document import Document
from app.core.models import Finding, Precedent, RuleOverride
from app.gui.check_coordinator import CheckCoordinator
from app.gui.dialogs import DisabledRulesDialog
from app.gui.drafts_controller import DraftsController
from app.gui.scorecard import response_words
from app.gui.session import ProjectSession
from app.gui.spans import OffsetMap
from app.gui.window import MainWindow
from app.storage.errors import ProjectError

PRIOR_FILTER = "Prior UPR recommendations"


class FindingActions(QObject):
    """Handlers for the editor's context menu and the scorecard's links."""

    #: a message for the status bar, and how long to show it (ms)
    message = Signal(str, int)
    #: title, user-facing text (an error dialog)
    problem = Signal(str, str)

    def __init__(self, window: MainWindow, session: ProjectSession, drafts: DraftsController,
                 checks: CheckCoordinator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.w = window
        self.session = session
        self.drafts = drafts
        self.checks = checks
        self.precedent_box: QMessageBox | None = None
        w = window
        w.editor.ignore_requested.connect(self.ignore_finding)
        w.editor.disable_requested.connect(self.disable_rule)
        w.editor.add_word_requested.connect(self.add_user_word)
        w.editor.add_project_word_requested.connect(self.add_project_word)
        w.scorecard.finding_activated.connect(self.jump_to)
        w.scorecard.theme_chosen.connect(drafts.set_theme)
        w.scorecard.phrasing_requested.connect(self.insert_precedent_phrase)
        w.scorecard.precedent_requested.connect(self.show_precedent)
        w.scorecard.span_requested.connect(self.select_checked_span)
        w.act_ignored.triggered.connect(self.restore_ignored)
        w.act_disabled_rules.triggered.connect(self.show_disabled_rules)
        session.project_changed.connect(lambda _p: self.feed_project_words())

    # -- spans -------------------------------------------------------------------------------
    def jump_to(self, finding: Finding) -> None:
        self.select_checked_span(finding.start, finding.end)

    def select_checked_span(self, start: int, end: int) -> None:
        """Select a span given in offsets of the last checked text (e.g. the longest clause)."""
        omap = OffsetMap(self.checks.result_text)
        origin = self.checks.origin
        self.w.editor.select_span(omap.to_qt(start) + origin, omap.to_qt(end) + origin)

    # -- ignoring and disabling --------------------------------------------------------------
    def ignore_finding(self, finding: Finding) -> None:
        project, draft_id = self.session.project, self.drafts.current_id
        if project is None or draft_id is None or project.read_only:
            return
        try:
            project.ignore(draft_id, finding.rule_id, finding.matched)
        except ProjectError as exc:
            self.problem.emit("Cannot ignore", str(exc))
            return
        self.message.emit("Ignored here. Rules → Restore Ignored Findings brings it back.", 5000)
        self.checks.ignored_changed(draft_id)

    def restore_ignored(self) -> None:
        project, draft_id = self.session.project, self.drafts.current_id
        if project is None or draft_id is None or project.read_only:
            return
        for rule_id, matched in project.ignored(draft_id):
            project.unignore(draft_id, rule_id, matched)
        self.checks.ignored_changed(draft_id)

    def disable_rule(self, finding: Finding) -> None:
        project = self.session.project
        if project is None or project.read_only:
            return
        try:
            project.set_rule_override(RuleOverride(rule_id=finding.rule_id, enabled=False))
        except ProjectError as exc:
            self.problem.emit("Cannot disable the rule", str(exc))
            return
        self.message.emit(f"Rule {finding.rule_id} disabled in this project "
                          "(Rules → Rules Disabled in This Project to undo).", 6000)
        self.checks.reload_rules()

    def show_disabled_rules(self) -> None:
        project = self.session.project
        if project is None:
            return
        disabled = [o.rule_id for o in project.rule_overrides() if o.enabled is False]
        dialog = DisabledRulesDialog(self.w, disabled)
        if dialog.exec() and dialog.enabled_again():
            for rule_id in dialog.enabled_again():
                project.remove_rule_override(rule_id)
            self.checks.reload_rules()

    # -- dictionaries ------------------------------------------------------------------------
    def add_user_word(self, word: str) -> None:
        """"Add to dictionary": the user's dictionary file, for every project."""
        try:
            self.checks.grammar.spelling_slot.add_word(word)
        except OSError as exc:
            self.problem.emit("Cannot add the word",
                              f"The dictionary could not be written: {exc}")
            return
        self.message.emit(f"“{word}” added to your dictionary.", 4000)
        self.checks.run_check()

    def add_project_word(self, word: str) -> None:
        """"Add to project dictionary": kept in the project file, for this project only."""
        project = self.session.project
        if project is None or project.read_only:
            return
        try:
            project.add_word(word)
        except ProjectError as exc:
            self.problem.emit("Cannot add the word", str(exc))
            return
        self.feed_project_words()
        self.message.emit(f"“{word}” added to this project's dictionary.", 4000)
        self.checks.run_check()

    def feed_project_words(self) -> None:
        """Give the project's dictionary to the spelling check (and LanguageTool's filter)."""
        project = self.session.project
        words = sorted(project.words()) if project is not None else []
        self.checks.grammar.spelling_slot.set_project_words(words)

    # -- precedents --------------------------------------------------------------------------
    def insert_precedent_phrase(self, precedent: Precedent) -> None:
        """Add ", as recommended previously by <State> (cycle N)" at the end of the first
        sentence, through the editor's cursor so that Ctrl+Z takes it out again."""
        editor = self.w.editor
        if editor.isReadOnly() or self.drafts.current_id is None:
            return
        text = self.drafts.current_text()
        at = first_sentence_end(text)
        cursor = editor.textCursor()
        cursor.beginEditBlock()
        cursor.setPosition(OffsetMap(text).to_qt(at))
        cursor.insertText(precedent_phrase(precedent))
        cursor.endEditBlock()
        editor.setTextCursor(cursor)
        editor.setFocus()
        self.checks.run_check()

    def show_precedent(self, precedent: Precedent) -> None:
        """The earlier recommendation in full, with a way to find it in the Evidence tab."""
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
        find = box.addButton("Find in Evidence tab", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        self.precedent_box = box
        box.exec()
        if box.clickedButton() is find:
            self.find_in_evidence(precedent)

    def find_in_evidence(self, precedent: Precedent) -> None:
        """Switch to the Evidence tab, filtered to prior recommendations, searching its words."""
        panel = self.w.evidence
        self.w.tabs.setCurrentWidget(self.w.evidence_tab)
        index = panel.filter_box.findText(PRIOR_FILTER)
        if index >= 0:
            panel.filter_box.setCurrentIndex(index)
        panel.search_box.setText(" ".join(precedent.text.split()[:12]))


def first_sentence_end(text: str) -> int:
    """Where a phrase belongs at the end of the first sentence: before its full stop (or at
    the end of the text, without trailing spaces, when there is none). Sentences as the engine
    splits them, so "e.g." or "U.N." do not end one."""
    spans = Document(text).sentences
    end = spans[0][1] if spans else len(text)
    end = len(text[:end].rstrip())
    while end > 0 and text[end - 1] in ".!?":
        end -= 1
    return end


def precedent_phrase(precedent: Precedent) -> str:
    who = precedent.recommending_state or "another State"
    cycle = f" (cycle {precedent.cycle})" if precedent.cycle else ""
    return f", as recommended previously by {who}{cycle}"
