"""Grammar checking with LanguageTool: settings to a client or a local server, matches to
findings, and merging them with SMARTrec's own spelling.

The HTTP client (deadlines, chunks, UTF-16 offsets) is `app.language.lt_client`; starting a local
install is `app.language.lt_server`. Accepted spellings are never registered with LanguageTool
(`new_spellings` edits files inside a local install); its spelling matches on our vocabulary are
filtered out instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from app.core.models import CheckContext, Finding, Replacement, Severity
from app.language.lt_client import DEFAULT_CHUNK_CHARS, LanguageToolClient, LanguageToolError
from app.language.lt_server import LocalServer

NOT_CONFIGURED = (
    "Grammar checking is off: no LanguageTool configured. "
    "Use Rules ▸ Language and Grammar… to point at a LanguageTool folder or server."
)
DISABLED = "Grammar checking is off (turned off in Rules ▸ Language and Grammar…)."
#: LanguageTool's public servers cap text at 20,000 characters; local ones default to no limit.
SPELLING_CATEGORIES = {"TYPOS", "SPELLING"}
STYLE_ISSUES = {"style", "typographical", "whitespace", "register", "locale-violation"}
STYLE_CATEGORIES = {"STYLE", "TYPOGRAPHY", "REDUNDANCY", "PLAIN_ENGLISH", "CASING"}
#: Grace beyond a request's deadline for the library to report its own timeout first.


class AcceptsWords(Protocol):
    def accepts(self, word: str, context: CheckContext | None = None) -> bool: ...


# -- offsets ---------------------------------------------------------------------------------
def is_spelling_match(match: dict[str, Any]) -> bool:
    rule = match.get("rule") if isinstance(match.get("rule"), dict) else {}
    assert isinstance(rule, dict)
    category = rule.get("category") if isinstance(rule.get("category"), dict) else {}
    assert isinstance(category, dict)
    rule_id = str(rule.get("id", ""))
    return (
        rule.get("issueType") == "misspelling"
        or category.get("id") in SPELLING_CATEGORIES
        or rule_id.startswith(("MORFOLOGIK_RULE", "HUNSPELL", "SPELLER"))
        or "SPELLER_RULE" in rule_id
    )


def _severity(match: dict[str, Any]) -> Severity:
    rule = match.get("rule") if isinstance(match.get("rule"), dict) else {}
    assert isinstance(rule, dict)
    category = rule.get("category") if isinstance(rule.get("category"), dict) else {}
    assert isinstance(category, dict)
    if rule.get("issueType") in STYLE_ISSUES or category.get("id") in STYLE_CATEGORIES:
        return "suggestion"
    return "warning"


def match_to_finding(match: dict[str, Any], text: str, max_replacements: int = 5) -> Finding:
    start, end = int(match["start"]), int(match["end"])
    rule = match.get("rule") if isinstance(match.get("rule"), dict) else {}
    assert isinstance(rule, dict)
    rule_id = str(rule.get("id") or "UNKNOWN")
    spelling = is_spelling_match(match)
    replacements: list[Replacement] = []
    for item in match.get("replacements") or []:
        value = item.get("value") if isinstance(item, dict) else None
        if isinstance(value, str) and len(replacements) < max_replacements:
            replacements.append(Replacement(start=start, end=end, text=value))
    link = None
    urls = rule.get("urls")
    if isinstance(urls, list) and urls and isinstance(urls[0], dict):
        value = urls[0].get("value")
        link = value if isinstance(value, str) else None
    message = str(match.get("message") or rule.get("description") or "LanguageTool issue")
    description = str(rule.get("description") or "")
    return Finding(
        rule_id=f"languagetool.{rule_id}",
        dimension="spelling" if spelling else "grammar",
        severity=_severity(match),
        start=start,
        end=end,
        message=message,
        explanation=(description + " (LanguageTool)").strip(),
        replacements=tuple(replacements),
        link=link,
        matched=text[start:end],
    )


class GrammarChecker:
    """Grammar (and, when present, spelling) findings from LanguageTool.

    `check()` blocks on the network: call it from a worker thread (GrammarRunner does). It
    raises LanguageToolError with a readable message; `status()` always has a one-line summary.
    """

    name = "languagetool"

    def __init__(
        self,
        *,
        folder: str = "",
        url: str = "",
        language: str = "en-GB",
        timeout: float = 10.0,
        total_timeout: float = 60.0,
        vocabulary: AcceptsWords | None = None,
        disabled_rules: Sequence[str] = (),
        chunk_chars: int = DEFAULT_CHUNK_CHARS,
        java: str | None = None,
        start_timeout: float = 90.0,
    ) -> None:
        self.language = language
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.vocabulary = vocabulary
        self.disabled_rules = tuple(disabled_rules)
        self.chunk_chars = chunk_chars
        self.server: LocalServer | None = None
        self._client: LanguageToolClient | None = None
        self._lock = threading.Lock()
        self.last_elapsed_ms: float | None = None
        if url.strip():
            self._client = LanguageToolClient(url, timeout, chunk_chars)
            self.where = self._client.base_url
            self._status = f"LanguageTool server {self.where} ({language})"
        elif folder.strip():
            self.server = LocalServer(folder, java=java, start_timeout=start_timeout)
            self.where = str(self.server.folder)
            self._status = f"LanguageTool (local) starts on the first check ({language})"
        else:
            raise LanguageToolError(NOT_CONFIGURED)

    def status(self) -> str:
        return self._status

    def _client_for_request(self) -> LanguageToolClient:
        if self.server is None:
            assert self._client is not None
            return self._client
        if not self.server.running:
            self._status = "Starting LanguageTool…"
        url = self.server.ensure_running()
        with self._lock:
            if self._client is None or self._client.base_url != url:
                self._client = LanguageToolClient(url, self.timeout, self.chunk_chars)
            return self._client

    def start(self) -> None:
        """Start a local server now (blocking); a no-op for a server URL."""
        try:
            self._client_for_request()
        except LanguageToolError as exc:
            self._status = f"Grammar check unavailable: {exc}"
            raise

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        t0 = time.monotonic()
        try:
            client = self._client_for_request()
            try:
                raw = client.check(
                    text, self.language, self.disabled_rules, deadline=t0 + self.total_timeout
                )
            except LanguageToolError:
                if self.server is None or self.server.running:
                    raise
                # The local server died under us: restart once and retry.
                client = self._client_for_request()
                raw = client.check(
                    text, self.language, self.disabled_rules, deadline=t0 + self.total_timeout
                )
        except LanguageToolError as exc:
            self._status = f"Grammar check failed: {exc}"
            raise
        findings = self.to_findings(raw, text, context)
        self.last_elapsed_ms = (time.monotonic() - t0) * 1000
        self._status = (
            f"LanguageTool ({self.language}): {len(findings)} issue(s), "
            f"{self.last_elapsed_ms:.0f} ms"
        )
        return findings

    def to_findings(
        self, raw: list[dict[str, Any]], text: str, context: CheckContext | None = None
    ) -> list[Finding]:
        ignored = context.ignored if context is not None else set()
        findings = []
        for match in raw:
            try:
                finding = match_to_finding(match, text)
            except (KeyError, TypeError, ValueError):
                continue
            if finding.dimension == "spelling" and self._accepted(finding.matched, context):
                continue
            if (finding.rule_id, finding.matched) in ignored:
                continue
            findings.append(finding)
        return findings

    def _accepted(self, word: str, context: CheckContext | None) -> bool:
        if not word.strip():
            return False
        if self.vocabulary is None:
            return False
        if self.vocabulary.accepts(word, context):
            return True
        # A multi-word match is accepted when every word in it is.
        parts = [p for p in word.replace("-", " ").split() if p]
        return len(parts) > 1 and all(self.vocabulary.accepts(p, context) for p in parts)

    def test_connection(self) -> str:
        """One-line success message, or LanguageToolError; blocking (run in the background)."""
        t0 = time.monotonic()
        client = self._client_for_request()
        languages = client.languages(timeout=self.timeout)
        codes = {str(item.get("longCode") or item.get("code") or "") for item in languages}
        short = self.language.split("-")[0]
        have = self.language in codes or short in {c.split("-")[0] for c in codes}
        if have:  # otherwise the library refuses the language before sending anything
            client.check("This is a test.", self.language, deadline=t0 + self.timeout * 2)
        elapsed = (time.monotonic() - t0) * 1000
        note = "" if have else f" (warning: it does not list {self.language})"
        self._status = f"LanguageTool ready at {client.base_url}{note}"
        return (
            f"Connected to LanguageTool at {client.base_url}: {len(languages)} languages, "
            f"test check in {elapsed:.0f} ms{note}."
        )

    def close(self) -> None:
        """Stop at once: a request in flight is abandoned (its daemon thread cannot keep the
        process alive), and a local server we started is stopped."""
        if self._client is not None:
            self._client.cancel()
        if self.server is not None:
            self.server.close()


def merge_spelling(
    own: Sequence[Finding], languagetool: Sequence[Finding], *, lt_complete: bool = True
) -> list[Finding]:
    """Our findings plus LanguageTool's, never flagging one word twice.

    LanguageTool takes precedence for spelling: when its check covered the whole text
    (`lt_complete`), our own spelling findings are dropped (LanguageTool's dictionary decides,
    already filtered against our vocabulary); otherwise only those overlapping a LanguageTool
    finding are dropped. Other findings are kept as they are.
    """
    spans = [(f.start, f.end) for f in languagetool]
    merged = []
    for finding in own:
        if finding.dimension == "spelling":
            if lt_complete:
                continue
            if any(s < finding.end and finding.start < e for s, e in spans):
                continue
        merged.append(finding)
    merged.extend(languagetool)
    merged.sort(key=lambda f: (f.start, f.end, f.rule_id))
    return merged


def combine(
    checker: Any,
    result: Any,
    lt_findings: Sequence[Finding],
    text: str,
    context: CheckContext | None = None,
) -> Any:
    """A CheckResult with LanguageTool's findings merged in (for the GUI and CLI).

    Drops our own spelling findings first (LanguageTool takes precedence), then lets the engine
    add and rescore via `checker.merge(result, extra, text)`. Spelling is unscored, so removing
    our findings does not change the score.
    """
    kept = tuple(f for f in result.findings if f.rule_id != "spelling.unknown-word")
    base = result.model_copy(update={"findings": kept})
    return checker.merge(base, list(lt_findings), text, context)


def words_languagetool_accepted(
    own: Sequence[Finding], languagetool: Sequence[Finding]
) -> set[str]:
    """Words we flagged that LanguageTool, having checked the same text, did not.

    Fed back to `SpellingProvider.accept_session_words()` so the fast offline check stops
    flagging them too: LanguageTool takes precedence and underlines do not flicker between
    the offline check and LanguageTool's answer.
    """
    spans = [(f.start, f.end) for f in languagetool]
    return {
        f.matched
        for f in own
        if f.rule_id == "spelling.unknown-word"
        and not any(s < f.end and f.start < e for s, e in spans)
    }
