"""A draft far over the check limit in the desktop app: the live check reads the paragraph at the
cursor, the scorecard says so, the whole text is saved, and a paragraph too long to edit is not
pasted. Driven through the window as `smartrec` starts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_window import DRAFT, launch, make_project
from PySide6.QtWidgets import QApplication, QMessageBox

from app.bounds import MAX_DRAFT_CHARS
from app.draft_window import MAX_EDITOR_PARAGRAPH_CHARS, window_around
from app.storage.project import Project

pytestmark = pytest.mark.gui

FILLER = "The commission published its annual report on the matter in 2021 as required.\n"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _paste(text: str) -> None:
    QApplication.clipboard().setText(text)


def test_window_around_takes_the_paragraph_or_sentences_at_the_cursor() -> None:
    text = FILLER * 3000 + DRAFT + "\n" + FILLER * 3000
    at = text.index(DRAFT) + 3
    window = window_around(text, at)
    assert text[window.start:window.end] == DRAFT and window.whole_paragraph
    one_line = FILLER.strip() + " "
    long_line = one_line * 5000  # 400,000 characters, no line break
    cut = window_around(long_line, 200_000, limit=5000)
    assert not cut.whole_paragraph and cut.start < 200_000 < cut.end
    assert 2000 < cut.end - cut.start <= 5000
    assert long_line[cut.start:cut.end].startswith("The commission")  # cut at sentence ends
    assert long_line[cut.start:cut.end].rstrip().endswith("required.")


def test_a_long_paste_is_checked_at_the_cursor_and_saved_whole(
    qtbot: Any, tmp_path: Path
) -> None:
    project_path = make_project(tmp_path / "long.smartrec")
    window, ctl = launch(qtbot, project_path)
    editor = window.editor
    # 2 MB of report text with the vague draft in the middle: far over the check limit.
    before, after = FILLER * 12_000, FILLER * 12_000
    cursor = editor.textCursor()
    cursor.select(cursor.SelectionType.Document)
    editor.setTextCursor(cursor)
    _paste(before + DRAFT + "\n" + after)
    editor.paste()
    total = len(before + DRAFT + "\n" + after)
    assert total > 15 * MAX_DRAFT_CHARS
    cursor = editor.textCursor()
    cursor.setPosition(len(before) + 2)  # inside "Ensure free and fair elections."
    editor.setTextCursor(cursor)
    qtbot.waitUntil(lambda: ctl.checks.window is not None
                    and ctl.checks.result_text == DRAFT, timeout=5000)

    notice = window.scorecard.notice
    assert notice.isVisible()
    assert "too long to check whole" in notice.text()
    assert f"{total:,} characters" in notice.text()
    assert f"characters {len(before) + 1:,}–{len(before) + len(DRAFT):,}" in notice.text()
    assert "Checked characters" in window.check_label.text()
    # Underlines sit on the draft's words in the whole document, not at the window's offsets.
    ranges = editor.underline_ranges()
    assert ranges and all(len(before) <= s < e <= len(before) + len(DRAFT) for s, e, _ in ranges)
    shown = editor.document().toRawText()
    assert any(shown[s:e] == "Ensure" for s, e, _ in ranges), ranges

    # Moving the cursor to another paragraph checks that one instead.
    cursor.setPosition(10)
    editor.setTextCursor(cursor)
    qtbot.waitUntil(lambda: ctl.checks.result_text == FILLER.strip(), timeout=5000)
    assert "characters 1–" in window.scorecard.notice.text()

    # Typing goes on, and all of it reaches the project file.
    editor.setFocus()
    qtbot.keyClicks(editor, "New words. ")
    ctl.saver.flush()
    stored = Project.open(project_path, read_only=True)
    try:
        text = stored.drafts()[0].text
    finally:
        stored.close()
    assert len(text) == total + len("New words. ")
    assert text == ctl.current_text()
    assert text.startswith(FILLER[:10] + "New words. ")

    # A normal draft again: the notice goes away.
    cursor.select(cursor.SelectionType.Document)
    editor.setTextCursor(cursor)
    _paste(DRAFT)
    editor.paste()
    qtbot.waitUntil(lambda: ctl.checks.window is None and ctl.checks.result_text == DRAFT,
                    timeout=5000)
    assert not window.scorecard.notice.isVisible()
    window.close()


def test_a_paragraph_too_long_to_edit_is_not_pasted(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_path = make_project(tmp_path / "line.smartrec")
    window, ctl = launch(qtbot, project_path)
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, title, text, *_a: warnings.append((title, text)))
    editor = window.editor
    line = FILLER.strip() + " "
    _paste(line * (MAX_EDITOR_PARAGRAPH_CHARS // len(line) + 10))
    editor.paste()
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "Not pasted" and "\n" not in text
    assert f"up to {MAX_EDITOR_PARAGRAPH_CHARS:,}" in text
    assert ctl.current_text() == DRAFT  # nothing changed
    _paste("Several short paragraphs.\n" * 10)
    editor.paste()
    assert len(warnings) == 1 and ctl.current_text().count("\n") == 10
    window.close()
