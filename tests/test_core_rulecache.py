"""The compiled-rule cache: served when nothing changed, never stale, never fatal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.core import rulecache
from app.core.loader import LoadedRules, load_layers

ROOT = Path(__file__).resolve().parent.parent

PACK = """\
pack: cachetest
rules:
  - id: cachetest.vague
    kind: existence
    dimension: specific
    message: "{message}"
    terms: [ensure]
    examples: {{flag: ["Ensure it."], pass: ["Adopt it."]}}
"""


def _pack(folder: Path, message: str = "'{match}' is vague") -> Path:
    path = folder / "pack.yaml"
    path.write_text(PACK.format(message=message), encoding="utf-8")
    return path


def _summary(loaded: LoadedRules) -> tuple[list[str], list[str], list[str]]:
    return (
        [f"{r.id}:{r.message}:{r.source}" for r in loaded.rules],
        [str(e) for e in loaded.errors],
        loaded.packs,
    )


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(layers: object) -> LoadedRules:
        raise AssertionError("the rule files were parsed although the cache was valid")

    monkeypatch.setattr(rulecache, "load_layers", fail)


def test_second_load_comes_from_the_cache_and_equals_a_fresh_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    layers = [[_pack(tmp_path)]]
    first = rulecache.load_layers_cached(layers, cache)
    assert len(rulecache.entries(cache)) == 1
    _forbid_parsing(monkeypatch)
    second = rulecache.load_layers_cached(layers, cache)
    assert _summary(second) == _summary(first) == _summary(load_layers(layers))
    # the cached rules still work: compiled patterns and term lists came through
    from app.core.engine import Checker

    assert [f.rule_id for f in Checker(second.rules).check("Ensure it.").findings] == [
        "cachetest.vague"
    ]


def test_a_changed_rule_file_is_reread(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = _pack(tmp_path)
    rulecache.load_layers_cached([[path]], cache)
    _pack(tmp_path, message="now different")
    again = rulecache.load_layers_cached([[path]], cache)
    assert [r.message for r in again.rules] == ["now different"]
    assert len(rulecache.entries(cache)) == 1  # the same files share one entry


def test_errors_are_cached_with_file_line_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    path = tmp_path / "bad.yaml"
    path.write_text(PACK.format(message="m").replace("terms:", "tems:"), encoding="utf-8")
    first = rulecache.load_layers_cached([[path]], cache)
    assert first.errors and "tems" in str(first.errors[0])
    _forbid_parsing(monkeypatch)
    assert _summary(rulecache.load_layers_cached([[path]], cache)) == _summary(first)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data.split(b"\n", 2)[0] + b"\n" + data.split(b"\n", 2)[1] + b"\ngarbage",
        lambda data: b"",
        lambda data: data.replace(data.split(b"\n")[1], b"0" * 64, 1),  # another key
    ],
    ids=["truncated", "garbage-body", "empty", "foreign-key"],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_rebuilt(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    cache = tmp_path / "cache"
    path = _pack(tmp_path)
    expected = _summary(rulecache.load_layers_cached([[path]], cache))
    (entry,) = rulecache.entries(cache)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert _summary(rulecache.load_layers_cached([[path]], cache)) == expected
    assert entry.read_bytes() == good  # rebuilt


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    path = _pack(tmp_path)
    loaded = rulecache.load_layers_cached([[path]], blocker / "rules")
    assert _summary(loaded) == _summary(load_layers([[path]]))
    assert rulecache.entries(blocker / "rules") == []


def test_a_file_edited_during_the_load_is_not_cached_under_the_old_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    path = _pack(tmp_path, message="before")

    def load_then_edit(layers: list[list[Path]]) -> LoadedRules:
        loaded = load_layers(layers)
        _pack(tmp_path, message="edited meanwhile")
        return loaded

    monkeypatch.setattr(rulecache, "load_layers", load_then_edit)
    assert [r.message for r in rulecache.load_layers_cached([[path]], cache).rules] == ["before"]
    assert rulecache.entries(cache) == []
    monkeypatch.setattr(rulecache, "load_layers", load_layers)
    now = rulecache.load_layers_cached([[path]], cache)
    assert [r.message for r in now.rules] == ["edited meanwhile"]


def test_a_new_engine_version_misses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    layers = [[_pack(tmp_path)]]
    rulecache.load_layers_cached(layers, cache)
    calls: list[int] = []

    def counting(layers: list[list[Path]]) -> LoadedRules:
        calls.append(1)
        return load_layers(layers)

    monkeypatch.setattr(rulecache, "load_layers", counting)
    monkeypatch.setattr(rulecache, "LOADER_VERSION", rulecache.LOADER_VERSION + 1)
    rulecache._environment_key.cache_clear()
    try:
        rulecache.load_layers_cached(layers, cache)
    finally:
        rulecache._environment_key.cache_clear()
    assert calls == [1]


def test_two_processes_building_at_once_both_get_correct_rules(tmp_path: Path) -> None:
    path = _pack(tmp_path, message="from the file")
    code = (
        "import sys; from pathlib import Path; from app.core.rulecache import load_layers_cached\n"
        f"loaded = load_layers_cached([[Path({str(path)!r})]], Path({str(tmp_path / 'c')!r}))\n"
        "print(loaded.rules[0].message)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert outputs == ["from the file"] * 3
    assert len(rulecache.entries(tmp_path / "c")) == 1
    assert not [p for p in (tmp_path / "c").iterdir() if p.suffix == ".tmp"]


def test_smartrec_check_never_serves_a_stale_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    _pack(folder, message="first wording")
    args = ["check", "--no-grammar", "--no-spelling", "--no-user-rules", "--rules", str(folder)]
    main([*args, "Ensure it."])
    assert "first wording" in capsys.readouterr().out
    _pack(folder, message="second wording")
    main([*args, "Ensure it."])
    out = capsys.readouterr().out
    assert "second wording" in out and "first wording" not in out


def test_rules_cache_command_shows_and_clears(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--no-grammar", "--no-spelling", "--no-user-rules", "Ensure it."])
    capsys.readouterr()
    count = len(rulecache.entries())
    assert count >= 1
    assert main(["rules", "cache"]) == 0
    assert capsys.readouterr().out == f"{count} cached rule sets in {rulecache.cache_dir()}\n"
    assert main(["rules", "cache", "--clear"]) == 0
    assert "removed" in capsys.readouterr().out
    assert rulecache.entries() == []
