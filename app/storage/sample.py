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

from app.evidence.links import link
from app.evidence.reference import load_reference
from app.evidence.store import get_items
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
    #: Labels of built-in evidence items (commitments, sample findings) to link to this draft.
    evidence: list[str] = Field(default_factory=list)


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
            created = []
            for theme in spec.themes:
                for item in theme.drafts:
                    draft = project.add_draft(text=item.text, title=item.title, theme=theme.name)
                    notes = f"Priority: {theme.priority}."
                    if item.notes:
                        notes += "\n" + item.notes
                    project.update_draft(draft.id, notes=notes, status=item.status)
                    created.append((draft.id, item.evidence))
        _add_evidence(project, spec.meta.state_under_review, created)
    except BaseException:
        project.close()
        raise
    return project


def _add_evidence(project: Project, state: str, drafts: list[tuple[int, list[str]]]) -> None:
    """Load the built-in commitments and sample findings, and link the ones each draft names,
    so a first-time user sees grounded and ungrounded drafts side by side."""
    load_reference(project, state=state, findings=True)
    ids = [row[0] for row in project.connection.execute("SELECT id FROM evidence")]
    by_label = {item.label(): item for item in get_items(project.connection, ids).values()}
    for draft_id, labels in drafts:
        for wanted in labels:
            matches = [item for label, item in by_label.items() if label.startswith(wanted)]
            if len(matches) != 1:
                raise ProjectError(
                    f"The sample project names evidence {wanted!r}, which matches "
                    f"{len(matches)} built-in items (expected exactly one)."
                )
            link(project, draft_id, matches[0])
