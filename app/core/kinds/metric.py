"""`metric`: readability thresholds (length, longest clause, Flesch, grade, passives...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import model_validator

from app.core.kinds.base import Rule, Run
from app.core.models import Finding
from app.core.readability import nominalisation_spans, passive_spans

Metric = Literal[
    "words",
    "longest_clause",
    "flesch_reading_ease",
    "grade_level",
    "passives",
    "nominalisations",
    "noun_chain",
]


class MetricRule(Rule):
    kind: Literal["metric"]
    metric: Metric
    min: float | None = None
    max: float | None = None
    #: Judge only drafts at least this long: a reading-ease formula says nothing about one
    #: short sentence.
    min_words: int = 0

    @model_validator(mode="after")
    def _bounds(self) -> MetricRule:
        if self.min is None and self.max is None:
            raise ValueError("a metric rule needs `min` or `max`")
        return self

    def check(self, run: Run) -> Iterable[Finding]:
        doc = run.doc
        if not doc.tokens:
            return
        figures = run.readability
        if figures.words < self.min_words:
            return
        value: float = {
            "words": figures.words,
            "longest_clause": figures.longest_clause_words,
            "flesch_reading_ease": figures.flesch_reading_ease,
            "grade_level": figures.grade_level,
            "passives": figures.passives,
            "nominalisations": figures.nominalisations,
            "noun_chain": figures.longest_noun_chain,
        }[self.metric]
        too_high = self.max is not None and value > self.max
        too_low = self.min is not None and value < self.min
        if not (too_high or too_low):
            return
        shown = f"{value:g}"
        message = self.message.replace("{value}", shown)
        if self.metric in ("longest_clause", "noun_chain"):
            start, end = (
                figures.longest_clause if self.metric == "longest_clause" else figures.noun_chain
            )
            yield self.finding(doc, start, end, message=message)
        elif self.metric == "passives":
            for start, end in passive_spans(doc):
                yield self.finding(doc, start, end, message=message)
        elif self.metric == "nominalisations":
            for start, end, _noun in nominalisation_spans(doc):
                yield self.finding(doc, start, end, message=message)
        else:
            start, end = doc.body_span
            yield self.finding(doc, start, end, message=message)
