"""Main window behaviour through the real widgets: underlines, quick fixes, ignores, autosave.

The checker is built from a small rule pack written here (built-in packs are switched off), so
these tests do not move when the shipped rules are reworded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_support import App
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from app.evidence import links, store
from app.gui.controller import MainController
from app.gui.window import MainWindow
from app.storage.models import ProjectMeta
from app.storage.project import Project

pytestmark = pytest.mark.gui

RULES = """\
pack: guitest
rules:
  - id: guitest.vague
    kind: substitution
    dimension: specific
    severity: warning
    message: "'{match}' does not say what the State should do"
    explanation: "Name the act: a law, a body, a budget."
    swap:
      take measures: [adopt a law]
    examples:
      flag: ["Take measures to protect journalists."]
      pass: ["Adopt a law to protect journalists."]
  - id: guitest.deadline
    kind: requirement
    dimension: time_bound
    severity: warning
    message: "No deadline"
    explanation: "Add a year."
    patterns: ['\\b20\\d\\d\\b']
    examples:
      flag: ["Adopt a law."]
      pass: ["Adopt a law by 2027."]
  - id: guitest.absolute
    kind: existence
    dimension: attainable
    severity: suggestion
    message: "'{match}' promises too much"
    explanation: "Absolute promises cannot be met."
    terms: [all forms]
    examples:
      flag: ["End all forms of violence."]
      pass: ["End violence against children."]
"""

TEXT = "Take measures to protect journalists by 2027."


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "guitest.yaml").write_text(RULES, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def make_project(path: Path, texts: list[tuple[str, str]]) -> None:
    project = Project.create(path, ProjectMeta(state_under_review="Kenya", cycle="4"))
    for text, theme in texts:
        project.add_draft(text=text, theme=theme)
    project.close()


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


def type_text(qtbot: Any, app: App, text: str) -> None:
    editor = app.window.editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def rule_ranges(app: App, rule_id: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, r in app.window.editor.underline_ranges() if r == rule_id]


def test_typing_underlines_the_right_spans(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("", "Media")])
    app = launch()
    assert app.ctl.open_project(path)
    type_text(qtbot, app, "Respect all forms of speech. Take measures now.")
    qtbot.waitUntil(lambda: bool(rule_ranges(app, "guitest.vague")), timeout=3000)
    assert rule_ranges(app, "guitest.vague") == [(29, 42)]
    assert rule_ranges(app, "guitest.absolute") == [(8, 17)]
    # Underline style follows severity: wavy for warnings, dotted for suggestions.
    styles = {
        (sel.cursor.selectionStart(), sel.format.underlineStyle())
        for sel in app.window.editor.extraSelections()
    }
    from PySide6.QtGui import QTextCharFormat

    assert (29, QTextCharFormat.UnderlineStyle.WaveUnderline) in styles
    assert (8, QTextCharFormat.UnderlineStyle.DotLine) in styles
    # The scorecard lists the findings and the time-bound requirement is reported there.
    messages = [app.window.scorecard.findings.item(i).text()
                for i in range(app.window.scorecard.findings.count())]
    assert "No deadline" in messages
    # Hover text explains the finding.
    from app.gui.editor import tooltip_html

    hits = app.window.editor.findings_at(30)
    assert hits and "Name the act" in tooltip_html(hits)


def test_offsets_survive_characters_outside_the_bmp(qtbot: Any, tmp_path: Path,
                                                    launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("🙂 Take measures by 2027.", "")])
    app = launch()
    assert app.ctl.open_project(path)
    # The emoji is one Python character but two UTF-16 units in the editor.
    assert rule_ranges(app, "guitest.vague") == [(3, 16)]


def test_quick_fix_changes_text_and_score_and_is_undoable(qtbot: Any, tmp_path: Path,
                                                          launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "Media")])
    app = launch()
    assert app.ctl.open_project(path)
    editor = app.window.editor
    assert app.ctl.result is not None
    before = app.ctl.result.smart_score
    underline = next(u for u in editor.underlines() if u.finding.rule_id == "guitest.vague")
    menu = editor.build_context_menu(editor.cursorRect(_cursor_at(editor, 2)).center())
    action = next(a for a in menu.actions() if a.text() == "Replace with “Adopt a law”")
    action.trigger()
    assert app.ctl.current_text() == "Adopt a law to protect journalists by 2027."
    qtbot.waitUntil(lambda: app.ctl.checks.result_text == app.ctl.current_text(), timeout=3000)
    assert app.ctl.result.smart_score > before
    assert not rule_ranges(app, "guitest.vague")
    assert underline.finding.rule_id == "guitest.vague"
    editor.undo()
    assert app.ctl.current_text() == TEXT
    qtbot.waitUntil(lambda: bool(rule_ranges(app, "guitest.vague")), timeout=3000)
    assert app.ctl.result.smart_score == before
    editor.redo()
    assert app.ctl.current_text().startswith("Adopt a law")


def _cursor_at(editor: Any, position: int) -> Any:
    cursor = editor.textCursor()
    cursor.setPosition(position)
    return cursor


def test_ignore_and_disable_persist_after_reopening(qtbot: Any, tmp_path: Path,
                                                    launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT + " Respect all forms of speech.", "Media")])
    app = launch()
    assert app.ctl.open_project(path)
    editor = app.window.editor
    pos = editor.cursorRect(_cursor_at(editor, 2)).center()
    menu = editor.build_context_menu(pos)
    next(a for a in menu.actions() if a.text() == "Ignore here").trigger()
    assert not rule_ranges(app, "guitest.vague")
    absolute = rule_ranges(app, "guitest.absolute")[0]
    pos = editor.cursorRect(_cursor_at(editor, absolute[0] + 1)).center()
    menu = editor.build_context_menu(pos)
    next(a for a in menu.actions()
         if a.text() == "Disable this rule in this project").trigger()
    qtbot.waitUntil(lambda: not rule_ranges(app, "guitest.absolute"), timeout=3000)
    app.close()

    project = Project.open(path)
    try:
        draft = project.drafts()[0]
        assert ("guitest.vague", "Take measures") in project.ignored(draft.id)
        assert any(o.rule_id == "guitest.absolute" and o.enabled is False
                   for o in project.rule_overrides())
    finally:
        project.close()
    again = launch()
    assert again.ctl.open_project(path)
    assert not rule_ranges(again, "guitest.vague")
    assert not rule_ranges(again, "guitest.absolute")
    assert again.ctl.checker is not None
    # Re-enabling through the project brings the rule back.
    again.ctl.project.remove_rule_override("guitest.absolute")
    again.ctl.checks.reload_rules()
    assert rule_ranges(again, "guitest.absolute")


def test_autosave_reaches_the_file_within_about_a_second(qtbot: Any, tmp_path: Path,
                                                         launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("", "")])
    app = launch()
    assert app.ctl.open_project(path)
    type_text(qtbot, app, "Adopt a press law by 2027.")

    def saved() -> bool:
        reader = Project.open(path, read_only=True)
        try:
            return reader.drafts()[0].text == "Adopt a press law by 2027."
        finally:
            reader.close()

    qtbot.waitUntil(saved, timeout=5000)
    # The version is kept in the history once typing settles.
    draft_id = app.ctl.current_id
    qtbot.waitUntil(lambda: len(app.ctl.project.history(draft_id)) >= 1, timeout=8000)
    snap = app.ctl.project.history(draft_id)[-1]
    assert snap.text == "Adopt a press law by 2027."
    assert snap.score is not None


def test_continuous_typing_is_saved_without_a_pause(qtbot: Any, tmp_path: Path,
                                                    launch: Any) -> None:
    """The debounce never starves: a save happens at the latest 1 s after the first edit."""
    path = tmp_path / "p.smartrec"
    make_project(path, [("", "")])
    app = launch()
    assert app.ctl.open_project(path)
    editor = app.window.editor
    editor.setFocus()
    saves: list[str] = []
    app.ctl.saver.draft_saved.connect(lambda draft, _theme: saves.append(draft.text))
    for _ in range(40):
        qtbot.keyClicks(editor, "w")
        qtbot.wait(60)  # faster than the 400 ms debounce
    assert len(saves) >= 2  # 2.4 s of typing: saved at least every second meanwhile
    reader = Project.open(path, read_only=True)
    try:
        stored = reader.drafts()[0].text
    finally:
        reader.close()
    assert stored.startswith("w") and len(stored) >= 5


def test_drafts_add_delete_undo_and_reorder_persist(qtbot: Any, tmp_path: Path,
                                                    launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("First draft by 2027.", "Media"), ("Second draft.", "Media"),
                        ("Third draft.", "Health")])
    app = launch()
    assert app.ctl.open_project(path)
    ids = [d.id for d in app.ctl.project.drafts()]
    app.ctl.drafts.reorder([ids[2], ids[0], ids[1]])
    assert [d.id for d in app.ctl.project.drafts()] == [ids[2], ids[0], ids[1]]
    # The list shows themes in priority order: Health first now.
    assert app.window.drafts.draft_ids() == [ids[2], ids[0], ids[1]]
    app.ctl.drafts.delete_draft(ids[0])
    assert len(app.ctl.project.drafts()) == 2
    app.ctl.drafts.undo_stack.undo()
    assert [d.id for d in app.ctl.project.drafts()] == [ids[2], ids[0], ids[1]]
    app.ctl.drafts.duplicate_draft(ids[1])
    assert len(app.ctl.project.drafts()) == 4
    app.ctl.drafts.undo_stack.undo()
    assert len(app.ctl.project.drafts()) == 3
    app.ctl.drafts.add_draft()
    assert len(app.ctl.project.drafts()) == 4
    app.ctl.drafts.undo_stack.undo()
    app.close()

    project = Project.open(path)
    try:
        assert [d.id for d in project.drafts()] == [ids[2], ids[0], ids[1]]
    finally:
        project.close()


def test_drag_drop_order_goes_through_the_undo_stack(qtbot: Any, tmp_path: Path,
                                                     launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("A.", "X"), ("B.", "X"), ("C.", "X")])
    app = launch()
    assert app.ctl.open_project(path)
    ids = app.window.drafts.draft_ids()
    app.window.drafts.reordered.emit([ids[1], ids[0], ids[2]])
    qtbot.waitUntil(lambda: app.window.drafts.draft_ids() == [ids[1], ids[0], ids[2]])
    app.ctl.drafts.undo_stack.undo()
    assert [d.id for d in app.ctl.project.drafts()] == ids


def test_corrupt_project_shows_a_message_and_keeps_running(qtbot: Any, tmp_path: Path,
                                                           launch: Any,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: shown.append(text))
    bad = tmp_path / "bad.smartrec"
    bad.write_bytes(b"this is not a database at all" * 100)
    before = bad.read_bytes()
    good = tmp_path / "good.smartrec"
    make_project(good, [(TEXT, "")])
    app = launch()
    assert not app.ctl.open_project(bad)
    assert shown and "bad.smartrec" in shown[0]
    assert bad.read_bytes() == before
    assert app.ctl.open_project(good)  # still usable
    # A second window on the same project is refused with a clear message.
    other = launch()
    assert not other.ctl.open_project(good)
    assert len(shown) == 2


def test_read_only_project_shows_banner_and_blocks_editing(qtbot: Any, tmp_path: Path,
                                                           launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "")])
    path.chmod(0o444)
    try:
        app = launch()
        assert app.ctl.open_project(path)
        if not app.ctl.project.read_only:
            pytest.skip("running as a user who can write read-only files")
        assert app.window.banner.isVisible()
        assert app.window.editor.isReadOnly()
        assert not app.window.act_add.isEnabled()
        assert "read-only" in app.window.windowTitle()
    finally:
        path.chmod(0o644)


def test_large_paste_checks_in_background_and_caps_underlines(qtbot: Any, tmp_path: Path,
                                                              launch: Any) -> None:
    from app.gui.editor import MAX_UNDERLINES

    path = tmp_path / "p.smartrec"
    make_project(path, [("", "")])
    app = launch()
    assert app.ctl.open_project(path)
    # Under the check limit (app.bounds.MAX_DRAFT_CHARS) the whole text is checked; beyond it
    # the live check reads a window (tests/hostile/test_gui_long_draft.py).
    big = ("Take measures to respect all forms of speech. " * 22000)[:90_000]
    app.window.editor.insertPlainText(big)
    app.ctl.checks.run_check()
    # went to the background, GUI thread free
    assert app.window.check_label.text() == "Checking long text…"
    qtbot.waitUntil(lambda: app.ctl.checks.result_text == app.ctl.current_text(), timeout=60000)
    assert len(app.window.editor.underline_ranges()) <= MAX_UNDERLINES
    assert app.window.scorecard.findings.count() <= 500


def test_broken_rule_file_is_reported_and_checking_goes_on(qtbot: Any, tmp_path: Path,
                                                           launch: Any, rules_dir: Path
                                                           ) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "")])
    app = launch()
    assert app.ctl.open_project(path)
    (rules_dir / "broken.yaml").write_text("pack: broken\nrules:\n  - id: broken.x\n"
                                           "    kind: existence\n    colour: red\n",
                                           encoding="utf-8")
    app.ctl.checks.reload_rules()
    assert app.window.errors_button.isVisibleTo(app.window)
    assert app.ctl.checker is not None and app.ctl.checker.load_errors
    assert rule_ranges(app, "guitest.vague")  # the good pack still works


def test_zoom_find_and_title(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    path = tmp_path / "Kenya.smartrec"
    make_project(path, [("Adopt a media law by 2027.", "Media"), ("Fund clinics.", "Health")])
    app = launch()
    assert app.ctl.open_project(path)
    assert "Kenya" in app.window.windowTitle() and "Kenya.smartrec" in app.window.windowTitle()
    size = app.window.editor.font().pointSizeF()
    app.window.act_zoom_in.trigger()
    assert app.window.editor.font().pointSizeF() > size
    app.window.act_zoom_reset.trigger()
    assert app.window.editor.font().pointSizeF() == pytest.approx(size)
    app.window.drafts.find_box.setText("clinics")
    visible = [i for i in range(app.window.drafts.list.count())
               if not app.window.drafts.list.item(i).isHidden()
               and app.window.drafts.list.item(i).data(Qt.ItemDataRole.UserRole) is not None]
    assert len(visible) == 1


def test_history_panel_compares_versions(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "")])
    app = launch()
    assert app.ctl.open_project(path)
    app.ctl.saver.take_snapshot()
    type_text(qtbot, app, "Adopt a law to protect journalists by 2027.")
    app.ctl.checks.run_check()
    app.ctl.saver.take_snapshot()
    app.window.tabs.setCurrentWidget(app.window.history)
    panel = app.window.history
    assert panel.older.count() == 3  # two snapshots + current text
    panel.older.setCurrentIndex(0)
    panel.newer.setCurrentIndex(1)
    assert "Score" in panel.score_change.text()
    assert "line-through" in panel.left.toHtml() or "Take" in panel.left.toPlainText()
    panel.restore.click()
    assert app.ctl.current_text() == TEXT
    app.window.editor.undo()
    assert app.ctl.current_text().startswith("Adopt a law")


def test_window_layout_is_remembered(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    app = launch()
    app.window.resize(790, 580)  # offscreen screens are 800 x 600
    app.ctl.view.zoom(+1)
    app.ctl.view.save()
    app.close()
    again = launch()
    assert again.ctl.view.zoom_factor() > 1.0
    assert (again.window.size().width(), again.window.size().height()) == (790, 580)
    again.ctl.view.zoom(0)  # the application font is global: leave it as other tests expect


def test_accessible_names_on_main_widgets(qtbot: Any, launch: Any) -> None:
    w = launch().window
    for widget in (w.editor, w.drafts.list, w.drafts.find_box, w.scorecard.findings, w.title_edit,
                   w.theme_combo, w.packs_button, w.history, w.notes):
        assert widget.accessibleName(), widget


def test_context_menu_position_maps_to_finding(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "")])
    app = launch()
    assert app.ctl.open_project(path)
    editor = app.window.editor
    menu = editor.build_context_menu(QPoint(editor.viewport().width() - 5,
                                            editor.viewport().height() - 5))
    assert not any(a.text() == "Ignore here" for a in menu.actions())


def test_rule_file_change_on_disk_reloads_the_checker(qtbot: Any, tmp_path: Path,
                                                      rules_dir: Path) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("Respect all forms of speech by 2027.", "")])
    window = MainWindow()
    qtbot.addWidget(window)
    settings = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    ctl = MainController(window, settings, user_rules=False, async_rules=True,
                         builtin_rules=False, extra_rule_dirs=[rules_dir])
    try:
        assert ctl.open_project(path)
        qtbot.waitUntil(lambda: ctl.checker is not None, timeout=20000)
        first = ctl.checker
        assert [s for s, e, r in window.editor.underline_ranges() if r == "guitest.absolute"]
        # Edit the pack on disk: the absolute-promise rule now also flags "speech".
        text = (rules_dir / "guitest.yaml").read_text(encoding="utf-8")
        (rules_dir / "guitest.yaml").write_text(
            text.replace("terms: [all forms]", "terms: [all forms, speech]"), encoding="utf-8")
        qtbot.waitUntil(lambda: ctl.checker is not first, timeout=20000)
        qtbot.waitUntil(lambda: len([r for s, e, r in window.editor.underline_ranges()
                                     if r == "guitest.absolute"]) == 2, timeout=5000)
        # Break the file: the error is reported and the app keeps the rules it can read.
        second = ctl.checker
        (rules_dir / "guitest.yaml").write_text("pack: guitest\nrules: [\n", encoding="utf-8")
        qtbot.waitUntil(lambda: ctl.checker is not second, timeout=20000)
        assert ctl.checker is not None and ctl.checker.load_errors
        assert window.errors_button.isVisibleTo(window)
        assert "guitest.yaml" in str(ctl.checker.load_errors[0])
    finally:
        ctl.shutdown()


def test_linked_evidence_reaches_the_relevance_check(qtbot: Any, tmp_path: Path,
                                                     launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "")])
    app = launch()
    assert app.ctl.open_project(path)
    relevant = app.ctl.result.dimension("relevant") if app.ctl.result else None
    assert relevant is not None and relevant.status != "met"
    project = app.ctl.project
    item = store.EvidenceItem(kind="commitment", text="Everyone shall have the right to hold "
                              "opinions without interference.", instrument="ICCPR",
                              article="art. 19")
    item.id = store.add_item(project.connection, item)
    links.link(project, app.ctl.current_id, item)
    app.ctl.checks.refresh_evidence()

    def met() -> bool:
        status = app.ctl.result.dimension("relevant") if app.ctl.result else None
        return status is not None and status.status == "met"

    qtbot.waitUntil(met, timeout=10000)


def test_new_project_save_copy_and_recent(qtbot: Any, tmp_path: Path, launch: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    app = launch()
    path = tmp_path / "Chad-UPR4.smartrec"
    assert app.ctl.create_project(path, {"state_under_review": "Chad", "cycle": "4",
                                         "session": "", "recommending_state": "",
                                         "language": "en"})
    assert app.ctl.current_id is not None  # a first empty draft, ready to type into
    type_text(qtbot, app, "Adopt a press law by 2027.")
    copy = tmp_path / "copy.smartrec"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(copy), "SMARTrec projects (*.smartrec)"))
    app.ctl.save_copy()
    assert copy.exists()
    reader = Project.open(copy)
    try:
        assert reader.drafts()[0].text == "Adopt a press law by 2027."
        assert reader.meta.state_under_review == "Chad"
    finally:
        reader.close()
    assert str(path) in app.ctl.session.recent()
    assert [a.text() for a in app.window.recent_menu.actions()] == ["Chad-UPR4.smartrec"]
    app.window.act_close.trigger()
    assert app.ctl.project is None
    assert app.window.stack.currentWidget() is app.window.welcome
    app.window.recent_menu.actions()[0].trigger()
    assert app.ctl.project is not None and app.ctl.project.path == path


def test_keyboard_move_changes_priority(qtbot: Any, tmp_path: Path, launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [("A.", "X"), ("B.", "X"), ("C.", "X")])
    app = launch()
    assert app.ctl.open_project(path)
    ids = app.window.drafts.draft_ids()
    app.ctl.drafts.select_draft(ids[2])
    app.window.act_move_up.trigger()
    assert [d.id for d in app.ctl.project.drafts()] == [ids[0], ids[2], ids[1]]
    assert app.ctl.current_id == ids[2]


def test_failed_save_is_shown_and_retried(qtbot: Any, tmp_path: Path, launch: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from app.storage.errors import ProjectError

    path = tmp_path / "p.smartrec"
    make_project(path, [("", "")])
    app = launch()
    assert app.ctl.open_project(path)
    project = app.ctl.project
    real = project.update_draft

    def failing(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("text") is not None:
            raise ProjectError("The disk is full.")
        return real(*args, **kwargs)

    monkeypatch.setattr(project, "update_draft", failing)
    type_text(qtbot, app, "Adopt a law by 2027.")
    app.ctl.saver.flush()
    assert app.window.banner.isVisibleTo(app.window)
    assert "disk is full" in app.window.banner.text()
    assert app.ctl.saver.pending  # kept for the retry
    monkeypatch.setattr(project, "update_draft", real)
    qtbot.waitUntil(lambda: not app.ctl.saver.pending, timeout=10000)
    assert not app.window.banner.isVisibleTo(app.window)
    assert project.drafts()[0].text == "Adopt a law by 2027."


def test_dark_scheme_restyles_the_window(qtbot: Any, tmp_path: Path, launch: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from app.gui import theme

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    saved = (QPalette(qapp.palette()), qapp.styleSheet(), qapp.style().name())
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "")])
    app = launch()
    assert app.ctl.open_project(path)
    try:
        monkeypatch.setenv("SMARTREC_THEME", "dark")
        app.ctl.view.apply_palette(restyle=True)
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        dark_blue = theme.dimension_colour("specific", dark=True)
        colours = {sel.format.underlineColor().name()
                   for sel in app.window.editor.extraSelections()}
        assert dark_blue.name() in colours
    finally:
        qapp.setPalette(saved[0])
        qapp.setStyleSheet(saved[1])
        qapp.setStyle(saved[2])


def test_suggested_theme_click_regroups_the_draft(qtbot: Any, tmp_path: Path,
                                                  launch: Any) -> None:
    path = tmp_path / "p.smartrec"
    make_project(path, [(TEXT, "Media"), ("Fund rural clinics by 2027.", "Health")])
    app = launch()
    assert app.ctl.open_project(path)
    draft_id = app.ctl.current_id
    app.window.scorecard.themes.linkActivated.emit(
        "theme:Freedom%20of%20opinion%20and%20expression")
    assert app.ctl.project.get_draft(draft_id).theme == "Freedom of opinion and expression"
    headers = [app.window.drafts.list.item(i).text()
               for i in range(app.window.drafts.list.count())
               if app.window.drafts.list.item(i).data(Qt.ItemDataRole.UserRole) is None]
    assert "Freedom of opinion and expression" in headers
    assert app.ctl.current_id == draft_id
