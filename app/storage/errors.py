"""Exceptions whose messages are shown to the user as they are."""

from __future__ import annotations


class ProjectError(Exception):
    """A project file cannot be opened, created or changed; `str()` is a user-facing message."""


class ProjectLockedError(ProjectError):
    """The project is open for writing in another window or process."""

    def __init__(self, message: str, *, pid: int | None = None, host: str = "") -> None:
        super().__init__(message)
        self.pid = pid
        self.host = host


class ProjectReadOnlyError(ProjectError):
    """A change was attempted on a project opened read-only."""


class ProjectSaveError(ProjectError):
    """A change could not be written (disk full, I/O error, file moved away); nothing of it
    was saved, earlier changes are safe."""


class DraftNotFoundError(ProjectError, KeyError):
    """No draft with that id (deleted meanwhile, or from another project)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "draft not found"
