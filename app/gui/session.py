"""The open project: opening, creating, the sample, closing, read-only state and recent files.

`ProjectSession` owns the one `Project` of a window. It never touches widgets; it announces
changes with signals (`about_to_close` before a project is released, so edits can be flushed,
then `project_changed`) and reports problems with `problem(title, text, is_warning)`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from app.paths import user_data_dir
from app.storage.errors import ProjectError, ProjectLockedError
from app.storage.models import ProjectMeta
from app.storage.project import Project

MAX_RECENT = 8
SAMPLE_NAME = "Sample project.smartrec"


class ProjectSession(QObject):
    """One window's open project and its recent-files list (kept in QSettings)."""

    #: The new project (a `Project`), or None after closing.
    project_changed = Signal(object)
    #: Emitted while the old project is still open, just before it is released.
    about_to_close = Signal()
    #: The recent-files list changed (list of path strings, newest first).
    recent_changed = Signal(list)
    #: title, user-facing text, True for a warning (False: an error)
    problem = Signal(str, str, bool)

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.project: Project | None = None

    def require(self) -> Project:
        """The open project; callers only reach this while one is open."""
        if self.project is None:
            raise ProjectError("No project is open.")
        return self.project

    @property
    def editable(self) -> bool:
        return self.project is not None and not self.project.read_only

    # -- opening and closing -----------------------------------------------------------------
    def open(self, path: str | Path) -> bool:
        """Open a project file; a clear message (and no change) when it cannot be opened."""
        path = Path(path)
        if self.project is not None and self.project.path.resolve() == path.resolve():
            return True
        try:
            project = Project.open(path)
        except ProjectLockedError as exc:
            self.problem.emit("Project already open", f"{exc}\n\nSwitch to the window that has "
                              "it open, or close it there first.", True)
            return False
        except ProjectError as exc:
            self.problem.emit("Cannot open project", str(exc), False)
            self.forget_recent(path)
            return False
        except OSError as exc:
            self.problem.emit("Cannot open project", f"{path.name} could not be opened: {exc}",
                              False)
            return False
        self.switch_to(project)
        return True

    def create(self, path: Path, meta: ProjectMeta, *, overwrite: bool = False) -> bool:
        try:
            project = Project.create(path, meta, overwrite=overwrite)
        except ProjectError as exc:
            self.problem.emit("Cannot create project", str(exc), False)
            return False
        self.settings.setValue("last_dir", str(path.parent))
        self.switch_to(project)
        return True

    def sample_path(self) -> Path:
        return user_data_dir() / SAMPLE_NAME

    def open_sample(self) -> bool:
        """Open the sample project in the user data folder, creating it on first use."""
        path = self.sample_path()
        if path.exists():
            return self.open(path)
        from app.storage.sample import create_sample_project  # first run only

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            project = create_sample_project(path)
        except (ProjectError, OSError) as exc:
            self.problem.emit("Cannot create the sample project", str(exc), False)
            return False
        self.switch_to(project)
        return True

    def switch_to(self, project: Project | None) -> None:
        """Release the current project (after `about_to_close`) and take `project` instead."""
        old = self.project
        if old is not None:
            self.about_to_close.emit()
            self.project = None
            old.close()
        self.project = project
        if project is not None:
            self.add_recent(project.path)
            self.settings.setValue("last_project", str(project.path))
        self.project_changed.emit(project)

    def close(self) -> None:
        self.switch_to(None)

    def close_by_user(self) -> None:
        """File → Close: the next start shows the welcome page instead of reopening it."""
        self.close()
        self.settings.remove("last_project")

    def shutdown(self) -> None:
        """Quitting: remember the project for the next start, then release it."""
        if self.project is not None:
            self.settings.setValue("last_project", str(self.project.path))
            self.switch_to(None)
        self.settings.sync()

    def last_project(self) -> Path | None:
        """The project open when the app was last quit, if its file still exists."""
        value = self.settings.value("last_project")
        if not value:
            return None
        path = Path(str(value))
        return path if path.exists() else None

    def last_dir(self) -> Path:
        return Path(str(self.settings.value("last_dir", str(Path.home()))))

    # -- recent files ------------------------------------------------------------------------
    def recent(self) -> list[str]:
        value: object = self.settings.value("recent", [])
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(v) for v in value]
        return []

    def add_recent(self, path: Path) -> None:
        items = [p for p in self.recent() if Path(p) != path]
        self._set_recent([str(path), *items][:MAX_RECENT])

    def forget_recent(self, path: Path) -> None:
        self._set_recent([p for p in self.recent() if Path(p) != path])

    def _set_recent(self, items: list[str]) -> None:
        self.settings.setValue("recent", items)
        self.recent_changed.emit(items)
