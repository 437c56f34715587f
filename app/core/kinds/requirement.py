"""`requirement`: the draft must contain one of these (a deadline, an indicator), else a finding."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field, model_validator

from app.core.kinds.base import Run, TextMatch
from app.core.models import Finding


class RequirementRule(TextMatch):
    kind: Literal["requirement"]
    #: Skip the requirement for these action categories (e.g. a deadline for "continue").
    unless_category: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _needs_matchers(self) -> RequirementRule:
        if not self.has_matchers:
            raise ValueError("a requirement rule needs `terms` or `patterns`")
        return self

    def check(self, run: Run) -> Iterable[Finding]:
        start, end = run.doc.body_span
        if end <= start or run.action.category in self.unless_category:
            return
        if not self.any_match(run):
            yield self.finding(run.doc, start, end, message=self.message.replace("{match}", ""))
