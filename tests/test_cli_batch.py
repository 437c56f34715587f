"""`smartrec check` on a batch: worker processes, input order, atomic --output, Ctrl+C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main
from app.cli_batch import PARALLEL_MIN_DRAFTS

ROOT = Path(__file__).resolve().parent.parent
BASE = ["check", "--no-grammar", "--no-user-rules", "--fail-on", "never"]

_VERBS = ["Ensure", "Adopt", "Consider", "Strengthen", "Ratify", "Continue", "Establish"]
_OBJECTS = [
    "free and fair elections",
    "a law on the independence of the election commission by 2027",
    "the Optional Protocol to the Convention against Torture",
    "measures to protect journalists and human rights defenders",
    "a national action plan on gender equality with a dedicated budget",
    "the efforts to improve access to education for children with disabilites",
]


def _drafts(count: int) -> list[str]:
    """Varied drafts in our own words (some with a spelling slip)."""
    return [
        f"{_VERBS[i % len(_VERBS)]} {_OBJECTS[(i // 7) % len(_OBJECTS)]} (draft {i})."
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "drafts.txt"
    path.write_text("\n".join(_drafts(PARALLEL_MIN_DRAFTS + 130)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "jsonl", "csv", "json"])
def test_workers_give_the_same_output_in_the_same_order(
    capsys: pytest.CaptureFixture[str], batch_file: Path, fmt: str
) -> None:
    assert main([*BASE, "--format", fmt, "--jobs", "1", str(batch_file)]) == 0
    serial = capsys.readouterr().out
    assert main([*BASE, "--format", fmt, "--jobs", "2", str(batch_file)]) == 0
    parallel = capsys.readouterr().out
    assert parallel == serial
    if fmt == "json":
        records = json.loads(parallel)
        assert [r["index"] for r in records] == list(range(PARALLEL_MIN_DRAFTS + 130))
        assert json.dumps(records, ensure_ascii=False, indent=2) + "\n" == parallel


def test_json_output_of_nothing_is_an_empty_array(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert main([*BASE, "--format", "json", str(empty)]) == 0
    assert capsys.readouterr().out == "[]\n"


def test_output_file_is_written_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, batch_file: Path
) -> None:
    target = tmp_path / "results.jsonl"
    target.write_text("previous results\n", encoding="utf-8")
    assert main([*BASE, "--format", "jsonl", "-o", str(target), str(batch_file)]) == 0
    assert capsys.readouterr().out == ""
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == PARALLEL_MIN_DRAFTS + 130 and json.loads(lines[-1])["line"] == len(lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]


def test_bad_jobs_and_output_folder_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main([*BASE, "--jobs", "0", "Adopt a law."]) == 2
    assert "--jobs must be 1 or more" in capsys.readouterr().err
    assert main([*BASE, "-o", str(tmp_path / "no" / "such.txt"), "Adopt a law."]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_ctrl_c_stops_within_a_second_and_leaves_no_output_file(tmp_path: Path) -> None:
    source = tmp_path / "many.txt"
    source.write_text("\n".join(_drafts(40_000)) + "\n", encoding="utf-8")
    target = tmp_path / "out.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "app", *BASE, "--no-spelling", "--format", "json", "-j", "2",
         "-o", str(target), str(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 60
    while not any(p.suffix == ".part" for p in tmp_path.iterdir()):  # the batch has begun
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _out, err = process.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert process.returncode == 130 and "interrupted" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.txt"]


@pytest.mark.slow
def test_spawned_workers_build_the_same_checker(
    capsys: pytest.CaptureFixture[str], batch_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fork is not used (macOS, Windows), workers build their checker themselves."""
    import multiprocessing

    from app import cli_batch

    assert main([*BASE, "--format", "jsonl", "--jobs", "1", str(batch_file)]) == 0
    serial = capsys.readouterr().out
    monkeypatch.setattr(cli_batch, "_context", lambda: multiprocessing.get_context("spawn"))
    assert main([*BASE, "--format", "jsonl", "--jobs", "2", str(batch_file)]) == 0
    assert capsys.readouterr().out == serial


def test_a_parallel_library_check_reads_the_library_and_never_writes_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import cli_batch
    from app.evidence.library import open_library
    from app.evidence.store import EvidenceItem, add_item

    library = tmp_path / "refs.smartlib"
    conn = open_library(library, create=True)
    conn.execute("BEGIN")
    for i, text in enumerate(_OBJECTS):
        add_item(conn, EvidenceItem(kind="precedent", country="Examplestan", issues="Elections",
                                    recommending_state=f"State {i}", text=f"Adopt {text}."))
    conn.execute("COMMIT")
    conn.close()
    before = library.read_bytes(), library.stat().st_mtime_ns
    drafts = tmp_path / "drafts.txt"
    drafts.write_text("\n".join(_drafts(120)) + "\n", encoding="utf-8")
    monkeypatch.setattr(cli_batch, "PARALLEL_MIN_DRAFTS", 100)  # look-ups are slow to repeat
    args = [*BASE, "--no-spelling", "--format", "jsonl", "--state", "Examplestan",
            "--library", str(library), str(drafts)]
    assert main([*args, "--jobs", "2"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 120
    assert any(r["precedents"] for r in records) and all("theme_votes" in r for r in records)
    assert (library.read_bytes(), library.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts.txt", "refs.smartlib"]
    assert main([*args, "--jobs", "1"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == records


def test_progress_counts_whole_chunks() -> None:
    import io

    from app.cli_output import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    read = [0]
    bar = Progress(screen, None, lambda: read[0])  # standard input: no size, drafts counted
    for _ in range(15):
        bar.tick(64)
    bar.tick(40)
    bar.done()
    assert screen.getvalue().rstrip("\n").split("\r")[-1].startswith("1,000 drafts, ")
