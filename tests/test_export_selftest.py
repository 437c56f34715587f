"""`smartrec --selftest` (what the bundle runs) and the packaging files that drive it."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_selftest_passes_headless() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the selftest must pick offscreen by itself
    done = subprocess.run(
        [sys.executable, "-m", "app", "--selftest"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "selftest passed"
    for step in ("rules", "project", "check", "Word export", "Qt PDF", "GUI modules"):
        assert any(line.startswith(f"ok   {step}:") for line in lines), step
    assert "offscreen" in done.stdout


def test_selftest_reports_a_failure(tmp_path: Path) -> None:
    """A broken rules folder must make the selftest fail loudly, not pass quietly."""
    code = (
        "import app.paths, pathlib, sys\n"
        f"app.paths.rules_dir = lambda: pathlib.Path({str(tmp_path)!r})\n"
        "from app.selftest import run_selftest\n"
        "sys.exit(run_selftest())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 1
    assert "FAIL data folders" in done.stdout and "selftest FAILED" in done.stdout


def test_build_spec_is_valid_python_and_reads_the_version() -> None:
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    tree = ast.parse(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert {"Analysis", "EXE", "COLLECT", "tomllib"} <= names
    assert "collect_all" not in source, "collect_all('PySide6') would bundle every Qt module"
    assert '"rules"' in source and '"resources"' in source


def test_build_spec_excludes_no_runtime_dependency() -> None:
    """The bundle once left numpy out, which language detection and the acceptance outlook
    import: every package a core dependency provides must stay in."""
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    tree = ast.parse(source)
    excluded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "PY_EXCLUDES" for t in node.targets
        ):
            excluded = {ast.literal_eval(e) for e in node.value.elts}  # type: ignore[attr-defined]
    assert "tkinter" in excluded
    with open(ROOT / "pyproject.toml", "rb") as handle:
        requirements = tomllib.load(handle)["project"]["dependencies"]
    wanted = {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower() for r in requirements}
    provided = {
        module
        for module, dists in importlib.metadata.packages_distributions().items()
        if any(d.lower() in wanted for d in dists)
    }
    assert {"numpy", "ahocorasick", "regex"} <= provided
    assert not excluded & provided
