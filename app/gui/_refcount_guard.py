"""Work around PySide6 6.12.0 on Python 3.11: every call of a void Qt method drops one
reference to `None` (`label.setText("x")` lowers `sys.getrefcount(None)` by one). Python 3.12+
has an immortal `None`, but on 3.11 the count reaches zero after a few thousand calls and the
interpreter aborts with "none_dealloc: deallocating None".

The real fix is a PySide6 without the bug (6.11.x is fine); until the pin excludes 6.12.0, a
daemon thread keeps `None`'s count far from zero by holding extra references to it (8 bytes each:
16 MB, then a few more over a long session). It is only started on the affected versions.
"""

from __future__ import annotations

import sys
import threading
import time

_LOW = 1_000_000
_HIGH = 2_000_000
_ballast: list[None] = []
_started = False


def affected() -> bool:
    if sys.version_info >= (3, 12):
        return False
    try:
        import PySide6
    except ImportError:
        return False
    return str(getattr(PySide6, "__version__", "")).startswith("6.12.")


def _top_up() -> None:
    count = sys.getrefcount(None)
    if count < _LOW:
        _ballast.extend([None] * (_HIGH - count))


def _watch() -> None:
    while True:
        _top_up()
        time.sleep(0.05)


def install() -> bool:
    """Start the guard once, if this PySide6/Python pair needs it. Returns True when active."""
    global _started
    if _started:
        return True
    if not affected():
        return False
    _started = True
    _top_up()
    threading.Thread(target=_watch, name="smartrec-none-guard", daemon=True).start()
    return True
