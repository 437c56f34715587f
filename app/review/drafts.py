"""Import the recommendations of a Word document into a project as drafts, through the storage
API, in document order and with the heading (or table theme column) above each as its theme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.review.locate import Candidates, Recommendation, find_recommendations
from app.review.source import open_source
from app.storage.errors import ProjectError
from app.storage.models import Draft, ProjectMeta
from app.storage.project import Project


class DraftImportError(Exception):
    """Nothing was imported; one line saying why."""


@dataclass
class ImportOutcome:
    project: Path
    drafts: list[Draft]
    created: bool


def preview_drafts(path: Path, *, all_paragraphs: bool = False) -> Candidates:
    """The candidates, numbered from 1, for the user to pick from (nothing is written)."""
    source = open_source(path)
    return find_recommendations(source.document, all_paragraphs=all_paragraphs)


def parse_pick(spec: str, count: int) -> list[int]:
    """"1,3-5" -> [1, 3, 4, 5]; numbers must be among the `count` candidates."""
    picked: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        low, sep, high = part.partition("-")
        try:
            first = int(low)
            last = int(high) if sep else first
        except ValueError:
            message = f"--pick: '{part}' is not a number or a range like 3-5"
            raise DraftImportError(message) from None
        if first < 1 or last > count or first > last:
            raise DraftImportError(f"--pick: '{part}' is outside the candidates 1-{count}")
        picked.update(range(first, last + 1))
    if not picked:
        raise DraftImportError("--pick: no candidate numbers given")
    return sorted(picked)


def add_to_project(project: Project, chosen: Sequence[Recommendation]) -> list[Draft]:
    """Append the drafts in one transaction: all of them or, on error, none."""
    with project.transaction():
        return [
            project.add_draft(text=rec.text, theme=rec.theme[:200])
            for rec in chosen
        ]


def import_drafts(
    candidates: Sequence[Recommendation], project_path: Path, picked: Sequence[int] | None = None
) -> ImportOutcome:
    """Open (or create) the project and append the picked candidates (all when None)."""
    chosen = [c for c in candidates if picked is None or c.number in set(picked)]
    if not chosen:
        raise DraftImportError("no recommendations to import; try --all-paragraphs")
    created = not project_path.exists()
    try:
        project = (
            Project.create(project_path, ProjectMeta()) if created else Project.open(project_path)
        )
    except ProjectError as exc:
        raise DraftImportError(f"{project_path}: {exc}") from None
    try:
        if project.read_only:
            raise DraftImportError(f"{project_path}: the project is read-only; nothing imported")
        drafts = add_to_project(project, chosen)
    except ProjectError as exc:
        raise DraftImportError(f"{project_path}: {exc}") from None
    finally:
        project.close()
    return ImportOutcome(project_path, drafts, created)
