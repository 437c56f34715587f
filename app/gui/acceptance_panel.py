"""The scorecard's acceptance outlook: will the State under Review support this draft, and why.

`OutlookSection` is the view (a few labels); `OutlookPart` follows the checker's results and
asks `app.acceptance` for the outlook in the background, because the first outlook after a
library changes fits the model (seconds on a large library); later ones take milliseconds.
Without a State under Review or a library holding earlier responses the section says, in one
line, why there is no outlook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.models import CheckResult
from app.gui.check_coordinator import CheckCoordinator
from app.gui.save_manager import single_shot
from app.gui.session import ProjectSession
from app.gui.tasks import TaskManager
from app.storage.reader import reading

if TYPE_CHECKING:  # the model needs numpy: loaded with the first outlook, not at start-up
    from app.acceptance.outlook import Outlook
    from app.core.engine import Checker

#: Wait for typing to pause before asking (the outlook follows the settled text).
OUTLOOK_DELAY_MS = 400

NO_STATE = ("No acceptance outlook: name the State under Review in File ▸ Project Details.")
NO_HISTORY = ("No acceptance outlook: no open evidence library holds earlier recommendations "
              "with their responses. Import a UPR Info or UHRI export in the Evidence tab.")


class OutlookSection(QWidget):
    """Title, a headline figure and the reasons, or one line saying why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        title = QLabel("Acceptance outlook".upper())
        title.setObjectName("PanelTitle")  # styled like the scorecard's other section titles
        title.setWordWrap(True)
        self.headline = QLabel("")
        self.headline.setAccessibleName("Acceptance outlook")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)
        self.body = QLabel("")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAccessibleName("Why: reasons from the library")
        self.note = QLabel("")
        self.note.setObjectName("Muted")
        self.note.setWordWrap(True)
        for widget in (title, self.headline, self.body, self.note):
            lay.addWidget(widget)
        self.show_absent("")

    def show_absent(self, why: str) -> None:
        self.headline.setText(html.escape(why))
        self.body.setText("")
        self.body.setVisible(False)
        self.note.setText("")
        self.note.setVisible(False)

    def show_outlook(self, outlook: Outlook, state: str) -> None:
        from app.acceptance.outlook import CATEGORY_NAMES

        if outlook.probability is None:
            self.show_absent(outlook.note or "Not enough history for an outlook.")
            return
        percent = round(100 * outlook.probability)
        self.headline.setText(
            f"<b>{html.escape(state)} would support it: about {percent}% likely</b>")
        items = [f"<li>{html.escape(r.text)}</li>" for r in outlook.reasons]
        changes = [
            f"as category {c.category} ({CATEGORY_NAMES[c.category]}): "
            f"{round(100 * c.probability)}%"
            for c in outlook.changes
        ]
        text = f"<ul style='margin-left:-20px'>{''.join(items)}</ul>"
        if changes:
            text += "<p>" + html.escape("; ".join(changes).capitalize()) + ".</p>"
        if outlook.record:
            text += "<p>" + html.escape("Record: " + "; ".join(outlook.record)) + ".</p>"
        self.body.setText(text)
        self.body.setVisible(True)
        self.note.setText(outlook.note)
        self.note.setVisible(bool(outlook.note))


@dataclass(frozen=True)
class _Ask:
    draft_id: int
    text: str
    category: int
    themes: tuple[str, ...]


class OutlookPart(QObject):
    """Follows the checker's results and fills an OutlookSection."""

    def __init__(self, session: ProjectSession, checks: CheckCoordinator,
                 view: OutlookSection, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.checks = checks
        self.view = view
        self.tasks = TaskManager(self, workers=1)
        self.outlook: Outlook | None = None
        self._pending: _Ask | None = None
        self._generation = 0
        self._timer = single_shot(self, OUTLOOK_DELAY_MS, self._ask)
        checks.result_ready.connect(self._result)
        session.project_changed.connect(lambda _p: self._reset())

    def _reset(self) -> None:
        """A project opened or closed: drop the old outlook. A check of the new project may
        already be waiting (the checker hears of the project first), so the timer keeps
        running; `_ask` only answers for the text the checker last checked."""
        self._generation += 1
        self.outlook = None
        self.view.show_absent("")

    def _result(self, result: CheckResult, text: str, draft_id: int) -> None:
        self._pending = _Ask(draft_id, text, result.action_category.category,
                             tuple(t.issue for t in result.themes))
        self._timer.start()

    def _ask(self) -> None:
        project, ask, checker = self.session.project, self._pending, self.checks.checker
        if project is None or ask is None or checker is None or ask.text != self.checks.result_text:
            return
        state = project.meta.state_under_review.strip()
        if not state:
            self.outlook = None
            self.view.show_absent(NO_STATE)
            return
        path, recommending = project.path, project.meta.recommending_state.strip()
        self._generation += 1
        generation = self._generation
        if self.outlook is None:  # the first outlook may fit the model: say what is going on
            self.view.show_absent("Reading the library's history for an acceptance outlook…")

        def work() -> Outlook | None:
            return _outlook(path, checker, ask, state, recommending)

        def done(outlook: Outlook | None) -> None:
            if generation != self._generation:
                return
            self.outlook = outlook
            if outlook is None:
                self.view.show_absent(NO_HISTORY)
            else:
                self.view.show_outlook(outlook, state)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.view.show_absent(f"No acceptance outlook: {exc}")

        self.tasks.run(work, done, failed)

    def shutdown(self) -> None:
        self.tasks.shutdown()


def _outlook(path: Path, checker: Checker, ask: _Ask, state: str,
             recommending: str) -> Outlook | None:
    """Worker thread: the project's own precedents plus its libraries; None without history."""
    from app.acceptance.service import checker_estimator, forecaster_for
    from app.evidence.context import sources_for

    with reading(path) as conn:
        connections = [c for _p, c in sources_for(conn)]
        forecaster = forecaster_for(connections, checker_estimator(checker))
        if not forecaster.model.tables.total and not forecaster.stats.unanswered:
            return None
        return forecaster.outlook(ask.text, state, [recommending] if recommending else [],
                                  ask.category, ask.themes)
