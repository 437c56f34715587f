"""Exercise packs: strict YAML files describing one drafting exercise each.

Built-in exercises live in `resources/exercises/`; trainers add their own in the user exercises
folder (`app.paths.user_exercises_dir`). A broken file is reported as file:line: key: message and
skipped; every other exercise still loads. A user exercise with a built-in's id replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.core.models import SCORED_DIMENSIONS
from app.core.yamlload import LineMap, YamlError, load_yaml_file
from app.evidence.schema import BINDING
from app.evidence.store import EvidenceItem

EXERCISE_SUFFIXES = (".yaml", ".yml")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ExerciseEvidence(_Strict):
    """An observation finding or a commitment the participant can link to a draft."""

    kind: Literal["finding", "commitment"]
    text: str = Field(min_length=1)
    #: Who said it (finding: the observer organisation) or the instrument (commitment).
    source: str = Field(min_length=1)
    #: Paragraph of the report (finding) or article of the instrument (commitment).
    reference: str = ""
    year: int | None = None
    binding: str = ""

    @field_validator("binding")
    @classmethod
    def _known_binding(cls, value: str) -> str:
        if value not in BINDING:
            raise ValueError(f"must be one of: {', '.join(b for b in BINDING if b)}")
        return value

    def to_item(self, state: str) -> EvidenceItem:
        if self.kind == "commitment":
            return EvidenceItem(
                kind="commitment", text=self.text, country=state, instrument=self.source,
                article=self.reference, binding=self.binding,
            )
        return EvidenceItem(
            kind="finding", text=self.text, country=state, item_type="finding",
            organisation=self.source, paragraph=self.reference, year=self.year,
        )


class ModelAnswer(_Strict):
    text: str = Field(min_length=1)
    #: Why it is good, in a sentence or two the trainer can read out.
    why: str = Field(min_length=1)


class Exercise(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    language: Literal["en", "fr", "es"] = "en"
    #: The fictional State under Review.
    state: str = Field(min_length=1)
    theme: str = ""
    scenario: str = Field(min_length=1)
    evidence: tuple[ExerciseEvidence, ...] = Field(min_length=1, max_length=10)
    task: str = Field(min_length=1)
    starting_drafts: tuple[str, ...] = ()
    #: The SMART criteria this exercise is about (dimension names, e.g. time_bound).
    criteria: tuple[str, ...] = Field(min_length=1)
    model_answers: tuple[ModelAnswer, ...] = Field(min_length=1)
    hints: tuple[str, ...] = ()

    @field_validator("criteria")
    @classmethod
    def _known_criteria(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if c not in SCORED_DIMENSIONS]
        if unknown:
            raise ValueError(
                f"unknown criterion {unknown[0]!r} (allowed: {', '.join(SCORED_DIMENSIONS)})"
            )
        return value

    @field_validator("starting_drafts", "hints")
    @classmethod
    def _no_empty_items(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in value):
            raise ValueError("items must not be empty")
        return value


@dataclass(frozen=True)
class ExerciseProblem:
    """Why an exercise file (or one of its keys) could not be used."""

    path: Path
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


@dataclass
class ExerciseSet:
    exercises: dict[str, Exercise] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    problems: list[ExerciseProblem] = field(default_factory=list)

    def get(self, exercise_id: str) -> Exercise | None:
        return self.exercises.get(exercise_id)

    def ordered(self) -> list[Exercise]:
        return sorted(self.exercises.values(), key=lambda e: e.id)


def exercise_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in EXERCISE_SUFFIXES and p.is_file())


def load_exercise(path: Path) -> tuple[Exercise | None, list[ExerciseProblem]]:
    """One exercise file; on failure the exercise is None and every problem is listed."""
    try:
        data, lines = load_yaml_file(path)
    except YamlError as exc:
        return None, [ExerciseProblem(path, exc.line, exc.key, exc.message)]
    if not isinstance(data, dict):
        return None, [ExerciseProblem(path, 1, "", "an exercise file must be a mapping")]
    try:
        return Exercise.model_validate(data), []
    except ValidationError as exc:
        return None, _problems(path, lines, exc)


def _problems(path: Path, lines: LineMap, exc: ValidationError) -> list[ExerciseProblem]:
    out = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        keys = [part for part in loc if isinstance(part, str)]
        key = keys[-1] if keys else ""
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
        out.append(ExerciseProblem(path, lines.line_for(loc), key, message))
    return out


def load_exercises(folders: Sequence[Path] | None = None) -> ExerciseSet:
    """Every exercise in the folders (default: built-in, then the user's), later ones winning."""
    if folders is None:
        from app.paths import exercises_dir, user_exercises_dir

        folders = [exercises_dir(), user_exercises_dir()]
    out = ExerciseSet()
    for folder in folders:
        seen_here: dict[str, Path] = {}
        for path in exercise_files(folder):
            exercise, problems = load_exercise(path)
            out.problems.extend(problems)
            if exercise is None:
                continue
            if exercise.id in seen_here:
                out.problems.append(
                    ExerciseProblem(
                        path, None, "id",
                        f"duplicate exercise id {exercise.id!r} (also in {seen_here[exercise.id]})",
                    )
                )
                continue
            seen_here[exercise.id] = path
            out.exercises[exercise.id] = exercise
            out.sources[exercise.id] = path
    return out


def describe(exercise: Exercise) -> dict[str, str | int | list[str]]:
    """A plain summary for `smartrec workshop list --format json`."""
    return {
        "id": exercise.id,
        "title": exercise.title,
        "language": exercise.language,
        "state": exercise.state,
        "criteria": list(exercise.criteria),
        "starting_drafts": len(exercise.starting_drafts),
    }
