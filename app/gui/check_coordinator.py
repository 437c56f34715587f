"""Checking the current draft: rules, debounce, spelling and grammar, evidence context.

- checking is debounced (150 ms, at most 700 ms while typing without pause) and runs on the
  GUI thread for normal drafts (about 1 ms); very long texts go to the background TaskManager;
- a draft over `MAX_DRAFT_CHARS` (a paste of a whole report) is checked through a window around
  the cursor (`app.draft_window`): the result is of that part's text, and `window` says where
  it starts in the document;
- linked evidence, precedents and theme votes are looked up in the background on a read-only
  connection of their own, 600 ms after typing stops, then the draft is checked again;
- LanguageTool answers are merged into the result; every answer for an older text, draft or rule
  set is dropped as stale.
Results go out through `result_ready`; the coordinator touches no widgets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal

from app.bounds import MAX_DRAFT_CHARS
from app.core.models import CheckContext, CheckResult, Finding
from app.draft_window import DraftWindow
from app.gui.drafts_controller import DraftsController
from app.gui.grammar import GrammarRunner
from app.gui.save_manager import single_shot
from app.gui.session import ProjectSession
from app.gui.tasks import TaskManager
from app.paths import rules_dir, user_rules_dir
from app.storage.project import Project
from app.storage.reader import reading

if TYPE_CHECKING:
    from app.core.engine import Checker

#: Texts longer than this are checked in the background.
ASYNC_CHECK_CHARS = 20_000
CHECK_DELAY_MS = 150
#: While typing without a pause, underlines still refresh this often.
CHECK_MAX_DELAY_MS = 700
EVIDENCE_IDLE_MS = 600
RULES_RELOAD_DELAY_MS = 300


class RuleOptions:
    """Which rule folders a window uses (tests use their own folder only)."""

    def __init__(self, *, user_rules: bool = True, builtin_rules: bool = True,
                 extra_rule_dirs: list[Path] | None = None, async_rules: bool = True) -> None:
        self.user_rules = user_rules
        self.builtin_rules = builtin_rules
        self.extra_rule_dirs = list(extra_rule_dirs or [])
        self.async_rules = async_rules

    def dirs(self) -> list[Path]:
        dirs = [rules_dir()] if self.builtin_rules else []
        if self.user_rules:
            dirs.append(user_rules_dir())
        dirs.extend(self.extra_rule_dirs)
        return [d for d in dirs if d.is_dir()]


class CheckCoordinator(QObject):
    """Owns the checker and decides when and with what the current draft is checked."""

    #: result, the text it was computed for, draft id
    result_ready = Signal(object, str, int)
    #: the rules are being (re)loaded for the first time in this window
    rules_loading = Signal()
    #: a new Checker is in use
    rules_loaded = Signal(object)
    #: the rules could not be loaded at all (the reason)
    rules_failed = Signal(str)
    #: a short state for the status bar ("Checking long text…", "Check failed")
    check_state = Signal(str, str)
    #: draft id, score of a draft not on screen (background badge scores)
    score_ready = Signal(int, int)
    #: a message for the status bar, and how long to show it (ms)
    message = Signal(str, int)
    #: the dictionary finished loading (emitted from its loader thread, queued onto ours)
    _spelling_loaded = Signal()

    def __init__(self, session: ProjectSession, drafts: DraftsController,
                 grammar: GrammarRunner, options: RuleOptions,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.drafts = drafts
        self.grammar = grammar
        self.options = options
        self.tasks = TaskManager(self)
        self.checker: Checker | None = None
        self.load_failure = ""
        self.result: CheckResult | None = None
        self.result_text = ""
        #: Where `result_text` lies in the document when the draft was too long to check
        #: whole and only this part was checked; None for a whole check.
        self.window: DraftWindow | None = None
        self._result_id: int | None = None
        self._ignored: dict[int, set[tuple[str, str]]] = {}
        #: draft id -> (text it was computed for, CheckContext with evidence)
        self._evidence: dict[int, tuple[str, CheckContext]] = {}
        self._check_generation = 0
        self._check_inflight = False
        self._check_again = False
        self._rules_generation = 0
        self._evidence_generation = 0
        #: While held, evidence look-ups and background scores wait (see `hold_background`).
        self._held = False
        self._evidence_waiting = False
        self._scores_waiting = False
        self._check_timer = single_shot(self, CHECK_DELAY_MS, self.run_check)
        self._check_deadline = single_shot(self, CHECK_MAX_DELAY_MS, self.run_check)
        self._evidence_timer = single_shot(self, EVIDENCE_IDLE_MS, self.refresh_evidence)
        self._rules_timer = single_shot(self, RULES_RELOAD_DELAY_MS, self.reload_rules)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(lambda _p: self._rules_timer.start())
        self.watcher.directoryChanged.connect(lambda _p: self._rules_timer.start())
        grammar.spelling_slot.on_ready(self._spelling_loaded.emit)
        self._spelling_loaded.connect(self.schedule_check)
        grammar.findings_ready.connect(self._grammar_ready)
        drafts.draft_selected.connect(self._draft_selected)
        drafts.text_edited.connect(self._text_edited)
        drafts.cursor_moved.connect(self._cursor_moved)
        session.about_to_close.connect(self._clear)
        session.project_changed.connect(self._project_changed)

    # -- rules -------------------------------------------------------------------------------
    def watch_rules(self) -> None:
        """Watch the rule folders and each rule file (editors often replace files on save)."""
        dirs = self.options.dirs()
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
        project = self.session.project
        overrides = list(project.rule_overrides()) if project is not None else []
        opts = self.options
        self._rules_generation += 1
        generation = self._rules_generation

        def build() -> Checker:
            # Imported here, in the worker: the rule engine is not needed to show the window.
            from app.core.engine import load_checker

            checker = load_checker(extra_dirs=opts.extra_rule_dirs, overrides=overrides,
                                   user_rules=opts.user_rules, builtin=opts.builtin_rules)
            # The first check loads dictionaries lazily; pay that here, not on a keystroke.
            checker.check("Adopt a law on the matter by 2027.")
            return checker

        def done(checker: Checker) -> None:
            if generation == self._rules_generation:
                self._use_checker(checker)

        def failed(exc: BaseException) -> None:
            if generation == self._rules_generation:
                self.load_failure = str(exc)
                self.rules_failed.emit(str(exc))

        if self.checker is None:
            self.rules_loading.emit()
        self.watch_rules()
        if not opts.async_rules:
            try:
                checker = build()
            except Exception as exc:  # a broken rule set must not stop the editor
                failed(exc)
                return
            done(checker)
            return
        self.tasks.run(build, done, failed)

    def _use_checker(self, checker: Checker) -> None:
        self.checker = checker
        self.load_failure = ""
        if self.grammar.spelling_slot not in checker.providers:
            checker.providers.append(self.grammar.spelling_slot)
        self._ignored.clear()
        self.rules_loaded.emit(checker)
        self.run_check()
        self._score_all()

    def hold_background(self, held: bool) -> None:
        """Hold evidence look-ups and background scores back (True), or run what waited.

        The main window holds them until its first verdict is on screen: Python runs one
        thread at a time, so background work started earlier only delays that verdict."""
        self._held = held
        if held:
            return
        if self._evidence_waiting:
            self.refresh_evidence()
        if self._scores_waiting:
            self._score_all()

    def _score_all(self) -> None:
        """Give every draft a score badge, in the background (the rules may have changed)."""
        self._scores_waiting = self._held
        if self._held:
            return
        project, checker = self.session.project, self.checker
        if project is None or checker is None or project.read_only:
            return
        current = self.drafts.current_id
        jobs = [(d.id, d.text, self._ignored_of(project, d.id)) for d in project.drafts()
                if d.id != current and d.text.strip() and len(d.text) <= ASYNC_CHECK_CHARS]
        path, state = project.path, project.meta.state_under_review

        def work() -> list[tuple[int, int]]:
            from app.evidence.context import build_context

            with reading(path) as conn:
                return [(draft_id, checker.check(text, build_context(
                    conn, draft_id, text, state, ignored=ignored)).smart_score)
                    for draft_id, text, ignored in jobs]

        def done(scores: list[tuple[int, int]]) -> None:
            if self.session.project is not project or self.checker is not checker:
                return
            for draft_id, score in scores:
                if draft_id != self.drafts.current_id:
                    self.score_ready.emit(draft_id, score)

        self.tasks.run(work, done, lambda _e: None)

    # -- checking ----------------------------------------------------------------------------
    def schedule_check(self) -> None:
        self._check_timer.start()
        if not self._check_deadline.isActive():
            self._check_deadline.start()

    def ignored_changed(self, draft_id: int) -> None:
        """The draft's ignored findings changed in the file: check it again."""
        self._ignored.pop(draft_id, None)
        self.run_check()

    def _ignored_of(self, project: Project, draft_id: int) -> set[tuple[str, str]]:
        if draft_id not in self._ignored:
            self._ignored[draft_id] = project.ignored(draft_id)
        return set(self._ignored[draft_id])

    def context(self, draft_id: int) -> CheckContext:
        project = self.session.require()
        ctx = CheckContext(state_under_review=project.meta.state_under_review,
                           ignored=self._ignored_of(project, draft_id))
        cached = self._evidence.get(draft_id)
        if cached is not None:
            # From the last settled text: a keystroke later it is still the right evidence.
            evidence = cached[1]
            ctx.linked_evidence = list(evidence.linked_evidence)
            ctx.precedents = list(evidence.precedents)
            ctx.theme_votes = dict(evidence.theme_votes)
        return ctx

    @property
    def origin(self) -> int:
        """Document position of the checked text's first character (0 for a whole check)."""
        return self.window.start if self.window is not None else 0

    def score_of(self, draft_id: int, text: str) -> int | None:
        """The score of the last check, if it was of exactly this draft and text (a check of
        part of a too-long draft is not its score)."""
        if (self.result is not None and self._result_id == draft_id and self.window is None
                and self.result_text == text):
            return self.result.smart_score
        return None

    def run_check(self) -> None:
        self._check_timer.stop()
        self._check_deadline.stop()
        draft_id = self.drafts.current_id
        if self.checker is None or self.session.project is None or draft_id is None:
            return
        checker = self.checker
        if self.drafts.current_length() > MAX_DRAFT_CHARS:
            window, part = self.drafts.checked_window()
            self._check_generation += 1
            self._apply(checker.check(part, self.context(draft_id)), part, draft_id,
                        window=window)
            return
        current = self.drafts.current_draft()
        if current is None:
            return
        text = current[1]
        ctx = self.context(draft_id)
        self._check_generation += 1
        if len(text) <= ASYNC_CHECK_CHARS:
            self._apply(checker.check(text, ctx), text, draft_id)
            return
        if self._check_inflight:
            self._check_again = True
            return
        generation = self._check_generation
        self._check_inflight = True
        self.check_state.emit("Checking long text…", "")

        def done(result: CheckResult) -> None:
            self._check_inflight = False
            if generation == self._check_generation and self.drafts.current_draft() == current:
                self._apply(result, text, draft_id)
            if self._check_again:
                self._check_again = False
                self.schedule_check()

        def failed(exc: BaseException) -> None:
            self._check_inflight = False
            self.check_state.emit("Check failed", str(exc))

        self.tasks.run(lambda: checker.check(text, ctx), done, failed)

    def _apply(self, result: CheckResult, text: str, draft_id: int,
               grammar: bool = True, window: DraftWindow | None = None) -> None:
        self.result = result
        self.result_text = text
        self.window = window
        self._result_id = draft_id
        self.result_ready.emit(result, text, draft_id)
        if grammar and len(text) <= ASYNC_CHECK_CHARS:
            self.grammar.request(draft_id, text, self.context(draft_id))

    def _grammar_ready(self, draft_id: int, text: str, findings: list[Finding],
                       _elapsed_ms: float) -> None:
        if (draft_id != self.drafts.current_id or self.result is None or self.checker is None
                or text != self.result_text or self._result_id != draft_id):
            return
        merged = self.grammar.merge(self.checker, self.result, findings, text,
                                    self.context(draft_id))
        self._apply(merged, text, draft_id, grammar=False, window=self.window)

    # -- evidence ----------------------------------------------------------------------------
    def refresh_evidence(self) -> None:
        """Look up linked evidence, precedents and theme votes in the background, then
        check again with them."""
        self._evidence_timer.stop()
        self._evidence_waiting = self._held
        if self._held or self.drafts.current_length() > ASYNC_CHECK_CHARS:
            return
        project, current = self.session.project, self.drafts.current_draft()
        if project is None or current is None:
            return
        draft_id, text = current
        path, state = project.path, project.meta.state_under_review
        self._evidence_generation += 1
        generation = self._evidence_generation

        def work() -> CheckContext:
            from app.evidence.context import build_context

            with reading(path) as conn:
                return build_context(conn, draft_id, text, state)

        def done(ctx: CheckContext) -> None:
            if generation != self._evidence_generation or self.drafts.current_id != draft_id:
                return
            self._evidence[draft_id] = (text, ctx)
            if self.drafts.current_text() == text:
                self.run_check()

        def failed(exc: BaseException) -> None:
            self.message.emit(f"Evidence lookup failed: {exc}", 6000)

        self.tasks.run(work, done, failed)

    # -- signals from the other parts --------------------------------------------------------
    def _draft_selected(self, draft_id: int | None) -> None:
        self._check_timer.stop()
        self.result = None
        self.window = None
        self._result_id = None
        if draft_id is None:
            return
        self.run_check()
        self.refresh_evidence()

    def _text_edited(self) -> None:
        self._evidence_timer.start()
        self.schedule_check()

    def _cursor_moved(self) -> None:
        """In a too-long draft, moving the cursor out of the checked part checks where it is."""
        window = self.window
        if window is not None and not window.contains(self.drafts.cursor_offset()):
            self.schedule_check()

    def _clear(self) -> None:
        for timer in (self._check_timer, self._check_deadline, self._evidence_timer):
            timer.stop()
        self.result = None
        self.window = None
        self._result_id = None
        self._ignored.clear()
        self._evidence.clear()

    def _project_changed(self, project: Project | None) -> None:
        if project is None:
            return
        self.reload_rules()

    def shutdown(self) -> None:
        self.tasks.shutdown()
