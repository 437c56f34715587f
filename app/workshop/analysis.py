"""The room: every hand-in's drafts checked by the real checker, the most frequent problems
("9 of 12 drafts have no deadline"), before/after pairs and anonymous group names.

The board, presentation mode and the Word class report all render a `Room`; none of them
re-derives a verdict.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.engine import Checker
from app.core.models import CheckContext, CheckResult, EvidenceRef
from app.workshop.exercise import Exercise
from app.workshop.folder import Submission
from app.workshop.handin import HandInDraft

#: Criteria counted as room problems, with how the count reads ("9 of 12 drafts ...").
#: Relevance is left out: plain .txt/.docx hand-ins cannot link evidence.
PROBLEM_PHRASES: dict[str, str] = {
    "specific": "name no concrete act",
    "measurable": "have no verifiable output",
    "time_bound": "have no deadline",
    "jargon": "use jargon or undefined acronyms",
    "tone": "are not in an advisory tone",
    "attainable": "promise more than a State can deliver",
}


def group_label(index: int) -> str:
    """Group A, B, ..., Z, AA, AB, ...: stable in hand-in order."""
    letters = string.ascii_uppercase
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = letters[rest] + name
    return f"Group {name}"


@dataclass(frozen=True)
class CheckedDraft:
    entry_label: str
    number: int
    text: str
    result: CheckResult
    before: str | None = None
    before_result: CheckResult | None = None

    @property
    def score_change(self) -> int | None:
        if self.before_result is None:
            return None
        return self.result.smart_score - self.before_result.smart_score

    def unmet(self) -> list[str]:
        """Criteria the draft misses ("not applicable" is not a problem: a "continue"
        recommendation has no natural deadline)."""
        return [d.dimension for d in self.result.dimensions if d.status in ("not_met", "partly")]

    def reason(self, dimension: str) -> str:
        status = self.result.dimension(dimension)
        return status.reason if status is not None else ""


@dataclass(frozen=True)
class Entry:
    """One hand-in as the room sees it."""

    label: str
    participant: str
    submission: Submission
    drafts: tuple[CheckedDraft, ...]

    def name(self, *, show_names: bool) -> str:
        return f"{self.label} ({self.participant})" if show_names else self.label


@dataclass(frozen=True)
class Problem:
    dimension: str
    phrase: str
    count: int
    total: int
    example: CheckedDraft

    def sentence(self) -> str:
        return f"{self.count} of {self.total} drafts {self.phrase}"


@dataclass
class Room:
    exercise: Exercise
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Drafts with a different earlier version, best improvement first.
    pairs: list[CheckedDraft] = field(default_factory=list)
    model_results: list[CheckResult] = field(default_factory=list)

    @property
    def drafts(self) -> list[CheckedDraft]:
        return [draft for entry in self.entries for draft in entry.drafts]

    def by_criterion(self, dimension: str) -> list[CheckedDraft]:
        """Drafts that miss `dimension` first (worst score first), then the others."""
        def key(draft: CheckedDraft) -> tuple[int, int]:
            return (0 if dimension in draft.unmet() else 1, draft.result.smart_score)

        return sorted(self.drafts, key=key)


class ResultCache:
    """Checks each distinct (text, context) once, so a board that rescans every half second
    only checks what is new."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self._results: dict[tuple[str, str, tuple[tuple[str, str], ...]], CheckResult] = {}

    def check(
        self, text: str, state: str, evidence: tuple[tuple[str, str], ...] = ()
    ) -> CheckResult:
        key = (text, state, evidence)
        result = self._results.get(key)
        if result is None:
            context = CheckContext(
                state_under_review=state,
                linked_evidence=[
                    EvidenceRef.model_validate({"kind": kind, "label": label})
                    for kind, label in evidence
                ],
            )
            result = self._results[key] = self.checker.check(text, context)
        return result


def _before(exercise: Exercise, draft: HandInDraft, number: int, *, plain: bool) -> str | None:
    """The 'before' of a draft: its first version, or for a .txt/.docx hand-in (which has no
    history) the exercise's starting draft in the same position."""
    if not plain:
        return draft.first_text()
    if number <= len(exercise.starting_drafts):
        start = exercise.starting_drafts[number - 1]
        return start if start.strip() != draft.text.strip() else None
    return None


def _evidence(draft: HandInDraft) -> tuple[tuple[str, str], ...]:
    return tuple((e.kind, e.label) for e in draft.evidence)


def analyse(
    exercise: Exercise, submissions: Sequence[Submission], checker: Checker | ResultCache
) -> Room:
    cache = checker if isinstance(checker, ResultCache) else ResultCache(checker)
    state = exercise.state
    room = Room(exercise)
    for index, submission in enumerate(submissions):
        label = group_label(index)
        drafts = []
        for number, draft in enumerate(submission.handin.drafts, start=1):
            if not draft.text.strip():
                continue
            evidence = _evidence(draft)
            before = _before(exercise, draft, number, plain=submission.origin != "hand-in")
            drafts.append(
                CheckedDraft(
                    entry_label=label,
                    number=number,
                    text=draft.text,
                    result=cache.check(draft.text, state, evidence),
                    before=before,
                    before_result=cache.check(before, state, evidence) if before else None,
                )
            )
        room.entries.append(Entry(label, submission.handin.participant, submission, tuple(drafts)))
    all_drafts = room.drafts
    for dimension, phrase in PROBLEM_PHRASES.items():
        missing = [d for d in all_drafts if dimension in d.unmet()]
        if missing:
            example = min(missing, key=lambda d: d.result.smart_score)
            room.problems.append(Problem(dimension, phrase, len(missing), len(all_drafts), example))
    room.problems.sort(key=lambda p: -p.count)
    room.pairs = sorted(
        (d for d in all_drafts if d.before_result is not None),
        key=lambda d: (-(d.score_change or 0), -d.result.smart_score),
    )
    room.model_results = [cache.check(m.text, state) for m in exercise.model_answers]
    return room
