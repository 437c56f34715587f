"""A small stand-in for a LanguageTool server's `/v2/check`, for tests, benchmarks and demos.

Real LanguageTool (a Java server) is not available to the test suite, so this answers
`GET /v2/languages` (language_tool_python queries it when a client is built) and `/v2/check` with
the JSON shape LanguageTool documents: `matches[]` with `offset`/`length` in UTF-16 code units (Java
string indices), `replacements[].value`, `rule.id`, `rule.issueType`, `rule.category.id`.
It flags a few fixed typos and "a" before a vowel. Modes simulate failures (slow, malformed,
binary, HTTP error, dropped connection, a JSON service that is not LanguageTool). Loopback only.

Run as `python tests/doubles/fakelt.py --port 8081`, which also accepts (and ignores) LanguageTool's
own `-cp languagetool-server.jar org.languagetool.server.HTTPServer --allow-origin` arguments, so it
can stand in for `java` in tests of the local-server launcher.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TYPOS: dict[str, list[str]] = {
    "recieve": ["receive"],
    "goverment": ["government"],
    "ratifiy": ["ratify"],
    "strenghten": ["strengthen"],
    # Domain words a generic dictionary flags; the adapter must drop these via our vocabulary.
    "ODIHR": ["ODOR"],
    "rapporteur": ["reporter"],
    "CEDAW": ["CEDAR"],
}
_WORD = re.compile(r"\w+")
_A_VOWEL = re.compile(r"\b([Aa]) (?=[aeiouAEIOU]\w)")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def make_match(text: str, start: int, end: int, rule: dict[str, Any], message: str,
               replacements: list[str]) -> dict[str, Any]:
    offset = utf16_len(text[:start])
    return {
        "message": message,
        "shortMessage": "",
        "replacements": [{"value": r} for r in replacements],
        "offset": offset,
        "length": utf16_len(text[start:end]),
        "context": {"text": text[max(0, start - 20): end + 20], "offset": 0, "length": 0},
        "sentence": text,
        "rule": rule,
    }


SPELLING_RULE = {
    "id": "MORFOLOGIK_RULE_EN_GB",
    "description": "Possible spelling mistake",
    "issueType": "misspelling",
    "category": {"id": "TYPOS", "name": "Possible Typo"},
}
GRAMMAR_RULE = {
    "id": "EN_A_VS_AN",
    "description": "Use of 'a' vs. 'an'",
    "issueType": "grammar",
    "category": {"id": "MISC", "name": "Miscellaneous"},
    "urls": [{"value": "https://example.org/a-vs-an"}],
}


def check_text(text: str) -> list[dict[str, Any]]:
    """Matches the way LanguageTool reports them (UTF-16 offsets)."""
    matches = []
    for word in _WORD.finditer(text):
        if word.group() in TYPOS:
            matches.append(make_match(text, word.start(), word.end(), SPELLING_RULE,
                                      "Possible spelling mistake found.", TYPOS[word.group()]))
    for article in _A_VOWEL.finditer(text):
        fix = "An" if article.group(1) == "A" else "an"
        matches.append(make_match(text, article.start(1), article.end(1), GRAMMAR_RULE,
                                  "Use 'an' instead of 'a' before a vowel sound.", [fix]))
    matches.sort(key=lambda m: m["offset"])
    return matches


class FakeLanguageTool:
    """Threaded fake server; `mode` can be changed while it runs."""

    def __init__(self, port: int = 0, mode: str = "normal", delay: float = 0.0) -> None:
        self.mode = mode
        self.delay = delay
        self.slow_seconds = 10.0
        self.requests: list[dict[str, str]] = []
        #: GET /v2/languages count: language_tool_python sends one when it builds a client.
        self.language_requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                outer.language_requests += 1
                if outer.mode == "not-lt":  # some other JSON service
                    self._send(200, json.dumps({"status": "ok"}).encode())
                elif self.path.startswith("/v2/languages"):
                    langs = [{"name": "English (GB)", "code": "en", "longCode": "en-GB"},
                             {"name": "English (US)", "code": "en", "longCode": "en-US"},
                             {"name": "French", "code": "fr", "longCode": "fr"},
                             {"name": "Spanish", "code": "es", "longCode": "es"}]
                    self._send(200, json.dumps(langs).encode())
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                outer.requests.append(form)
                mode = outer.mode
                if outer.delay:
                    time.sleep(outer.delay)
                if not self.path.startswith("/v2/check"):
                    self._send(404, b"not found", "text/plain")
                elif mode == "slow":
                    time.sleep(outer.slow_seconds)
                elif mode == "drop" or (mode == "die-after-first" and len(outer.requests) > 1):
                    self.close_connection = True
                    self.connection.close()
                elif mode == "malformed":
                    self._send(200, b"{\"matches\": [ {\"offset\": ")
                elif mode == "wrong-shape":
                    self._send(200, json.dumps({"matches": [{"offset": "x"}, 7]}).encode())
                elif mode == "binary":
                    self._send(200, b"\xff\xfe\x00garbage\x9c", "application/octet-stream")
                elif mode == "html":
                    self._send(200, b"<html>proxy login</html>", "text/html")
                elif mode == "error":
                    self._send(500, b"Error: internal error", "text/plain")
                elif mode == "too-long":
                    self._send(413, b"Error: Your text exceeds the limit", "text/plain")
                else:
                    text = form.get("text", "")
                    body = {
                        "software": {"name": "LanguageTool", "version": "6.4-fake",
                                     "apiVersion": 1, "status": ""},
                        "language": {"name": "English (GB)", "code": form.get("language", "")},
                        "matches": check_text(text),
                    }
                    self._send(200, json.dumps(body).encode())

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                return  # clients hanging up early is part of the tests

        self.server = QuietServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> FakeLanguageTool:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent; safe if never started)."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread = None
        self.server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake LanguageTool server (loopback only)")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--mode", default="normal")
    parser.add_argument("-cp")
    parser.add_argument("--allow-origin", nargs="?")
    parser.add_argument("main_class", nargs="?")
    args = parser.parse_args(argv)
    fake = FakeLanguageTool(args.port, args.mode)
    try:
        fake.server.serve_forever()
    finally:
        fake.server.server_close()


if __name__ == "__main__":
    main()
