"""GrammarRunner and the Language settings dialog, offscreen, against the fake LanguageTool."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from doubles.fakelt import FakeLanguageTool
from pytestqt.qtbot import QtBot

from app.gui.grammar import GrammarRunner
from app.gui.language_settings import LanguageSettingsDialog
from app.language.languagetool import NOT_CONFIGURED
from app.settings import AppSettings, load_settings, save_settings

pytestmark = pytest.mark.gui


@pytest.fixture()
def fake() -> Iterator[FakeLanguageTool]:
    server = FakeLanguageTool().start()
    yield server
    server.stop()


@pytest.fixture()
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings.json"


def make_runner(qtbot: QtBot, settings_file: Path, tmp_path: Path) -> GrammarRunner:
    runner = GrammarRunner(settings_file=settings_file, user_dictionary=tmp_path / "d.txt")
    return runner


def test_not_configured_says_so(qtbot: QtBot, settings_file: Path, tmp_path: Path) -> None:
    runner = make_runner(qtbot, settings_file, tmp_path)
    with qtbot.waitSignal(runner.status_changed, timeout=5000) as blocker:
        pass
    assert blocker.args == [NOT_CONFIGURED]
    assert not runner.configured
    runner.request(1, "Any text.")  # nothing runs, nothing breaks
    runner.shutdown()


def test_findings_arrive_with_round_trip(qtbot: QtBot, fake: FakeLanguageTool,
                                         settings_file: Path, tmp_path: Path) -> None:
    save_settings(AppSettings(languagetool_url=fake.url), settings_file)
    runner = make_runner(qtbot, settings_file, tmp_path)
    assert runner.configured
    with qtbot.waitSignal(runner.findings_ready, timeout=10000) as blocker:
        runner.request(7, "We recieve a apple.")
    key, text, findings, elapsed = blocker.args
    assert key == 7 and text == "We recieve a apple."
    assert [f.matched for f in findings] == ["recieve", "a"]
    assert elapsed >= 0
    qtbot.waitUntil(lambda: "LanguageTool" in runner.status() and "ms" in runner.status())
    runner.shutdown()


def test_stale_results_are_dropped(qtbot: QtBot, fake: FakeLanguageTool,
                                   settings_file: Path, tmp_path: Path) -> None:
    fake.delay = 0.2
    save_settings(AppSettings(languagetool_url=fake.url), settings_file)
    runner = make_runner(qtbot, settings_file, tmp_path)
    seen: list[Any] = []
    runner.findings_ready.connect(lambda *args: seen.append(args))
    runner.request(1, "First recieve.")
    runner.request(1, "Second goverment.")
    runner.request(1, "Third text, the latest recieve.")
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    qtbot.wait(500)
    assert [args[1] for args in seen] == ["Third text, the latest recieve."]
    # the middle request was coalesced away: it never reached the server
    assert "Second goverment." not in [r["text"] for r in fake.requests]
    runner.shutdown()


def test_errors_become_status(qtbot: QtBot, fake: FakeLanguageTool, settings_file: Path,
                              tmp_path: Path) -> None:
    fake.mode = "malformed"
    save_settings(AppSettings(languagetool_url=fake.url), settings_file)
    runner = make_runner(qtbot, settings_file, tmp_path)
    seen: list[Any] = []
    runner.findings_ready.connect(lambda *args: seen.append(args))
    runner.request(1, "Text.")
    qtbot.waitUntil(lambda: runner.status().startswith("Grammar check failed"), timeout=10000)
    assert seen == []
    runner.shutdown()


def test_settings_change_is_picked_up(qtbot: QtBot, fake: FakeLanguageTool,
                                      settings_file: Path, tmp_path: Path) -> None:
    runner = make_runner(qtbot, settings_file, tmp_path)
    assert not runner.configured
    save_settings(AppSettings(languagetool_url=fake.url), settings_file)
    with qtbot.waitSignal(runner.findings_ready, timeout=10000):
        runner.request(1, "We recieve.")
    assert runner.configured
    runner.shutdown()


def test_dialog_loads_tests_and_saves(qtbot: QtBot, fake: FakeLanguageTool,
                                      settings_file: Path) -> None:
    save_settings(AppSettings(language_variant="fr"), settings_file)
    dialog = LanguageSettingsDialog(settings_file=settings_file, test_timeout=5)
    qtbot.addWidget(dialog)
    assert dialog.variant.currentData() == "fr"
    assert dialog.source_none.isChecked()
    assert not dialog.test_button.isEnabled()
    dialog.source_url.setChecked(True)
    dialog.url.setText(fake.url + "/v2/check")
    assert dialog.test_button.isEnabled()
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("✓"), timeout=10000)
    assert "Connected to LanguageTool" in dialog.test_result.text()
    dialog.spelling.setChecked(False)
    dialog.accept()
    saved, warning = load_settings(settings_file)
    assert warning is None
    assert saved.languagetool_url == fake.url + "/v2/check"
    assert saved.languagetool_folder == ""
    assert saved.language_variant == "fr"
    assert not saved.spelling_enabled


def test_dialog_test_failure_is_shown(qtbot: QtBot, fake: FakeLanguageTool,
                                      settings_file: Path) -> None:
    fake.mode = "error"
    dialog = LanguageSettingsDialog(settings_file=settings_file, test_timeout=5)
    qtbot.addWidget(dialog)
    dialog.source_url.setChecked(True)
    dialog.url.setText(fake.url)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("✗"), timeout=10000)
    assert "Error: internal error" in dialog.test_result.text()
    dialog.reject()


def test_dialog_rejects_folder_without_jar(qtbot: QtBot, settings_file: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr("app.gui.language_settings.QMessageBox.warning",
                        lambda _parent, _title, text: warnings.append(text))
    dialog = LanguageSettingsDialog(settings_file=settings_file)
    qtbot.addWidget(dialog)
    dialog.source_folder.setChecked(True)
    dialog.folder.setText(str(tmp_path))
    dialog.test_connection()
    assert dialog.test_result.text().startswith("✗ That folder has no languagetool-server.jar")
    dialog.accept()
    assert warnings and "languagetool-server.jar" in warnings[0]
    assert not settings_file.exists()
    (tmp_path / "languagetool-server.jar").write_bytes(b"PK")
    dialog.accept()
    assert load_settings(settings_file)[0].languagetool_folder == str(tmp_path)


def test_dialog_shows_damaged_settings_warning(qtbot: QtBot, settings_file: Path) -> None:
    settings_file.write_text("{broken")
    dialog = LanguageSettingsDialog(settings_file=settings_file)
    qtbot.addWidget(dialog)
    assert dialog.settings() == AppSettings()
    dialog.reject()


def test_spelling_slot_follows_settings(qtbot: QtBot, settings_file: Path,
                                        tmp_path: Path) -> None:
    runner = make_runner(qtbot, settings_file, tmp_path)
    slot = runner.spelling_slot
    assert slot.name == "spelling"
    assert runner.spelling is not None and runner.spelling.wait_ready(30)
    assert [f.matched for f in slot.check("Adopt the lawz.")] == ["lawz"]
    assert slot.add_word("lawz")
    assert slot.check("Adopt the lawz.") == []
    save_settings(AppSettings(spelling_enabled=False), settings_file)
    runner.reload_settings()
    assert slot.check("Adopt the rulz.") == []
    save_settings(AppSettings(language_variant="es"), settings_file)
    runner.reload_settings()
    assert runner.spelling is not None and runner.spelling.language == "es"
    assert slot.provider is runner.spelling
    runner.shutdown()
