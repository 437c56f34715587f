"""SMARTrec: an offline drafting assistant for S.M.A.R.T. UPR recommendations."""

from __future__ import annotations

__all__ = ["__version__"]

try:  # the installed distribution is the single source of the version
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("smartrec")
except PackageNotFoundError:  # running from a PyInstaller bundle or a bare checkout
    __version__ = "0.1.0"
