"""Evidence panel and import dialog, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.evidence.reference import load_reference
from app.evidence.store import count_items
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui

DRAFT = "Publish the results form of every polling station within 48 hours."


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.create(tmp_path / "p.smartrec", ProjectMeta(state_under_review="Kenya"))
    load_reference(p, state="Kenya", findings=True)
    yield p
    p.close()


def _row_button(widget_list: Any, row: int) -> Any:
    return widget_list.itemWidget(widget_list.item(row)).button


def test_panel_suggests_links_and_unlinks(qtbot: Any, project: Project) -> None:
    from app.gui.evidence_panel import EvidencePanel

    draft = project.add_draft(text=DRAFT)
    panel = EvidencePanel()
    qtbot.addWidget(panel)
    panel.set_project(project)
    with qtbot.waitSignal(panel.results_ready, timeout=10_000):
        panel.set_draft(draft.id, DRAFT)
    assert panel.results_list.count() > 0
    assert "polling" in panel.hits[0].item.text.lower()
    assert panel.linked_list.count() == 0
    button = _row_button(panel.results_list, 0)
    assert button.text() == "Link"
    with qtbot.waitSignal(panel.links_changed, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(project.evidence_links(draft.id)) == 1
    assert panel.linked_list.count() == 1
    assert _row_button(panel.results_list, 0).text() == "Unlink"
    with qtbot.waitSignal(panel.links_changed, timeout=5000):
        qtbot.mouseClick(_row_button(panel.linked_list, 0), Qt.MouseButton.LeftButton)
    assert project.evidence_links(draft.id) == []
    assert panel.linked_list.count() == 0

    with qtbot.waitSignal(panel.results_ready, timeout=10_000):
        panel.search_box.setText('ICCPR "NEAR( assembly*')
    assert any("ICCPR" in h.item.label() for h in panel.hits)
    panel.shutdown()


def test_panel_on_read_only_project_disables_links(qtbot: Any, tmp_path: Path,
                                                   project: Project) -> None:
    from app.gui.evidence_panel import EvidencePanel

    draft = project.add_draft(text=DRAFT)
    path = project.path
    project.close()
    ro = Project.open(path, read_only=True)
    try:
        panel = EvidencePanel()
        qtbot.addWidget(panel)
        panel.set_project(ro)
        with qtbot.waitSignal(panel.results_ready, timeout=10_000):
            panel.set_draft(draft.id, DRAFT)
        assert panel.results_list.count() > 0
        assert not _row_button(panel.results_list, 0).isEnabled()
        panel.shutdown()
    finally:
        ro.close()


def test_import_dialog_previews_errors_and_imports(qtbot: Any, tmp_path: Path,
                                                   project: Project) -> None:
    from app.gui.import_dialog import ImportDialog

    csv_path = tmp_path / "findings.csv"
    csv_path.write_bytes(
        ("organisation,country,text,year\n"
         "Sample EOM,Kenya,Tally centres were closed to observers,2022\n"
         "Sample EOM,Kenya,,2022\n"
         'Sample EOM,Kenya,"Broken "quote",2022\n'
         "Sample EOM,Kenya,Voters’ names were missing from lists,2022\n").encode("cp1252"))
    before = count_items(project.connection)
    dialog = ImportDialog(None, project)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.set_path(str(csv_path))
    assert dialog.preview is not None and dialog.preview.encoding == "cp1252"
    assert dialog.items_table.rowCount() == 2
    errors = [dialog.errors_list.item(i).text() for i in range(dialog.errors_list.count())]
    assert errors[0].startswith("line 3:") and errors[1].startswith("line 4:")
    assert dialog.mapping_table.rowCount() > 0
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.import_button.click()
    assert dialog.import_result is not None and dialog.import_result.written == 2
    assert count_items(project.connection) == before + 2
    dialog.close()


def test_import_dialog_reviews_report_items(qtbot: Any, tmp_path: Path,
                                            project: Project) -> None:
    from app.gui.import_dialog import ImportDialog

    report = tmp_path / "report.txt"
    report.write_text("RECOMMENDATIONS\n1. Publish results quickly.\n2. Train polling staff.\n"
                      "3. Give observers access to tally centres.\n", encoding="utf-8")
    before = count_items(project.connection)
    dialog = ImportDialog(None, project)
    qtbot.addWidget(dialog)
    dialog.meta_edits["organisation"].setText("Sample EOM")
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.set_path(str(report))
    assert dialog.items_table.rowCount() == 3
    cell = dialog.items_table.item(1, 0)
    assert cell is not None
    cell.setCheckState(Qt.CheckState.Unchecked)  # reviewed out
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.import_button.click()
    assert dialog.import_result is not None and dialog.import_result.written == 2
    assert count_items(project.connection) == before + 2
    dialog.close()


def test_import_dialog_shows_whole_file_errors(qtbot: Any, tmp_path: Path,
                                               project: Project) -> None:
    from app.gui.import_dialog import ImportDialog

    dialog = ImportDialog(None, project)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.set_path(str(tmp_path / "missing.csv"))
    assert "does not exist" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    dialog.close()


def test_import_dialog_can_save_into_an_attached_library(qtbot: Any, tmp_path: Path,
                                                         project: Project) -> None:
    from app.evidence.library import attach_library, open_library
    from app.gui.import_dialog import ImportDialog

    lib = tmp_path / "shared.smartlib"
    open_library(lib, create=True).close()
    with project.transaction() as conn:
        attach_library(conn, lib)
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("instrument,article,text\nICCPR,art. 25,Vote and stand.\n",
                        encoding="utf-8")
    dialog = ImportDialog(None, project)
    qtbot.addWidget(dialog)
    assert dialog.target_box.count() == 2
    dialog.target_box.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.set_path(str(csv_path))
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.import_button.click()
    assert dialog.import_result is not None and dialog.import_result.written == 1
    conn = open_library(lib)
    assert count_items(conn) == 1
    conn.close()
    dialog.close()
