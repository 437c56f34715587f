"""First-run sample project and the Qt-free import rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.storage.project import Project
from app.storage.sample import create_sample_project, load_sample_spec

REPO = Path(__file__).resolve().parent.parent


def test_sample_project_builds_and_reopens(tmp_path: Path) -> None:
    spec = load_sample_spec()
    p = create_sample_project(tmp_path / "sample.smartrec")
    drafts = p.drafts()
    p.close()
    assert spec.meta.state_under_review == "Kenya" and spec.meta.cycle == "4"
    assert 6 <= len(drafts) <= 12
    themes = {d.theme for d in drafts}
    assert len(themes) == 3
    expected = [(t.name, d.text) for t in spec.themes for d in t.drafts]
    assert [(d.theme, d.text) for d in drafts] == expected
    assert all(d.notes.startswith("Priority: ") for d in drafts)
    assert any(d.status == "final" for d in drafts)
    assert any(d.text.strip() == "Ensure free and fair elections." for d in drafts)
    assert any("2027" in d.text for d in drafts)
    p = Project.open(tmp_path / "sample.smartrec")
    assert p.meta.state_under_review == "Kenya"
    assert len(p.drafts()) == len(drafts)
    p.close()


def test_storage_imports_without_qt() -> None:
    code = (
        "import sys, app.storage.project, app.storage.sample, app.storage.lock;"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=120)
