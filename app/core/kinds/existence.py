"""`existence`: flag every occurrence of a term or pattern."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import model_validator

from app.core.kinds.base import Run, TextMatch
from app.core.models import Finding


class ExistenceRule(TextMatch):
    kind: Literal["existence"]

    @model_validator(mode="after")
    def _needs_matchers(self) -> ExistenceRule:
        if not self.has_matchers:
            raise ValueError("an existence rule needs `terms` or `patterns`")
        return self

    def check(self, run: Run) -> Iterable[Finding]:
        for start, end in self.matches(run):
            yield self.finding(run.doc, start, end)
