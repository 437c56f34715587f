"""The scorecard shows "not applicable" verdicts as such, through the real window and controller.

Built-in packs are used (the verdicts come from them), with a draft typed into the editor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from gui_support import App

from app.paths import rules_dir
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def app(qtbot: Any, tmp_path: Path) -> Iterator[App]:
    path = tmp_path / "p.smartrec"
    project = Project.create(path, ProjectMeta(state_under_review="Kenya", cycle="4"))
    project.add_draft(text="", theme="")
    project.close()
    opened = App(qtbot, tmp_path, rules_dir())
    assert opened.ctl.open_project(path)
    yield opened
    opened.close()


def _type(qtbot: Any, app: App, text: str) -> None:
    editor = app.window.editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_scorecard_says_not_applicable_for_a_continue_draft(qtbot: Any, app: App) -> None:
    _type(qtbot, app, "Continue its programme of free school meals.")
    row = app.window.scorecard.rows
    qtbot.waitUntil(lambda: "Not applicable" in row["time_bound"].status.text(), timeout=5000)
    assert "Sets a deadline" not in row["time_bound"].reason.text()
    assert row["time_bound"].reason.text().startswith("Not applicable: a 'continue'")
    assert "not applicable" in app.window.scorecard.summary.text()


def test_scorecard_gives_no_verdicts_for_a_french_draft(qtbot: Any, app: App) -> None:
    _type(qtbot, app, "Adopter une loi sur la violence domestique avant 2027.")
    card = app.window.scorecard
    qtbot.waitUntil(lambda: "not in English" in card.summary.text(), timeout=5000)
    assert all("Not applicable" in row.status.text() for row in card.rows.values())
    messages = [card.findings.item(i).text() for i in range(card.findings.count())]
    assert len(messages) == 1 and "English only" in messages[0]


def test_scorecard_names_the_rubric_class(qtbot: Any, app: App) -> None:
    """The summary leads with the overall class the rubric gives (the one `check` reports)."""
    card = app.window.scorecard
    _type(qtbot, app, "Ensure free and fair elections.")
    qtbot.waitUntil(lambda: card.summary.text().startswith("Weak · "), timeout=5000)
    _type(qtbot, app, "Adopt by June 2027 a law on access to information.")
    qtbot.waitUntil(lambda: card.summary.text().startswith("Strong · "), timeout=5000)
