"""Convert between the engine's offsets (Python code points) and Qt's (UTF-16 code units).

They differ only after a character outside the Basic Multilingual Plane (emoji, some scripts), so
the common case is an identity map that costs nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_ASTRAL = re.compile(r"[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Maps Python string offsets to QTextDocument positions and back for one text."""

    def __init__(self, text: str) -> None:
        # Python offsets of astral characters; each adds one extra UTF-16 unit after it.
        self._astral: list[int] = (
            [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        )
        self._astral_qt = [pos + i for i, pos in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        if not self._astral:
            return offset
        return offset + bisect_right(self._astral, offset - 1)

    def to_py(self, position: int) -> int:
        if not self._astral:
            return position
        return position - bisect_right(self._astral_qt, position - 1)
