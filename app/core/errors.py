"""Errors that name the file, line and key, so a rule author can fix them without Python."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RuleLoadError:
    path: Path | None
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.path else "<rules>"
        if self.line is not None:
            where += f":{self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class RuleFileError(Exception):
    """Raised for a whole rule file that cannot be read (bad YAML, too big, hostile tags)."""

    def __init__(self, error: RuleLoadError) -> None:
        super().__init__(str(error))
        self.error = error
