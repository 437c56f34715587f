"""Limits on untrusted structured input: JSON nesting, numbers, field sizes, row counts.

Python's parsers recurse per nesting level and turn `1e999` into infinity, so a 2 KB file can
raise `RecursionError` or `OverflowError` deep inside an importer. These checks run first and
turn such input into one clear sentence.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: Longest single draft `smartrec check` accepts: a recommendation is a paragraph, not a book;
#: beyond this a file is almost surely not split into one draft per line.
MAX_DRAFT_CHARS = 100_000
#: Deepest JSON nesting accepted in imports and `.jsonl` drafts (real files use 2 or 3 levels).
MAX_JSON_DEPTH = 32
#: Rows or records one import may hold.
MAX_IMPORT_ROWS = 1_000_000
#: Characters one imported field may hold (a long report paragraph is a few thousand).
MAX_FIELD_CHARS = 100_000
#: Years an evidence item may carry: the UN era, with room for planned deadlines.
YEAR_RANGE = (1945, 2100)
#: UPR sessions and cycles (session 1 was in 2008, about three sessions a year; cycle 4 began 2022).
SESSION_RANGE = (1, 300)
CYCLE_RANGE = (1, 50)
#: Longest whole number (in characters) a JSON file may hold; ids and years need a few.
MAX_NUMBER_DIGITS = 100

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonBoundsError(ValueError):
    """JSON that is invalid or beyond our limits; `str()` is the user-facing reason."""


def json_depth(text: str) -> int:
    """Deepest bracket nesting of `text`, ignoring brackets inside strings (linear time)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise JsonBoundsError(f"{name} is not a number SMARTrec accepts")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonBoundsError(f"the number {text[:30]} is too large")
    return value


def _bounded_json_int(text: str) -> int:
    # Python refuses to convert more than 4,300 digits with a ValueError of its own.
    if len(text) > MAX_NUMBER_DIGITS:
        raise JsonBoundsError(f"the number {text[:30]}... is too large")
    return int(text)


def load_json_bounded(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads` that refuses deep nesting, NaN/Infinity and numbers that overflow."""
    if json_depth(text) > max_depth:
        raise JsonBoundsError(f"nested more than {max_depth} levels deep")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                          parse_int=_bounded_json_int)
    except json.JSONDecodeError as exc:
        raise JsonBoundsError(f"invalid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:  # the pre-scan makes this unreachable; kept as a last line
        raise JsonBoundsError(f"nested more than {max_depth} levels deep") from None


def bounded_int(value: str, what: str, bounds: tuple[int, int] | None = None) -> int:
    """Parse a whole number written as `12`, `12.0` or `1.2e1`, within `bounds` if given."""
    text = value.strip()
    if len(text) > 30:
        raise ValueError(f"{what} '{text[:30]}...' is not a number")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{what} '{text}' is not a whole number")
    result = int(number)
    if bounds is not None and not bounds[0] <= result <= bounds[1]:
        raise ValueError(f"{what} {result} is outside {bounds[0]}-{bounds[1]}")
    return result
