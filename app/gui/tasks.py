"""One helper for background work, so the GUI thread never blocks (after Anki's `taskman`).

`TaskManager.run(fn, on_done, on_error)` runs `fn` in a worker thread and delivers its result
or exception back on the GUI thread. Callbacks for a task whose owner has gone are dropped.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Bridge(QObject):
    finished = Signal(object, object, object)  # callback, value, is_error


class TaskManager(QObject):
    def __init__(self, parent: QObject | None = None, workers: int = 2) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smartrec")
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._deliver)
        self._closed = False

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run `fn()` off the GUI thread; call `on_done(result)` or `on_error(exc)` on it."""
        future = self._pool.submit(fn)

        def _finished(fut: Future[Any]) -> None:
            if self._closed:
                return
            exc = fut.exception()
            if exc is not None:
                self._bridge.finished.emit(on_error or _log_error, exc, True)
            elif on_done is not None:
                self._bridge.finished.emit(on_done, fut.result(), False)

        future.add_done_callback(_finished)
        return future

    def _deliver(self, callback: Callable[[Any], None], value: Any, is_error: bool) -> None:
        callback(value)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


def _log_error(exc: BaseException) -> None:
    traceback.print_exception(exc)
