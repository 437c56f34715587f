"""The desktop app as `smartrec` starts it (`app.gui.main.start`), for the hostile GUI tests:
the window, then its parts and the project after the first paint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from doubles.app_start import start_app

from app.gui.controller import MainController
from app.gui.window import MainWindow
from app.storage.models import ProjectMeta
from app.storage.project import Project

DRAFT = "Ensure free and fair elections."


def make_project(path: Path, texts: tuple[str, ...] = (DRAFT,)) -> Path:
    project = Project.create(path, ProjectMeta(state_under_review="Freedonia"))
    for n, text in enumerate(texts, 1):
        project.add_draft(text=text, title=f"Draft {n}", theme="Elections")
    project.close()
    return path


def launch(qtbot: Any, project: Path) -> tuple[MainWindow, MainController]:
    """Start the app on `project` and wait until its first draft has been checked."""
    return start_app(qtbot, str(project))
