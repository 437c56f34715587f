"""Spelling costs nothing until suggestions are asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.language.spelling import SpellingProvider

ROOT = Path(__file__).resolve().parent.parent
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


def test_a_one_draft_check_loads_no_word_list(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"main(['check', '--no-grammar', '--no-user-rules', {TEXT!r}])\n"
        "print(sorted(m for m in ('spellchecker', 'app.language.languagetool') "
        "if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path))
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120)
        for _ in range(2)
    ]
    assert "strenghten" in runs[1].stdout
    assert runs[0].stdout.strip().splitlines()[-1] == "['spellchecker']"  # builds the table
    assert runs[1].stdout.strip().splitlines()[-1] == "[]", runs[1].stderr
