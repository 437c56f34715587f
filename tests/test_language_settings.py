"""App settings file and building checkers from it (CLI support)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from app.language.cli_support import providers_from_settings
from app.language.languagetool import DISABLED, NOT_CONFIGURED, GrammarChecker
from app.language.spelling import SpellingProvider
from app.settings import AppSettings, load_settings, save_settings, settings_path


def test_defaults_when_missing(tmp_path: Path) -> None:
    settings, warning = load_settings(tmp_path / "settings.json")
    assert warning is None
    assert settings == AppSettings()
    assert settings.language_variant == "en-GB"
    assert settings.spelling_enabled and settings.grammar_enabled


def test_round_trip_and_atomic_write(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.json"
    wanted = AppSettings(languagetool_url=" http://127.0.0.1:8081 ", language_variant="fr",
                         spelling_enabled=False)
    save_settings(wanted, path)
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp files left
    loaded, warning = load_settings(path)
    assert warning is None
    assert loaded.languagetool_url == "http://127.0.0.1:8081"
    assert loaded.spelling_language == "fr"
    assert loaded == wanted


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", json.dumps({"language_variant": "klingon"}).encode(),
     b"\xff\xfe\x00\x01", b""],
)
def test_corrupt_file_gives_defaults_and_warning(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        settings, warning = load_settings(path)
    assert settings == AppSettings()
    assert warning is not None and "Using defaults" in warning


def test_unknown_keys_from_newer_versions_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language_variant": "es", "future_option": 3}))
    settings, warning = load_settings(path)
    assert warning is None and settings.language_variant == "es"


def test_default_path_is_in_user_config_dir() -> None:
    assert settings_path().name == "settings.json"
    assert "SMARTrec" in str(settings_path())


def test_providers_nothing_configured(tmp_path: Path) -> None:
    providers, grammar, status = providers_from_settings(
        settings=AppSettings(), user_dictionary=tmp_path / "d.txt")
    assert [p.name for p in providers] == ["spelling"]
    assert grammar is None
    assert status == NOT_CONFIGURED
    assert "Rules ▸ Language and Grammar…" in status


def test_providers_no_grammar_flag_and_disabled(tmp_path: Path) -> None:
    settings = AppSettings(languagetool_url="http://127.0.0.1:9")
    _, grammar, status = providers_from_settings(True, settings=settings,
                                                 user_dictionary=tmp_path / "d.txt")
    assert grammar is None and "--no-grammar" in status
    _, grammar, status = providers_from_settings(
        settings=settings.model_copy(update={"grammar_enabled": False}),
        user_dictionary=tmp_path / "d.txt")
    assert grammar is None and status == DISABLED


def test_providers_configured_url_and_spelling_off(tmp_path: Path) -> None:
    settings = AppSettings(languagetool_url="127.0.0.1:9/v2/check", spelling_enabled=False,
                           language_variant="en-US")
    providers, grammar, status = providers_from_settings(settings=settings,
                                                         user_dictionary=tmp_path / "d.txt")
    assert providers == []
    assert isinstance(grammar, GrammarChecker)
    assert grammar.where == "http://127.0.0.1:9"
    assert grammar.language == "en-US"
    assert isinstance(grammar.vocabulary, SpellingProvider)  # still filters LT spelling
    assert "127.0.0.1:9" in status


def test_providers_bad_url_is_a_status_not_a_crash(tmp_path: Path) -> None:
    settings = AppSettings(languagetool_url="ftp://example")
    _, grammar, status = providers_from_settings(settings=settings,
                                                 user_dictionary=tmp_path / "d.txt")
    assert grammar is None
    assert status.startswith("Grammar checking is off:")


def test_corrupt_settings_file_reaches_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{oops")
    monkeypatch.setattr("app.language.cli_support.load_settings", lambda: load_settings(path))
    _, grammar, status = providers_from_settings(user_dictionary=tmp_path / "d.txt")
    assert grammar is None
    assert "damaged" in status and NOT_CONFIGURED in status
