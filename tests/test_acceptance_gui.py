"""The scorecard's acceptance outlook, in the real window and controller."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from acceptance_support import make_library, synthetic_items
from gui_support import App

from app.evidence.library import attach_library
from app.gui.acceptance_panel import NO_HISTORY, NO_STATE
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _project(path: Path, state: str, library: Path | None) -> None:
    project = Project.create(path, ProjectMeta(state_under_review=state,
                                               recommending_state="Norway", cycle="4"))
    project.add_draft(text="Abolish the death penalty in law.", title="Death penalty")
    if library is not None:
        with project.transaction() as conn:
            attach_library(conn, library)
    project.close()


def _open(qtbot: Any, tmp_path: Path, path: Path) -> App:
    rules = tmp_path / "rules"  # no rules: fast to load; the outlook needs only the history
    rules.mkdir()
    app = App(qtbot, tmp_path, rules)
    assert app.ctl.open_project(path)
    return app


def test_outlook_section_shows_figure_and_reasons(qtbot: Any, tmp_path: Path) -> None:
    library = tmp_path / "history.smartlib"
    make_library(library, synthetic_items()).close()
    path = tmp_path / "kenya.smartrec"
    _project(path, "Kenya", library)
    app = _open(qtbot, tmp_path, path)
    try:
        qtbot.waitUntil(lambda: app.ctl.outlook.outlook is not None, timeout=60_000)
        outlook = app.ctl.outlook.outlook
        assert outlook is not None and outlook.probability is not None
        assert outlook.comparable > 20 and outlook.note == ""
        view = app.ctl.outlook.view
        assert view.isVisibleTo(app.window.scorecard)
        percent = f"{round(100 * outlook.probability)}%"
        assert "Kenya would support it" in view.headline.text()
        assert percent in view.headline.text()
        assert outlook.reasons[0].text.split(" (")[0] in view.body.text().replace("&#x27;", "'")
        category = app.ctl.result.action_category.category
        assert f"category {category - 1}" in view.body.text()  # one category softer
    finally:
        app.close()


def test_outlook_absent_without_library_says_why(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "nolib.smartrec"
    _project(path, "Kenya", None)
    app = _open(qtbot, tmp_path, path)
    try:
        view = app.ctl.outlook.view
        qtbot.waitUntil(lambda: view.headline.text() == html.escape(NO_HISTORY), timeout=60_000)
        assert not view.body.isVisible()
    finally:
        app.close()


def test_outlook_absent_without_state_says_why(qtbot: Any, tmp_path: Path) -> None:
    library = tmp_path / "history.smartlib"
    make_library(library, synthetic_items()).close()
    path = tmp_path / "nostate.smartrec"
    _project(path, "", library)
    app = _open(qtbot, tmp_path, path)
    try:
        view = app.ctl.outlook.view
        qtbot.waitUntil(lambda: view.headline.text() == html.escape(NO_STATE), timeout=60_000)
    finally:
        app.close()
