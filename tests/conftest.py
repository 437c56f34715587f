"""Shared test set-up: headless Qt, and per-session user folders so no test reads real settings."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="smartrec-tests-"))
for _var, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                   ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
    os.environ[_var] = str(_HOME / _sub)

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `libreoffice` skip, saying why, where soffice is not installed."""
    if shutil.which("soffice"):
        return
    skip = pytest.mark.skip(reason="soffice not installed (apt: libreoffice-writer-nogui)")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture()
def cache_dir() -> Path:
    """An empty acceptance-model cache folder and an empty in-memory model cache."""
    from app.acceptance.service import clear_cache
    from app.core.cachefiles import cache_folder

    folder = cache_folder("acceptance")
    shutil.rmtree(folder, ignore_errors=True)
    clear_cache()
    return folder
