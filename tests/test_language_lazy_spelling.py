"""Spelling costs nothing until suggestions are asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.language.spelling import SpellingProvider

TEXT = "Ratifiy the Convention and strenghten the judiciary of Côte d'Ivoire."


def test_flagging_without_suggestions_flags_the_same_words(tmp_path: Path) -> None:
    lazy = SpellingProvider("en", user_dictionary=tmp_path / "d.txt", suggest=False)
    full = SpellingProvider("en", user_dictionary=tmp_path / "d.txt")
    flagged = lazy.check(TEXT)
    assert [f.matched for f in flagged] == [f.matched for f in full.check(TEXT)]
    assert [f.matched for f in flagged] == ["Ratifiy", "strenghten"]
    assert all(f.replacements == () for f in flagged)
    assert full.check(TEXT)[0].replacements[0].text == "Ratify"


def test_cli_suggestions_only_with_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", "--no-grammar", "--no-user-rules", "--format", "json", TEXT]
    main(args)
    plain = json.loads(capsys.readouterr().out)[0]["findings"]
    main([*args, "--suggest"])
    suggested = json.loads(capsys.readouterr().out)[0]["findings"]

    def spelling(findings: list[dict[str, object]]) -> list[object]:
        return [f["replacements"] for f in findings if f["rule_id"] == "spelling.unknown-word"]

    assert spelling(plain) == [[], []]
    assert spelling(suggested)[0][0] == "Ratify"
