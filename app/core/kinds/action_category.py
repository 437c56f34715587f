"""`action_category`: one entry of the UPR Info action-category (McMahon's 1–5) lexicon.

A rule names the verbs that lead a recommendation of its category (a verb may carry particles:
"set up", "put an end") and optionally the objects that must follow ("adopt a law" is specific,
"adopt measures" is general). The reading of a draft against these entries lives in
`app.core.action_estimator`; this module only declares and compiles one entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import regex
from pydantic import Field, PrivateAttr, model_validator

from app.core import patterns as pat
from app.core.kinds.base import PrepareError, Rule, Run, wildcard_to_regex
from app.core.models import Finding


class ActionCategoryRule(Rule):
    kind: Literal["action_category"]
    dimension: Literal["action"] = "action"
    severity: Literal["error", "warning", "suggestion"] = "suggestion"
    category: int = Field(ge=1, le=5)
    verbs: list[str] = Field(default_factory=list)
    objects: list[str] = Field(default_factory=list)
    object_patterns: list[str] = Field(default_factory=list)
    not_objects: list[str] = Field(default_factory=list)
    reason: str = ""
    upgrade: str = ""
    #: The fallback when no known verb leads the draft.
    default: bool = False
    #: Actors other than the State under Review; a draft addressed to one of them ("That the
    #: international community assist...", "To donors: ...") takes this rule whatever its verb.
    subjects: list[str] = Field(default_factory=list)

    _object_re: regex.Pattern[str] | None = PrivateAttr(default=None)
    _not_object_re: regex.Pattern[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _needs_verbs(self) -> ActionCategoryRule:
        if not self.verbs and not self.default and not self.subjects:
            raise ValueError(
                "an action_category rule needs `verbs` (or `subjects`, or `default: true`)"
            )
        return self

    def compile(self, macros: Mapping[str, str]) -> None:
        super().compile(macros)
        sources: list[str] = []
        for i, term in enumerate(self.objects):
            self._check(wildcard_to_regex(term), ("objects", i))
            sources.append(wildcard_to_regex(term))
        # Longest literal first, so that at one position "action plan" beats "action".
        sources.sort(key=len, reverse=True)
        for i, source in enumerate(self.object_patterns):
            self._check(source, ("object_patterns", i))
            sources.append(source)
        self._object_re = self._combined(sources) if sources else None
        nots = []
        for i, term in enumerate(self.not_objects):
            self._check(wildcard_to_regex(term), ("not_objects", i))
            nots.append(wildcard_to_regex(term))
        self._not_object_re = self._combined(nots) if nots else None

    def _check(self, source: str, loc: tuple[str | int, ...]) -> None:
        try:
            pat.compile_pattern(source, self._macros)
        except pat.PatternError as exc:
            raise PrepareError(loc, str(exc)) from None

    def _combined(self, sources: list[str]) -> regex.Pattern[str]:
        body = "|".join(f"(?:{s})" for s in sources)
        try:  # each term passed alone; together they can still exceed the pattern limits
            return pat.compile_pattern(
                r"(?<![\p{L}\p{N}])(?:" + body + r")(?![\p{L}\p{N}])", self._macros
            )
        except pat.PatternError as exc:
            raise PrepareError(("objects",), f"the terms together: {exc}") from None

    @property
    def has_objects(self) -> bool:
        return self._object_re is not None

    def object_position(self, window: str) -> tuple[int, int] | None:
        """(start, -length) of the earliest object in `window`, or None (also when excluded)."""
        if self._not_object_re is not None and search(self._not_object_re, window):
            return None
        if self._object_re is None:
            return None
        match = search(self._object_re, window)
        if match is None:
            return None
        return match.start(), match.start() - match.end()

    def object_fits(self, window: str) -> bool:
        if self._not_object_re is not None and search(self._not_object_re, window):
            return False
        return self._object_re is None or search(self._object_re, window) is not None

    def check(self, run: Run) -> Iterable[Finding]:
        return ()  # the estimator, not each rule, produces the action finding


def search(pattern: regex.Pattern[str], text: str) -> regex.Match[str] | None:
    try:
        return pattern.search(text, timeout=pat.SEARCH_TIMEOUT_S)
    except TimeoutError:
        return None
