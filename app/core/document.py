"""A draft, tokenised once and shared by every rule (the engine's speed depends on it)."""

from __future__ import annotations

import gc
from bisect import bisect_left
from functools import cached_property
from typing import NamedTuple

import regex

from app.core.prefilter import fold

_TOKEN = regex.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
_SENTENCE_END = regex.compile(
    r"(?<!\b(?:No|no|art|Art|para|paras|e\.g|i\.e|etc|Mr|Ms|Dr|St|vol|p|pp))[.!?]+(?=\s+[\"“(\p{Lu}\d]|\s*$)"
)
_CLAUSE_BREAK = regex.compile(r"[,;:.!?()\n]|\s[-–—]\s")
#: Punctuation that ends the phrase a verb's object can belong to (brackets and quotes too).
_PHRASE_BREAK = regex.compile(r"[,;:.!?()\[\]\"“”]|\s[-–—]\s")
#: Quoted words and cited legal text: a quoted "shall" or "brutal" is the law's or someone
#: else's wording, not the recommending State's tone.
_QUOTED = regex.compile(
    r"\"[^\"\n]{1,600}\"|“[^”\n]{1,600}”|‘[^’\n]{1,600}’|«[^»\n]{1,600}»"
    r"|(?<![\p{L}\p{N}])'[^'\n]{1,600}'(?![\p{L}\p{N}])"
    r"|\b(?:article|section|principle|clause)\s+[\p{N}\p{L}().-]{1,12}[^.;\n]{0,120}?\b"
    r"(?:provides|stipulates|states|reads|says|declares|guarantees)\s+that\b[^.;\n]{0,300}",
    regex.IGNORECASE,
)


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


class Document:
    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def tokens(self) -> list[Token]:
        # Millions of small tuples for a big paste: pausing the cyclic GC (they hold no cycles)
        # keeps tokenising linear instead of paying repeated full collections.
        enabled = gc.isenabled()
        gc.disable()
        try:
            make = tuple.__new__  # NamedTuple's own __new__ is Python code, five times slower
            return [
                make(Token, (m.start(), m.end(), word, word.lower()))
                for m in _TOKEN.finditer(self.text)
                for word in (m.group(),)
            ]
        finally:
            if enabled:
                gc.enable()

    @cached_property
    def lowers(self) -> list[str]:
        return [t.lower for t in self.tokens]

    @cached_property
    def folded(self) -> str:
        """The lowered text the rule patterns' literal prefilters look in."""
        return fold(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans, trimmed of surrounding whitespace."""
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _SENTENCE_END.finditer(self.text):
            spans.append((start, match.end()))
            start = match.end()
        if self.text[start:].strip():
            spans.append((start, len(self.text)))
        return [_trim(self.text, s, e) for s, e in spans if self.text[s:e].strip()]

    @cached_property
    def clauses(self) -> list[tuple[int, int]]:
        """Stretches between punctuation: the unit a reader must hold in mind at once."""
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _CLAUSE_BREAK.finditer(self.text):
            if self.text[start : match.start()].strip():
                spans.append(_trim(self.text, start, match.start()))
            start = match.end()
        if self.text[start:].strip():
            spans.append(_trim(self.text, start, len(self.text)))
        return spans

    @cached_property
    def token_breaks(self) -> list[str]:
        """For each token, the punctuation before it: "," (comma-like), "." (other) or ""."""
        # Punctuation is rare and never inside a token, so find it once in the text and mark
        # the token that follows each mark (faster than slicing every gap between tokens).
        tokens = self.tokens
        out = [""] * len(tokens)
        starts: list[int] | None = None
        for match in _PHRASE_BREAK.finditer(self.text):
            if starts is None:
                starts = [t.start for t in tokens]
            k = bisect_left(starts, match.end())
            if k < len(out) and out[k] != ",":
                out[k] = "," if match.group().strip() in {",", ";", ":"} else "."
        return out

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Spans of quotations and of legal text cited as such ("article 3 provides that...")."""
        try:
            return [m.span() for m in _QUOTED.finditer(self.text, timeout=1.0)]
        except TimeoutError:  # a huge paste: judge it without the quotation exemption
            return []

    def in_quote(self, start: int, end: int) -> bool:
        return any(q_start <= start and end <= q_end for q_start, q_end in self.quoted)

    def word_count(self, start: int, end: int) -> int:
        return sum(1 for t in self.tokens if t.start >= start and t.end <= end)

    @cached_property
    def body_span(self) -> tuple[int, int]:
        """The whole draft without surrounding whitespace (where draft-level findings go)."""
        return _trim(self.text, 0, len(self.text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
