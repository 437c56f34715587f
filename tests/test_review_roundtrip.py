"""Round trip: SMARTrec's own Word list export can be reviewed and imported back as drafts."""

from __future__ import annotations

from pathlib import Path

from doubles.export_sample import sample_export_project

from app.cli import main
from app.export import export_document
from app.storage.project import Project


def test_exported_list_is_reviewed_and_imported_back(tmp_path: Path) -> None:
    data = sample_export_project()
    exported = tmp_path / "list.docx"
    export_document(data, "docx", "list", exported)
    assert main(["review", str(exported), "-o", str(tmp_path / "reviewed.docx"),
                 "--no-user-rules", "--no-spelling"]) == 0
    project = tmp_path / "back.smartrec"
    assert main(["import-drafts", str(tmp_path / "reviewed.docx"), str(project)]) == 0
    with Project.open(project, read_only=True) as opened:
        back = sorted((d.text, d.theme) for d in opened.drafts())
    assert back == sorted((d.text, d.theme) for d in data.drafts)
