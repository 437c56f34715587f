"""The README's five-minute tour, step by step, through the real widgets of the app as the
`smartrec` command starts it (`app.gui.main.start`: the window, then the project after the first
paint). The first run creates the sample project; the second run reopens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from doubles.app_start import start_app
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QListWidget, QPushButton

from app.gui.export_dialog import ExportDialog
from app.gui.window import MainWindow

pytestmark = pytest.mark.gui

VAGUE_TITLE = "Free and fair elections (too vague)"
ORIGINAL = "Ensure free and fair elections."
IMPROVED = ("Amend the Elections Act before the 2027 general elections so that the electoral "
            "commission's budget is approved six months before polling day.")
JARGON_TITLE = "Gender mainstreaming (jargon)"


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user who has never run SMARTrec: empty config and data folders."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def click_draft(qtbot: Any, window: MainWindow, title: str) -> None:
    drafts: QListWidget = window.drafts.list
    item = next(drafts.item(i) for i in range(drafts.count())
                if drafts.item(i).text().startswith(title))
    drafts.scrollToItem(item)
    qtbot.mouseClick(drafts.viewport(), Qt.MouseButton.LeftButton,
                     pos=drafts.visualItemRect(item).center())


def click_tab(qtbot: Any, window: MainWindow, name: str) -> None:
    bar = window.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == name)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index


def status(window: MainWindow, dimension: str) -> str:
    return window.scorecard.rows[dimension].status.accessibleName().split(": ", 1)[1].lstrip("✓✗~ ")


def underlined(window: MainWindow) -> list[str]:
    text = window.editor.toPlainText()
    return [text[start:end] for start, end, _rule in window.editor.underline_ranges()]


def test_the_five_minute_tour(qtbot: Any, home: Path) -> None:
    # 1. Start it: the first start creates the sample project and opens it.
    window, ctl = start_app(qtbot)
    sample = home / "data" / "SMARTrec" / "Sample project.smartrec"
    assert ctl.project is not None and ctl.project.path == sample
    assert window.stack.currentWidget() is window.workspace

    # 2. Read a weak draft: "Ensure" is a vague verb; the scorecard calls it Weak; Measurable,
    #    Time-bound and Relevant are not met, the action category is 4 with what would make it 5.
    click_draft(qtbot, window, VAGUE_TITLE)
    qtbot.waitUntil(lambda: ctl.current_text() == ORIGINAL and "Ensure" in underlined(window))
    assert window.scorecard.summary.text().startswith("Weak · ")
    for dimension in ("measurable", "time_bound", "relevant"):
        assert status(window, dimension) == "Not met", dimension
    assert window.scorecard.category_label.text().startswith("<b>4 ")
    assert window.scorecard.upgrade.text().startswith("To reach 5:")

    # 3. Improve it: the underlines and the score follow the typing; nothing needs saving.
    score_before = int(window.scorecard.score.text())
    editor = window.editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, IMPROVED)
    qtbot.waitUntil(lambda: ctl.result is not None and ctl.checks.result_text == IMPROVED)
    assert "Ensure" not in underlined(window)
    assert status(window, "time_bound") == "Met"
    assert int(window.scorecard.score.text()) > score_before
    qtbot.waitUntil(lambda: window.saved_label.text().startswith("Saved"), timeout=5000)
    draft_id = ctl.current_id
    assert draft_id is not None
    assert ctl.project is not None and ctl.project.get_draft(draft_id).text == IMPROVED

    # 4. Ground it: the Evidence tab suggests findings and commitments at once; Link makes
    #    Relevant met, naming the evidence.
    click_tab(qtbot, window, "Evidence")
    panel = window.evidence
    qtbot.waitUntil(lambda: panel.results_list.count() > 0, timeout=10000)
    row = panel.results_list.itemWidget(panel.results_list.item(0))
    button = row.findChild(QPushButton)
    assert button is not None and button.text() == "Link" and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status(window, "relevant") == "Met", timeout=10000)
    linked = ctl.project.evidence_links(draft_id)
    assert len(linked) == 1
    assert linked[0].label in window.scorecard.rows["relevant"].reason.text()
    assert "(1)" in panel.linked_label.text()

    # 5. Compare versions: the History tab shows the original next to the new text, with the
    #    score change.
    click_tab(qtbot, window, "History")
    history = window.history
    older = history.older.currentIndex()
    assert history.left.toPlainText() == ORIGINAL
    assert history.right.toPlainText() == IMPROVED
    assert older < history.newer.currentIndex()
    assert history.score_change.text().startswith(f"Score {score_before} → ")

    # 6. Fix with one click: right-click the underlined "mainstream", pick a plainer word;
    #    Ctrl+Z undoes it.
    click_draft(qtbot, window, JARGON_TITLE)
    qtbot.waitUntil(lambda: any(w.lower().startswith("mainstream") for w in underlined(window)))
    start_pos = next(s for s, e, _r in editor.underline_ranges()
                     if editor.toPlainText()[s:e].lower().startswith("mainstream"))
    before = ctl.current_text()
    cursor = editor.textCursor()
    cursor.setPosition(start_pos + 2)
    menu = editor.build_context_menu(editor.cursorRect(cursor).center())
    fix = next(a for a in menu.actions() if a.text().startswith("Replace with"))
    fix.trigger()
    assert ctl.current_text() != before and "mainstream" not in ctl.current_text().lower()
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ctl.current_text() == before

    # 7. Send it: File ▸ Export… writes a Word list with footnotes to the linked evidence.
    out = home / "Kenya - recommendations.docx"
    done: list[bool] = []

    def use_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        dialog.set_choice("list", "docx", out)
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy and dialog.last_path is not None,
                        timeout=20000)
        done.append(True)
        dialog.close_button.click()

    QTimer.singleShot(0, use_dialog)
    file_menu = window.menu("file")
    export = next(a for a in file_menu.actions() if a.text() == "&Export…")
    export.trigger()
    assert done == [True]
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert IMPROVED in paragraphs
    assert out.stat().st_size > 0

    # Quit, then start again: the sample is reopened (not made again), edits and links kept.
    window.close()
    again, ctl2 = start_app(qtbot)
    assert ctl2.project is not None and ctl2.project.path == sample
    assert ctl2.project.get_draft(draft_id).text == IMPROVED
    assert len(ctl2.project.evidence_links(draft_id)) == 1
    assert again.evidence.project is ctl2.project
    again.close()


def test_the_window_fits_a_small_screen(qtbot: Any, home: Path) -> None:
    """A projector at 1280×720 (here: the offscreen screen) shows the whole window."""
    window, ctl = start_app(qtbot)
    screen = window.screen()
    available = screen.availableGeometry()
    for steps in (0, 3, 5):
        ctl.view.zoom(0)
        for _ in range(steps):
            ctl.view.zoom(+1)
        # The window is fitted again once the larger text is laid out.
        qtbot.waitUntil(lambda: available.contains(window.frameGeometry()), timeout=5000)
        assert window.minimumSizeHint().width() <= available.width()
        # Labels stay whole: buttons as wide as their text, tabs scroll rather than elide.
        for button in (window.drafts.add_button, window.drafts.dup_button,
                       window.drafts.del_button):
            assert button.width() >= button.sizeHint().width(), (steps, button.text())
        bar = window.tabs.tabBar()
        for i in range(bar.count()):
            needed = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
            assert bar.tabRect(i).width() > needed, (steps, bar.tabText(i))
        status_bar = window.statusBar()
        assert status_bar.isVisible()
        bottom = status_bar.mapTo(window, QPoint(0, status_bar.height())).y()
        assert bottom <= window.height()
    ctl.view.zoom(0)
    window.close()
