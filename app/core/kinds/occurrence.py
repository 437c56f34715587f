"""`occurrence`: too many (or too few) words, sentences or matches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import model_validator

from app.core.kinds.base import Run, TextMatch
from app.core.models import Finding


class OccurrenceRule(TextMatch):
    kind: Literal["occurrence"]
    count: Literal["words", "sentences", "matches"]
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _valid(self) -> OccurrenceRule:
        if self.min is None and self.max is None:
            raise ValueError("an occurrence rule needs `min` or `max`")
        if self.count == "matches" and not self.has_matchers:
            raise ValueError("`count: matches` needs `terms` or `patterns`")
        return self

    def check(self, run: Run) -> Iterable[Finding]:
        doc = run.doc
        body_start, body_end = doc.body_span
        if body_end <= body_start:
            return
        spans: list[tuple[int, int]]
        if self.count == "words":
            spans = [(t.start, t.end) for t in doc.tokens]
        elif self.count == "sentences":
            spans = doc.sentences
        else:
            spans = self.matches(run)
        n = len(spans)
        message = self.message.replace("{count}", str(n))
        if self.max is not None and n > self.max:
            # underline from the first item over the limit to the end of the last one
            yield self.finding(doc, spans[self.max][0], spans[-1][1], message=message)
        elif self.min is not None and n < self.min:
            yield self.finding(doc, body_start, body_end, message=message)
