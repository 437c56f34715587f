"""Regex building blocks and safe compilation for rule patterns.

Rule authors write `{year}` or `{election}` instead of repeating long regexes. Patterns use the
`regex` module so every search can carry a timeout, and each pattern is probed at load time
against inputs known to trigger catastrophic backtracking.
"""

from __future__ import annotations

import time
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
#: Longest pattern after macro expansion: macros that repeat macros grow exponentially.
MAX_EXPANDED_LENGTH = 50_000
MAX_MACRO_DEPTH = 5
#: Nested counted repeats multiply: (?:(?:a{100}){100}){100} compiles for minutes, using GBs.
MAX_REPEAT_PRODUCT = 20_000
#: A pattern slower than this to compile is refused (it would slow every start-up).
MAX_COMPILE_S = 1.0
_QUANTIFIER = regex.compile(r"\{(\d{1,9})(?:,(\d{0,9}))?\}")
#: A sentence with words, capitals, digits and punctuation: no pattern may match empty in it.
_EMPTY_PROBE = "The State should ratify the ICCPR (OP-1) by 31 December 2027, and report."
#: Per-search time limit; a runaway user pattern is abandoned, not allowed to hang the editor.
SEARCH_TIMEOUT_S = 0.05
_PROBE_TIMEOUT_S = 0.02
#: The probe's limit is wall-clock time, so a busy machine can stall a harmless search past it.
#: A timed-out probe is tried once more with this longer limit: backtracking on a probe grows
#: exponentially and still times out, while a stalled harmless search finishes.
_PROBE_RETRY_S = 0.5
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

    size = len(pattern)

    def _sub(match: regex.Match[str]) -> str:
        nonlocal size
        name = match.group(1)
        if name not in macros:
            raise PatternError(f"unknown macro {{{name}}} (known: {', '.join(sorted(macros))})")
        size += len(macros[name]) + 4
        if size > MAX_EXPANDED_LENGTH:  # counted while expanding: never build the huge string
            raise PatternError(
                f"macros expand to more than {MAX_EXPANDED_LENGTH:,} characters; simplify them"
            )
        return f"(?:{macros[name]})"

    for _ in range(MAX_MACRO_DEPTH + 1):  # macros may use macros, a few levels deep
        size = len(pattern)
        expanded = _MACRO_REF.sub(_sub, pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise PatternError(
        f"macros nest more than {MAX_MACRO_DEPTH} levels deep (a macro that refers to itself?)"
    )


def compile_pattern(
    pattern: str, macros: Mapping[str, str], *, ignore_case: bool = True
) -> regex.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    source = expand_macros(pattern, macros)
    if repeat_product(source) > MAX_REPEAT_PRODUCT:
        raise PatternError(
            f"counted repeats nest to more than {MAX_REPEAT_PRODUCT:,} copies "
            "(such as (?:(?:a{100}){100}){100}); the regex would take minutes to compile"
        )
    started = time.perf_counter()
    try:
        compiled = regex.compile(source, FLAGS if ignore_case else regex.UNICODE)
    except regex.error as exc:
        raise PatternError(f"invalid regular expression: {exc}") from None
    took = time.perf_counter() - started
    if took > MAX_COMPILE_S:  # the size checks above keep this rare; it must not recur per load
        raise PatternError(f"pattern took {took:.1f} s to compile (limit {MAX_COMPILE_S:g} s); "
                           "simplify it")
    if compiled.search("") is not None or _probe(compiled, _EMPTY_PROBE, empty_match=True):
        raise PatternError("pattern matches the empty string, so it would flag every draft")
    for probe in (*_PROBES, *_letter_probes(source)):
        _probe(compiled, probe)
    return compiled


def _probe(compiled: regex.Pattern[str], text: str, *, empty_match: bool = False) -> bool:
    """Search a probe under the probe time limit (retried once, longer: see _PROBE_RETRY_S).

    Returns whether an empty match was found when `empty_match` is asked for.
    """
    for limit in (_PROBE_TIMEOUT_S, _PROBE_RETRY_S):
        try:
            if empty_match:
                return any(m.end() == m.start() for m in compiled.finditer(text, timeout=limit))
            compiled.search(text, timeout=limit)
            return False
        except TimeoutError:
            continue
    raise PatternError(
        "pattern backtracks catastrophically (nested repetition such as (a+)+); simplify it"
    )


def repeat_product(source: str) -> int:
    """Largest product of nested counted repeats ({m}, {m,n}) in a regex, in one linear scan."""
    stack = [1]  # per open group: the largest product inside it so far
    worst = 1
    i = 0
    while i < len(source):
        ch = source[i]
        inner = 1
        if ch == "(":
            stack.append(1)
            i += 1
            continue
        if ch == ")" and len(stack) > 1:
            inner = stack.pop()
            i += 1
        elif ch == "\\":
            i += 2
        elif ch == "[":  # skip the class: "[]...]" and escapes inside it
            i += 2 if source[i + 1 : i + 2] == "]" else 1
            while i < len(source) and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
            i += 1
        else:
            i += 1
        found = _QUANTIFIER.match(source, i)
        if found is not None:
            low, high = found.group(1), found.group(2)
            inner *= max(int(high) if high else int(low), 1)
            i = found.end()
        stack[-1] = max(stack[-1], inner)
        worst = max(worst, inner)
    return worst


def _letter_probes(source: str) -> list[str]:
    """Probes built from the pattern's own letters: `(?:q|qq)+z` only backtracks on q's."""
    letters = list(dict.fromkeys(ch for ch in source if ch.isalnum()))[:8]
    probes = [ch * 48 + "\u0000" for ch in letters]
    firsts = letters[:5]
    probes += [(a + b) * 36 + "\u0000" for i, a in enumerate(firsts) for b in firsts[i + 1 :]]
    return probes


def finditer(
    pattern: regex.Pattern[str], text: str, timeout: float | None = SEARCH_TIMEOUT_S
) -> Iterator[regex.Match[str]]:
    """Search with a timeout (raises TimeoutError). Built-in packs, reviewed and probed, pass
    None: the timer costs about a third of a short search, and they are searched thousands of
    times a second in batch runs."""
    return pattern.finditer(text, timeout=timeout)
