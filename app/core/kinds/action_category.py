"""`action_category`: estimate the UPR Info action category (McMahon's 1–5 scale).

A recommendation's category follows from the action it leads with: its first main verb (after
"To", "continue to" and adverbs) and, where the verb alone is ambiguous, the object that follows
("adopt a law" is specific, "adopt measures" is general). Each rule names verbs, optionally
objects; rules with a matching object win over verb-only rules, and the estimate always comes
with the rule's reason and what would move the draft up a category.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import regex
from pydantic import Field, PrivateAttr, model_validator

from app.core import patterns as pat
from app.core.document import Document
from app.core.kinds.base import PrepareError, Rule, Run, wildcard_to_regex
from app.core.models import ActionCategory, Finding
from app.core.verbs import LEAD_FILLERS, lemma

#: How many tokens from the start the leading verb may be found in.
LEAD_WINDOW = 10
#: How many tokens after the verb its object may appear in.
OBJECT_WINDOW = 14


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

    _objects: list[regex.Pattern[str]] = PrivateAttr(default_factory=list)
    _not_objects: list[regex.Pattern[str]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _needs_verbs(self) -> ActionCategoryRule:
        if not self.verbs and not self.default:
            raise ValueError("an action_category rule needs `verbs` (or `default: true`)")
        return self

    def compile(self, macros: Mapping[str, str]) -> None:
        super().compile(macros)
        self._objects = [
            self._pattern(wildcard_to_regex(t), ("objects", i)) for i, t in enumerate(self.objects)
        ]
        self._objects += [
            self._pattern(p, ("object_patterns", i)) for i, p in enumerate(self.object_patterns)
        ]
        self._not_objects = [
            self._pattern(wildcard_to_regex(t), ("not_objects", i))
            for i, t in enumerate(self.not_objects)
        ]

    def _pattern(self, source: str, loc: tuple[str | int, ...]) -> regex.Pattern[str]:
        try:
            return pat.compile_pattern(
                r"(?<![\p{L}\p{N}])(?:" + source + r")(?![\p{L}\p{N}])", self._macros
            )
        except pat.PatternError as exc:
            raise PrepareError(loc, str(exc)) from None

    @property
    def has_objects(self) -> bool:
        return bool(self._objects)

    def object_fits(self, window: str) -> bool:
        if any(_search(p, window) for p in self._not_objects):
            return False
        return not self._objects or any(_search(p, window) for p in self._objects)

    def check(self, run: Run) -> Iterable[Finding]:
        return ()  # the estimator, not each rule, produces the action finding


def _search(pattern: regex.Pattern[str], text: str) -> bool:
    try:
        return pattern.search(text, timeout=pat.SEARCH_TIMEOUT_S) is not None
    except TimeoutError:
        return False


class ActionEstimator:
    """Chooses one action_category rule for a draft."""

    def __init__(self, rules: Sequence[ActionCategoryRule]) -> None:
        self.rules = [r for r in rules if r.enabled]
        self.by_verb: dict[str, list[ActionCategoryRule]] = {}
        for rule in self.rules:
            for verb in rule.verbs:
                self.by_verb.setdefault(verb.lower(), []).append(rule)
        self.vocabulary = frozenset(self.by_verb)
        defaults = [r for r in self.rules if r.default]
        self.default = defaults[-1] if defaults else None

    def estimate(self, doc: Document) -> tuple[ActionCategory, tuple[int, int] | None]:
        tokens = doc.tokens
        for i, token in enumerate(tokens[:LEAD_WINDOW]):
            verb = lemma(token.lower, self.vocabulary)
            if verb is None:
                if token.lower in LEAD_FILLERS or token.text[:1].isdigit():
                    continue
                continue
            end_index = min(len(tokens), i + 1 + OBJECT_WINDOW)
            window = doc.text[token.end : tokens[end_index - 1].end] if end_index > i + 1 else ""
            rule = self._choose(self.by_verb[verb], window)
            if rule is None:
                continue
            return self._result(rule, token.text), (token.start, token.end)
        if self.default is not None:
            return self._result(self.default, ""), None
        return (
            ActionCategory.model_construct(
                category=4,
                reason="No recognised action verb leads the draft.",
                upgrade="Start with a concrete action verb such as adopt, amend or ratify.",
                verb="",
                rule_id="",
            ),
            None,
        )

    @staticmethod
    def _choose(rules: list[ActionCategoryRule], window: str) -> ActionCategoryRule | None:
        with_objects = [r for r in rules if r.has_objects and r.object_fits(window)]
        if with_objects:
            return with_objects[-1]
        plain = [r for r in rules if not r.has_objects and r.object_fits(window)]
        return plain[-1] if plain else None

    @staticmethod
    def _result(rule: ActionCategoryRule, verb: str) -> ActionCategory:
        return ActionCategory.model_construct(
            category=rule.category,
            reason=(rule.reason or rule.message).replace("{verb}", verb.lower()),
            upgrade=rule.upgrade.replace("{verb}", verb.lower()),
            verb=verb,
            rule_id=rule.id,
        )
