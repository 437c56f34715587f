"""`smartrec check` reads its input as a stream: bounded memory, errors by file and line later on,
nothing half-written, encoding detected on the first megabyte."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from app import draft_input
from app.cli import main
from app.cli_batch import PARALLEL_MIN_DRAFTS
from app.draft_input import DraftReader
from app.textio import SNIFF_BYTES

BASE = ["check", "--no-grammar", "--no-spelling", "--no-user-rules", "--fail-on", "never"]
DRAFT = "Adopt a law on the independence of the judiciary by 2027."


def _csv(path: Path, rows: int, *, notes: int = 0) -> Path:
    lines = ["id,Text,Notes"] + [f'{i},"{DRAFT} ({i})",{"n" * notes}' for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reader_holds_a_line_not_the_file(tmp_path: Path) -> None:
    big = _csv(tmp_path / "big.csv", 3_000, notes=2_000)  # about 6 MB
    reader = DraftReader([str(big)], "Text")
    drafts = iter(reader)
    first = next(drafts)
    assert (first.source, first.line, first.text) == (str(big), 2, f"{DRAFT} (0)")
    assert reader.size == big.stat().st_size
    assert 0 < reader.position < reader.size / 20  # read as far as needed, not the whole file
    assert sum(1 for _ in drafts) == 2_999
    assert reader.position == reader.size


def test_a_bad_row_late_in_the_file_names_its_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    drafts = tmp_path / "drafts.txt"
    lines = [f"{DRAFT} ({i})" for i in range(PARALLEL_MIN_DRAFTS + 300)]
    lines[PARALLEL_MIN_DRAFTS + 200] = "x" * 100_001  # beyond the drafts read ahead
    drafts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "results.jsonl"
    target.write_text("earlier results\n", encoding="utf-8")
    for jobs in ("1", "2"):
        code = main([*BASE, "--jobs", jobs, "--format", "jsonl", "-o", str(target), str(drafts)])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err == (f"smartrec: {drafts}:{PARALLEL_MIN_DRAFTS + 201}: a draft of 100,001 "
                       "characters is too long to check (the limit is 100,000); put one draft "
                       "per line\n")
        assert target.read_text(encoding="utf-8") == "earlier results\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts.txt", "results.jsonl"]


def test_a_bad_row_among_the_first_drafts_stops_before_any_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    table = tmp_path / "drafts.csv"
    table.write_text(f"Text\n{DRAFT}\n" + "x" * 200_000 + "\n", encoding="utf-8")
    code = main([*BASE, "--format", "json", str(table)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"smartrec: {table}:3: broken CSV: field larger than field limit")


def test_bad_bytes_after_the_first_megabyte_are_an_error_with_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts = tmp_path / "drafts.txt"
    blank = b" " * 99 + b"\n"  # blank lines are counted, not checked: a quick test
    count = SNIFF_BYTES // len(blank) + 50
    drafts.write_bytes(f"{DRAFT}\n".encode() + blank * count + b"Ratify the caf\xe9 pact.\n")
    code = main([*BASE, "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"), str(drafts)])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err == (f"smartrec: cannot read {drafts}: not valid utf-8 text (line {count + 2}); "
                   "re-save it as UTF-8 or pass --encoding\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts.txt"]
    code = main([*BASE, "--encoding", "cp1252", "--format", "jsonl", str(drafts)])
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 0 and [r["line"] for r in records] == [1, count + 2]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(drafts.read_bytes())))
    assert main([*BASE, "-"]) == 2
    assert f"standard input: not valid utf-8 text (line {count + 2})" in capsys.readouterr().err


def test_a_character_cut_at_the_first_megabyte_is_still_utf8(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    drafts = tmp_path / "drafts.txt"
    accented = "Ratifiez la convention d’ici 2027.\n".encode()  # a 3-byte apostrophe
    head = b" " * (SNIFF_BYTES - accented.index("’".encode()) - 1) + b"\n"
    drafts.write_bytes(head + accented)  # the apostrophe straddles the first megabyte's end
    assert [(d.line, d.text) for d in DraftReader([str(drafts)])] == [
        (2, "Ratifiez la convention d’ici 2027.")]
    assert main([*BASE, "--format", "jsonl", str(drafts)]) == 0
    assert [json.loads(x)["line"] for x in capsys.readouterr().out.splitlines()] == [2]


def test_an_endless_line_is_refused_by_its_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draft_input, "MAX_LINE_CHARS", 1_000)
    drafts = tmp_path / "drafts.txt"
    drafts.write_text(f"{DRAFT}\n{DRAFT}\n" + "y" * 5_000, encoding="utf-8")
    code = main([*BASE, str(drafts)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (f"smartrec: {drafts}:3: a line longer than 1,000 characters; put one draft "
                   "per line\n")


def test_each_draft_carries_its_rows_outlook_columns(tmp_path: Path) -> None:
    """The acceptance outlook's State and session travel with each draft from the one streamed
    read, instead of a second read that held every row of the file in memory."""
    table = tmp_path / "drafts.csv"
    table.write_text('Text,To,Session\n"Ratify the Convention.",Kenya,9\n,Chile,10\n'
                     '"Abolish the death penalty.",,11\n', encoding="utf-8")
    fields = {"state": "To", "session": "Session"}
    drafts = list(DraftReader([str(table)], "Text", fields=fields))
    assert [(d.line, d.text, d.fields) for d in drafts] == [
        (2, "Ratify the Convention.", {"state": "Kenya", "session": "9"}),
        (4, "Abolish the death penalty.", {"state": "", "session": "11"}),
    ]
    records = tmp_path / "drafts.jsonl"
    records.write_text('{"text": "Ratify it.", "To": "Fiji", "Session": 12}\n"Just text."\n',
                       encoding="utf-8")
    assert [d.fields for d in DraftReader([str(records)], fields=fields)] == [
        {"state": "Fiji", "session": "12"}, {"state": "", "session": ""}]
    assert next(iter(DraftReader([str(table)], "Text"))).fields == {}


def test_a_missing_outlook_column_is_refused_at_the_header_naming_the_option(
    tmp_path: Path,
) -> None:
    table = _csv(tmp_path / "drafts.csv", 3)
    with pytest.raises(draft_input.InputError, match=r"no column named 'From' .*--recommending"):
        list(DraftReader([str(table)], "Text", fields={"recommending": "From"}))
