"""`smartrec check` and `smartrec rules`: inputs, output formats and exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

MINI = str(Path(__file__).parent / "fixtures" / "rules" / "mini.yaml")
ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-grammar", "--no-spelling", "--no-user-rules", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_locates_findings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.txt"
    drafts.write_text("Adopt the bill by 2027.\n\nEnsure free elections.\n", encoding="utf-8")
    code, out, _ = run(capsys, str(drafts), "--rules", MINI, "--fail-on", "warning")
    lines = out.splitlines()
    assert f"{drafts}:3:1: warning mini.vague-verb 'Ensure' does not say what to do" in lines
    assert not any(line.startswith(f"{drafts}:1:") and "mini.vague" in line for line in lines)
    assert code == 1


def test_jsonl_has_the_documented_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "Ensure free elections.",
        "Adopt the bill by 2027.",
        "--format",
        "jsonl",
        "--fail-on",
        "never",
    )
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in records] == [0, 1]
    for record in records:
        assert {"index", "action_category", "themes", "scores", "smart_score", "findings"} <= set(
            record
        )
        assert isinstance(record["action_category"]["category"], int)
        assert isinstance(record["action_category"]["reason"], str)
    assert code == 0


def test_csv_input_with_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "recs.csv"
    data.write_text(
        'id,Draft\n1,"Ensure free, fair elections."\n2,"Adopt the bill\nby 2027."\n',
        encoding="utf-8",
    )
    _code, out, _ = run(
        capsys,
        str(data),
        "--column",
        "Draft",
        "--rules",
        MINI,
        "--format",
        "jsonl",
        "--fail-on",
        "never",
    )
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["index"], r["line"]) for r in records] == [(0, 2), (1, 3)]
    assert records[0]["themes"][0] == "Elections"


def test_missing_column_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "recs.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run(capsys, str(data))
    assert code == 2
    assert "no column named 'Text'" in err


def test_broken_jsonl_names_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "recs.jsonl"
    data.write_text('{"text": "Adopt the bill."}\n{"text": broken}\n', encoding="utf-8")
    code, _, err = run(capsys, str(data), "--format", "jsonl")
    assert code == 2 and f"{data}:2: invalid JSON" in err


def test_clean_draft_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--rules", MINI, "--fail-on", "error", "Adopt the bill by 2027.")
    assert code == 0, out


def test_rules_lint_reports_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: x\nrules:\n  - id: x.y\n    kind: nope\n", encoding="utf-8")
    assert main(["rules", "lint", str(bad)]) == 1
    assert f"{bad}:4: kind: unknown rule kind 'nope'" in capsys.readouterr().out
    assert main(["rules", "lint", MINI]) == 0


def test_rules_test_runs_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "test", "--no-user-rules"]) == 0, capsys.readouterr().out


def test_python_dash_m_app_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("SMARTrec ")


def test_check_with_library_uses_precedents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from app.evidence.library import open_library
    from app.evidence.store import EvidenceItem, add_item

    library = tmp_path / "refs.smartlib"
    conn = open_library(library, create=True)
    conn.execute("BEGIN")
    add_item(
        conn,
        EvidenceItem(
            kind="precedent",
            country="Examplestan",
            recommending_state="Norland",
            cycle="3",
            response="supported",
            issues="Elections",
            text="Amend the electoral law to give the election commission a protected budget.",
        ),
    )
    conn.execute("COMMIT")
    conn.close()
    draft = "Amend the electoral law to give the election commission a protected budget by 2027."
    code, out, err = run(
        capsys,
        draft,
        "--state",
        "Examplestan",
        "--library",
        str(library),
        "--format",
        "jsonl",
        "--fail-on",
        "never",
    )
    assert code == 0, err
    record = json.loads(out)
    assert record["precedents"][0]["recommending_state"] == "Norland"
    assert record["scores"]["relevant"] == "partly"  # a precedent alone is not evidence
    missing = run(capsys, draft, "--library", str(tmp_path / "none.smartlib"))
    assert missing[0] == 2 and "no such evidence library" in missing[2]


def test_check_uses_a_configured_languagetool_server(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grammar findings from a LanguageTool server (our fake of its /v2/check API) reach the
    CLI output; --no-grammar turns them off."""
    from doubles.fakelt import FakeLanguageTool

    from app.settings import AppSettings, save_settings

    server = FakeLanguageTool().start()
    settings_file = tmp_path / "settings.json"
    save_settings(AppSettings(languagetool_url=server.url), settings_file)
    monkeypatch.setattr("app.settings.settings_path", lambda config_dir=None: settings_file)
    try:
        draft = "Adopt a electoral law by 2027."
        code = main(["check", "--no-user-rules", "--format", "jsonl", "--fail-on", "never", draft])
        out, _err = capsys.readouterr()
        found = {(f["dimension"], f["rule_id"]) for f in json.loads(out)["findings"]}
        assert code == 0 and ("grammar", "languagetool.EN_A_VS_AN") in found, found
        main(["check", "--no-user-rules", "--no-grammar", "--format", "jsonl", draft])
        out, _err = capsys.readouterr()
        assert not any(f["dimension"] == "grammar" for f in json.loads(out)["findings"])
    finally:
        server.stop()


def test_progress_bar_draws_on_a_terminal_only() -> None:
    from app.cli_output import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    read = [0]
    bar = Progress(screen, 4_000_000, lambda: read[0])
    for _ in range(400):
        read[0] += 10_000
        bar.tick()
    bar.done()
    last = screen.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * Progress.WIDTH + "] 100% 4.0/4.0 MB, 400 drafts")
    piped = io.StringIO()
    quiet = Progress(piped, 40_000, lambda: read[0])
    for _ in range(400):
        quiet.tick()
    quiet.done()
    assert piped.getvalue() == ""
    small = Terminal()
    Progress(small, Progress.MIN_BYTES - 1, lambda: 0).done()
    assert small.getvalue() == ""
