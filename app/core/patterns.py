"""Regex building blocks and safe compilation for rule patterns.

Rule authors write `{year}` or `{election}` instead of repeating long regexes. Patterns use the
`regex` module so every search can carry a timeout, and each pattern is probed at load time
against inputs known to trigger catastrophic backtracking.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import regex

#: Built-in macros available to every pack; a pack's own `macros:` may add or override them.
BUILTIN_MACROS: dict[str, str] = {
    "year": r"(?:19|20)\d\d",
    "month": (
        r"(?:January|February|March|April|May|June|July|August|September|October|"
        r"November|December)"
    ),
    "number": r"(?:\d+(?:[.,]\d+)*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|eighteen|twenty|twenty-four|thirty|thirty-six|forty|fifty|sixty|hundred)",
    "election": r"(?:(?:general|presidential|parliamentary|legislative|local|municipal|"
    r"national|regional|county|provincial|by-?)\s+)?(?:elections?|polls?|referend(?:um|a)|"
    r"ballots?|vote)",
    "period": r"(?:days?|weeks?|months?|years?)",
}

MAX_PATTERN_LENGTH = 2_000
#: Per-search time limit; a runaway user pattern is abandoned, not allowed to hang the editor.
SEARCH_TIMEOUT_S = 0.05
_PROBE_TIMEOUT_S = 0.02
_PROBES = (
    "a" * 64 + "!",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + "\u0000",
    "1" * 64 + "x",
    " " * 64 + "x",
    "ab" * 48 + "!",
    "election " * 16 + "!",
)

_MACRO_REF = regex.compile(r"\{([a-z_][a-z0-9_]*)\}")
FLAGS = regex.IGNORECASE | regex.UNICODE


class PatternError(ValueError):
    pass


def expand_macros(pattern: str, macros: Mapping[str, str]) -> str:
    """Replace `{name}` with `(?:macro)`; unknown names are errors, `{2,3}` is left alone."""

    def _sub(match: regex.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise PatternError(f"unknown macro {{{name}}} (known: {', '.join(sorted(macros))})")
        return f"(?:{macros[name]})"

    for _ in range(5):  # macros may use macros, a few levels deep
        expanded = _MACRO_REF.sub(_sub, pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise PatternError("macros nest too deeply (a macro that refers to itself?)")


def compile_pattern(
    pattern: str, macros: Mapping[str, str], *, ignore_case: bool = True
) -> regex.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    source = expand_macros(pattern, macros)
    try:
        compiled = regex.compile(source, FLAGS if ignore_case else regex.UNICODE)
    except regex.error as exc:
        raise PatternError(f"invalid regular expression: {exc}") from None
    empty = compiled.search("")
    if empty is not None and all(m.end() == m.start() for m in compiled.finditer("xyz")):
        raise PatternError("pattern matches the empty string, so it would flag every draft")
    for probe in _PROBES:
        try:
            compiled.search(probe, timeout=_PROBE_TIMEOUT_S)
        except TimeoutError:
            raise PatternError(
                "pattern backtracks catastrophically (nested repetition such as (a+)+); simplify it"
            ) from None
    return compiled


def finditer(
    pattern: regex.Pattern[str], text: str, timeout: float | None = SEARCH_TIMEOUT_S
) -> Iterator[regex.Match[str]]:
    """Search with a timeout (raises TimeoutError). Built-in packs, reviewed and probed, pass
    None: the timer costs about a third of a short search, and they are searched thousands of
    times a second in batch runs."""
    return pattern.finditer(text, timeout=timeout)
