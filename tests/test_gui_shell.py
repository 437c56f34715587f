"""The window's shell: what it shows around the drafts, and how other features plug into it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_support import App
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app import __version__
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui

RULES = """\
pack: shell
rules:
  - id: shell.deadline
    kind: requirement
    dimension: time_bound
    severity: warning
    message: "No deadline"
    explanation: "Add a year."
    patterns: ['\\b20\\d\\d\\b']
    examples:
      flag: ["Adopt a law."]
      pass: ["Adopt a law by 2027."]
"""
ORIGINAL = "Ensure free and fair elections."


@pytest.fixture
def app(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "shell.yaml").write_text(RULES, encoding="utf-8")
    launched = App(qtbot, tmp_path, rules)
    yield launched
    launched.close()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "kenya.smartrec"
    with Project.create(path, ProjectMeta(state_under_review="Kenya")) as project:
        project.add_draft(text=ORIGINAL, theme="Elections")
    return path


def test_close_project_leaves_nothing_in_the_status_bar(app: App, project_path: Path,
                                                        qtbot: Any) -> None:
    w = app.window
    assert app.ctl.open_project(project_path)
    assert w.check_label.text().startswith("Checked in")
    assert w.saved_label.text() and w.packs_button.text()
    w.statusBar().showMessage("Saved", 5000)
    w.act_close.trigger()
    assert w.stack.currentWidget() is w.welcome
    assert [w.saved_label.text(), w.check_label.text(), w.packs_button.text(),
            w.statusBar().currentMessage()] == ["", "", "", ""]
    assert not w.errors_button.isVisible()


def test_about_names_the_version(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about",
                        lambda _parent, _title, text: shown.append(text))
    about = next(a for a in app.window.menu("help").actions() if a.text() == "&About SMARTrec")
    about.trigger()
    assert shown and f"SMARTrec {__version__}" in shown[0]


def test_an_empty_draft_has_no_criteria_count(app: App, project_path: Path,
                                              qtbot: Any) -> None:
    assert app.ctl.open_project(project_path)
    card = app.window.scorecard
    assert "of 7 criteria met" in card.summary.text()
    app.window.act_add.trigger()
    assert app.ctl.current_text() == ""
    assert "criteria met" not in card.summary.text()
    assert card.score.text() == "–"
    assert app.window.editor.underline_ranges() == []
    qtbot.keyClicks(app.window.editor, "Adopt a law.")
    qtbot.waitUntil(lambda: "of 7 criteria met" in card.summary.text())


def test_grammar_status_points_to_the_menu_that_exists(app: App, qtbot: Any) -> None:
    """With no LanguageTool configured the status bar says so and names the real menu entry."""
    label = app.window.grammar_label
    qtbot.waitUntil(lambda: label.isVisible() and bool(label.toolTip()))
    assert "no LanguageTool configured" in label.toolTip()
    assert "Rules ▸ Language and Grammar…" in label.toolTip()
    entries = [a.text().replace("&", "") for a in app.window.menu("rules").actions()]
    assert "Language and Grammar…" in entries
    assert not app.ctl.grammar.configured


def test_history_keeps_the_original_text(app: App, project_path: Path, qtbot: Any) -> None:
    assert app.ctl.open_project(project_path)
    editor = app.window.editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "Adopt an elections law by 2027.")
    app.ctl.saver.flush()
    assert app.ctl.project is not None and app.ctl.current_id is not None
    history = app.ctl.project.history(app.ctl.current_id)
    assert [s.text for s in history][:1] == [ORIGINAL]


def test_features_add_menus_tabs_and_docks(app: App) -> None:
    w = app.window
    menu = w.add_menu("example", "E&xample", before="help")  # (the real Workshop menu exists)
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.index("E&xample") == titles.index("&Help") - 1
    assert w.menu("example") is menu
    with pytest.raises(ValueError):
        w.add_menu("example", "&Again")
    board = QLabel("class board")
    index = w.add_side_tab(board, "Class board")
    assert w.tabs.widget(index) is board and w.tabs.tabText(index) == "Class board"
    panel = QWidget()
    dock = w.add_dock(panel, "Review", Qt.DockWidgetArea.RightDockWidgetArea)
    assert dock.widget() is panel
    assert dock.toggleViewAction() in w.menu("view").actions()


def test_undo_commands_do_not_import_the_controller() -> None:
    code = ("import sys, app.gui.commands, app.gui.drafts_controller; "
            "print('app.gui.controller' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "False"
