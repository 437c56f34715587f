"""The export dialog (offscreen): background writing, errors in the dialog, PDF and printing."""

from __future__ import annotations

import errno
from pathlib import Path

import docx
import pytest
from doubles.export_sample import sample_export_project
from PySide6.QtWidgets import QDialog

from app.export import atomic as atomic_mod
from app.gui.export_dialog import ExportDialog
from app.gui.export_pdf import write_pdf
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui


@pytest.fixture()
def project(tmp_path: Path):
    path = tmp_path / "p.smartrec"
    proj = Project.create(path, ProjectMeta(state_under_review="Беларусь", cycle="4"))
    proj.add_draft(text="Adopt a law on legal aid by 2027.", theme="Justice")
    proj.add_draft(text="Ratify the Optional Protocol by 2026.", theme="Torture")
    yield proj
    proj.close()


def _wait(qtbot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)


def test_dialog_exports_docx_in_the_background(qtbot, project, tmp_path: Path) -> None:
    dialog = ExportDialog(None, project, None)
    qtbot.addWidget(dialog)
    assert "2 recommendations in 2 themes" in dialog.summary.text()
    assert dialog.destination.text().endswith("Беларусь - recommendations.docx")
    target = tmp_path / "out.docx"
    dialog.set_choice("list", "docx", target)
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        assert dialog.start_export()
    assert blocker.args == [str(target)]
    _wait(qtbot, dialog)
    assert dialog.open_button.isEnabled() and "Exported to" in dialog.status.text()
    assert docx.Document(str(target)).paragraphs[0].text == "Recommendations to Беларусь"


def test_changing_format_changes_the_suggested_name(qtbot, project) -> None:
    dialog = ExportDialog(None, project, None)
    qtbot.addWidget(dialog)
    dialog.set_choice("factsheet", "pdf")
    assert dialog.destination.text().endswith("Беларусь - fact sheet.pdf")
    assert dialog.count.isVisibleTo(dialog)
    dialog.set_choice("annex", "csv")
    assert not dialog.count.isVisibleTo(dialog)


def test_pdf_export_from_the_dialog(qtbot, project, tmp_path: Path) -> None:
    dialog = ExportDialog(None, project, None)
    qtbot.addWidget(dialog)
    target = tmp_path / "sheet.pdf"
    dialog.set_choice("factsheet", "pdf", target)
    assert dialog.start_export()
    _wait(qtbot, dialog)
    assert target.read_bytes().startswith(b"%PDF"), dialog.status.text()


def test_errors_are_shown_in_the_dialog(qtbot, project, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = ExportDialog(None, project, None)
    qtbot.addWidget(dialog)
    target = tmp_path / "locked.docx"
    target.write_bytes(b"open in Word")
    monkeypatch.setattr(dialog, "confirm_overwrite", lambda path: True)

    def locked(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, "in use")

    monkeypatch.setattr(atomic_mod.os, "replace", locked)
    dialog.set_choice("list", "docx", target)
    assert dialog.start_export()
    _wait(qtbot, dialog)
    assert "open in Word" in dialog.status.text()
    assert dialog.export_button.isEnabled()
    assert target.read_bytes() == b"open in Word"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def test_overwrite_can_be_declined(qtbot, project, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = ExportDialog(None, project, None)
    qtbot.addWidget(dialog)
    target = tmp_path / "keep.md"
    target.write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(dialog, "confirm_overwrite", lambda path: False)
    dialog.set_choice("list", "md", target)
    assert not dialog.start_export()
    assert target.read_text(encoding="utf-8") == "keep me"


def test_empty_project_disables_export(qtbot, tmp_path: Path) -> None:
    with Project.create(tmp_path / "e.smartrec", ProjectMeta()) as empty:
        dialog = ExportDialog(None, empty, None)
        qtbot.addWidget(dialog)
        assert "no recommendations" in dialog.summary.text()
        assert not dialog.export_button.isEnabled() and not dialog.print_button.isEnabled()
        assert not dialog.start_export()


def test_print_goes_through_the_print_dialog(qtbot, project, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6 import QtPrintSupport

    out = tmp_path / "printed.pdf"

    class FakePrintDialog:
        def __init__(self, printer, parent) -> None:
            self.printer = printer

        def exec(self) -> QDialog.DialogCode:
            self.printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(out))
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QtPrintSupport, "QPrintDialog", FakePrintDialog)
    dialog = ExportDialog(None, project, None)
    qtbot.addWidget(dialog)
    dialog.set_choice("annex", "docx")
    dialog.print_document()
    assert out.read_bytes().startswith(b"%PDF")
    assert dialog.status.text() == "Sent to the printer."


def test_write_pdf_with_non_latin_text(qapp, tmp_path: Path) -> None:
    from app.export.html import to_html

    out = tmp_path / "list.pdf"
    write_pdf(to_html(sample_export_project(), "list"), out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
