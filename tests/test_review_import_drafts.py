"""`smartrec import-drafts`: the recommendations of a Word file become project drafts, in order,
with the heading (or the table's theme column) above them as theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from doubles.word_docs import SHORT, with_a_long_numbered_paragraph

from app.cli import main
from app.review.sample import LISTED, TABLED, THEMES, build_sample_document
from app.storage.models import ProjectMeta
from app.storage.project import Project


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    return build_sample_document(tmp_path / "drafts.docx")


def _drafts(project: Path) -> list[tuple[str, str]]:
    with Project.open(project, read_only=True) as opened:
        return [(d.text, d.theme) for d in opened.drafts()]


def test_imports_every_recommendation_in_order_with_themes(source: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    project = tmp_path / "new.smartrec"
    assert main(["import-drafts", str(source), str(project)]) == 0
    assert "Imported 15 drafts" in capsys.readouterr().out
    expected = [(text, THEMES[0]) for text in LISTED] + list(TABLED)
    assert _drafts(project) == expected


def test_list_previews_and_pick_chooses(source: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "existing.smartrec"
    with Project.create(project, ProjectMeta(state_under_review="Freedonia")) as created:
        created.add_draft(text="An earlier draft stays first.")
    assert main(["import-drafts", str(source), str(project), "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 15
    assert listing[11].split()[0] == "12" and TABLED[1][0] in listing[11]
    assert _drafts(project) == [("An earlier draft stays first.", "")]
    assert main(["import-drafts", str(source), str(project), "--pick", "12,2-3"]) == 0
    assert [text for text, _ in _drafts(project)] == [
        "An earlier draft stays first.", LISTED[1], LISTED[2], TABLED[1][0]]


@pytest.mark.parametrize("pick", ["0", "16", "3-1", "two"])
def test_bad_pick_imports_nothing(source: Path, tmp_path: Path, pick: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.smartrec"
    assert main(["import-drafts", str(source), str(project), "--pick", pick]) == 2
    assert "--pick" in capsys.readouterr().err
    assert not project.exists()


def test_locked_project_is_refused(source: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "busy.smartrec"
    with Project.create(project, ProjectMeta()):
        assert main(["import-drafts", str(source), str(project)]) == 2
    err = capsys.readouterr().err
    assert "busy.smartrec" in err and "\n" not in err.strip()
    assert _drafts(project) == []


def test_a_numbered_paragraph_too_long_to_be_a_recommendation_is_named_not_dropped_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = with_a_long_numbered_paragraph(tmp_path / "long.docx")
    project = tmp_path / "new.smartrec"
    assert main(["import-drafts", str(source), str(project)]) == 0
    out, err = capsys.readouterr()
    assert "Imported 1 drafts" in out
    assert err == (f"smartrec import-drafts: {source}: 1 numbered paragraph longer than 3,000 "
                   "characters left out as report text, not one recommendation (paragraph 2)\n")
    assert _drafts(project) == [(SHORT, "")]
