"""Resolve bundled data folders the same way from a source checkout and a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def base_dir() -> Path:
    """The folder holding `rules/` and `resources/`.

    PyInstaller unpacks data beside the executable under `sys._MEIPASS`; from source it is the
    repository root, one level above the `app` package.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def rules_dir() -> Path:
    return base_dir() / "rules"


def resources_dir() -> Path:
    return base_dir() / "resources"


def user_rules_dir() -> Path:
    """Per-user rule folder in the platform's standard config location."""
    from platformdirs import user_config_path

    return user_config_path("SMARTrec", appauthor=False) / "rules"


def user_config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path("SMARTrec", appauthor=False)


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("SMARTrec", appauthor=False)


def exercises_dir() -> Path:
    """Built-in workshop exercises."""
    return resources_dir() / "exercises"


def user_exercises_dir() -> Path:
    """Trainers' own workshop exercises, beside the user rules folder."""
    return user_config_dir() / "exercises"


def user_cache_dir() -> Path:
    """Per-user cache folder (compiled rules, word tables): safe to delete at any time."""
    from platformdirs import user_cache_path

    return user_cache_path("SMARTrec", appauthor=False)
