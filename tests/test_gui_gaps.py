"""Scorecard precedents, readability in words, and Add to dictionary, through the real window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_support import App
from PySide6.QtWidgets import QMessageBox

from app.core.models import CheckContext, Precedent, ThemeSuggestion
from app.gui.finding_actions import first_sentence_end
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui

RULES = """\
pack: gapstest
rules:
  - id: gapstest.deadline
    kind: requirement
    dimension: time_bound
    severity: warning
    message: "No deadline"
    explanation: "Add a year."
    patterns: ['\\b20\\d\\d\\b']
    examples:
      flag: ["Adopt a law."]
      pass: ["Adopt a law by 2027."]
"""

PRECEDENT = Precedent(
    text="Allocate an adequate budget to the electoral commission before the next elections.",
    recommending_state="Norway", cycle="3", session="35", response="Supported", similarity=0.81,
    evidence_id=None,
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "gapstest.yaml").write_text(RULES, encoding="utf-8")
    return folder


@pytest.fixture
def launch(qtbot: Any, tmp_path: Path, rules_dir: Path) -> Iterator[Any]:
    opened: list[App] = []

    def _launch() -> App:
        app = App(qtbot, tmp_path, rules_dir)
        opened.append(app)
        return app

    yield _launch
    for app in opened:
        app.close()


def _wait_for_spelling(qtbot: Any, app: App) -> None:
    """Spelling starts once the first verdict is on screen (it never delays that verdict)."""
    qtbot.waitUntil(
        lambda: app.ctl.grammar is not None and app.ctl.grammar.spelling is not None,
        timeout=10000,
    )
    assert app.ctl.grammar is not None and app.ctl.grammar.spelling is not None
    assert app.ctl.grammar.spelling.wait_ready(30)


def make_project(path: Path, text: str) -> None:
    project = Project.create(path, ProjectMeta(state_under_review="Kenya", cycle="4"))
    project.add_draft(text=text, title="Budget")
    project.close()


def test_first_sentence_end() -> None:
    assert first_sentence_end("Adopt a law by 2027. Then more.") == 19
    assert first_sentence_end("Adopt a law by 2027  ") == 19
    assert first_sentence_end("Use U.N.E.S.C.O. data by 2027. More.") == 29


def test_precedent_is_shown_and_phrasing_is_undoable(
    qtbot: Any, tmp_path: Path, launch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.evidence.context as evidence_context

    def fake_context(_conn: Any, _draft_id: int, _text: str, state: str, **_kw: Any) -> Any:
        return CheckContext(state_under_review=state, precedents=[PRECEDENT])

    monkeypatch.setattr(evidence_context, "build_context", fake_context)
    text = "Allocate a budget to the electoral commission by 2027. Publish it."
    path = tmp_path / "p.smartrec"
    make_project(path, text)
    app = launch()
    assert app.ctl.open_project(path)
    card = app.window.scorecard
    qtbot.waitUntil(lambda: card.precedent_box.isVisible(), timeout=5000)
    shown = card.precedents.text()
    assert "Norway" in shown and "cycle 3" in shown and "session 35" in shown
    assert "supported it" in shown and "phrase:0" in shown

    card.precedents.linkActivated.emit("phrase:0")
    expected = ("Allocate a budget to the electoral commission by 2027, as recommended "
                "previously by Norway (cycle 3). Publish it.")
    assert app.ctl.current_text() == expected
    # Offered once: the phrase is in the draft now.
    assert "phrase:0" not in card.precedents.text()
    app.window.editor.undo()
    assert app.ctl.current_text() == text

    # "Show it" gives the full text, and can find it in the Evidence tab.
    boxes: list[QMessageBox] = []

    def fake_exec(box: QMessageBox) -> int:
        boxes.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    card.precedents.linkActivated.emit("precedent:0")
    assert boxes and PRECEDENT.text in boxes[0].informativeText()
    assert "Norway" in boxes[0].text()
    app.ctl.actions.find_in_evidence(PRECEDENT)
    assert app.window.tabs.currentWidget() is app.window.evidence_tab
    assert app.window.evidence.search_box.text().startswith("Allocate an adequate budget")


def test_theme_reason_is_visible(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, "Adopt a law by 2027.")
    app = launch()
    assert app.ctl.open_project(path)
    qtbot.waitUntil(lambda: app.ctl.result is not None, timeout=5000)
    reason = "7 of the 10 most similar past recommendations were tagged Elections"
    result = app.ctl.result.model_copy(
        update={"themes": (ThemeSuggestion(issue="Elections", score=3.0, reason=reason),)})
    app.window.scorecard.set_result(result, text="Adopt a law by 2027.")
    assert reason in app.window.scorecard.themes.text()


def test_readability_in_words_and_longest_clause(qtbot: Any, tmp_path: Path,
                                                 launch: Any) -> None:
    text = ("Adopt a law by 2027; ensure that the independent electoral and boundaries "
            "commission receives an adequate and predictable budget allocated well before "
            "every general election, with public reporting on its spending.")
    path = tmp_path / "p.smartrec"
    make_project(path, text)
    app = launch()
    assert app.ctl.open_project(path)
    qtbot.waitUntil(lambda: app.ctl.result is not None, timeout=5000)
    from app.core.readability import describe

    shown = app.window.scorecard.readability.text()
    for line in describe(app.ctl.result.readability):
        assert line.split(":")[0].replace("'", "&#x27;") in shown
    assert "readability:longest" in shown
    start, end = app.ctl.result.readability.longest_clause
    app.window.scorecard.readability.linkActivated.emit("readability:longest")
    cursor = app.window.editor.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (start, end)
    assert cursor.selectedText().startswith("ensure that the independent")


def _spelling_hits(app: App, word: str) -> list[Any]:
    return [u for u in app.window.editor.underlines()
            if u.finding.dimension == "spelling" and u.finding.matched == word]


def _menu_action(app: App, word: str, label: str) -> Any:
    editor = app.window.editor
    u = _spelling_hits(app, word)[0]
    cursor = editor.textCursor()
    cursor.setPosition(u.cursor.selectionStart() + 1)
    menu = editor.build_context_menu(editor.cursorRect(cursor).center())
    actions = {a.text(): a for a in menu.actions()}
    assert "Add to dictionary" in actions and "Add to project dictionary" in actions
    return menu, actions[label]


def test_add_to_dictionary_user_and_project(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    text = "Adopt the Wanjikuland and Kibwezatu law by 2027."
    path = tmp_path / "p.smartrec"
    make_project(path, text)
    app = launch()
    assert app.ctl.open_project(path)
    _wait_for_spelling(qtbot, app)
    app.ctl.checks.run_check()
    qtbot.waitUntil(lambda: bool(_spelling_hits(app, "Wanjikuland")), timeout=5000)
    assert _spelling_hits(app, "Kibwezatu")

    menu, action = _menu_action(app, "Wanjikuland", "Add to dictionary")
    action.trigger()
    menu.deleteLater()
    assert not _spelling_hits(app, "Wanjikuland")
    from app.language.vocabulary import user_dictionary_path

    dictionary = user_dictionary_path()
    assert str(tmp_path / "config") in str(dictionary)
    assert "Wanjikuland" in dictionary.read_text(encoding="utf-8").split()

    menu, action = _menu_action(app, "Kibwezatu", "Add to project dictionary")
    action.trigger()
    menu.deleteLater()
    assert not _spelling_hits(app, "Kibwezatu")
    assert "Kibwezatu" not in dictionary.read_text(encoding="utf-8").split()
    app.close()

    # Both persist: a new window on the same project flags neither word.
    again = launch()
    assert again.ctl.open_project(path)
    assert again.ctl.project is not None and again.ctl.project.words() == {"Kibwezatu"}
    _wait_for_spelling(qtbot, again)
    again.ctl.checks.run_check()
    assert again.ctl.result is not None
    flagged = {f.matched for f in again.ctl.result.findings if f.dimension == "spelling"}
    assert not flagged & {"Wanjikuland", "Kibwezatu"}


def test_project_words_do_not_leak_to_another_project(qtbot: Any, tmp_path: Path,
                                                      launch: Any) -> None:
    first, second = tmp_path / "a.smartrec", tmp_path / "b.smartrec"
    make_project(first, "Adopt the Kibwezatu law by 2027.")
    make_project(second, "Adopt the Kibwezatu law by 2027.")
    p = Project.open(first)
    p.add_word("Kibwezatu")
    p.close()
    app = launch()
    assert app.ctl.open_project(first)
    _wait_for_spelling(qtbot, app)
    app.ctl.checks.run_check()
    assert not _spelling_hits(app, "Kibwezatu")
    assert app.ctl.open_project(second)
    app.ctl.checks.run_check()
    assert _spelling_hits(app, "Kibwezatu")
