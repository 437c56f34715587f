"""The command line under hostile input: one clear line and exit 2, never a traceback."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.cli import SUBCOMMANDS, main
from app.cli_output import LineIndex

ROOT = Path(__file__).resolve().parents[2]
QUIET = ("--no-grammar", "--no-spelling", "--no-user-rules")
DRAFT = "The State should ratify the Convention against Torture by December 2027."


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_typo_is_an_error_with_a_suggestion_not_a_gui(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "chekc", "draft.txt")
    assert code == 2
    assert err.strip() == (
        "smartrec: unknown command 'chekc' (did you mean 'check'?); "
        f"commands: {', '.join(SUBCOMMANDS)}"
    )
    assert out == ""


def test_a_sentence_as_command_points_at_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, DRAFT)
    assert code == 2
    assert 'smartrec check "DRAFT"' in err


def test_missing_input_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", *QUIET, "nosuchfile.txt")
    assert (code, out) == (2, "")
    assert err == "smartrec: cannot read nosuchfile.txt: no such file\n"


def test_a_folder_is_not_a_draft(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "check", *QUIET, str(tmp_path))
    assert (code, out) == (2, "")
    assert "is a folder" in err


def test_fifo_is_refused_without_hanging(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "drafts.txt"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "check", *QUIET, str(fifo))
    assert code == 2
    assert "not a regular file" in err


def test_long_quoted_draft_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    long_draft = " ".join([DRAFT] * 6)
    assert len(long_draft.encode()) > 255
    code, out, err = run(capsys, "check", *QUIET, "--format", "jsonl", "--fail-on", "never",
                         long_draft)
    assert code == 0, err
    assert '"source": "<argument>"' in out


def test_text_option_checks_a_one_word_draft(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", *QUIET, "--format", "csv", "--fail-on", "never",
                       "--text", "Ratify")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[1][1] == "<text>"


def test_column_on_non_csv_input_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    drafts = tmp_path / "d.txt"
    drafts.write_text(DRAFT + "\n", encoding="utf-8")
    code, out, err = run(capsys, "check", *QUIET, "--column", "Draft", str(drafts))
    assert (code, out) == (2, "")
    assert "--column applies to .csv input only" in err


def test_csv_output_neutralises_file_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hostile = tmp_path / "=HYPERLINK(1).txt"
    hostile.write_text(DRAFT + "\n", encoding="utf-8")
    os.chdir(tmp_path)
    code, out, _ = run(capsys, "check", *QUIET, "--format", "csv", "--fail-on", "never",
                       hostile.name)
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[1][1] == "'=HYPERLINK(1).txt"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_shift_jis_is_refused_with_advice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "recs.csv"
    text = "Text\n日本は拷問等禁止条約の選択議定書を2027年までに批准すべきである。\n"
    data.write_bytes(text.encode("shift_jis"))
    code, out, err = run(capsys, "check", *QUIET, str(data))
    assert (code, out) == (2, "")
    assert "looks like Shift-JIS" in err
    assert "re-save it as UTF-8 or pass --encoding" in err
    code, out, _ = run(capsys, "check", *QUIET, "--encoding", "shift_jis", "--format", "jsonl",
                       "--fail-on", "never", str(data))
    assert code == 0 and "\"end\": 34" in out  # 34 characters: decoded, not mojibake


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_text_and_csv_are_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str
) -> None:
    txt = tmp_path / "d.txt"
    txt.write_bytes(f"{DRAFT}\r\n".encode(encoding))
    table = tmp_path / "d.csv"
    table.write_bytes(f'id,Text\r\n1,"{DRAFT}"\r\n'.encode(encoding))
    code, out, err = run(capsys, "check", *QUIET, "--format", "jsonl", "--fail-on", "never",
                         str(txt), str(table))
    assert code == 0, err
    assert out.count('"source"') == 2
    assert "\\u0000" not in out


def test_line_index_matches_slicing() -> None:
    text = "first line\nsecond\n\nfourth line here"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        before = text[:offset]
        expected = (before.count("\n"), offset - (before.rfind("\n") + 1) + 1)
        assert index.position(offset) == expected


def test_unexpected_error_gives_one_line_and_a_crash_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def broken(args: object) -> int:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(cli, "cmd_check", broken)
    code, _, err = run(capsys, "check", "--text", DRAFT)
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert "internal error (ZeroDivisionError: simulated bug)" in err
    reports = list(tmp_path.rglob("crash-*.txt"))
    assert len(reports) == 1
    body = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in body and "simulated bug" in body
    assert str(reports[0]) in err


def test_closed_stdin_and_stdout() -> None:
    shell = f"cd {ROOT} && {sys.executable} -m app check --no-grammar --no-user-rules"
    closed_in = subprocess.run(["bash", "-c", shell + " - <&-"], capture_output=True, text=True,
                               timeout=120)
    assert closed_in.returncode == 2
    assert closed_in.stderr.strip() == "smartrec: cannot read standard input: it is closed"
    closed_out = subprocess.run(["bash", "-c", shell + f" --text '{DRAFT}' >&-"],
                                capture_output=True, text=True, timeout=120)
    assert closed_out.returncode == 2
    assert "standard output is closed" in closed_out.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_stdout_is_reported() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "app", "check", *QUIET, "--format",
                                     "json", "--text", DRAFT],
                                stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == "smartrec: cannot write the output: No space left on device"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_without_traceback_or_partial_output(tmp_path: Path, jobs: str) -> None:
    drafts = tmp_path / "many.txt"
    drafts.write_text((DRAFT + "\n") * 20_000, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "check", *QUIET, "--jobs", jobs, "--format", "jsonl",
         str(drafts)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
    )
    assert proc.stdout is not None
    first = proc.stdout.read(1)  # output has started: the check loop is running
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"Traceback" not in err
    assert err.decode().strip().endswith("smartrec: interrupted")
    output = (first + rest).decode()
    assert output.endswith("}\n")  # whole lines only, even when a write to the pipe was cut
    assert all(line.startswith('{"index"') for line in output.splitlines())

def test_a_five_megabyte_draft_is_refused_before_checking(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    huge = tmp_path / "book.txt"
    huge.write_text((DRAFT + " ") * 70_000 + "\n", encoding="utf-8")
    code, out, err = run(capsys, "check", *QUIET, str(huge))
    assert (code, out) == (2, "")
    assert err == (
        f"smartrec: {huge}:1: a draft of 5,110,000 characters is too long to check "
        "(the limit is 100,000); put one draft per line\n"
    )


def test_a_single_word_that_is_no_file_points_at_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", *QUIET, "Ratify")
    assert (code, out) == (2, "")
    assert err == (
        "smartrec: cannot read Ratify: no such file (to check a one-word draft, use --text)\n"
    )
