"""The Workshop menu: Start an Exercise…, Hand In…, Class Board…, and the exercise panel that
sits beside the editor while a workshop project is open.

A small part of the shell (see docs/architecture.md): it follows `ProjectSession.project_changed`,
asks the session to open the exercise's project, and the save manager to flush before handing in.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.gui.check_coordinator import CheckCoordinator
from app.gui.save_manager import SaveManager
from app.gui.session import ProjectSession
from app.gui.tasks import TaskManager
from app.gui.window import MainWindow
from app.gui.workshop.participant import ScenarioPanel, StartExerciseDialog
from app.storage.errors import ProjectError
from app.storage.project import Project
from app.workshop.project import workshop_info

if TYPE_CHECKING:  # the board pulls in python-docx: loaded when a board is first opened
    from app.core.engine import Checker
    from app.gui.workshop.board import ClassBoard
    from app.workshop.exercise import Exercise, ExerciseSet

_LAST_HANDIN_FOLDER = "workshop/handin_folder"
_LAST_BOARD_FOLDER = "workshop/board_folder"
_PARTICIPANT = "workshop/participant"


class WorkshopMenu(QObject):
    def __init__(
        self,
        window: MainWindow,
        session: ProjectSession,
        saver: SaveManager,
        checks: CheckCoordinator,
        settings: QSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.session = session
        self.saver = saver
        self.checks = checks
        self.settings = settings
        self.boards: list[ClassBoard] = []
        self.tasks = TaskManager(self, workers=1)
        self.menu = window.add_menu("workshop", "Wor&kshop", before="help")
        self.act_start = self.menu.addAction("&Start an Exercise…")
        self.act_start.setStatusTip("Open a project for a workshop exercise")
        self.act_hand_in = self.menu.addAction("&Hand In…")
        self.act_hand_in.setStatusTip("Write your drafts to the folder the trainer collects")
        self.act_scenario = self.menu.addAction("Show the &Exercise")
        self.menu.addSeparator()
        self.act_board = self.menu.addAction("&Class Board…")
        self.act_board.setStatusTip("Trainers: watch a folder of hand-ins and present them")
        self.act_start.triggered.connect(self.start_exercise)
        self.act_hand_in.triggered.connect(self.hand_in)
        self.act_board.triggered.connect(self.class_board)
        self.panel = ScenarioPanel()
        self.panel.hand_in_requested.connect(self.hand_in)
        self.dock = window.add_dock(self.panel, "Exercise", Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.hide()
        self.act_scenario.triggered.connect(self.dock.show)
        session.project_changed.connect(self.project_changed)
        self.project_changed(session.project)

    # -- participant ------------------------------------------------------------------------
    def exercises(self) -> ExerciseSet:
        from app.workshop.exercise import load_exercises

        return load_exercises()

    def project_changed(self, project: Project | None) -> None:
        """Show the exercise beside the editor when the project was started from one."""
        info = workshop_info(project) if project is not None else None
        self.act_hand_in.setEnabled(info is not None)
        self.act_scenario.setEnabled(info is not None)
        if info is None:
            self.panel.set_exercise(None)
            self.dock.hide()
            return
        self.panel.set_exercise(self.exercises().get(info.exercise_id), info.participant)
        self.dock.show()

    def start_exercise(self) -> None:
        exercises = self.exercises().ordered()
        dialog = StartExerciseDialog(
            exercises, str(self.settings.value(_PARTICIPANT, "") or ""), self.window
        )
        if dialog.exec() != StartExerciseDialog.DialogCode.Accepted:
            return
        exercise = dialog.exercise()
        if exercise is None:
            return
        participant = dialog.participant_name()
        self.settings.setValue(_PARTICIPANT, participant)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        name = re.sub(r"[^\w-]+", "-", f"{participant}-{exercise.id}").strip("-")
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save your exercise project as", str(Path(documents) / f"{name}.smartrec"),
            "SMARTrec projects (*.smartrec)",
        )
        if path:
            self.start(exercise, participant, Path(path), overwrite=os.path.exists(path))

    def start(self, exercise: Exercise, participant: str, path: Path, *, overwrite: bool) -> bool:
        from app.workshop.project import start_project

        try:
            project = start_project(
                exercise, participant, path, checker=self.checks.checker, overwrite=overwrite
            )
        except (ProjectError, ValueError) as exc:
            QMessageBox.warning(self.window, "Cannot start the exercise", str(exc))
            return False
        project.close()
        return self.session.open(path)

    def hand_in(self) -> None:
        start = str(self.settings.value(_LAST_HANDIN_FOLDER, "") or "")
        folder = QFileDialog.getExistingDirectory(
            self.window, "Hand in to which folder? (USB stick or shared folder)", start
        )
        if not folder:
            return
        path = self.hand_in_to(Path(folder))
        if path is not None:
            QMessageBox.information(
                self.window, "Handed in", f"Your drafts were handed in as:\n{path}"
            )

    def hand_in_to(self, folder: Path) -> Path | None:
        """Write the open project's hand-in into `folder`; says where it went."""
        from app.workshop.handin import HandInError, write_handin
        from app.workshop.project import handin_from_project

        project = self.session.project
        if project is None:
            return None
        self.saver.flush()
        try:
            path = write_handin(handin_from_project(project), folder)
        except (ValueError, HandInError) as exc:
            QMessageBox.warning(self.window, "Cannot hand in", str(exc))
            return None
        self.settings.setValue(_LAST_HANDIN_FOLDER, str(folder))
        self.window.statusBar().showMessage(f"Handed in: {path}", 15000)
        return path

    # -- trainer ----------------------------------------------------------------------------
    def class_board(self) -> None:
        loaded = self.exercises()
        exercises = loaded.ordered()
        if not exercises:
            QMessageBox.warning(self.window, "Class board", "No exercises are installed.")
            return
        titles = [f"{e.title} ({e.id})" for e in exercises]
        title, ok = QInputDialog.getItem(
            self.window, "Class board", "Exercise the room is working on:", titles, 0, False
        )
        if not ok:
            return
        exercise = exercises[titles.index(title)]
        start = str(self.settings.value(_LAST_BOARD_FOLDER, "") or "")
        folder = QFileDialog.getExistingDirectory(
            self.window, "Folder the hand-ins are collected in", start
        )
        if not folder:
            return
        self.settings.setValue(_LAST_BOARD_FOLDER, folder)
        known = set(loaded.exercises)
        self.window.statusBar().showMessage("Opening the class board: loading the rules…")

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self.window, "Class board", f"The rules did not load: {exc}")

        # The standard rules (built-in and the user's), not the open project's overrides, so
        # the board judges as `smartrec workshop report` does; loaded off the GUI thread.
        def loaded_rules(checker: Checker) -> None:
            self.open_board(Path(folder), exercise, known, checker)

        self.tasks.run(_standard_checker, loaded_rules, failed)

    def open_board(
        self, folder: Path, exercise: Exercise, known: set[str], checker: Checker
    ) -> ClassBoard:
        from app.gui.workshop.board import ClassBoard

        self.window.statusBar().clearMessage()
        board = ClassBoard(folder, exercise, known, checker)
        board.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        board.destroyed.connect(lambda *_: self._forget(board))
        self.boards.append(board)
        board.show()
        return board

    def _forget(self, board: ClassBoard) -> None:
        if board in self.boards:
            self.boards.remove(board)

    def close_all(self) -> None:
        self.tasks.shutdown()
        for board in list(self.boards):
            board.close()


def _standard_checker() -> Checker:
    from app.core.engine import load_checker

    return load_checker()
