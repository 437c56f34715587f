"""proselint 0.16 as the reference the speed benchmarks compare against.

It is installed into a throw-away virtual environment inside a temporary folder (never into the
project's environment), with pip from the package index, and driven through a small script that
times `proselint.tools.LintFile(...).lint()` one draft at a time, the way we check drafts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

VERSION = "0.16.0"

_RUNNER = r"""
import json, sys, time
started = time.perf_counter()
from proselint.checks import __register__
from proselint.registry import CheckRegistry
from proselint.tools import LintFile
CheckRegistry().register_many(__register__)  # as `proselint check` does before linting
imported = time.perf_counter()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
t0, c0 = time.perf_counter(), time.process_time()
flags = 0
for i, text in enumerate(texts):
    flags += len(LintFile(f"<draft {i}>", text).lint())
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"drafts": len(texts), "seconds": elapsed, "cpu": cpu,
                  "import": imported - started, "flags": flags}))
"""


class Proselint:
    """A throw-away proselint install; `rate(texts)` is its drafts per second on `texts`."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="smartrec-proselint-")
        root = Path(self._folder.name)
        venv.create(root / "venv", with_pip=True)
        self.python = root / "venv" / ("Scripts" if sys.platform == "win32" else "bin") / "python"
        subprocess.run(
            [str(self.python), "-m", "pip", "install", "--quiet", f"proselint=={VERSION}"],
            check=True,
            capture_output=True,
        )
        self._runner = root / "runner.py"
        self._runner.write_text(_RUNNER, encoding="utf-8")
        self._root = root

    def lint(self, texts: list[str]) -> dict[str, float]:
        """Times one process linting `texts` one by one: drafts, seconds and cpu (lint only),
        import (seconds)."""
        data = self._root / "texts.json"
        data.write_text(json.dumps(texts), encoding="utf-8")
        done = subprocess.run(
            [str(self.python), str(self._runner), str(data)],
            check=True,
            capture_output=True,
            text=True,
        )
        result: dict[str, float] = json.loads(done.stdout)
        return result

    def command(self, *args: str) -> list[str]:
        return [str(self.python), "-m", "proselint", *args]

    def close(self) -> None:
        self._folder.cleanup()
