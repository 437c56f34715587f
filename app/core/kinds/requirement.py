"""`requirement`: the draft must contain one of these (a deadline, an indicator), else a finding."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field, model_validator

from app.core.kinds.base import Run, TextMatch
from app.core.models import Finding


class RequirementRule(TextMatch):
    kind: Literal["requirement"]
    #: For these action categories a missing match means "not applicable", not "not met" (a
    #: "continue" recommendation has no natural deadline); a match still counts as met.
    unless_category: list[int] = Field(default_factory=list)
    #: Ids of other requirement rules whose match also meets this one: a concrete act (Specific)
    #: is itself a verifiable output (Measurable), so the act need not be listed twice.
    also_met_by: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _needs_matchers(self) -> RequirementRule:
        if not self.has_matchers:
            raise ValueError("a requirement rule needs `terms` or `patterns`")
        return self

    def check(self, run: Run) -> Iterable[Finding]:
        """This rule alone; the engine decides requirements together (`also_met_by`) and keeps
        what met them for the verdict's reason."""
        start, end = run.doc.body_span
        if end <= start or self.first_match(run) is not None or not self.applies(run):
            return
        yield self.missing(run)

    def applies(self, run: Run) -> bool:
        """False for the exempt action categories: there the criterion is "not applicable"."""
        return run.action.category not in self.unless_category

    def missing(self, run: Run) -> Finding:
        """The finding that says what is missing, over the whole draft."""
        start, end = run.doc.body_span
        return self.finding(run.doc, start, end, message=self.message.replace("{match}", ""))
