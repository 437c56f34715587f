"""`app.gui.main.run` as the `smartrec` command runs it: first start creates the sample project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.storage.project import Project

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    code = ("import sys; from app.gui.main import run; "
            f"sys.exit(run({['--quit-after-shown', '--no-user-rules', *args]!r}))")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_first_run_creates_and_opens_the_sample_then_reopens_it(tmp_path: Path) -> None:
    out = _run(tmp_path)
    assert out.returncode == 0, out.stderr
    assert "SMARTREC_SHOWN" in out.stdout and "SMARTREC_CHECKED" in out.stdout
    sample = tmp_path / "data" / "SMARTrec" / "Sample project.smartrec"
    assert sample.exists()
    project = Project.open(sample)
    try:
        drafts = project.drafts()
        assert len(drafts) >= 3
        # The window scored the drafts for their badges.
        assert any(d.score is not None for d in drafts)
    finally:
        project.close()
    settings = (tmp_path / "config" / "SMARTrec" / "window.ini").read_text(encoding="utf-8")
    assert "Sample project.smartrec" in settings
    again = _run(tmp_path)
    assert again.returncode == 0, again.stderr


def test_project_argument_that_is_not_a_project_keeps_the_app_alive(tmp_path: Path) -> None:
    bad = tmp_path / "notes.smartrec"
    bad.write_text("not a database", encoding="utf-8")
    env_args = [str(bad)]
    # The message box would block; run() reports through QMessageBox, so stub it out.
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QMessageBox\n"
        "QMessageBox.critical = staticmethod(lambda *a, **k: print('CRITICAL', a[2]))\n"
        "from app.gui.main import run\n"
        f"sys.exit(run(['--quit-after-shown', '--no-user-rules', {env_args[0]!r}]))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "CRITICAL" in out.stdout and "notes.smartrec" in out.stdout
    assert bad.read_text(encoding="utf-8") == "not a database"


def test_first_verdict_comes_before_spelling_evidence_and_languagetool(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python runs one thread at a time: the dictionary, LanguageTool and evidence look-ups
    start only once the first verdict is shown, then all of them follow."""
    from app.gui.main import start

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    startup = start(["--no-user-rules"])
    qtbot.addWidget(startup.window)
    at_verdict: list[tuple[bool, bool, str]] = []

    def painted() -> None:  # runs after start's own handler: the controller (and the window's
        ctl = startup.controller  # evidence panel) exist
        assert ctl is not None
        ctl.checks.result_ready.connect(lambda *_a: at_verdict.append(
            (ctl.grammar.started, ctl.grammar.spelling is not None,
             startup.window.evidence.status.text())))

    startup.window.first_painted.connect(painted)
    qtbot.waitUntil(lambda: bool(at_verdict), timeout=30_000)
    assert at_verdict[0] == (False, False, "")
    ctl = startup.controller
    assert ctl is not None
    evidence = startup.window.evidence
    qtbot.waitUntil(lambda: ctl.grammar.started and ctl.grammar.spelling is not None
                    and evidence.status.text() not in ("", "Searching…"), timeout=30_000)
    assert evidence.hits  # the sample project's own evidence, suggested for its first draft
