"""SMARTrec: an offline drafting assistant for S.M.A.R.T. UPR recommendations."""

from __future__ import annotations

import functools

__all__ = ["__version__"]


@functools.cache
def _version() -> str:
    """The installed distribution is the single source of the version (read on first use:
    importing `importlib.metadata` costs more than the rest of a one-draft check's start-up)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("smartrec")
    except PackageNotFoundError:  # running from a PyInstaller bundle or a bare checkout
        return "0.1.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
