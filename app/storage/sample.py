"""Build the first-run sample project from `resources/samples/sample_project.yaml`.

The sample lives in YAML, not code, so that it can be reworded without touching Python. Drafts
have no priority field, so a theme's priority is written at the top of each draft's notes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.paths import resources_dir
from app.storage.errors import ProjectError
from app.storage.models import ProjectMeta
from app.storage.project import Project


class _SampleDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    text: str
    notes: str = ""
    status: Literal["draft", "final"] = "draft"


class _SampleTheme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    priority: Literal["high", "medium", "low"] = "medium"
    drafts: list[_SampleDraft] = Field(default_factory=list)


class SampleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meta: ProjectMeta
    themes: list[_SampleTheme]


def sample_yaml_path() -> Path:
    return resources_dir() / "samples" / "sample_project.yaml"


def load_sample_spec(source: Path | None = None) -> SampleSpec:
    path = source or sample_yaml_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return SampleSpec.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ProjectError(f"The sample project '{path.name}' cannot be read: {exc}") from exc


def create_sample_project(
    path: str | os.PathLike[str], *, overwrite: bool = False, source: Path | None = None
) -> Project:
    """Create (and return open) a project holding the sample drafts, grouped by theme."""
    spec = load_sample_spec(source)
    project = Project.create(path, spec.meta, overwrite=overwrite)
    try:
        with project.transaction():
            for theme in spec.themes:
                for item in theme.drafts:
                    draft = project.add_draft(text=item.text, title=item.title, theme=theme.name)
                    notes = f"Priority: {theme.priority}."
                    if item.notes:
                        notes += "\n" + item.notes
                    project.update_draft(draft.id, notes=notes, status=item.status)
    except BaseException:
        project.close()
        raise
    return project
