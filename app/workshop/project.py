"""A participant's project for one exercise, and the hand-in made from it.

The project is an ordinary SMARTrec project (drafts, live checking, history, evidence) plus a
small `workshop` table naming the exercise and the participant. Each starting draft is saved as
the draft's first history version, so the hand-in carries the "before" for the class board.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.core.engine import Checker
from app.core.models import CheckContext
from app.evidence.links import links
from app.evidence.store import add_item
from app.storage.models import ProjectMeta
from app.storage.project import Project

if TYPE_CHECKING:  # the desktop app asks `workshop_info` at every project switch; keep it light
    from app.workshop.exercise import Exercise
    from app.workshop.handin import HandIn

_TABLE = "CREATE TABLE IF NOT EXISTS workshop (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


@dataclass(frozen=True)
class WorkshopInfo:
    exercise_id: str
    participant: str
    started: datetime | None


def start_project(
    exercise: Exercise,
    participant: str,
    path: str | os.PathLike[str],
    *,
    checker: Checker | None = None,
    overwrite: bool = False,
) -> Project:
    """Create (and return open) the participant's project for `exercise`."""
    participant = participant.strip()
    if not participant:
        raise ValueError("A participant or group name is needed.")
    meta = ProjectMeta(state_under_review=exercise.state, language=exercise.language)
    project = Project.create(path, meta, overwrite=overwrite)
    try:
        with project.transaction() as conn:
            conn.execute(_TABLE)
            conn.executemany(
                "INSERT OR REPLACE INTO workshop (key, value) VALUES (?, ?)",
                [
                    ("exercise", exercise.id),
                    ("participant", participant),
                    ("started", datetime.now(UTC).replace(microsecond=0).isoformat()),
                ],
            )
            for item in exercise.evidence:
                add_item(conn, item.to_item(exercise.state))
            texts = exercise.starting_drafts or ("",)
            for number, text in enumerate(texts, start=1):
                title = f"Starting draft {number}" if text else "Recommendation 1"
                draft = project.add_draft(text=text, title=title, theme=exercise.theme)
                if text:
                    score = None
                    if checker is not None:
                        context = CheckContext(state_under_review=exercise.state)
                        score = checker.check(text, context).smart_score
                    project.add_snapshot(draft.id, text, score)
    except BaseException:
        project.close()
        raise
    return project


def workshop_info(project: Project) -> WorkshopInfo | None:
    """The exercise this project was started for, or None for an ordinary project."""
    conn = project.connection
    try:
        rows = dict(conn.execute("SELECT key, value FROM workshop").fetchall())
    except sqlite3.OperationalError:
        return None
    if "exercise" not in rows:
        return None
    started = None
    if rows.get("started"):
        try:
            started = datetime.fromisoformat(rows["started"])
        except ValueError:
            started = None
    return WorkshopInfo(rows["exercise"], rows.get("participant", ""), started)


def handin_from_project(project: Project, participant: str = "") -> HandIn:
    """Every non-empty draft with its history and linked evidence, ready to write."""
    from app.workshop.handin import HandIn, HandInDraft, LinkedEvidence, Version, now

    info = workshop_info(project)
    if info is None:
        raise ValueError(f"{Path(project.path).name} was not started from a workshop exercise.")
    drafts = []
    for draft in project.drafts():
        if not draft.text.strip():
            continue
        history = [
            Version(text=s.text, at=s.created, score=s.score) for s in project.history(draft.id)
        ]
        if not history or history[-1].text != draft.text:
            history.append(Version(text=draft.text, at=draft.modified, score=draft.score))
        evidence = [
            LinkedEvidence.model_validate({"kind": link.kind, "label": link.label})
            for link in links(project.connection, draft.id)
            if link.kind in ("finding", "commitment", "precedent", "other")
        ]
        drafts.append(
            HandInDraft(title=draft.title, text=draft.text, history=history, evidence=evidence)
        )
    if not drafts:
        raise ValueError("There is nothing to hand in yet: every draft is empty.")
    return HandIn(
        exercise=info.exercise_id,
        participant=(participant or info.participant).strip(),
        started=info.started,
        handed_in=now(),
        app_version=__version__,
        drafts=drafts,
    )
