"""LanguageTool over HTTP: one server's `/v2/check`, with a total deadline per request.

HTTP goes through `language_tool_python` (the project's LanguageTool library), always as
`LanguageTool(language, remote_server=URL)`: for a configured URL directly, for a local folder
at `http://127.0.0.1:PORT` of the server that `app.language.lt_server` starts. With a remote
server the library never starts or downloads anything; `_RemoteOnly` also refuses its local-start
hook, retries and system proxies. It is imported lazily (it pulls in `requests`,
~0.2 s) so importing this module stays cheap.

What we still do ourselves, because the library does not: the per-request timeout and the total
deadline (its `_TIMEOUT` is a 300 s class constant and `check()` retries once), chunking of long
texts, turning its errors (status code dropped, answer body as message) into one readable line,
and match conversion. We read the raw `/v2/check` JSON instead of its `Match` objects: `Match`
drops `rule.description`/`rule.urls`, fails the whole answer on one match missing a field, keeps
the length in UTF-16 units, and caches astral positions in class attributes shared by all threads.
LanguageTool reports `offset`/`length` in UTF-16 code units (Java string indices); drafts use
Python code points. `_Utf16Map` converts, so text after (and matches across) an emoji line up.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar, cast

log = logging.getLogger(__name__)

DEFAULT_CHUNK_CHARS = 15_000
_DEADLINE_SLACK_S = 0.25
_T = TypeVar("_T")


class LanguageToolError(Exception):
    """Something the user can read in the status bar: what failed and what to do."""


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
            raise LanguageToolError(f"LanguageTool did not answer within {seconds:.3g} s ({url}).")
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
                    timeout,
                    lambda: tool_class(self.base_url, language, timeout),
                    self.base_url,
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
        self,
        tool: Any,
        endpoint: str,
        params: dict[str, str] | None,
        method: Literal["get", "post"],
        timeout: float,
    ) -> Any:
        url = urllib.parse.urljoin(tool.url, endpoint)
        with self._lock:
            tool._TIMEOUT = timeout
            try:
                return _within(
                    timeout,
                    lambda: tool._query_server(url, params, method=method),
                    self.base_url,
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
