"""A local LanguageTool: find `languagetool-server.jar` and Java, start the server on a free
port of 127.0.0.1, and stop it when SMARTrec exits (nothing is ever downloaded)."""

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
from pathlib import Path
from typing import Any

from app.language.lt_client import LanguageToolClient, LanguageToolError

log = logging.getLogger(__name__)

JAR_NAME = "languagetool-server.jar"
SERVER_CLASS = "org.languagetool.server.HTTPServer"


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
        raise LanguageToolError(f"LanguageTool did not start within {self.start_timeout:g} s.")

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
