"""`smartrec workshop ...` through the real entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from app.cli import main
from app.storage.project import Project
from app.workshop.handin import HANDIN_SUFFIX, read_handin


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_ids(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "workshop", "list", "--format", "json")
    assert code == 0
    ids = {item["id"] for item in json.loads(out)}
    assert {"voter-registration", "campaign-finance", "election-dispute-resolution"} <= ids


def test_console_script_lists_exercises() -> None:
    script = Path(sys.executable).with_name("smartrec")
    out = subprocess.run([str(script), "workshop", "list"], capture_output=True, text=True,
                         timeout=60, check=True)
    assert "voter-registration" in out.stdout and "Republic of Veloria" in out.stdout


def test_start_hand_in_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project_path = tmp_path / "blue.smartrec"
    code, out, _ = run(capsys, "workshop", "start", "campaign-finance",
                       "--participant", "Team Blue", "-o", str(project_path))
    assert code == 0 and str(project_path) in out
    better = (
        "Adopt the party funding bill before the next general elections, so that every party "
        "publishes its income and its donors within 60 days after polling day."
    )
    with Project.open(project_path) as project:
        draft = project.drafts()[0]
        project.update_draft(draft.id, text=better)

    handins = tmp_path / "handins"
    handins.mkdir()
    code, out, _ = run(capsys, "workshop", "hand-in", str(project_path), "-o", str(handins))
    assert code == 0 and "Handed in 1 draft as Team Blue" in out
    (handin_file,) = handins.glob(f"*{HANDIN_SUFFIX}")
    assert read_handin(handin_file).drafts[0].text == better
    (handins / "Red_table.txt").write_text("Ensure transparency in party funding.\n", "utf-8")
    (handins / "notes.pdf").write_bytes(b"%PDF-1.4")

    report = tmp_path / "report.docx"
    code, out, err = run(capsys, "workshop", "report", str(handins),
                         "--exercise", "campaign-finance", "-o", str(report))
    assert code == 0, err
    assert "2 hand-ins read" in out
    assert "skipped notes.pdf: not a hand-in" in err
    text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert "Team Blue" not in text and "Red table" not in text and "Group B" in text

    code, _out, _err = run(capsys, "workshop", "report", str(handins),
                           "--exercise", "campaign-finance", "-o", str(report), "--names")
    text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert code == 0 and "Group A (Team Blue)" in text and "Group B (Red table)" in text


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(capsys, "workshop", "start", "no-such", "--participant", "A",
                          "-o", str(tmp_path / "x.smartrec"))
    assert code == 2 and err.startswith("smartrec: no exercise with id 'no-such' (known: ")
    assert err.count("\n") == 1
    code, _out, err = run(capsys, "workshop", "report", str(tmp_path / "missing"),
                          "--exercise", "campaign-finance", "-o", str(tmp_path / "r.docx"))
    assert code == 2 and err == f"smartrec: {tmp_path / 'missing'}: no such folder\n"
    code, _out, err = run(capsys, "workshop", "report", str(tmp_path),
                          "--exercise", "campaign-finance", "-o", str(tmp_path / "r.docx"))
    assert code == 1 and "no hand-ins for campaign-finance could be read" in err
    assert not (tmp_path / "r.docx").exists()


def test_start_refuses_to_replace_a_project_unless_forced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "a.smartrec")
    args = ("workshop", "start", "voter-registration", "--participant", "A", "-o", path)
    assert run(capsys, *args)[0] == 0
    code, _out, err = run(capsys, *args)
    assert code == 1 and err.rstrip().endswith("(use --force to replace it)")
    assert err.count("\n") == 1
    assert run(capsys, *args, "--force")[0] == 0
