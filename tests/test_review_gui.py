"""The Word review and draft-import dialogs: real documents, background work, real project."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from doubles.word_docs import with_a_long_numbered_paragraph
from PySide6.QtCore import Qt

from app.core.engine import load_checker
from app.evidence.store import EvidenceItem, add_item
from app.gui.word_import import WordImportDialog
from app.gui.word_review import WordReviewDialog
from app.review.sample import LISTED, TABLED, THEMES, build_sample_document
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui


def test_review_dialog_reviews_in_the_background_and_says_where(qtbot, tmp_path: Path) -> None:
    source = build_sample_document(tmp_path / "drafts.docx")
    dialog = WordReviewDialog(None, lambda: load_checker(user_rules=False), source)
    qtbot.addWidget(dialog)
    assert "drafts (SMARTrec review).docx" in dialog.target_label.text()
    dialog.fixes_box.setChecked(True)
    with qtbot.waitSignal(dialog.finished_work, timeout=30_000):
        dialog.review_button.click()
    output = tmp_path / "drafts (SMARTrec review).docx"
    assert dialog.error == ""
    assert str(output) in dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum() == 15
    assert not dialog.open_button.isHidden()
    with zipfile.ZipFile(output) as zf:
        assert zf.read("word/document.xml").count(b'w:author="SMARTrec"') >= 5
    dialog.close()


def test_review_dialog_shows_a_refusal(qtbot, tmp_path: Path) -> None:
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    dialog = WordReviewDialog(None, lambda: load_checker(user_rules=False), old)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_work, timeout=30_000):
        dialog.review_button.click()
    assert "old.doc" in dialog.status.text() and ".doc" in dialog.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.doc"]
    dialog.close()


def _loaded_import_dialog(qtbot, project: Project, source: Path) -> WordImportDialog:
    """The import dialog with `source` read into its preview (in the background, as on a click)."""
    dialog = WordImportDialog(None, project)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(source))
    with qtbot.waitSignal(dialog.finished_work, timeout=30_000):
        dialog.load()
    return dialog


def test_import_dialog_previews_and_imports_the_ticked(qtbot, tmp_path: Path) -> None:
    source = build_sample_document(tmp_path / "drafts.docx")
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta())
    try:
        dialog = _loaded_import_dialog(qtbot, project, source)
        assert dialog.table.rowCount() == 15
        assert dialog.table.item(0, 1).text() == THEMES[0]
        dialog.table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
        dialog.table.item(10, 1).setText("Education")
        assert "15 paragraphs look like recommendations; 14 ticked" in dialog.status.text()
        dialog.import_button.click()
        texts = [(d.text, d.theme) for d in project.drafts()]
        assert len(dialog.imported) == 14
        assert texts[0] == (LISTED[0], THEMES[0])
        assert LISTED[1] not in [t for t, _ in texts]
        assert texts[9] == (TABLED[0][0], "Education")
        assert texts[-1] == TABLED[-1]
    finally:
        project.close()


def test_both_dialogs_name_a_numbered_paragraph_left_out_as_too_long(
    qtbot, tmp_path: Path
) -> None:
    source = with_a_long_numbered_paragraph(tmp_path / "long.docx")
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta())
    try:
        dialog = _loaded_import_dialog(qtbot, project, source)
        assert dialog.table.rowCount() == 1
        assert dialog.status.text() == (
            "1 paragraphs look like recommendations; 1 ticked. Untick any that are not. Not "
            "offered: 1 numbered paragraph longer than 3,000 characters left out as report "
            "text, not one recommendation (paragraph 2).")
    finally:
        project.close()
    review = WordReviewDialog(None, lambda: load_checker(user_rules=False), source)
    qtbot.addWidget(review)
    with qtbot.waitSignal(review.finished_work, timeout=30_000):
        review.review_button.click()
    assert review.status.text().endswith(
        "\nNot reviewed: 1 numbered paragraph longer than 3,000 characters left out as report "
        "text, not one recommendation (paragraph 2).")
    review.close()


def test_import_dialog_shows_a_refusal(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "photos.docx"
    bad.write_bytes(b"not a zip at all")
    project = Project.create(tmp_path / "p.smartrec", ProjectMeta())
    try:
        dialog = WordImportDialog(None, project)
        qtbot.addWidget(dialog)
        dialog.path_edit.setText(str(bad))
        with qtbot.waitSignal(dialog.finished_work, timeout=30_000):
            dialog.load()
        assert "photos.docx" in dialog.status.text()
        assert not dialog.import_button.isEnabled()
        assert project.drafts() == []
    finally:
        project.close()


def test_file_menu_entries_in_the_window_as_smartrec_starts_it(qtbot, tmp_path: Path) -> None:
    from doubles.app_start import start_app
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    project_path = tmp_path / "drafts.smartrec"
    Project.create(project_path, ProjectMeta(state_under_review="Freedonia")).close()
    source = build_sample_document(tmp_path / "drafts.docx")
    window, controller = start_app(qtbot, str(project_path), checked=False)
    assert controller.project is not None
    try:
        titles = [a.text() for a in window.menu("file").actions()]
        assert titles.index("Re&view a Word Document…") == titles.index("&Import Evidence…") + 1
        assert controller.word.act_import.isEnabled()

        def drive(dialog: QDialog) -> None:
            def later() -> None:
                dialog.path_edit.setText(str(source))
                if isinstance(dialog, WordImportDialog):
                    with qtbot.waitSignal(dialog.finished_work, timeout=30_000):
                        dialog.load()
                    dialog.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
                    dialog.import_button.click()
                else:
                    with qtbot.waitSignal(dialog.finished_work, timeout=60_000):
                        dialog.review_button.click()
                    dialog.reject()
            QTimer.singleShot(0, later)

        controller.word.dialog_opened.connect(drive)
        controller.word.act_import.trigger()
        drafts = controller.project.drafts()
        assert [d.text for d in drafts] == LISTED[1:] + [t for t, _ in TABLED]
        assert window.drafts.list.count() >= 14
        assert controller.current_id == drafts[0].id
        controller.word.act_review.trigger()
        output = tmp_path / "drafts (SMARTrec review).docx"
        assert output.exists()
        assert str(output) in window.statusBar().currentMessage()
    finally:
        controller.shutdown()


def test_review_dialog_cites_precedents_from_the_open_project(qtbot, tmp_path: Path) -> None:
    source = build_sample_document(tmp_path / "drafts.docx")
    project_path = tmp_path / "freedonia.smartrec"
    earlier = "Ratify the Optional Protocol to the Convention against Torture."
    project = Project.create(project_path, ProjectMeta(state_under_review="Freedonia"))
    with project, project.transaction() as conn:
        add_item(conn, EvidenceItem(kind="precedent", country="Freedonia", cycle="3",
                                    recommending_state="Norland", response="supported",
                                    issues="Torture", text=earlier))
    dialog = WordReviewDialog(None, lambda: load_checker(user_rules=False), source,
                              evidence=project_path, state="Freedonia")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_work, timeout=30_000):
        dialog.review_button.click()
    assert dialog.error == ""
    with zipfile.ZipFile(tmp_path / "drafts (SMARTrec review).docx") as zf:
        comments = zf.read("word/comments.xml").decode()
    assert comments.count(f"Precedent: “{earlier}” (Norland, cycle 3, supported).") == 1
    dialog.close()
