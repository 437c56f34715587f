"""`conditional`: an acronym must be spelled out on first use unless it is well known."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import regex
from pydantic import Field, PrivateAttr

from app.core import patterns as pat
from app.core.kinds.base import PrepareError, Rule, Run
from app.core.models import Finding


class ConditionalRule(Rule):
    kind: Literal["conditional"]
    match: str = r"\b[A-Z][A-Z0-9]{1,}s?\b"
    exceptions: list[str] = Field(default_factory=list)

    _pattern: regex.Pattern[str] | None = PrivateAttr(default=None)
    _exceptions: frozenset[str] = PrivateAttr(default=frozenset())

    def compile(self, macros: Mapping[str, str]) -> None:
        super().compile(macros)
        try:  # acronyms are about capitals, so this pattern is case-sensitive
            self._pattern = pat.compile_pattern(self.match, macros, ignore_case=False)
        except pat.PatternError as exc:
            raise PrepareError(("match",), str(exc)) from None
        self._exceptions = frozenset(self.exceptions)

    def check(self, run: Run) -> Iterable[Finding]:
        assert self._pattern is not None
        text = run.doc.text
        seen: set[str] = set()
        try:
            found = list(pat.finditer(self._pattern, text))
        except TimeoutError:
            return
        for m in found:
            acronym = m.group()
            singular = acronym[:-1] if acronym.endswith("s") else acronym
            if (
                acronym in seen
                or acronym in self._exceptions
                or singular in self._exceptions
                or acronym.upper() in self._exceptions  # "HIV/AIDs"
                or _in_symbol(text, m.start(), m.end())
            ):
                continue
            seen.add(acronym)
            if _defined_here(text, m.start(), m.end()):
                continue
            yield self.finding(run.doc, m.start(), m.end())


def _in_symbol(text: str, start: int, end: int) -> bool:
    """Part of a document symbol such as "CRC/C/ERI/CO/3" or "A/HRC/WG.6": a code, not a word."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return (before in ("-", "/", ".") and start > 1 and text[start - 2].isalnum()) or (
        after in ("-", "/") and text[end + 1 : end + 2].isalnum()
    )


def _defined_here(text: str, start: int, end: int) -> bool:
    """'Full Name (ACR)' or 'ACR (Full Name)' counts as a definition, at the first use or
    anywhere in the draft (an acronym defined once, then used, is fine)."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    if (before.endswith("(") and after.startswith(")")) or after.lstrip().startswith("("):
        return True
    acronym = text[start:end]
    return f"({acronym})" in text or f"({acronym} " in text
