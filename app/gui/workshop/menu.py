"""The Workshop menu: Start an Exercise…, Hand In…, Class Board…, and the exercise panel that
sits beside the editor while a workshop project is open.

The main window's controller owns projects and the checker; this object only asks it to open a
project and to save pending edits, through the small `WorkshopHost` seam.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from app.core.engine import Checker, load_checker
from app.gui.workshop.board import ClassBoard
from app.gui.workshop.participant import ScenarioPanel, StartExerciseDialog
from app.storage.errors import ProjectError
from app.storage.project import Project
from app.workshop.exercise import Exercise, ExerciseSet, load_exercises
from app.workshop.handin import HandInError, write_handin
from app.workshop.project import handin_from_project, start_project, workshop_info

_LAST_HANDIN_FOLDER = "workshop/handin_folder"
_LAST_BOARD_FOLDER = "workshop/board_folder"
_PARTICIPANT = "workshop/participant"


class WorkshopHost(Protocol):
    """What the Workshop menu needs from the main window's controller."""

    @property
    def project(self) -> Project | None: ...

    @property
    def checker(self) -> Checker | None: ...

    def open_project(self, path: str | Path) -> bool: ...

    def flush(self) -> None: ...


class WorkshopMenu(QObject):
    def __init__(self, window: QMainWindow, host: WorkshopHost, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.host = host
        self.settings = settings
        self.boards: list[ClassBoard] = []
        self.menu = QMenu("Wor&kshop", window)
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
        bar = window.menuBar()
        help_action = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_action is not None:
            bar.insertMenu(help_action, self.menu)
        else:
            bar.addMenu(self.menu)
        self.panel = ScenarioPanel()
        self.panel.hand_in_requested.connect(self.hand_in)
        self.dock = QDockWidget("Exercise", window)
        self.dock.setObjectName("WorkshopExerciseDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()
        self.act_scenario.triggered.connect(self.dock.show)
        self.project_changed(None)

    # -- participant ------------------------------------------------------------------------
    def exercises(self) -> ExerciseSet:
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
            self.start(exercise, participant, Path(path), overwrite=Path(path).exists())

    def start(self, exercise: Exercise, participant: str, path: Path, *, overwrite: bool) -> bool:
        try:
            project = start_project(
                exercise, participant, path, checker=self.host.checker, overwrite=overwrite
            )
        except (ProjectError, ValueError) as exc:
            QMessageBox.warning(self.window, "Cannot start the exercise", str(exc))
            return False
        project.close()
        return self.host.open_project(path)

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
        project = self.host.project
        if project is None:
            return None
        self.host.flush()
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
        if folder:
            self.settings.setValue(_LAST_BOARD_FOLDER, folder)
            self.open_board(Path(folder), exercise, set(loaded.exercises))

    def open_board(self, folder: Path, exercise: Exercise, known: set[str]) -> ClassBoard:
        checker = self.host.checker or load_checker()
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
        for board in list(self.boards):
            board.close()
