"""The installer bundle builds from `build.spec` and runs: the self-test and a real check.

Two regressions only a built bundle shows: PyInstaller stripping numpy's OpenBLAS (language
detection then failed to import numpy) and the rule cache looking for PyYAML's source file,
which a bundle keeps in its archive (every rule load failed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_bundle_builds_passes_its_selftest_and_checks_a_draft(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_bundle.py"), "--dist", str(dist),
         "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "selftest passed" in done.stdout
    exe = dist / "smartrec" / ("smartrec.exe" if sys.platform == "win32" else "smartrec")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    checked = subprocess.run(
        [str(exe), "check", "Ensure free and fair elections.", "--no-grammar",
         "--format", "json"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert checked.returncode == 1, checked.stderr  # an error-level finding: exit 1
    assert '"rule_id": "specific.concrete-act"' in checked.stdout
