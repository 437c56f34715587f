"""The participant flow in the desktop app as `smartrec` starts it: Workshop menu, exercise
panel beside the editor, evidence in the Evidence tab, hints, Hand in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from doubles.app_start import start_app
from PySide6.QtCore import Qt
from workshop_room import EXERCISE_ID, STRONG

from app.cli import main as cli_main
from app.gui.controller import MainController
from app.gui.window import MainWindow
from app.paths import exercises_dir
from app.workshop.exercise import load_exercises
from app.workshop.handin import read_handin

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No last project and no window state from another test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def launched(qtbot: Any) -> Iterator[Any]:
    opened: list[tuple[MainWindow, MainController]] = []

    def _launch(*argv: str) -> tuple[MainWindow, MainController]:
        window, controller = start_app(qtbot, *argv, checked=False)
        opened.append((window, controller))
        return window, controller

    yield _launch
    for window, _controller in opened:
        window.close()


def test_exercise_project_opens_with_scenario_evidence_and_hand_in(
    qtbot: Any, tmp_path: Path, launched: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    path = tmp_path / "group3.smartrec"
    assert cli_main(["workshop", "start", EXERCISE_ID, "--participant", "Group 3",
                     "-o", str(path)]) == 0
    capsys.readouterr()
    window, controller = launched(str(path))
    workshop = controller.workshop

    menu = window.menu("workshop")
    titles = [a.text() for a in menu.actions() if a.text()]
    assert titles == ["&Start an Exercise…", "&Hand In…", "Show the &Exercise", "&Class Board…"]
    bar = [a.text() for a in window.menuBar().actions()]
    assert bar.index("Wor&kshop") == bar.index("&Help") - 1
    assert workshop.dock.isVisible() and workshop.act_hand_in.isEnabled()
    assert exercise.task in workshop.panel.text.text() and "Group 3" in workshop.panel.text.text()

    # the exercise's evidence is in the Evidence tab, ready to link
    window.evidence.search_box.setText("district office")
    qtbot.waitUntil(lambda: window.evidence.results_list.count() > 0, timeout=5000)
    labels = [hit.item.label() for hit in window.evidence.hits]
    assert labels[0].startswith("Regional observer mission"), labels
    row = window.evidence.results_list.itemWidget(window.evidence.results_list.item(0))
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)  # link it to the draft

    workshop.panel.next_hint()
    assert exercise.hints[0] in workshop.panel.hints.text()

    # improve the starting draft in the editor, then hand in
    assert window.editor.toPlainText() == exercise.starting_drafts[0]
    window.editor.setFocus()
    window.editor.selectAll()
    qtbot.keyClicks(window.editor, STRONG[1])
    folder = tmp_path / "usb"
    folder.mkdir()
    handed = workshop.hand_in_to(folder)
    assert handed is not None and handed.parent == folder
    assert str(handed) in window.statusBar().currentMessage()
    handin = read_handin(handed)
    assert handin.participant == "Group 3" and handin.exercise == EXERCISE_ID
    (draft,) = handin.drafts
    assert draft.text == STRONG[1]
    assert draft.first_text() == exercise.starting_drafts[0]
    assert [e.label for e in draft.evidence] == [labels[0]]


def test_start_an_exercise_opens_it_and_an_ordinary_project_hides_it(
    qtbot: Any, tmp_path: Path, launched: Any
) -> None:
    exercise = load_exercises([exercises_dir()]).exercises["campaign-finance"]
    window, controller = launched()  # a first run: the sample project
    workshop = controller.workshop
    sample = controller.project
    assert not workshop.act_hand_in.isEnabled() and not workshop.dock.isVisible()
    path = tmp_path / "blue.smartrec"
    assert workshop.start(exercise, "Team Blue", path, overwrite=False)
    assert controller.project is not sample and controller.project is not None
    assert controller.project.path == path
    assert workshop.dock.isVisible() and exercise.title in workshop.panel.text.text()
    assert window.editor.toPlainText() == exercise.starting_drafts[0]
    controller.session.close_by_user()
    assert not workshop.dock.isVisible() and not workshop.act_hand_in.isEnabled()


def test_class_board_menu_opens_a_board_that_closes_with_the_window(
    qtbot: Any, tmp_path: Path, launched: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    folder = tmp_path / "handins"
    folder.mkdir()
    (folder / "Table_1.txt").write_text(STRONG[0] + "\n", "utf-8")
    window, controller = launched()

    def pick(_parent: Any, _title: str, _label: str, items: list[str], *_a: Any) -> Any:
        return next(i for i in items if i.endswith(f"({EXERCISE_ID})")), True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(folder))
    controller.workshop.act_board.trigger()
    qtbot.waitUntil(lambda: len(controller.workshop.boards) == 1, timeout=30000)
    board = controller.workshop.boards[0]
    assert board.exercise.id == EXERCISE_ID and board.folder == folder
    assert board.room.entries[0].drafts[0].result.overall == "strong"
    window.close()
    qtbot.waitUntil(lambda: controller.workshop.boards == [], timeout=2000)
