"""Every GUI action that reads or writes user files, driven through the window as `smartrec`
starts it, with hostile files from the corpus: one sentence naming the file and the reason, no
crash report, no file changed (sha256 before and after). Message boxes and file pickers are
answered automatically; the action's own dialogs are driven through their widgets.

The table in docs/robustness.md ("Desktop actions") lists each action with its test here.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from app_window import launch, make_project
from corpus import EXERCISE, Case, build
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QMessageBox

from app.gui.controller import MainController
from app.gui.window import MainWindow

pytestmark = pytest.mark.gui

#: Project files the app must refuse (the flipped one is readable: its damage is in free space).
BAD_PROJECTS = ("truncated-1.smartrec", "truncated-half.smartrec", "header-only.smartrec",
                "empty.smartrec", "text.smartrec", "zeros.smartrec", "wrong-columns.smartrec",
                "foreign-app.smartrec", "newer.smartrec", "bad-date.smartrec",
                "bad-status.smartrec", "blob-text.smartrec", "bad-utf8.smartrec",
                "bad-utf8-schema.smartrec")
BAD_IMPORTS = ("shift-jis.csv", "utf16-tabs.txt", "deep.json", "nan.json", "big-number.json",
               "not-json.json", "lying-zip.docx", "not-a-zip.docx", "zip-version.xlsx",
               "dtd.docx", "junk.xlsx", "junk.pdf", "huge-startxref.pdf", "empty.csv",
               "inf-year.csv", "twenty-digit-year.csv", "huge-field.csv", "broken-quotes.csv")
BAD_WORD = ("truncated-half.docx", "truncated-1.docx", "lying-zip.docx", "not-a-zip.docx",
            "zip-version.docx", "dtd.docx", "bad-xml.docx", "deep-xml.docx", "empty.docx",
            "text.docx", "no-document.docx", "zip-bomb.docx", "many-paragraphs.docx",
            "binary.docx", "styles-untyped.docx", "styles-no-type.docx")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return build(tmp_path_factory.mktemp("hostile-gui"))


def case(corpus: list[Case], family: str, name: str) -> Path:
    return next(c.path for c in corpus if c.family == family and c.name == name)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


@dataclass
class Answers:
    """What the auto-answered message boxes were told, and what file pickers should return."""

    said: list[tuple[str, str]] = field(default_factory=list)  # (title, text)
    open_file: str = ""
    save_file: str = ""
    folder: str = ""

    def one(self) -> tuple[str, str]:
        assert len(self.said) == 1, self.said
        return self.said.pop()


@dataclass
class Gui:
    answers: Answers
    home: Path
    qtbot: Any
    monkeypatch: pytest.MonkeyPatch

    def launch(self, project: Path) -> tuple[MainWindow, MainController]:
        window, ctl = launch(self.qtbot, project)
        return window, ctl

    def drive(self, cls: type[QDialog], steps: Callable[[Any], int]) -> None:
        """The next `cls.exec()` runs `steps(dialog)` instead of waiting for a user."""
        self.monkeypatch.setattr(cls, "exec", lambda dialog: steps(dialog))


def assert_one_line(text: str, *names: str) -> None:
    assert text.strip() and "\n" not in text.strip(), text
    assert "Traceback" not in text and "internal error" not in text, text
    for name in names:
        assert name in text, f"{name!r} not named in: {text}"


@pytest.fixture
def gui(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gui]:
    from app.gui import crash

    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    answers = Answers()

    def said(_parent: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        answers.said.append((title, text))
        return QMessageBox.StandardButton.Ok

    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, said)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a, **_k: (answers.open_file, ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (answers.save_file, ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: answers.folder)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    crash.install_excepthook()  # as `smartrec` does: an unforeseen error is a crash report
    yield Gui(answers, tmp_path, qtbot, monkeypatch)
    reports = list((tmp_path / "state").rglob("crash-*.txt"))
    assert not reports, reports[0].read_text(encoding="utf-8") if reports else ""


# -- projects -------------------------------------------------------------------------------


def test_open_project_refuses_hostile_files(gui: Gui, corpus: list[Case], tmp_path: Path) -> None:
    window, ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    for name in BAD_PROJECTS:
        path = case(corpus, "project", name)
        before, siblings = digest(path), sorted(p.name for p in path.parent.iterdir())
        gui.answers.open_file = str(path)
        window.act_open.trigger()
        title, text = gui.answers.one()
        assert title == "Cannot open project"
        assert_one_line(text, name)
        assert digest(path) == before, name
        assert sorted(p.name for p in path.parent.iterdir()) == siblings, name
        assert ctl.project is not None and ctl.project.path.name == "mine.smartrec"
    window.close()


def test_recent_file_that_became_hostile_is_refused_and_forgotten(
    gui: Gui, corpus: list[Case], tmp_path: Path
) -> None:
    window, ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    path = case(corpus, "project", "truncated-half.smartrec")
    before = digest(path)
    ctl.session.add_recent(path)
    action = next(a for a in window.recent_menu.actions() if a.text() == path.name)
    action.trigger()
    title, text = gui.answers.one()
    assert title == "Cannot open project"
    assert_one_line(text, path.name, "cut short")
    assert digest(path) == before
    assert str(path) not in ctl.session.recent()
    window.close()


def test_new_project_and_save_a_copy_to_an_impossible_place(gui: Gui, tmp_path: Path) -> None:
    from app.gui.dialogs import ProjectDetailsDialog

    window, ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    blocker = tmp_path / "notes.txt"  # a file where a folder should be
    blocker.write_text("keep me", encoding="utf-8")
    before = digest(blocker)
    gui.drive(ProjectDetailsDialog, lambda _d: QDialog.DialogCode.Accepted.value)
    for target in (blocker / "new.smartrec", tmp_path / ("x" * 300 + ".smartrec")):
        gui.answers.save_file = str(target)
        window.act_new.trigger()
        title, text = gui.answers.one()
        assert title == "Cannot create project"
        assert_one_line(text, target.name[:40])
        gui.answers.save_file = str(target.with_name("copy-" + target.name))
        window.act_save_copy.trigger()
        title, text = gui.answers.one()
        assert title == "Cannot save a copy"
        assert_one_line(text)
    assert digest(blocker) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".smartrec") == [
        "mine.smartrec"]
    assert ctl.project is not None and ctl.project.path.name == "mine.smartrec"
    window.close()


# -- evidence imports -----------------------------------------------------------------------


def test_import_evidence_reports_hostile_files_in_the_dialog(
    gui: Gui, corpus: list[Case], tmp_path: Path
) -> None:
    from app.gui.import_dialog import ImportDialog

    window, ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    assert ctl.project is not None
    shown: dict[str, str] = {}

    def steps(dialog: ImportDialog) -> int:
        path = Path(gui.answers.open_file)
        with gui.qtbot.waitSignal(dialog.finished_work, timeout=30_000):
            dialog.set_path(str(path))
        shown[path.name] = dialog.summary.text()
        for row in range(dialog.errors_list.count()):
            assert_one_line(dialog.errors_list.item(row).text())
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    gui.drive(ImportDialog, steps)
    for name in BAD_IMPORTS:
        path = case(corpus, "import", name)
        before = digest(path)
        gui.answers.open_file = str(path)
        window.act_import.trigger()
        text = shown[name]
        assert_one_line(text)
        assert "Unexpected" not in text
        if text.startswith("Cannot import"):
            assert name in text, text
        else:  # read, with the bad rows listed to be skipped
            assert "will be skipped" in text or "0 item(s)" in text, text
        assert digest(path) == before, name
    assert not gui.answers.said
    window.close()


# -- exports --------------------------------------------------------------------------------


def test_export_to_an_impossible_place_says_why_and_writes_nothing(
    gui: Gui, tmp_path: Path
) -> None:
    from app.gui.export_dialog import ExportDialog

    window, _ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me", encoding="utf-8")
    folder = tmp_path / "a folder.docx"
    folder.mkdir()
    shown: list[str] = []
    choice: list[tuple[str, Path]] = []

    def steps(dialog: ExportDialog) -> int:
        fmt, target = choice[-1]
        dialog.set_choice("list", fmt, target)
        if dialog.start_export():
            gui.qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
        shown.append(dialog.status.text())
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    gui.drive(ExportDialog, steps)
    for fmt in ("docx", "pdf", "csv", "json", "md"):
        for target in (blocker / f"list.{fmt}", tmp_path / ("y" * 300 + f".{fmt}"), folder):
            choice.append((fmt, target))
            window.act_export.trigger()
            assert_one_line(shown[-1])
            assert "Exported" not in shown[-1] and "failed" not in shown[-1], shown[-1]
            assert target.name[:30] in shown[-1] or target.parent.name in shown[-1], shown[-1]
    assert blocker.read_text(encoding="utf-8") == "keep me"
    assert list(folder.iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("y")]
    window.close()


# -- Word documents -------------------------------------------------------------------------


def test_word_review_and_import_drafts_report_hostile_documents(
    gui: Gui, corpus: list[Case], tmp_path: Path
) -> None:
    from app.gui.word_import import WordImportDialog
    from app.gui.word_review import WordReviewDialog

    window, ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    assert ctl.project is not None
    drafts_before = [d.text for d in ctl.project.drafts()]
    shown: dict[tuple[str, str], str] = {}

    def review(dialog: WordReviewDialog) -> int:
        path = Path(dialog.path_edit.text())
        if dialog.review_button.isEnabled():
            with gui.qtbot.waitSignal(dialog.finished_work, timeout=60_000):
                dialog.review_button.click()
        shown[("review", path.name)] = dialog.status.text()
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    def import_drafts(dialog: WordImportDialog) -> int:
        path = Path(dialog.path_edit.text())
        with gui.qtbot.waitSignal(dialog.finished_work, timeout=60_000):
            dialog.load()
        shown[("import", path.name)] = dialog.status.text()
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    gui.drive(WordReviewDialog, review)
    gui.drive(WordImportDialog, import_drafts)
    for name in BAD_WORD:
        path = case(corpus, "word", name)
        before = digest(path)
        siblings = sorted(p.name for p in path.parent.iterdir())

        def opened(dialog: QDialog, path: Path = path) -> None:
            dialog.path_edit.setText(str(path))  # what Browse… would put there

        ctl.word.dialog_opened.connect(opened)
        try:
            ctl.word.act_review.trigger()
            ctl.word.act_import.trigger()
        finally:
            ctl.word.dialog_opened.disconnect(opened)
        for action in ("review", "import"):
            assert_one_line(shown[(action, name)], name)
        assert digest(path) == before, name
        assert sorted(p.name for p in path.parent.iterdir()) == siblings, name  # no output
    assert [d.text for d in ctl.project.drafts()] == drafts_before
    assert not gui.answers.said
    window.close()


# -- workshop -------------------------------------------------------------------------------


def test_workshop_start_hand_in_board_and_report_with_hostile_places(
    gui: Gui, corpus: list[Case], tmp_path: Path
) -> None:
    from app.cli import main as cli_main
    from app.gui.workshop.participant import StartExerciseDialog

    participant = tmp_path / "group3.smartrec"
    assert cli_main(["workshop", "start", EXERCISE, "--participant", "Group 3",
                     "-o", str(participant)]) == 0
    window, ctl = gui.launch(participant)
    blocker = tmp_path / "usb.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    before = digest(blocker)

    def start(dialog: StartExerciseDialog) -> int:
        dialog.participant.setText("Group 7")
        dialog.list.setCurrentRow(0)
        return QDialog.DialogCode.Accepted  # type: ignore[return-value]

    gui.drive(StartExerciseDialog, start)
    gui.answers.save_file = str(blocker / "group7.smartrec")
    ctl.workshop.act_start.trigger()
    title, text = gui.answers.one()
    assert title == "Cannot start the exercise"
    assert_one_line(text, "group7.smartrec")

    gui.answers.folder = str(blocker)  # a file chosen as the hand-in folder
    ctl.workshop.act_hand_in.trigger()
    title, text = gui.answers.one()
    assert title == "Cannot hand in"
    assert_one_line(text, blocker.name)
    assert digest(blocker) == before

    exercise = next(e for e in ctl.workshop.exercises().ordered() if e.id == EXERCISE)
    gui.monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: (
        f"{exercise.title} ({exercise.id})", True))
    folders = sorted({c.path.parent for c in corpus if c.family == "handin"})
    digests = {p: digest(p) for f in folders for p in f.iterdir()}
    for folder in folders[:6]:
        gui.answers.folder = str(folder)
        ctl.workshop.act_board.trigger()
        gui.qtbot.waitUntil(lambda: bool(ctl.workshop.boards), timeout=60_000)
        board = ctl.workshop.boards[-1]
        hostile = next(folder.iterdir()).name
        assert_one_line(board.status.text(), str(folder))
        assert hostile in board.status.toolTip(), board.status.toolTip()
        assert board.write_report_to(blocker / "report.docx") is False
        assert_one_line(board.statusBar().currentMessage(), blocker.name)
        board.close()
        gui.qtbot.waitUntil(lambda: not ctl.workshop.boards, timeout=5000)
    assert {p: digest(p) for p in digests} == digests
    assert digest(blocker) == before
    window.close()


# -- settings, rule files, language settings -------------------------------------------------


@pytest.mark.parametrize("settings_case", ["deep", "binary"])
def test_damaged_settings_file_and_language_settings(
    gui: Gui, corpus: list[Case], tmp_path: Path, settings_case: str
) -> None:
    from app.gui.language_settings import LanguageSettingsDialog

    source = case(corpus, "settings", f"{settings_case}/SMARTrec/settings.json")
    config = tmp_path / "config" / "SMARTrec"
    config.mkdir(parents=True)
    settings = config / "settings.json"
    settings.write_bytes(source.read_bytes())
    before = digest(settings)
    window, _ctl = gui.launch(make_project(tmp_path / "mine.smartrec"))
    gui.qtbot.waitUntil(lambda: "settings.json" in window.grammar_label.toolTip(), timeout=10_000)
    assert "Using defaults" in window.grammar_label.toolTip()
    notes: list[str] = []

    def cancel(dialog: LanguageSettingsDialog) -> int:
        notes.extend(label.text() for label in dialog.findChildren(QLabel))
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    gui.drive(LanguageSettingsDialog, cancel)
    window.act_language.trigger()
    assert any("settings.json" in note for note in notes), notes
    assert digest(settings) == before  # nothing rewritten unless the user presses OK

    empty = tmp_path / "not-languagetool"
    empty.mkdir()

    def choose_a_folder_without_languagetool(dialog: LanguageSettingsDialog) -> int:
        dialog.grammar.setChecked(True)
        dialog.source_folder.setChecked(True)
        dialog.folder.setText(str(empty))
        dialog.accept()
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    gui.drive(LanguageSettingsDialog, choose_a_folder_without_languagetool)
    window.act_language.trigger()
    title, text = gui.answers.one()
    assert title == "Language settings"
    assert_one_line(text, "languagetool-server.jar")
    assert digest(settings) == before
    window.close()


def test_hostile_user_rule_files_are_listed_and_built_in_rules_still_load(
    gui: Gui, corpus: list[Case], tmp_path: Path
) -> None:
    from app.gui.dialogs import TextListDialog
    from app.gui.main import start
    from app.paths import user_rules_dir

    rules = user_rules_dir()
    rules.mkdir(parents=True)
    names = ("deep-1000.yaml", "macro-bomb.yaml", "python-tag.yaml", "binary.yaml",
             "too-big.yaml", "conditional-empty.yaml", "not-utf8.yaml")
    for name in names:
        (rules / name).write_bytes(case(corpus, "rules", name).read_bytes())
    digests = {p: digest(p) for p in rules.iterdir()}
    startup = start([str(make_project(tmp_path / "mine.smartrec"))])  # user rules on
    gui.qtbot.addWidget(startup.window)
    gui.qtbot.waitUntil(lambda: startup.controller is not None
                        and startup.controller.checker is not None, timeout=60_000)
    ctl, window = startup.controller, startup.window
    assert ctl is not None and ctl.checker is not None
    assert "core" in " ".join(ctl.checker.packs) or len(ctl.checker.packs) >= 3
    assert window.errors_button.isVisibleTo(window)
    listed: list[str] = []

    def show(dialog: TextListDialog) -> int:
        listed.extend(dialog.text.toPlainText().splitlines())
        return QDialog.DialogCode.Accepted  # type: ignore[return-value]

    gui.drive(TextListDialog, show)
    window.errors_button.click()
    for name in names:
        line = next((entry for entry in listed if name in entry), None)
        assert line is not None, (name, listed)
        assert_one_line(line, name)
    assert {p: digest(p) for p in digests} == digests
    window.close()
