"""`substitution`: flag a phrase and offer plain replacements, applied in one click."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from app.core.kinds.base import Run, TextMatch
from app.core.models import Finding
from app.core.termindex import TermIndex


class SubstitutionRule(TextMatch):
    kind: Literal["substitution"]
    #: phrase -> replacements (a single string is accepted for one replacement)
    swap: dict[str, list[str]] = Field(default_factory=dict)
    #: replacements offered for `patterns` and `terms` matches
    replacements: list[str] = Field(default_factory=list)

    _swap_lower: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @field_validator("swap", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _needs_matchers(self) -> SubstitutionRule:
        if not (self.swap or self.has_matchers):
            raise ValueError("a substitution rule needs `swap`, `terms` or `patterns`")
        return self

    def compile(self, macros: Mapping[str, str]) -> None:
        super().compile(macros)
        self._swap_lower = {" ".join(k.lower().split()): v for k, v in self.swap.items()}

    def register(self, index: TermIndex) -> None:
        super().register(index)
        for phrase in self.swap:
            index.add(phrase, self.id)

    def check(self, run: Run) -> Iterable[Finding]:
        text = run.doc.text
        for start, end in self.matches(run):
            key = " ".join(text[start:end].lower().split())
            offers = self._swap_lower.get(key, self.replacements)
            yield self.finding(run.doc, start, end, replacements=offers)
