"""LanguageTool adapter: a local install (we start its server) or a server URL on the network.

HTTP goes through `language_tool_python` (the project's LanguageTool library), always as
`LanguageTool(language, remote_server=URL)`: for a configured URL directly, for a local folder at
`http://127.0.0.1:PORT` of the `languagetool-server.jar` that `LocalServer` starts itself. With a
remote server the library never starts or downloads anything; `_RemoteOnly` also refuses its
local-start hook, retries and system proxies. It is imported lazily (it pulls in `requests`,
~0.2 s) so importing this module stays cheap.

What we still do ourselves, because the library does not: the per-request timeout and the total
deadline (its `_TIMEOUT` is a 300 s class constant and `check()` retries once), chunking of long
texts, turning its errors (status code dropped, answer body as message) into one readable line,
and match conversion. We read the raw `/v2/check` JSON instead of its `Match` objects: `Match`
drops `rule.description`/`rule.urls`, fails the whole answer on one match missing a field, keeps
the length in UTF-16 units, and caches astral positions in class attributes shared by all threads.
LanguageTool reports `offset`/`length` in UTF-16 code units (Java string indices); drafts use
Python code points. `_Utf16Map` converts, so text after (and matches across) an emoji line up.
Accepted spellings are never registered with the library (`new_spellings` edits files inside a
local LanguageTool); LanguageTool's spelling matches on our vocabulary are filtered out instead.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast

from app.core.models import CheckContext, Finding, Replacement, Severity

log = logging.getLogger(__name__)

JAR_NAME = "languagetool-server.jar"
SERVER_CLASS = "org.languagetool.server.HTTPServer"
NOT_CONFIGURED = (
    "Grammar checking is off: no LanguageTool configured. "
    "Use Rules ▸ Language and Grammar… to point at a LanguageTool folder or server."
)
DISABLED = "Grammar checking is off (turned off in Rules ▸ Language and Grammar…)."
#: LanguageTool's public servers cap text at 20,000 characters; local ones default to no limit.
DEFAULT_CHUNK_CHARS = 15_000
SPELLING_CATEGORIES = {"TYPOS", "SPELLING"}
STYLE_ISSUES = {"style", "typographical", "whitespace", "register", "locale-violation"}
STYLE_CATEGORIES = {"STYLE", "TYPOGRAPHY", "REDUNDANCY", "PLAIN_ENGLISH", "CASING"}
#: Grace beyond a request's deadline for the library to report its own timeout first.
_DEADLINE_SLACK_S = 0.25
_T = TypeVar("_T")


class LanguageToolError(Exception):
    """Something the user can read in the status bar: what failed and what to do."""


class AcceptsWords(Protocol):
    def accepts(self, word: str, context: CheckContext | None = None) -> bool: ...


# -- offsets ---------------------------------------------------------------------------------
class _Utf16Map:
    """Convert UTF-16 code-unit offsets (LanguageTool) to code-point offsets (Python)."""

    def __init__(self, text: str) -> None:
        self._table: list[int] | None = None
        self._length = len(text)
        if any(ord(ch) > 0xFFFF for ch in text):
            table = []
            for index, ch in enumerate(text):
                table.append(index)
                if ord(ch) > 0xFFFF:
                    table.append(index)  # low surrogate maps to the same character
            table.append(len(text))
            self._table = table

    def __call__(self, unit: int) -> int:
        if self._table is None:
            return min(max(unit, 0), self._length)
        unit = min(max(unit, 0), len(self._table) - 1)
        return self._table[unit]

    @property
    def units(self) -> int:
        return self._length if self._table is None else len(self._table) - 1


def split_chunks(text: str, limit: int = DEFAULT_CHUNK_CHARS) -> list[tuple[int, str]]:
    """(start, chunk) pieces of at most `limit` characters, cut at paragraph, line, sentence or
    space boundaries (in that order of preference), so LanguageTool never sees half a word."""
    if len(text) <= limit:
        return [(0, text)] if text else []
    chunks: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            window = text[start:end]
            for sep in ("\n\n", "\n", ". ", " "):
                cut = window.rfind(sep)
                if cut > limit // 4:
                    end = start + cut + len(sep)
                    break
        chunks.append((start, text[start:end]))
        start = end
    return chunks


def normalise_url(url: str) -> str:
    """Base URL of a server from what a user types ("host:8081", ".../v2/check", trailing /)."""
    url = url.strip()
    if not url:
        raise LanguageToolError("No LanguageTool server URL given.")
    if "://" not in url:
        url = "http://" + url
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise LanguageToolError(f"'{url}' is not an http:// or https:// server address.")
    path = parsed.path.rstrip("/")
    for suffix in ("/v2/check", "/v2"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


# -- HTTP client (through language_tool_python) ----------------------------------------------
#: Empty proxy entries make `requests` connect directly even when HTTP(S)_PROXY/ALL_PROXY are set:
#: a LAN or loopback LanguageTool must never go through a system proxy.
_NO_PROXIES = {"http": "", "https": "", "all": ""}
_REMOTE_TOOL_CLASS: type[Any] | None = None


def _remote_tool_class() -> type[Any]:
    """`language_tool_python.LanguageTool` restricted to a server we name (imported lazily)."""
    global _REMOTE_TOOL_CLASS
    if _REMOTE_TOOL_CLASS is not None:
        return _REMOTE_TOOL_CLASS
    import language_tool_python

    class _RemoteOnly(language_tool_python.LanguageTool):
        """Always `remote_server=`; one try per request; our timeout; never a local start."""

        def __init__(self, base_url: str, language: str, timeout: float) -> None:
            # The library's `_TIMEOUT` is a 300 s class constant; an instance value shadows it
            # and is already in place for the GET /v2/languages its constructor sends.
            self._TIMEOUT = timeout  # type: ignore[assignment]
            # `host` only matters for a local server; giving it skips a lookup of "localhost".
            super().__init__(
                language,
                remote_server=base_url + "/",
                host="127.0.0.1",
                proxies=dict(_NO_PROXIES),
            )

        def _start_local_server(self) -> None:
            # Only reachable when not remote, which never happens here; this is the code path
            # that downloads LanguageTool, so refuse it outright should that ever change.
            raise LanguageToolError("SMARTrec never downloads or starts LanguageTool this way.")

        def _query_server(
            self,
            url: str,
            params: dict[str, str] | None = None,
            num_tries: int = 2,
            method: Literal["get", "post"] = "get",
        ) -> Any:
            # `check()` asks for 2 tries: a timed-out request would silently take twice the
            # timeout and overrun our deadline. Retrying is the caller's decision.
            return super()._query_server(url, params, num_tries=1, method=method)

    _REMOTE_TOOL_CLASS = _RemoteOnly
    return _RemoteOnly


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """`exc`, its causes and the exceptions wrapped in their args (requests/urllib3 nest them)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 20:
        item = todo.pop(0)
        if any(item is s for s in seen):
            continue
        seen.append(item)
        nested = [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
        todo.extend(n for n in nested if isinstance(n, BaseException))
    return seen


def _within(
    seconds: float, call: Callable[[], _T], url: str, cancel: threading.Event | None = None
) -> _T:
    """Run `call` with a total deadline, not just a gap timeout between bytes.

    `requests` timeouts bound each wait for the next byte, so a server answering one byte per
    second never times out. The call runs in a daemon thread that we stop waiting for at the
    deadline; a daemon thread never keeps the process alive after the window closes.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, name="languagetool-request", daemon=True)
    worker.start()
    end = time.monotonic() + seconds + _DEADLINE_SLACK_S
    while worker.is_alive():
        left = end - time.monotonic()
        if left <= 0:
            raise LanguageToolError(
                f"LanguageTool did not answer within {seconds:.3g} s ({url})."
            )
        if cancel is not None and cancel.is_set():
            raise LanguageToolError("LanguageTool checking was stopped.")
        worker.join(min(0.1, left))
    if "error" in box:
        raise box["error"]
    return cast(_T, box["value"])


class LanguageToolClient:
    """`/v2/check` and `/v2/languages` of one server, through language_tool_python.

    Construction does no network I/O (the settings dialog builds clients on the GUI thread);
    the library's `LanguageTool` objects, whose constructor queries the server, are created on
    first use, one per language, and reused.
    """

    def __init__(self, url: str, timeout: float = 10.0, chunk_chars: int = DEFAULT_CHUNK_CHARS):
        self.base_url = normalise_url(url)
        self.timeout = timeout
        self.chunk_chars = chunk_chars
        self._tools: dict[str, Any] = {}
        #: Set by `cancel()` (the window closing): waiting requests give up at once.
        self._cancelled = threading.Event()
        # The per-request timeout is an attribute of the shared tool object: one request at a time.
        self._lock = threading.RLock()

    def _tool(self, language: str, timeout: float) -> Any:
        with self._lock:
            tool = self._tools.get(language)
            if tool is not None:
                return tool
            try:
                tool_class = _remote_tool_class()
                tool = _within(
                    timeout, lambda: tool_class(self.base_url, language, timeout), self.base_url,
                    self._cancelled,
                )
            except LanguageToolError:
                raise
            except ValueError as exc:
                if "language" in str(exc) and not isinstance(exc, UnicodeError):
                    raise LanguageToolError(
                        f"The LanguageTool server at {self.base_url} does not offer the "
                        f"language '{language}'; choose another variant in "
                        "Rules ▸ Language and Grammar…"
                    ) from exc
                raise self._translate(exc, timeout) from exc
            except (AttributeError, KeyError, TypeError) as exc:
                # /v2/languages answered JSON, but not a list of {code, longCode} objects.
                raise LanguageToolError(
                    "The server answered, but not like a LanguageTool server."
                ) from exc
            except Exception as exc:  # library errors: one status line
                raise self._translate(exc, timeout) from exc
            self._tools[language] = tool
            return tool

    def _request(
        self, tool: Any, endpoint: str, params: dict[str, str] | None,
        method: Literal["get", "post"], timeout: float,
    ) -> Any:
        url = urllib.parse.urljoin(tool.url, endpoint)
        with self._lock:
            tool._TIMEOUT = timeout
            try:
                return _within(
                    timeout, lambda: tool._query_server(url, params, method=method), self.base_url,
                    self._cancelled,
                )
            except LanguageToolError:
                # The abandoned request may still be reading: give later ones a fresh tool.
                self._tools = {k: v for k, v in self._tools.items() if v is not tool}
                raise
            except Exception as exc:  # library errors: one status line
                raise self._translate(exc, timeout) from exc

    def _translate(self, exc: BaseException, timeout: float) -> LanguageToolError:
        """One readable line for whatever the library or `requests` raised."""
        import requests
        from urllib3.exceptions import NewConnectionError

        chain = _exception_chain(exc)
        if any(isinstance(e, (requests.Timeout, TimeoutError, socket.timeout)) for e in chain):
            return LanguageToolError(
                f"LanguageTool did not answer within {timeout:.3g} s ({self.base_url})."
            )
        refused = next((e for e in chain if isinstance(e, NewConnectionError)), None)
        if refused is not None:
            os_error = next((e for e in chain if isinstance(e, OSError) and e.strerror), None)
            reason = os_error.strerror if os_error is not None else str(refused).split(": ")[-1]
            return LanguageToolError(f"Cannot reach LanguageTool at {self.base_url}: {reason}.")
        if type(exc).__name__ == "RateLimitError":
            return LanguageToolError(
                "The LanguageTool server refuses more requests for now (rate limit)."
            )
        if isinstance(exc, ValueError) or any(isinstance(e, ValueError) for e in chain):
            # When the answer is not JSON the library raises its LanguageToolError with the raw
            # body as message and without the HTTP status (checked before the connection case:
            # requests' JSONDecodeError is also a RequestException). LanguageTool's own errors
            # are plain text starting with "Error:". A body that is not UTF-8 escapes from the
            # library as UnicodeDecodeError.
            body = "" if isinstance(exc, UnicodeError) else " ".join(str(exc).split())
            if "exceeds the limit" in body:
                return LanguageToolError("The LanguageTool server refused the text as too long.")
            if body.startswith("Error:"):
                return LanguageToolError(f"LanguageTool server answered: {body[:200]}")
            return LanguageToolError(
                "LanguageTool sent an answer that is not valid JSON (is the URL a LanguageTool "
                "server?)."
            )
        if any(isinstance(e, (requests.RequestException, OSError)) for e in chain):
            inner = chain[-1] if len(chain) > 1 else exc
            detail = f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
            return LanguageToolError(
                f"Connection to LanguageTool at {self.base_url} failed: {detail[:200]}."
            )
        return LanguageToolError(f"LanguageTool request failed: {str(exc)[:200] or type(exc)}")

    def cancel(self) -> None:
        """Make every waiting and later request fail at once (the app is closing)."""
        self._cancelled.set()

    def languages(self, timeout: float | None = None) -> list[dict[str, Any]]:
        timeout = timeout or self.timeout
        data = self._request(self._tool("auto", timeout), "languages", None, "get", timeout)
        if not isinstance(data, list):
            raise LanguageToolError("The server answered, but not like a LanguageTool server.")
        return [item for item in data if isinstance(item, dict)]

    def check(
        self,
        text: str,
        language: str,
        disabled_rules: Iterable[str] = (),
        deadline: float | None = None,
    ) -> list[dict[str, Any]]:
        """Raw matches for `text`, offsets already in Python code points of `text`."""
        matches: list[dict[str, Any]] = []
        disabled = ",".join(disabled_rules)
        for chunk_start, chunk in split_chunks(text, self.chunk_chars):
            if not chunk.strip():
                continue
            if self._cancelled.is_set():
                raise LanguageToolError("LanguageTool checking was stopped.")
            timeout = self.timeout
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LanguageToolError("LanguageTool took too long for this text.")
                timeout = min(timeout, remaining)
            try:
                tool = self._tool(language, timeout)
                params: dict[str, str] = tool._create_params(chunk)
                if disabled:  # our order, not the library's set order
                    params["disabledRules"] = disabled
                data = self._request(tool, "check", params, "post", timeout)
            except LanguageToolError as exc:
                if timeout < self.timeout and "did not answer" in str(exc):
                    raise LanguageToolError(
                        "LanguageTool took too long for this text; try a shorter text."
                    ) from exc
                raise
            matches.extend(_convert_matches(data, chunk, chunk_start))
        return matches


def _convert_matches(data: Any, chunk: str, chunk_start: int) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("matches"), list):
        raise LanguageToolError("LanguageTool's answer has no list of matches.")
    to_cp = _Utf16Map(chunk)
    out = []
    for match in data["matches"]:
        if not isinstance(match, dict):
            continue
        offset, length = match.get("offset"), match.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or length < 0:
            continue
        if offset < 0 or offset + length > to_cp.units:
            continue
        start, end = to_cp(offset), to_cp(offset + length)
        converted = dict(match)
        converted["start"] = chunk_start + start
        converted["end"] = chunk_start + end
        out.append(converted)
    return out


# -- local server ----------------------------------------------------------------------------
def find_jar(folder: Path) -> Path | None:
    """`languagetool-server.jar` in `folder` or one level below (the unzipped LanguageTool-x.y)."""
    direct = folder / JAR_NAME
    if direct.is_file():
        return direct
    if folder.is_dir():
        for child in sorted(folder.iterdir()):
            if child.is_dir() and (child / JAR_NAME).is_file():
                return child / JAR_NAME
    return None


def find_java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        for name in ("java", "java.exe"):
            candidate = Path(home) / "bin" / name
            if candidate.is_file():
                return str(candidate)
    return shutil.which("java")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """A LanguageTool server process we own: started on first use, reused, restarted if it
    dies, stopped by `close()` or at interpreter exit."""

    MAX_RESTARTS = 3
    RESTART_WINDOW = 300.0

    def __init__(
        self,
        folder: str | Path,
        java: str | None = None,
        start_timeout: float = 90.0,
        port: int | None = None,
    ) -> None:
        self.folder = Path(folder).expanduser()
        self._java = java
        self.start_timeout = start_timeout
        self._port = port
        self._proc: subprocess.Popen[bytes] | None = None
        self._url: str | None = None
        self._lock = threading.Lock()
        self._starts: list[float] = []
        self._log: Any = None
        self._closed = False
        self.state = "idle"  # idle|starting|running|failed|stopped
        self._atexit_registered = False

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def ensure_running(self) -> str:
        """Base URL of a running server; starts or restarts it (blocking: call off the GUI)."""
        with self._lock:
            if self._closed:
                raise LanguageToolError("LanguageTool was shut down.")
            if self.running and self._url:
                return self._url
            if self._proc is not None:
                log.warning("LanguageTool server stopped (exit %s); restarting", self._proc.poll())
                self._cleanup_process()
            now = time.monotonic()
            self._starts = [t for t in self._starts if now - t < self.RESTART_WINDOW]
            if len(self._starts) >= self.MAX_RESTARTS:
                self.state = "failed"
                raise LanguageToolError(
                    "LanguageTool keeps stopping; it was restarted "
                    f"{self.MAX_RESTARTS} times in {self.RESTART_WINDOW / 60:.0f} minutes. "
                    "Check its log, or use a LanguageTool server URL instead."
                )
            self._starts.append(now)
            self._url = self._start()
            return self._url

    def _command(self, java: str, jar: Path, port: int) -> list[str]:
        return [java, "-cp", jar.name, SERVER_CLASS, "--port", str(port), "--allow-origin"]

    def _start(self) -> str:
        jar = find_jar(self.folder)
        if jar is None:
            self.state = "failed"
            raise LanguageToolError(
                f"No {JAR_NAME} in {self.folder}. Choose the folder LanguageTool was unzipped "
                "into (the one that contains languagetool-server.jar)."
            )
        java = self._java or find_java()
        if not java or not (Path(java).is_file() or shutil.which(java)):
            self.state = "failed"
            raise LanguageToolError(
                "Java was not found, and LanguageTool needs it (Java 17 or newer). Install Java, "
                "or enter a LanguageTool server URL in Rules ▸ Language and Grammar… instead."
            )
        port = self._port or _free_port()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        kwargs: dict[str, Any] = {}
        if os.name == "nt":  # no console window for the server
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self.state = "starting"
        try:
            self._proc = subprocess.Popen(
                self._command(java, jar, port),
                cwd=jar.parent,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                **kwargs,
            )
        except OSError as exc:
            self.state = "failed"
            raise LanguageToolError(f"Could not start Java for LanguageTool: {exc}.") from exc
        if not self._atexit_registered:
            atexit.register(self.close)
            self._atexit_registered = True
        url = f"http://127.0.0.1:{port}"
        client = LanguageToolClient(url, timeout=2.0)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._closed:
                self._cleanup_process()
                raise LanguageToolError("LanguageTool was shut down.")
            if self._proc.poll() is not None:
                tail = self._log_tail()
                self._cleanup_process()
                self.state = "failed"
                raise LanguageToolError(
                    "LanguageTool stopped while starting" + (f": {tail}" if tail else ".")
                )
            try:
                client.languages(timeout=2.0)
            except LanguageToolError:
                time.sleep(0.25)
                continue
            self.state = "running"
            return url
        self._cleanup_process()
        self.state = "failed"
        raise LanguageToolError(
            f"LanguageTool did not start within {self.start_timeout:g} s."
        )

    def _log_tail(self, limit: int = 300) -> str:
        if self._log is None:
            return ""
        try:
            self._log.seek(0)
            text = self._log.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1][:limit] if lines else ""

    def _cleanup_process(self) -> None:
        proc, self._proc = self._proc, None
        self._url = None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None

    def close(self) -> None:
        """Stop the server (idempotent); registered with atexit on first start."""
        self._closed = True
        with self._lock:
            self._cleanup_process()
            self.state = "stopped"


# -- the checker the app uses -----------------------------------------------------------------
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
