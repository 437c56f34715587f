"""The environment a benchmark runs SMARTrec in: a user's, not the development checkout's.

Settings, data and caches go to a throw-away folder, so a benchmark never reads or changes the
developer's own. Byte code is written (to that folder, `PYTHONPYCACHEPREFIX`) even where the
shell sets `PYTHONDONTWRITEBYTECODE`: an installed program has compiled byte code, so compiling
SMARTrec's sources at every start would time the development set-up, not the program. The
import floors the figures are compared with are timed in the same environment.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def user_env(folder: Path, **extra: str) -> dict[str, str]:
    """os.environ with SMARTrec's folders under `folder` and byte code cached there."""
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CACHE_HOME=str(folder / "cache"),
        PYTHONPYCACHEPREFIX=str(folder / "pycache"),
        **extra,
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env
