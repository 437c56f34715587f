"""Project storage: one SQLite file per project (drafts, history, ignores, rule overrides).

Qt-free so the CLI, exports and tests can read projects without a GUI.
"""

from __future__ import annotations
