"""Application settings (Qt-free): one JSON file in the user's config folder.

A pydantic model so the GUI dialog, the CLI and tests share one shape. Settings must never stop the
app from starting: a missing, unreadable or corrupt file gives defaults plus a warning, and every
write is atomic (temp file + rename) so a crash mid-save cannot corrupt the previous file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from app.bounds import load_json_bounded

log = logging.getLogger(__name__)

LanguageVariant = Literal["en-GB", "en-US", "fr", "es"]
LANGUAGE_VARIANTS: tuple[str, ...] = ("en-GB", "en-US", "fr", "es")
SETTINGS_FILENAME = "settings.json"


class AppSettings(BaseModel):
    """Everything the user sets once per machine (projects hold per-project choices)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    #: Folder of a local LanguageTool install, the one holding `languagetool-server.jar`.
    languagetool_folder: str = ""
    #: URL of a running LanguageTool server, e.g. a trainer's laptop on the workshop network.
    languagetool_url: str = ""
    language_variant: LanguageVariant = "en-GB"
    spelling_enabled: bool = True
    grammar_enabled: bool = True

    @field_validator("languagetool_folder", "languagetool_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def spelling_language(self) -> str:
        """Dictionary language for the offline checker ("en", "fr", "es")."""
        return self.language_variant.split("-")[0]


def settings_path(config_dir: Path | None = None) -> Path:
    if config_dir is None:
        from app.paths import user_config_dir

        config_dir = user_config_dir()
    return config_dir / SETTINGS_FILENAME


def load_settings(path: Path | None = None) -> tuple[AppSettings, str | None]:
    """Read settings; return (settings, warning). Never raises for a bad file."""
    path = path or settings_path()
    try:
        raw = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return AppSettings(), None
    except UnicodeDecodeError:
        warning = f"Settings file {path} is damaged (not UTF-8 text). Using defaults."
        log.warning(warning)
        return AppSettings(), warning
    except OSError as exc:
        warning = f"Could not read settings file {path}: {exc}. Using defaults."
        log.warning(warning)
        return AppSettings(), warning
    try:
        data = load_json_bounded(raw)  # deep nesting or 1e999: a damaged file, not a crash
        if not isinstance(data, dict):
            raise ValueError("top level is not an object")
        return AppSettings.model_validate(data), None
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warning = f"Settings file {path} is damaged ({first}). Using defaults."
        log.warning(warning)
        return AppSettings(), warning


def save_settings(settings: AppSettings, path: Path | None = None) -> Path:
    """Write settings atomically; the old file stays intact if anything fails."""
    path = path or settings_path()
    atomic_write_text(path, settings.model_dump_json(indent=2) + "\n")
    return path


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
