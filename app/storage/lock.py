"""Single-writer lock for a project file, on a sidecar `<file>.lock`.

An OS lock (`flock` on POSIX, `msvcrt.locking` on Windows) is used because the operating system
drops it when the holding process dies, so a crash or `kill -9` never leaves a stale lock behind.
The sidecar also records pid, host and time so that the "open elsewhere" message can say where.
Where the file system refuses OS locks (some network shares), a pid-file check is the fallback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.bounds import load_json_bounded
from app.storage.errors import ProjectError, ProjectLockedError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    fcntl: Any = None
else:
    import fcntl

    msvcrt: Any = None

#: Windows locks a byte range; lock one byte far past the JSON text so readers are never blocked.
_WIN_LOCK_OFFSET = 1 << 20
_BUSY_ERRNOS = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK}
#: Lock files this process holds; lets the pid-file fallback tell "open in this process"
#: from a file left behind by a project object that was never closed.
_HELD: set[str] = set()


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _holder_info(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        data = load_json_bounded(raw.decode("utf-8").strip("\0 \n") or "{}")
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _pid_alive(pid: int) -> bool:
    """POSIX only; used by the fallback when the file system has no OS locks."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True


def _locked_error(path: Path, info: dict[str, Any]) -> ProjectLockedError:
    pid = info.get("pid")
    host = info.get("host") or "?"
    since = info.get("since") or ""
    where = ""
    if pid:
        where = f" (process {pid} on {host}"
        where += f", since {since[:16].replace('T', ' ')} UTC)" if since else ")"
    return ProjectLockedError(
        f"'{path.name}' is already open in another SMARTrec window{where}. Close it there first.",
        pid=pid if isinstance(pid, int) else None,
        host=str(host),
    )


class ProjectLock:
    """Holds the sidecar lock of one project file until `release()` or process exit."""

    def __init__(self, path: Path, fd: int, os_lock: bool) -> None:
        self.path = path
        self.lock_file = lock_path_for(path.resolve())
        self._fd: int | None = fd
        self.os_lock = os_lock
        self._finalizer = weakref.finalize(self, _forget, fd, str(self.lock_file))

    @classmethod
    def acquire(cls, path: Path) -> ProjectLock:
        """Take the lock or raise ProjectLockedError naming the holder."""
        # Beside the real file, so that a symlink or another spelling of the path meets the
        # same lock.
        lock_file = lock_path_for(path.resolve())
        for _attempt in range(20):
            try:
                fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
            except OSError as exc:
                raise ProjectError(
                    f"Cannot create the lock file '{lock_file.name}' beside the project: "
                    f"{exc.strerror or exc}. It is needed to open the project for editing."
                ) from exc
            try:
                os_lock = _try_os_lock(fd)
            except BlockingIOError:
                info = _holder_info(fd)
                os.close(fd)
                raise _locked_error(path, info) from None
            except OSError as exc:
                if exc.errno in _BUSY_ERRNOS:
                    info = _holder_info(fd)
                    os.close(fd)
                    raise _locked_error(path, info) from None
                os_lock = False  # e.g. ENOLCK/EOPNOTSUPP on a network share: pid-file fallback
            if not os_lock:
                info = _holder_info(fd)
                if _fallback_held(info, str(lock_file)):
                    os.close(fd)
                    raise _locked_error(path, info)
            if sys.platform != "win32" and not _same_file(fd, lock_file):
                # The previous holder unlinked the file between our open() and lock(): retry
                # on the fresh file, otherwise two processes could both "hold" the lock.
                os.close(fd)
                continue
            _write_info(fd)
            _HELD.add(str(lock_file))
            return cls(path, fd, os_lock)
        raise ProjectError(f"Could not lock '{path.name}': the lock file keeps changing.")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        self._finalizer.detach()
        _HELD.discard(str(self.lock_file))
        if sys.platform == "win32":  # pragma: no cover
            _close_fd(fd)
            with contextlib.suppress(OSError):
                self.lock_file.unlink()
        else:
            # Unlink while still holding the lock; acquirers check the inode, so no race.
            if _same_file(fd, self.lock_file):
                with contextlib.suppress(OSError):
                    self.lock_file.unlink()
            _close_fd(fd)


def _try_os_lock(fd: int) -> bool:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    if msvcrt is not None:  # pragma: no cover
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BlockingIOError(exc.errno, str(exc)) from exc
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True
    return False


def _fallback_held(info: dict[str, Any], lock_file: str) -> bool:
    """Without OS locks: held if a live process on this host, or any other host, wrote it."""
    pid = info.get("pid")
    if not isinstance(pid, int):
        return False
    if info.get("host") != socket.gethostname():
        return True  # cannot check another machine; err on the side of not clobbering
    if pid == os.getpid():
        return lock_file in _HELD
    return sys.platform != "win32" and _pid_alive(pid)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a = os.fstat(fd)
        b = os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _write_info(fd: int) -> None:
    info = {
        "app": "SMARTrec",
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    data = (json.dumps(info) + "\n").encode("utf-8")
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
        os.ftruncate(fd, len(data))


def _close_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _forget(fd: int, lock_file: str) -> None:
    """A lock object collected without release(): the OS lock goes with the descriptor."""
    _HELD.discard(lock_file)
    _close_fd(fd)
