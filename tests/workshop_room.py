"""A simulated workshop room: 12 hand-ins for the voter-registration exercise, written one by one
as participants would (4 through the participant flow, 4 as .txt, 4 as .docx).

Shared by the workshop tests and `bench/workshop.py`. The texts are written for SMARTrec; which
of them lack a deadline is known by construction, so tests can check the board's counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from docx import Document

from app.workshop.exercise import Exercise
from app.workshop.handin import write_handin
from app.workshop.project import handin_from_project, start_project

EXERCISE_ID = "voter-registration"
#: Concrete and checkable, but no date: 9 of the 12 final drafts.
NO_DEADLINE = (
    "Open registration offices at weekends in every district.",
    "Publish the list of voters online so that every voter can check their own entry.",
    "Allow voters to register online and at weekends.",
    "Amend the Election Act to allow registration on election day.",
    "Adopt a law that lets people register to vote online.",
    "Make voter registration more accessible for young people.",
    "Ensure that every citizen can register to vote.",
    "Strengthen efforts to register young voters.",
    "Let citizens register at any district office, not only where they live.",
)
#: Strong by the rubric: a concrete act, a checkable output and a date.
STRONG = (
    "Before the next general elections, amend the Election Act so that every district "
    "registration office opens on Saturdays.",
    "By June 2027, publish the list of voters online and give voters 30 days to correct their "
    "entry.",
    "Amend the Election Act by the end of 2027 so that citizens can register online and at "
    "weekends.",
)
#: (how the hand-in arrives, name, final text)
ROOM: tuple[tuple[str, str, str], ...] = (
    ("flow", "Amina and Joel", STRONG[0]),
    ("txt", "Table 2", NO_DEADLINE[0]),
    ("docx", "Ministry team", NO_DEADLINE[1]),
    ("flow", "Civil society group", NO_DEADLINE[2]),
    ("txt", "Table 5", NO_DEADLINE[3]),
    ("docx", "Commission staff", STRONG[1]),
    ("flow", "Observers", NO_DEADLINE[4]),
    ("txt", "Table 8", NO_DEADLINE[5]),
    ("docx", "Youth council", NO_DEADLINE[6]),
    ("flow", "Parliament staff", STRONG[2]),
    ("txt", "Table 11", NO_DEADLINE[7]),
    ("docx", "Rights institution", NO_DEADLINE[8]),
)
NAMES = tuple(name for _how, name, _text in ROOM)


def write_one(folder: Path, work: Path, exercise: Exercise, how: str, name: str, text: str) -> Path:
    """Write one participant's hand-in into `folder` the way it would really arrive."""
    stem = name.replace(" ", "_")
    if how == "txt":
        path = folder / f"{stem}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        return path
    if how == "docx":
        document = Document()
        document.add_paragraph(text)
        path = folder / f"{stem}.docx"
        tmp = work / f"{stem}.docx"
        document.save(str(tmp))
        tmp.replace(path)
        return path
    project_path = work / f"{stem}.smartrec"
    project = start_project(exercise, name, project_path)
    try:
        draft = project.drafts()[0]
        project.update_draft(draft.id, text=text)
        project.add_snapshot(draft.id, text)
        handin = handin_from_project(project)
    finally:
        project.close()
    return write_handin(handin, folder)


def write_room(
    folder: Path,
    work: Path,
    exercise: Exercise,
    *,
    pause: float = 0.0,
    after_each: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write all 12 hand-ins, `pause` seconds apart; returns the files in arrival order."""
    written = []
    for how, name, text in ROOM:
        path = write_one(folder, work, exercise, how, name, text)
        written.append(path)
        if after_each is not None:
            after_each(path)
        if pause:
            time.sleep(pause)
    return written
