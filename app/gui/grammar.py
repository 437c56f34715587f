"""Bridge between the editor and LanguageTool: checks run on the TaskManager, never the GUI thread.

`request(draft_key, text)` coalesces: while one check is running, only the newest request waits;
a result whose text is no longer the newest requested text is dropped as stale. Every result is
emitted with its round-trip time so the status bar can show it. With nothing configured the status
says so (once) and nothing runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.models import CheckContext, CheckResult, Finding
from app.gui.tasks import TaskManager
from app.language.cli_support import grammar_from_settings
from app.language.languagetool import GrammarChecker, combine, words_languagetool_accepted
from app.language.spelling import SpellingProvider
from app.settings import AppSettings, load_settings, settings_path

if TYPE_CHECKING:
    from app.core.engine import Checker


class SpellingSlot:
    """A stable spelling provider for `checker.providers`, following the current settings.

    The runner swaps the underlying SpellingProvider when the language changes and switches it
    off when spelling is turned off; the checker keeps this one object throughout, and the
    project's dictionary and the "loaded" callback carry over to each new provider.
    """

    name = "spelling"

    def __init__(self) -> None:
        self.provider: SpellingProvider | None = None
        self.enabled = True
        self._project_words: list[str] = []
        self._on_ready: Callable[[], None] | None = None

    def use(self, provider: SpellingProvider, enabled: bool) -> None:
        self.provider = provider
        self.enabled = enabled
        provider.set_project_words(self._project_words)
        if self._on_ready is not None:
            provider.on_ready(self._on_ready)

    def on_ready(self, callback: Callable[[], None]) -> None:
        """`callback` (from the loading thread) once the current dictionary is loaded."""
        self._on_ready = callback
        if self.provider is not None:
            self.provider.on_ready(callback)

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        provider = self.provider
        if not self.enabled or provider is None:
            return []
        return provider.check(text, context)

    def add_word(self, word: str) -> bool:
        """"Add to dictionary" (the user's dictionary file, shared by all languages)."""
        if self.provider is None:
            return False
        return self.provider.add_word(word)

    def set_project_words(self, words: list[str]) -> None:
        self._project_words = list(words)
        if self.provider is not None:
            self.provider.set_project_words(self._project_words)


class GrammarRunner(QObject):
    """Runs LanguageTool checks in the background and reports findings and status."""

    #: draft_key, text checked, list[Finding], round trip in ms
    findings_ready = Signal(object, str, object, float)
    status_changed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        tasks: TaskManager | None = None,
        settings: AppSettings | None = None,
        settings_file: Path | None = None,
        user_dictionary: Path | None = None,
        start: bool = True,
    ) -> None:
        """With `start=False` nothing is read or loaded until `start()`: the window calls it
        after its first paint, so loading the dictionary never delays the window."""
        super().__init__(parent)
        self._own_tasks = tasks is None
        self._tasks = tasks or TaskManager(self, workers=1)
        self._settings_file = settings_file
        self._user_dictionary = user_dictionary
        self._checker: GrammarChecker | None = None
        self.spelling: SpellingProvider | None = None
        #: Append this to `checker.providers` for offline spelling underlines.
        self.spelling_slot = SpellingSlot()
        self._status = ""
        self._busy = False
        self._pending: tuple[int, str, CheckContext | None] | None = None
        self._latest: tuple[int, str] | None = None
        self._closed = False
        #: Settings given explicitly are fixed; otherwise the file is re-read when it changes
        #: (the Language dialog saves it), checked cheaply on each request.
        self._watch = settings is None
        self._stamp: tuple[int, int] | None = None
        self.spelling_enabled = False
        self._settings = settings
        self.started = False
        if start:
            self.start()

    def start(self) -> None:
        """Read the settings, start loading the dictionary, set up LanguageTool if configured."""
        if not self.started and not self._closed:
            self.started = True
            self.reload_settings(self._settings)

    # -- configuration -----------------------------------------------------------------------
    @property
    def configured(self) -> bool:
        return self._checker is not None

    @property
    def checker(self) -> GrammarChecker | None:
        return self._checker

    def status(self) -> str:
        return self._status

    def reload_settings(self, settings: AppSettings | None = None) -> None:
        """Apply (new) settings: rebuild the spelling provider and LanguageTool checker."""
        warning = None
        if settings is None:
            self._stamp = self._file_stamp()
            settings, warning = load_settings(self._settings_file)
        old = self._checker
        self._checker = None
        if old is not None:
            self._tasks.run(old.close)  # stopping a local server can take a moment
        # Offline spelling, loaded in the background; also the vocabulary for LanguageTool.
        fresh = self.spelling is None or self.spelling.language != settings.spelling_language
        if fresh:
            if self.spelling is not None:
                self.spelling.close()
            self.spelling = SpellingProvider(
                settings.spelling_language, user_dictionary=self._user_dictionary,
                background=True,
            )
        assert self.spelling is not None
        self.spelling_enabled = settings.spelling_enabled
        # Before the load starts: registering the "loaded" callback waits for the loader's lock,
        # which would hold the GUI thread for the whole load.
        self.spelling_slot.use(self.spelling, settings.spelling_enabled)
        if fresh:
            self.spelling.warm_up()
        checker, status = grammar_from_settings(settings, vocabulary=self.spelling)
        self._checker = checker
        self._pending = None
        self._set_status(f"{warning} {status}" if warning else status, defer=True)

    def _file_stamp(self) -> tuple[int, int] | None:
        path = self._settings_file or settings_path()
        try:
            info = path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def _set_status(self, message: str, defer: bool = False) -> None:
        if message == self._status and not defer:
            return
        self._status = message
        if defer:
            # Listeners usually connect right after construction: tell them on the next tick.
            QTimer.singleShot(0, self, lambda: self.status_changed.emit(self._status))
        else:
            self.status_changed.emit(message)

    # -- checking ----------------------------------------------------------------------------
    def request(self, draft_key: int, text: str, context: CheckContext | None = None) -> None:
        """Check `text` in the background; emits findings_ready unless a newer request came."""
        if self._closed or not self.started:
            return
        self._latest = (draft_key, text)
        if self._watch and self._file_stamp() != self._stamp:
            self.reload_settings()
        if self._checker is None:
            return
        if self._busy:
            self._pending = (draft_key, text, context)
            return
        self._start(draft_key, text, context)

    def _start(self, draft_key: int, text: str, context: CheckContext | None) -> None:
        checker = self._checker
        assert checker is not None
        self._busy = True
        if checker.server is not None and not checker.server.running:
            self._set_status("Starting LanguageTool… (first check can take a while)")
        spelling = self.spelling

        def work() -> tuple[list[Finding], float]:
            t0 = time.perf_counter()
            findings = checker.check(text, context)
            elapsed = (time.perf_counter() - t0) * 1000
            if spelling is not None:
                # LanguageTool takes precedence: words it accepted stop being flagged offline.
                own = spelling.check(text, context) if spelling.ready else []
                spelling.accept_session_words(words_languagetool_accepted(own, findings))
            return findings, elapsed

        def done(value: tuple[list[Finding], float]) -> None:
            findings, elapsed = value
            self._finish()
            if checker is not self._checker:
                return  # settings changed meanwhile
            self._set_status(f"Grammar: {len(findings)} issue(s) · LanguageTool {elapsed:.0f} ms")
            if self._latest == (draft_key, text):
                self.findings_ready.emit(draft_key, text, findings, elapsed)
            self._run_pending()

        def failed(exc: BaseException) -> None:
            self._finish()
            if checker is self._checker:
                self._set_status(f"Grammar check failed: {exc}")
            self._run_pending()

        self._tasks.run(work, done, failed)

    def _finish(self) -> None:
        self._busy = False

    def _run_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not self._closed and self._checker is not None:
            self._start(*pending)

    def merge(self, checker: Checker, result: CheckResult, findings: list[Finding], text: str,
              context: CheckContext | None = None) -> CheckResult:
        """The CheckResult with LanguageTool's findings, our spelling findings dropped."""
        return combine(checker, result, findings, text, context)

    def shutdown(self) -> None:
        """Stop the local LanguageTool server (if we started one) and background work."""
        self._closed = True
        checker, self._checker = self._checker, None
        if checker is not None:
            checker.close()
        if self.spelling is not None:
            self.spelling.close()
        if self._own_tasks:
            self._tasks.shutdown()
