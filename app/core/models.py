"""Contracts between the checker and everything that renders it (GUI, CLI, exports).

Pydantic models so that the CLI's JSON, the project file and the GUI all see one shape.
Spans are Python string offsets (code points) into the draft text, end exclusive.
"""

from __future__ import annotations

from typing import Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "suggestion"]
#: "not_applicable": the criterion does not apply to this draft (a "continue" recommendation has
#: no natural deadline; a draft not in English gets no English verdicts). It is left out of the
#: score rather than counted as met, and never shown as "met".
Status = Literal["met", "partly", "not_met", "not_applicable"]
STATUSES: tuple[str, ...] = get_args(Status)
#: The rubric's overall class: strong = every SMART verdict met; weak = no concrete act or no
#: verifiable output; adequate = in between (typically a concrete act without a deadline).
Overall = Literal["strong", "adequate", "weak", "unchecked"]
#: How each overall class reads in a sentence ("SMART score 0/100, not checked").
OVERALL_LABELS: dict[str, str] = {
    "strong": "strong",
    "adequate": "adequate",
    "weak": "weak",
    "unchecked": "not checked",
}
#: The verdicts the rubric's overall class is built from.
OVERALL_DIMENSIONS: tuple[str, ...] = ("specific", "measurable", "time_bound", "jargon", "tone")

Dimension = Literal[
    # scored, in scorecard order
    "specific", "measurable", "attainable", "relevant", "time_bound", "jargon", "tone",
    # findings and underlines only
    "readability", "grammar", "spelling", "action", "language",
]  # fmt: skip
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
#: Dimensions that make up the SMART score, in scorecard order.
SCORED_DIMENSIONS: tuple[str, ...] = DIMENSIONS[:7]
#: Dimensions that produce findings and underlines but do not change the SMART score.
UNSCORED_DIMENSIONS: tuple[str, ...] = DIMENSIONS[7:]

DIMENSION_LABELS: dict[str, str] = {
    "specific": "Specific",
    "measurable": "Measurable",
    "attainable": "Attainable",
    "relevant": "Relevant",
    "time_bound": "Time-bound",
    "jargon": "Plain language",
    "tone": "Advisory tone",
    "readability": "Readability",
    "grammar": "Grammar",
    "spelling": "Spelling",
    "action": "Action category",
    "language": "Language",
}

#: Weight of each scored dimension in the 0-100 SMART score (sums to 100). The act, its output
#: and its deadline carry most of it: they are what separates the rubric's strong, adequate and
#: weak recommendations.
SCORE_WEIGHTS: dict[str, int] = {
    "specific": 25,
    "measurable": 20,
    "attainable": 5,
    "relevant": 5,
    "time_bound": 25,
    "jargon": 10,
    "tone": 10,
}

SEVERITY_RANK: dict[str, int] = {"suggestion": 0, "warning": 1, "error": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def build(cls, **values: Any) -> Self:
        """Construct without validation: the engine's hot path, where values are already checked.

        About four times faster than `model_construct`, which matters at thousands of findings
        per second; defaults are filled in the same way.
        """
        defaults = _DEFAULTS.get(cls)
        if defaults is None:
            defaults = _DEFAULTS[cls] = {
                name: field.get_default(call_default_factory=True)
                for name, field in cls.model_fields.items()
                if not field.is_required()
            }
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", {**defaults, **values})
        object.__setattr__(obj, "__pydantic_fields_set__", set(values))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}


class Replacement(_Frozen):
    """Replace text[start:end] with `text`; one click in the GUI."""

    start: int
    end: int
    text: str


class Finding(_Frozen):
    rule_id: str
    dimension: str
    severity: Severity
    start: int
    end: int
    message: str
    explanation: str = ""
    replacements: tuple[Replacement, ...] = ()
    link: str | None = None
    #: The draft text the finding covers; "Ignore here" keys on (rule_id, matched).
    matched: str = ""


class DimensionStatus(_Frozen):
    dimension: str
    status: Status
    reason: str


class ActionCategory(_Frozen):
    category: int = Field(ge=1, le=5)
    reason: str
    #: What would move the draft up a category (empty at category 5).
    upgrade: str = ""
    verb: str = ""
    rule_id: str = ""


class Readability(_Frozen):
    words: int = 0
    sentences: int = 0
    longest_clause_words: int = 0
    longest_clause: tuple[int, int] = (0, 0)
    flesch_reading_ease: float = 0.0
    grade_level: float = 0.0
    passives: int = 0
    nominalisations: int = 0
    #: The longest run of nouns and adjectives with no verb or preposition between them
    #: ("human rights defenders protection mechanism"): a reader has to untangle it.
    longest_noun_chain: int = 0
    noun_chain: tuple[int, int] = (0, 0)


class ThemeSuggestion(_Frozen):
    issue: str
    score: float
    reason: str


class EvidenceRef(_Frozen):
    """Evidence linked to a draft, as the checker needs it to judge relevance."""

    kind: Literal["finding", "commitment", "precedent", "other"]
    label: str


class Precedent(_Frozen):
    """A prior recommendation to the same State that closely matches the draft."""

    text: str
    recommending_state: str = ""
    cycle: str = ""
    session: str = ""
    response: str = ""
    similarity: float = 0.0
    evidence_id: int | None = None


class CheckContext(BaseModel):
    """What the checker may know beyond the text: links, ignores, the State under Review."""

    model_config = ConfigDict(extra="forbid")

    state_under_review: str = ""
    linked_evidence: list[EvidenceRef] = Field(default_factory=list)
    precedents: list[Precedent] = Field(default_factory=list)
    #: (rule_id, matched text) pairs the user chose to ignore in this draft.
    ignored: set[tuple[str, str]] = Field(default_factory=set)
    #: Extra theme votes, e.g. from similar precedents: issue -> (score, reason).
    theme_votes: dict[str, tuple[float, str]] = Field(default_factory=dict)


class CheckResult(_Frozen):
    text_length: int
    findings: tuple[Finding, ...]
    dimensions: tuple[DimensionStatus, ...]
    smart_score: int = Field(ge=0, le=100)
    overall: Overall
    action_category: ActionCategory
    readability: Readability
    themes: tuple[ThemeSuggestion, ...]
    precedents: tuple[Precedent, ...] = ()
    elapsed_ms: float = 0.0

    def dimension(self, name: str) -> DimensionStatus | None:
        for status in self.dimensions:
            if status.dimension == name:
                return status
        return None

    def scores(self) -> dict[str, str]:
        return {d.dimension: d.status for d in self.dimensions}


def overall_class(statuses: dict[str, str], *, empty: bool = False) -> Overall:
    """The rubric's overall class from the dimension verdicts (one definition for every screen).

    When no criterion could be judged at all (a draft the English rules cannot read), the class
    is "unchecked": calling it weak would be a verdict the checker never reached.
    """
    unjudged = all(statuses.get(d) == "not_applicable" for d in SCORED_DIMENSIONS)
    if not empty and statuses and unjudged:
        return "unchecked"
    if empty or statuses.get("specific") != "met" or statuses.get("measurable") != "met":
        return "weak"
    if all(statuses.get(d) == "met" for d in OVERALL_DIMENSIONS):
        return "strong"
    return "adequate"


class RuleOverride(BaseModel):
    """A per-project or per-user change to one rule, applied after all packs load."""

    model_config = ConfigDict(extra="forbid")

    rule_id: str
    enabled: bool | None = None
    severity: Severity | None = None
    add_terms: list[str] = Field(default_factory=list)
