"""LanguageTool adapter against a fake `/v2/check` server (real LanguageTool is not available here).

The fake (tests/doubles/fakelt.py) answers in LanguageTool's documented JSON shape with UTF-16
offsets. Covered: normal matches, domain-word filtering, non-BMP text, chunking of long texts,
timeouts, a server dying mid-run, malformed answers, HTTP errors, and the local-server launcher
(with a stand-in for `java` that runs the fake).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from doubles.fakelt import FakeLanguageTool

from app.core.models import CheckContext, Finding
from app.language.languagetool import (
    NOT_CONFIGURED,
    GrammarChecker,
    combine,
    is_spelling_match,
    merge_spelling,
    words_languagetool_accepted,
)
from app.language.lt_client import (
    LanguageToolClient,
    LanguageToolError,
    _Utf16Map,
    normalise_url,
    split_chunks,
)
from app.language.lt_server import LocalServer
from app.language.spelling import SpellingProvider

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def fake() -> Iterator[FakeLanguageTool]:
    server = FakeLanguageTool().start()
    server.slow_seconds = 3.0
    yield server
    server.stop()


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory: pytest.TempPathFactory) -> SpellingProvider:
    provider = SpellingProvider("en", user_dictionary=tmp_path_factory.mktemp("lt") / "d.txt")
    provider.load()
    return provider


def checker_for(fake: FakeLanguageTool, vocabulary: SpellingProvider | None = None,
                **kwargs: object) -> GrammarChecker:
    return GrammarChecker(url=fake.url, vocabulary=vocabulary, timeout=1.0, **kwargs)  # type: ignore[arg-type]


def test_matches_become_findings(fake: FakeLanguageTool, vocabulary: SpellingProvider) -> None:
    checker = checker_for(fake, vocabulary)
    text = "We recieve a apple from the goverment."
    findings = checker.check(text)
    by_text = {f.matched: f for f in findings}
    assert set(by_text) == {"recieve", "a", "goverment"}
    spelling = by_text["recieve"]
    assert spelling.dimension == "spelling"
    assert spelling.rule_id == "languagetool.MORFOLOGIK_RULE_EN_GB"
    assert [r.text for r in spelling.replacements] == ["receive"]
    grammar = by_text["a"]
    assert grammar.dimension == "grammar"
    assert grammar.severity == "warning"
    assert grammar.link == "https://example.org/a-vs-an"
    assert text[grammar.start:grammar.end] == "a"
    assert fake.requests[-1]["language"] == "en-GB"
    assert fake.requests[-1]["text"] == text
    assert "issue" in checker.status()


def test_domain_words_and_ignores_are_dropped(fake: FakeLanguageTool,
                                              vocabulary: SpellingProvider) -> None:
    text = "Invite the ODIHR and the rapporteur; ratify CEDAW; recieve."
    assert {f.matched for f in checker_for(fake, None).check(text)} == {
        "ODIHR", "rapporteur", "CEDAW", "recieve"}
    checker = checker_for(fake, vocabulary)
    assert [f.matched for f in checker.check(text)] == ["recieve"]
    ctx = CheckContext(ignored={("languagetool.MORFOLOGIK_RULE_EN_GB", "recieve")})
    assert checker.check(text, ctx) == []


def test_state_under_review_is_accepted(fake: FakeLanguageTool,
                                        vocabulary: SpellingProvider) -> None:
    from doubles import fakelt

    fakelt.TYPOS["Zorvania"] = ["Zirconia"]
    try:
        checker = checker_for(fake, vocabulary)
        text = "Zorvania should recieve them."
        assert [f.matched for f in checker.check(text)] == ["Zorvania", "recieve"]
        ctx = CheckContext(state_under_review="Zorvania")
        assert [f.matched for f in checker.check(text, ctx)] == ["recieve"]
    finally:
        del fakelt.TYPOS["Zorvania"]


def test_non_bmp_characters_keep_offsets_aligned(fake: FakeLanguageTool) -> None:
    text = "🇺🇳 𝒜 note 😀😀: we recieve a apple 🙂 from the goverment."
    findings = checker_for(fake).check(text)
    assert [text[f.start:f.end] for f in findings] == ["recieve", "a", "goverment"]
    assert all(f.matched == text[f.start:f.end] for f in findings)
    assert all(r.start == f.start for f in findings for r in f.replacements)


def test_utf16_map() -> None:
    text = "a😀b𝒜c"
    to_cp = _Utf16Map(text)
    assert to_cp.units == 7
    assert [to_cp(u) for u in range(8)] == [0, 1, 1, 2, 3, 3, 4, 5]
    plain = _Utf16Map("abc")
    assert plain(2) == 2 and plain(10) == 3


def test_long_text_is_chunked_at_paragraphs(fake: FakeLanguageTool) -> None:
    paragraph = ("The Government should adopt a law. " * 40).strip()
    paragraphs = [paragraph] * 12
    paragraphs[3] += " We recieve 🙂 reports."
    paragraphs[10] += " The goverment."
    text = "\n\n".join(paragraphs)
    checker = checker_for(fake, chunk_chars=3000)
    findings = checker.check(text)
    assert [text[f.start:f.end] for f in findings] == ["recieve", "goverment"]
    assert len(fake.requests) > 3
    assert all(len(r["text"]) <= 3000 for r in fake.requests)


def test_split_chunks_covers_text_exactly() -> None:
    text = ("word " * 5000) + "\n" + ("x" * 9000)
    chunks = split_chunks(text, 2000)
    assert "".join(c for _s, c in chunks) == text
    assert all(len(c) <= 2000 for _s, c in chunks)
    assert all(text[s:s + len(c)] == c for s, c in chunks)
    assert split_chunks("", 10) == []


def test_timeout_is_a_clear_error(fake: FakeLanguageTool) -> None:
    fake.mode = "slow"
    checker = checker_for(fake)
    with pytest.raises(LanguageToolError, match="did not answer within 1 s"):
        checker.check("Some text.")
    assert checker.status().startswith("Grammar check failed:")
    # language_tool_python's check() would retry once (twice the timeout); we send one request.
    assert len(fake.requests) == 1


def test_match_spanning_non_bmp_character(fake: FakeLanguageTool) -> None:
    """language_tool_python's Match keeps the UTF-16 length: it would cover one char too many."""
    from doubles import fakelt

    fakelt.TYPOS["𝒜ppel"] = ["Apple"]
    try:
        text = "😀 An 𝒜ppel, we recieve."
        findings = checker_for(fake).check(text)
        assert [text[f.start:f.end] for f in findings] == ["𝒜ppel", "recieve"]
    finally:
        del fakelt.TYPOS["𝒜ppel"]


def test_client_is_built_once_and_lazily(fake: FakeLanguageTool) -> None:
    checker = checker_for(fake)
    assert fake.language_requests == 0  # no network on construction (GUI thread)
    checker.check("One.")
    checker.check("Two.")
    assert fake.language_requests == 1  # language_tool_python's GET /v2/languages, once


def test_unsupported_language_and_foreign_server(fake: FakeLanguageTool) -> None:
    with pytest.raises(LanguageToolError, match="does not offer the language 'de-AT'"):
        checker_for(fake, language="de-AT").check("Text.")
    fake.mode = "not-lt"
    with pytest.raises(LanguageToolError, match="not like a LanguageTool server"):
        checker_for(fake).check("Text.")


def test_system_proxy_is_not_used(fake: FakeLanguageTool, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert [f.matched for f in checker_for(fake).check("We recieve.")] == ["recieve"]


def test_total_deadline_stops_long_runs(fake: FakeLanguageTool) -> None:
    fake.delay = 0.3
    text = "\n\n".join(["A sentence here."] * 40)
    checker = checker_for(fake, chunk_chars=40, total_timeout=0.5)
    with pytest.raises(LanguageToolError, match="too long"):
        checker.check(text)


def test_server_dying_mid_run(fake: FakeLanguageTool) -> None:
    fake.mode = "die-after-first"
    text = "\n\n".join(["We recieve reports."] * 5)
    with pytest.raises(LanguageToolError, match="Connection to LanguageTool"):
        checker_for(fake, chunk_chars=30).check(text)


def test_server_gone(fake: FakeLanguageTool) -> None:
    checker = checker_for(fake)
    fake.stop()
    with pytest.raises(LanguageToolError, match="Cannot reach LanguageTool"):
        checker.check("Text.")


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("malformed", "not valid JSON"),
        ("html", "not valid JSON"),
        ("binary", "not valid JSON"),
        # language_tool_python does not pass the HTTP status on; LanguageTool's "Error: ..." body is
        ("error", "server answered: Error: internal error"),
        ("too-long", "too long"),
    ],
)
def test_bad_answers(fake: FakeLanguageTool, mode: str, message: str) -> None:
    fake.mode = mode
    with pytest.raises(LanguageToolError, match=message):
        checker_for(fake).check("We recieve.")


def test_wrong_shaped_matches_are_skipped(fake: FakeLanguageTool) -> None:
    fake.mode = "wrong-shape"
    assert checker_for(fake).check("We recieve.") == []


def test_out_of_range_offsets_are_skipped(vocabulary: SpellingProvider) -> None:
    from app.language.lt_client import _convert_matches

    data = {"matches": [{"offset": 3, "length": 50, "rule": {}},
                        {"offset": -1, "length": 1}, {"offset": 0, "length": 2}]}
    assert [(m["start"], m["end"]) for m in _convert_matches(data, "abcd", 10)] == [(10, 12)]
    with pytest.raises(LanguageToolError):
        _convert_matches({"software": {}}, "abcd", 0)


def test_disabled_rules_are_sent(fake: FakeLanguageTool) -> None:
    checker_for(fake, disabled_rules=["WHITESPACE_RULE", "EN_QUOTES"]).check("Text.")
    assert fake.requests[-1]["disabledRules"] == "WHITESPACE_RULE,EN_QUOTES"


def test_test_connection(fake: FakeLanguageTool) -> None:
    message = checker_for(fake).test_connection()
    assert message.startswith(f"Connected to LanguageTool at {fake.url}")
    fake.mode = "error"
    with pytest.raises(LanguageToolError):
        checker_for(fake).test_connection()


def test_import_does_not_load_requests_or_language_tool_python() -> None:
    code = (
        "import sys, app.language, app.language.languagetool, app.language.cli_support; "
        "print(sorted(m for m in ('requests', 'language_tool_python', 'urllib3') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_not_configured() -> None:
    with pytest.raises(LanguageToolError) as info:
        GrammarChecker()
    assert str(info.value) == NOT_CONFIGURED


@pytest.mark.parametrize(
    ("typed", "base"),
    [
        ("localhost:8081", "http://localhost:8081"),
        ("http://10.0.0.5:8081/", "http://10.0.0.5:8081"),
        ("https://lt.example.org/v2/check", "https://lt.example.org"),
        ("http://host/languagetool/v2", "http://host/languagetool"),
    ],
)
def test_normalise_url(typed: str, base: str) -> None:
    assert normalise_url(typed) == base
    assert LanguageToolClient(typed).base_url == base


@pytest.mark.parametrize("bad", ["", "ftp://host", "http://"])
def test_bad_urls(bad: str) -> None:
    with pytest.raises(LanguageToolError):
        normalise_url(bad)


def test_spelling_classification() -> None:
    assert is_spelling_match({"rule": {"id": "X", "issueType": "misspelling"}})
    assert is_spelling_match({"rule": {"id": "HUNSPELL_RULE", "category": {"id": "X"}}})
    assert is_spelling_match({"rule": {"id": "FR_SPELLING_RULE", "category": {"id": "TYPOS"}}})
    assert not is_spelling_match({"rule": {"id": "EN_A_VS_AN", "issueType": "grammar"}})
    assert not is_spelling_match({"rule": "garbage"})


def _finding(rule_id: str, dimension: str, start: int, end: int, matched: str) -> Finding:
    return Finding(rule_id=rule_id, dimension=dimension, severity="warning", start=start,
                   end=end, message="m", matched=matched)


def test_merge_never_double_flags() -> None:
    own = [
        _finding("spelling.unknown-word", "spelling", 0, 5, "Adpot"),
        _finding("spelling.unknown-word", "spelling", 10, 18, "Zorvanie"),
        _finding("specific.vague-verb", "specific", 20, 26, "ensure"),
    ]
    lt = [_finding("languagetool.MORFOLOGIK_RULE_EN_GB", "spelling", 0, 5, "Adpot")]
    merged = merge_spelling(own, lt)
    assert [f.rule_id for f in merged] == ["languagetool.MORFOLOGIK_RULE_EN_GB",
                                           "specific.vague-verb"]
    partial = merge_spelling(own, lt, lt_complete=False)
    assert [f.matched for f in partial] == ["Adpot", "Zorvanie", "ensure"]
    assert partial[0].rule_id.startswith("languagetool.")
    assert words_languagetool_accepted(own, lt) == {"Zorvanie"}


def test_combine_uses_engine_merge() -> None:
    class FakeResult:
        def __init__(self, findings: list[Finding]) -> None:
            self.findings = findings

        def model_copy(self, update: dict[str, object]) -> FakeResult:
            return FakeResult(list(update["findings"]))  # type: ignore[call-overload]

    class FakeEngine:
        def merge(self, result: FakeResult, extra: list[Finding], text: str,
                  context: object = None) -> list[str]:
            return [f.rule_id for f in [*result.findings, *extra]]

    own = [_finding("spelling.unknown-word", "spelling", 0, 5, "Adpot"),
           _finding("specific.vague-verb", "specific", 20, 26, "ensure")]
    lt = [_finding("languagetool.X", "spelling", 0, 5, "Adpot")]
    assert combine(FakeEngine(), FakeResult(own), lt, "text") == [
        "specific.vague-verb", "languagetool.X"]


# -- local server -----------------------------------------------------------------------------
def test_local_folder_without_jar(tmp_path: Path) -> None:
    checker = GrammarChecker(folder=str(tmp_path))
    assert "starts on the first check" in checker.status()
    with pytest.raises(LanguageToolError, match=r"No languagetool-server\.jar"):
        checker.check("Text.")


def test_local_folder_without_java(tmp_path: Path) -> None:
    (tmp_path / "languagetool-server.jar").write_bytes(b"PK")
    checker = GrammarChecker(folder=str(tmp_path), java=str(tmp_path / "no-java-here"))
    with pytest.raises(LanguageToolError, match="Java was not found"):
        checker.check("Text.")


needs_posix = pytest.mark.skipif(os.name != "posix", reason="stand-in java is a shell script")


def _fake_java(tmp_path: Path, body: str | None = None) -> str:
    script = tmp_path / "java"
    body = body or (
        f'cd "{REPO}" && exec "{sys.executable}" tests/doubles/fakelt.py "$@"'
    )
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@needs_posix
def test_local_server_lazy_start_reuse_restart_and_close(tmp_path: Path) -> None:
    folder = tmp_path / "LanguageTool-6.4"
    folder.mkdir()
    (folder / "languagetool-server.jar").write_bytes(b"PK")
    checker = GrammarChecker(folder=str(tmp_path), java=_fake_java(tmp_path), timeout=5,
                             start_timeout=30)
    server = checker.server
    assert server is not None and not server.running  # lazy: nothing started yet
    assert [f.matched for f in checker.check("We recieve.")] == ["recieve"]
    first_pid = server.pid
    assert server.running and first_pid is not None
    checker.check("Again.")
    assert server.pid == first_pid  # reused
    assert server._proc is not None
    server._proc.kill()
    server._proc.wait(5)
    assert [f.matched for f in checker.check("The goverment.")] == ["goverment"]
    assert server.pid != first_pid  # restarted after dying
    proc = server._proc
    checker.close()
    assert proc is not None and proc.poll() is not None
    assert not server.running
    with pytest.raises(LanguageToolError, match="shut down"):
        checker.check("After close.")


@needs_posix
def test_local_server_that_cannot_start(tmp_path: Path) -> None:
    (tmp_path / "languagetool-server.jar").write_bytes(b"PK")
    java = _fake_java(tmp_path, 'echo "Error: UnsupportedClassVersionError" >&2; exit 1')
    server = LocalServer(tmp_path, java=java, start_timeout=20)
    for _ in range(LocalServer.MAX_RESTARTS):
        with pytest.raises(LanguageToolError, match="UnsupportedClassVersionError"):
            server.ensure_running()
    with pytest.raises(LanguageToolError, match="keeps stopping"):
        server.ensure_running()
    server.close()


@needs_posix
def test_language_tool_python_never_downloads(tmp_path: Path, fake: FakeLanguageTool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every path we use (URL, local folder, test connection, close) with the library's
    download and local-start entry points booby-trapped."""
    import language_tool_python
    import language_tool_python.download_lt as download_lt
    import language_tool_python.server as lt_server

    calls: list[str] = []

    def trap(name: str) -> object:
        def boom(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"{name} must never be called")
        return boom

    monkeypatch.setattr(download_lt, "download_lt", trap("download_lt"))
    monkeypatch.setattr(download_lt.LocalLanguageTool, "download", trap("download"))
    monkeypatch.setattr(download_lt.LocalLanguageTool, "from_version_name",
                        trap("from_version_name"))
    monkeypatch.setattr(lt_server.LanguageTool, "_start_local_server",
                        trap("_start_local_server"))
    monkeypatch.setattr(language_tool_python.LanguageTool, "_register_spellings",
                        trap("_register_spellings"))

    url_checker = checker_for(fake)
    assert [f.matched for f in url_checker.check("We recieve.")] == ["recieve"]
    assert url_checker.test_connection().startswith("Connected")
    fake.stop()
    with pytest.raises(LanguageToolError, match="Cannot reach"):  # a dead remote: no fallback
        url_checker.check("Again.")
    url_checker.close()

    (tmp_path / "languagetool-server.jar").write_bytes(b"PK")
    local = GrammarChecker(folder=str(tmp_path), java=_fake_java(tmp_path), timeout=5,
                           start_timeout=30)
    try:
        assert [f.matched for f in local.check("The goverment.")] == ["goverment"]
        assert local.server is not None and local.server._proc is not None
        local.server._proc.kill()
        local.server._proc.wait(5)
        assert [f.matched for f in local.check("We recieve.")] == ["recieve"]
    finally:
        local.close()
    assert calls == []
