"""Every CLI command over the generated hostile corpus: a clear line and exit 0/1/2, no crash
report, no traceback, and no input file changed (sha256 before and after)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import DRAFT, EXERCISE, Case, build

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
QUIET = ("--no-grammar", "--no-spelling", "--no-user-rules")
CHECK_WITH = {"deep-50000.yaml", "macro-bomb.yaml", "fifo.yaml", "conditional-empty.yaml",
              "backtrack-own-letters.yaml", "valid.yaml"}


@pytest.fixture
def shared_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the built-in rules once for commands without --rules: the rule loader has its own
    tests, and reloading per command would make this test take minutes."""
    from app.core import engine

    real = engine.load_checker
    cache: dict[tuple[bool, int], engine.Checker] = {}

    def load_checker(extra_dirs=(), overrides=(), *, user_rules=True, builtin=True):  # type: ignore[no-untyped-def]
        if extra_dirs or overrides or not builtin:
            return real(extra_dirs, overrides, user_rules=user_rules, builtin=builtin)
        key = (user_rules, 0)
        if key not in cache:
            cache[key] = real(user_rules=user_rules)
        return cache[key]

    monkeypatch.setattr(engine, "load_checker", load_checker)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return build(tmp_path_factory.mktemp("hostile"))


def digest(path: Path) -> str:
    if not path.is_file():
        return "not a regular file"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commands(case: Case, out: Path) -> Iterator[list[str]]:
    """The CLI commands that read this kind of file."""
    path = str(case.path)
    word = str(case.path.parents[1 if case.family != "handin" else 2] / "word" / "valid.docx")
    if case.family == "rules":
        yield ["rules", "lint", path]
        if case.name in CHECK_WITH:  # the loader is the same; a few prove `check` survives too
            yield ["check", *QUIET, "--rules", path, "--format", "json", "--text", DRAFT]
    elif case.family == "project":
        yield ["export", path, "--no-check", "--format", "csv", "--out", str(out / "x.csv")]
        yield ["export", path, "--no-check", "--format", "md", "--out", str(out / "x.md")]
        yield ["workshop", "hand-in", path, "-o", str(out / "handins")]
        yield ["import-drafts", word, path]  # writes to the project: only a valid one
    elif case.family == "library":
        yield ["evidence", "search", "elections", "--library", path]
        yield ["evidence", "reference", "--library", path]
        yield ["check", *QUIET, "--library", path, "--text", DRAFT]
        yield ["review", word, "--library", path, "--state", "Freedonia", "--no-user-rules",
               "--no-spelling", "-o", str(out / "reviewed.docx")]
    elif case.family == "import":
        yield ["evidence", "import", path, "--library", str(out / "lib.smartlib"), "--dry-run"]
        yield ["evidence", "import", path, "--library", str(out / "lib.smartlib")]
        yield ["evidence", "import", path, "--library", str(out / "lib.smartlib"), "--set",
               "year=abc"]
    elif case.family == "drafts":
        for fmt in ("text", "csv"):
            yield ["check", *QUIET, "--format", fmt, "--fail-on", "never", path]
    elif case.family == "word":
        yield ["review", path, "--no-user-rules", "--no-spelling", "-o", str(out / "r.docx")]
        yield ["review", path, "--no-user-rules", "--no-spelling", "--all-paragraphs", "--fixes",
               "-o", str(out / "r.docx")]
        yield ["import-drafts", path, str(out / "new.smartrec"), "--list"]
        yield ["import-drafts", path, str(out / "new.smartrec"), "--pick", "1-3"]
    elif case.family == "handin":
        yield ["workshop", "report", str(case.path.parent), "--exercise", EXERCISE,
               "-o", str(out / "report.docx")]


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    _, err = capsys.readouterr()
    return code, err


@pytest.mark.slow
@pytest.mark.parametrize("family", ["rules", "project", "library", "import", "drafts", "word",
                                    "handin"])
def test_every_command_over_the_corpus(
    family: str, corpus: list[Case], capsys: pytest.CaptureFixture[str], tmp_path: Path,
    shared_checker: None,
) -> None:
    tried = 0
    for case in (c for c in corpus if c.family == family):
        before = digest(case.path)
        for argv in commands(case, tmp_path):
            code, err = run(capsys, argv)
            tried += 1
            where = f"{case.name}: smartrec {' '.join(argv[:2])}"
            assert code in (0, 1, 2), f"{where}: exit {code}"
            assert "Traceback" not in err, f"{where}: {err}"
            assert "internal error" not in err, f"{where}: {err}"
            assert all(len(line) < 1000 for line in err.splitlines()), where
            if code == 0 and argv[0] == "import-drafts" and argv[2] == str(case.path):
                before = digest(case.path)  # asked to write into this project, and did
            assert code == 0 or digest(case.path) == before, f"{where}: file changed"
        if not case.name.startswith("valid."):  # valid files may be written to on purpose
            assert digest(case.path) == before, f"{case.name} was changed"
    assert tried >= 5


def test_crafted_projects_are_refused_with_one_line(
    corpus: list[Case], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("wrong-columns.smartrec", "bad-date.smartrec", "truncated-half.smartrec",
                 "blob-text.smartrec", "bad-status.smartrec", "foreign-app.smartrec",
                 "bad-utf8.smartrec", "bad-utf8-schema.smartrec"):
        case = next(c for c in corpus if c.family == "project" and c.name == name)
        before = digest(case.path)
        siblings = sorted(p.name for p in case.path.parent.iterdir())
        code, err = run(capsys, ["export", str(case.path), "--no-check", "-f", "json",
                                 "--out", str(tmp_path / "x.json")])
        assert code == 2, name
        assert len(err.strip().splitlines()) == 1, err
        assert "left untouched" in err or "not a SMARTrec project" in err, err
        assert digest(case.path) == before
        assert sorted(p.name for p in case.path.parent.iterdir()) == siblings  # no -wal/-shm
        assert not (tmp_path / "x.json").exists()


def test_exports_neutralise_formula_cells(
    corpus: list[Case], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    valid = next(c for c in corpus if c.family == "project" and c.name == "valid.smartrec")
    code, _ = run(capsys, ["export", str(valid.path), "--no-check", "-f", "csv",
                           "--out", str(tmp_path / "x.csv")])
    assert code == 0
    import csv

    rows = list(csv.reader((tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'-cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize("case_name", ["deep", "deep-object", "not-object", "huge-number",
                                       "binary", "bad-values"])
def test_damaged_settings_never_stop_a_command(
    corpus: list[Case], case_name: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], shared_checker: None,
) -> None:
    from app.settings import load_settings, settings_path

    folder = next(c.path for c in corpus if c.family == "settings"
                  and c.name.startswith(case_name + "/")).parents[1]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    _, warning = load_settings(settings_path())
    assert warning is not None and "Using defaults" in warning
    code, err = run(capsys, ["check", "--no-user-rules", "--format", "json", "--text", DRAFT])
    assert code in (0, 1)
    assert "internal error" not in err


def test_installed_console_script_on_hostile_input(corpus: list[Case]) -> None:
    """The real `smartrec` entry point, in a fresh process, over one case per family."""
    script = Path(sys.executable).with_name("smartrec")
    rules = next(c.path for c in corpus if c.name == "deep-50000.yaml")
    project = next(c.path for c in corpus if c.name == "wrong-columns.smartrec")
    for argv in (["rules", "lint", str(rules)], ["export", str(project), "-f", "md"],
                 ["chekc"], ["check", "nosuchfile.txt"]):
        result = subprocess.run([str(script), *argv], capture_output=True, text=True,
                                timeout=120, cwd=ROOT)
        assert result.returncode in (1, 2), argv
        assert "Traceback" not in result.stderr, result.stderr


def test_opening_crafted_files_for_writing_changes_nothing(corpus: list[Case]) -> None:
    """The desktop app opens projects read-write: refusal must still come before any write."""
    from app.evidence.library import LibraryError, open_library
    from app.storage.errors import ProjectError
    from app.storage.project import Project

    harmless = {"flipped.smartrec"}  # SQLite reads all its data (the flipped bytes are unused)
    crafted = [c for c in corpus if c.family in ("project", "library")
               and not c.name.startswith("valid.") and c.name not in harmless]
    assert len(crafted) >= 12
    for case in crafted:
        before = digest(case.path)
        siblings = sorted(p.name for p in case.path.parent.iterdir())
        if case.family == "project":
            with pytest.raises(ProjectError):
                Project.open(case.path)
        else:
            with pytest.raises(LibraryError):
                open_library(case.path, create=True)
        assert digest(case.path) == before, case.name
        assert sorted(p.name for p in case.path.parent.iterdir()) == siblings, case.name
