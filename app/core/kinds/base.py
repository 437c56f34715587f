"""What every rule kind shares: identity, presentation, examples, and literal/regex matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from app.core import patterns as pat
from app.core.document import Document
from app.core.models import (
    ActionCategory,
    CheckContext,
    Dimension,
    Finding,
    Readability,
    Replacement,
    Severity,
)
from app.core.prefilter import may_match, required_literals
from app.core.termindex import TermHit, TermIndex

if TYPE_CHECKING:
    from collections.abc import Callable


_ID = r"^[a-z0-9_]+(?:[.-][a-z0-9_]+)+$"


class PrepareError(ValueError):
    """A rule that decoded but cannot be built (bad regex, unknown macro); `loc` points at it."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


_MARK = regex.compile(r"\[\[(.+?)\]\]")


class Examples(BaseModel):
    """`flag` examples may mark the words that must be flagged: "Do not [[mainstream]] it."
    A marked example fails when the rule flags other words, or misses a marked one."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    flag: list[str] = Field(default_factory=list)
    pass_: list[str] = Field(default_factory=list, alias="pass")


def unmark(example: str) -> tuple[str, list[tuple[int, int]]]:
    """The example without `[[ ]]` markers, and the spans the markers enclosed."""
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    position = 0
    length = 0
    for match in _MARK.finditer(example):
        before = example[position : match.start()]
        parts.append(before)
        length += len(before)
        inner = match.group(1)
        spans.append((length, length + len(inner)))
        parts.append(inner)
        length += len(inner)
        position = match.end()
    parts.append(example[position:])
    return "".join(parts), spans


@dataclass
class Run:
    """Everything one check shares between rules; expensive parts are computed lazily."""

    doc: Document
    hits: dict[object, list[TermHit]]
    context: CheckContext
    action: ActionCategory
    _readability: Callable[[], Readability] = field(repr=False, default=lambda: Readability())
    #: Which pattern literals the draft contains (`app.core.prefilter.present`); by default
    #: nothing is screened and every pattern runs.
    _screen: Callable[[], frozenset[str] | None] = field(repr=False, default=lambda: None)

    @cached_property
    def readability(self) -> Readability:
        return self._readability()

    @cached_property
    def literals(self) -> frozenset[str] | None:
        return self._screen()


class Rule(BaseModel):
    """Base of every rule kind. Subclasses add their parameters and implement `check`."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    kind_name: ClassVar[str] = ""
    #: Whether examples are judged by findings (default) or by the kind's own test.
    id: str = Field(pattern=_ID)
    kind: str
    dimension: Dimension
    severity: Severity = "warning"
    message: str
    explanation: str = ""
    link: str | None = None
    enabled: bool = True
    examples: Examples

    _source: Path | None = PrivateAttr(default=None)
    _line: int | None = PrivateAttr(default=None)
    _macros: Mapping[str, str] = PrivateAttr(default_factory=dict)
    #: Per-search regex time limit; None only for the reviewed built-in packs.
    _timeout: float | None = PrivateAttr(default=pat.SEARCH_TIMEOUT_S)

    @property
    def source(self) -> str:
        if self._source is None:
            return "<rules>"
        return f"{self._source}:{self._line}" if self._line else str(self._source)

    def compile(self, macros: Mapping[str, str]) -> None:
        """Build regexes etc.; raise PrepareError with the offending key's location."""
        self._macros = dict(macros)

    def register(self, index: TermIndex) -> None:
        """Add this rule's literal terms to the shared index."""

    def check(self, run: Run) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        *,
        message: str | None = None,
        replacements: Iterable[str] = (),
        explanation: str | None = None,
    ) -> Finding:
        matched = doc.text[start:end]
        text = (message or self.message).replace("{match}", matched)
        replacements = tuple(replacements)
        opening = bool(replacements) and at_sentence_start(doc.text, start)
        return Finding.build(
            rule_id=self.id,
            dimension=self.dimension,
            severity=self.severity,
            start=start,
            end=end,
            message=text,
            explanation=self.explanation if explanation is None else explanation,
            replacements=tuple(
                Replacement.build(
                    start=start, end=end, text=follow_case(matched, r, sentence_start=opening)
                )
                for r in replacements
            ),
            link=self.link,
            matched=matched,
        )


class TextMatch(Rule):
    """A rule that looks for literal `terms` and/or regex `patterns`."""

    terms: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    #: Ignore matches inside quotations and cited legal text (tone rules: a quoted "shall" is
    #: the constitution's wording, not the recommending State's).
    outside_quotes: bool = False

    _compiled: list[regex.Pattern[str]] = PrivateAttr(default_factory=list)
    #: Per compiled pattern, words one of which the draft must contain for it to match.
    _required: list[frozenset[str] | None] = PrivateAttr(default_factory=list)
    _literal: list[str] = PrivateAttr(default_factory=list)

    @field_validator("terms", "patterns")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item.strip():
                raise ValueError("empty term or pattern")
        return value

    def compile(self, macros: Mapping[str, str]) -> None:
        super().compile(macros)
        self._compiled = []
        self._literal = []
        for i, term in enumerate(self.terms):
            if "*" in term:  # `strengthen*` is shorthand for a word-prefix pattern
                self._compiled.append(self._compile_one(wildcard_to_regex(term), ("terms", i)))
            else:
                self._literal.append(term)
        for i, source in enumerate(self.patterns):
            self._compiled.append(self._compile_one(source, ("patterns", i)))
        self._required = [required_literals(c.pattern) for c in self._compiled]

    def _compile_one(self, source: str, loc: tuple[str | int, ...]) -> regex.Pattern[str]:
        try:
            return pat.compile_pattern(_bounded(source), self._macros)
        except pat.PatternError as exc:
            raise PrepareError(loc, str(exc)) from None

    def register(self, index: TermIndex) -> None:
        for term in self._literal:
            index.add(term, self.id)
        for required in self._required:
            if required is not None:
                index.add_pattern_literals(required)

    @property
    def literal_only(self) -> bool:
        """True when the shared term index finds every match (no regex to run)."""
        return not self._compiled

    def any_match(self, run: Run) -> bool:
        """Whether anything matches, stopping at the first hit (requirements need no more)."""
        return self.first_match(run) is not None

    def first_match(self, run: Run) -> tuple[int, int] | None:
        """One matching span (a term hit first, else the first pattern that matches), or None.

        Requirements need no more than one: it is what the "met" verdict quotes as its reason.
        """
        hits = run.hits.get(self.id)
        if hits:
            return hits[0].start, hits[0].end
        private = self.__pydantic_private__ or {}
        found = run.literals
        for compiled, required in zip(private["_compiled"], private["_required"], strict=True):
            if not may_match(required, found):
                continue
            try:
                for m in pat.finditer(compiled, run.doc.text, private["_timeout"]):
                    if m.end() > m.start():
                        return m.span()
            except TimeoutError:
                continue
        return None

    def matches(self, run: Run) -> list[tuple[int, int]]:
        """Non-overlapping match spans from terms and patterns, in text order."""
        spans = [(h.start, h.end) for h in run.hits.get(self.id, ())]
        # read the private list directly: pydantic's attribute hook costs more than the regexes
        private = self.__pydantic_private__ or {}
        timeout = private["_timeout"]
        found = run.literals
        for compiled, required in zip(private["_compiled"], private["_required"], strict=True):
            if not may_match(required, found):
                continue
            try:
                spans.extend(
                    m.span()
                    for m in pat.finditer(compiled, run.doc.text, timeout)
                    if m.end() > m.start()
                )
            except TimeoutError:
                continue  # a runaway pattern is abandoned for this draft, never allowed to hang
        if self.outside_quotes and spans and run.doc.quoted:
            spans = [(s, e) for s, e in spans if not run.doc.in_quote(s, e)]
        return merge_spans(spans)

    @property
    def has_matchers(self) -> bool:
        return bool(self.terms or self.patterns)


def _bounded(source: str) -> str:
    """Patterns match whole words unless the author anchors them otherwise."""
    prefix = "" if source.startswith(("\\b", "^", "(?<")) else r"(?<![\p{L}\p{N}])"
    suffix = "" if source.endswith(("\\b", "$")) else r"(?![\p{L}\p{N}])"
    return f"{prefix}(?:{source}){suffix}"


def wildcard_to_regex(term: str) -> str:
    parts = [regex.escape(p) for p in term.split("*")]
    return r"[\p{L}\p{N}]*".join(parts).replace(r"\ ", r"\s+")


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return merged


def follow_case(original: str, replacement: str, *, sentence_start: bool = False) -> str:
    """Capitalise a replacement where the original was a capitalised word or began a sentence.

    An all-capitals original (an acronym such as "EMB") says nothing about case, so only the
    sentence position decides there.
    """
    if not replacement[:1].islower() or not original[:1].isupper():
        return replacement
    if original.isupper() and len(original) > 1 and not sentence_start:
        return replacement
    return replacement[:1].upper() + replacement[1:]


def at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in ".!?:;"


def describe_fields(model: type[BaseModel]) -> list[str]:
    return sorted(name if not f.alias else f.alias for name, f in model.model_fields.items())
