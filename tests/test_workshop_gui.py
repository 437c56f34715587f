"""The class board and presentation mode, watching a folder while a room hands in."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import docx
import pytest
from PySide6.QtCore import Qt
from workshop_room import EXERCISE_ID, NAMES, NO_DEADLINE, write_room

from app.core.engine import Checker, load_checker
from app.gui.workshop.board import ClassBoard
from app.paths import exercises_dir
from app.workshop.exercise import load_exercises

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


@pytest.fixture
def board(qtbot: Any, tmp_path: Path, checker: Checker) -> ClassBoard:
    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    folder = tmp_path / "handins"
    folder.mkdir()
    widget = ClassBoard(folder, exercise, {EXERCISE_ID}, checker)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_board_shows_a_room_handing_in_within_two_seconds(
    board: ClassBoard, qtbot: Any, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    written: list[float] = []

    def handed_in(_path: Path) -> None:
        written.append(time.monotonic())
        qtbot.wait(60)  # the board keeps watching while the room writes

    write_room(board.folder, work, board.exercise, after_each=handed_in)
    qtbot.waitUntil(lambda: len(board.room.entries) == 12, timeout=2000)
    assert time.monotonic() - written[-1] < 2.0
    assert board.scan.skipped == []
    first = board.problems.item(0)
    assert first is not None
    assert first.text() == f"{len(NO_DEADLINE)} of 12 drafts have no deadline"

    # names are hidden until asked for
    board.set_grouping("hand-in")
    shown = [board.tree.topLevelItem(i).text(0) for i in range(board.tree.topLevelItemCount())]
    assert shown[:3] == ["Group A", "Group B", "Group C"] and len(shown) == 12
    assert not any(name in " ".join(shown) for name in NAMES)
    board.names.setChecked(True)
    assert board.tree.topLevelItem(0).text(0) == f"Group A ({NAMES[0]})"
    board.names.setChecked(False)

    # grouped by the criterion the room misses most
    qtbot.mouseClick(
        board.problems.viewport(), Qt.MouseButton.LeftButton,
        pos=board.problems.visualItemRect(first).center(),
    )
    assert board.grouping_key() == "time_bound"
    assert board.tree.topLevelItem(0).text(0) == f"✗ Time-bound: Not met ({len(NO_DEADLINE)})"

    # before/after for a participant-flow hand-in, with the score change
    board.select(("Group A", 1))
    assert board.detail.currentWidget() is board.pair_view
    assert "(+" in board.pair_view.title.text()

    assert board.write_report_to(tmp_path / "report.docx")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "report.docx")).paragraphs)
    assert "9 of 12 drafts have no deadline" in text and NAMES[0] not in text


def test_presentation_keyboard_and_names(board: ClassBoard, qtbot: Any, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    write_room(board.folder, work, board.exercise)
    board.refresh()
    board.set_grouping("score")
    window = board.present()
    qtbot.waitExposed(window)
    assert window.isFullScreen()
    order = board.ordered_drafts()
    assert window.index == 0 and window.current() == order[0]
    assert window.draft_view.heading.text().startswith(f"{order[0].entry_label}, draft 1")
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.current() == order[2]
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.current() == order[1]
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert window.current() == order[-1]
    assert window.draft_view.editor.isReadOnly()

    # underlines on a draft that has them
    weak = next(i for i, d in enumerate(order) if d.text == NO_DEADLINE[6])
    window.go(weak)
    assert window.draft_view.editor.underlines()
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert NAMES[8] in window.draft_view.heading.text()
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert NAMES[8] not in window.draft_view.heading.text()

    qtbot.keyClick(window, Qt.Key.Key_M)
    assert window.stack.currentWidget() is window.model_view
    assert board.exercise.model_answers[0].text in window.model_view.label.text()
    qtbot.keyClick(window, Qt.Key.Key_M)

    paired = next(i for i, d in enumerate(order) if d.before is not None)
    window.go(paired)
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert window.stack.currentWidget() is window.pair_view
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: board.presentation is None)


def test_scenario_panel_reveals_hints_one_at_a_time(qtbot: Any) -> None:
    from app.gui.workshop.participant import ScenarioPanel

    exercise = load_exercises([exercises_dir()]).exercises[EXERCISE_ID]
    panel = ScenarioPanel()
    qtbot.addWidget(panel)
    panel.set_exercise(exercise, "Group 3")
    assert exercise.task in panel.text.text() and "Group 3" in panel.text.text()
    assert exercise.evidence[0].text in panel.situation.text()
    assert panel.hints.text() == ""
    for shown in range(1, len(exercise.hints) + 1):
        qtbot.mouseClick(panel.hint_button, Qt.MouseButton.LeftButton)
        assert panel.hints.text().count("Hint ") == shown
    assert exercise.hints[-1] in panel.hints.text()
    assert not panel.hint_button.isEnabled()
    with qtbot.waitSignal(panel.hand_in_requested, timeout=1000):
        qtbot.mouseClick(panel.hand_in_button, Qt.MouseButton.LeftButton)


def test_start_dialog_needs_a_name(qtbot: Any) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from app.gui.workshop.participant import StartExerciseDialog

    exercises = load_exercises([exercises_dir()]).ordered()
    dialog = StartExerciseDialog(exercises)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.participant, "Group 3")
    assert ok.isEnabled() and dialog.participant_name() == "Group 3"
    dialog.list.setCurrentRow(len(exercises) - 1)
    assert dialog.exercise() == exercises[-1]
    assert exercises[-1].scenario.split()[0] in dialog.preview.toPlainText()


def test_board_lists_what_it_skipped_in_one_line(board: ClassBoard, qtbot: Any) -> None:
    (board.folder / "photo.png").write_bytes(b"\x89PNG")
    (board.folder / "Table_1.txt").write_text("Adopt a law on party funding by 2027.\n", "utf-8")
    qtbot.waitUntil(lambda: len(board.room.entries) == 1, timeout=2000)
    status = board.status.text()
    assert "1 hand-in read; skipped 1: photo.png: not a hand-in" in status
    assert "\n" not in status
    assert (board.folder / "photo.png").read_bytes() == b"\x89PNG"


def test_presentation_takes_in_late_hand_ins_and_keeps_its_place(
    board: ClassBoard, qtbot: Any
) -> None:
    (board.folder / "Table_1.txt").write_text("Ensure fair elections.\n", "utf-8")
    board.refresh()
    window = board.present()
    qtbot.waitExposed(window)
    assert len(window.drafts) == 1
    (board.folder / "Table_2.txt").write_text("Adopt a law on party funding by 2027.\n", "utf-8")
    qtbot.waitUntil(lambda: len(window.drafts) == 2, timeout=2000)
    assert window.current() is not None and window.current().text == "Ensure fair elections."
    window.close()
