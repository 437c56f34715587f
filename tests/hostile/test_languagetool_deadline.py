"""A LanguageTool server that answers one byte at a time cannot hang a check or the process."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.language.lt_client import LanguageToolClient, LanguageToolError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def trickle_url() -> Iterator[str]:
    """Accepts connections and sends a valid HTTP header, then one body byte every 0.2 s: each
    gap is far below any `requests` timeout, so only a total deadline ends the request."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 100000\r\n\r\n")
                while not stop.is_set():
                    conn.sendall(b" ")
                    time.sleep(0.2)
            except OSError:
                return

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    listener.close()


def test_request_has_a_total_deadline(trickle_url: str) -> None:
    client = LanguageToolClient(trickle_url, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(LanguageToolError, match="did not answer within 1 s"):
        client.check("The State should ratify the convention.", "en-GB")
    assert time.monotonic() - started < 5  # before: until the 100 KB body arrived, ~6 hours


def test_abandoned_request_does_not_keep_the_process_alive(trickle_url: str) -> None:
    code = (
        "from app.language.languagetool import LanguageToolClient, LanguageToolError\n"
        f"client = LanguageToolClient({trickle_url!r}, timeout=1.0)\n"
        "try:\n    client.check('Ratify the convention.', 'en-GB')\n"
        "except LanguageToolError as exc:\n    print('stopped:', exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("stopped: LanguageTool did not answer within 1 s")


def test_closing_the_checker_ends_a_background_check_at_once(trickle_url: str) -> None:
    """What the desktop app does when its window closes: the pool thread that is waiting for
    LanguageTool must return, or the interpreter waits for it at exit."""
    code = (
        "import time\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from app.language.languagetool import GrammarChecker\n"
        f"checker = GrammarChecker(url={trickle_url!r}, timeout=60, total_timeout=120)\n"
        "pool = ThreadPoolExecutor(1)\n"
        "future = pool.submit(checker.check, 'Ratify the convention.')\n"
        "time.sleep(1)\n"
        "started = time.monotonic()\n"
        "checker.close()\n"
        "pool.shutdown(wait=False)\n"
        "print('closed')\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "closed", result.stderr
    assert time.monotonic() - started < 15  # before: 60 s for the request, then the next
