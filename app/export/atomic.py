"""Write a file all at once or not at all, with messages a desk officer can act on.

Writers produce the whole document into a temporary file in the destination folder and only then
`os.replace` it over the target, so a full disk, a crash or a file held open by Word never leaves a
half-written document behind and never damages the previous version.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from app.export.model import ExportError

_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_atomic(dest: str | os.PathLike[str], produce: Callable[[Path], None]) -> Path:
    """Call `produce(tmp_path)` to write the document, then move it onto `dest`.

    Raises ExportError with a user-facing message; the temporary file is always removed.
    """
    target = Path(dest).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError(f"“{target}” is a folder. Choose a file name to export to.")
    if not folder.is_dir():
        raise ExportError(f"The folder “{folder}” does not exist. Choose another destination.")
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".~{target.stem[:40]}-", suffix=target.suffix + ".part", dir=folder
        )
    except OSError as exc:
        raise ExportError(_explain(exc, target, stage="folder")) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            produce(tmp)
        except OSError as exc:
            raise ExportError(_explain(exc, target, stage="write")) from exc
        try:
            _keep_mode(target, tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise ExportError(_explain(exc, target, stage="replace")) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


@contextlib.contextmanager
def open_atomic_text(dest: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[list[str]]:
    """Collect text chunks in a list, then write them atomically when the block ends cleanly."""
    chunks: list[str] = []
    yield chunks

    def produce(tmp: Path) -> None:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write("".join(chunks))
            fh.flush()
            os.fsync(fh.fileno())

    write_atomic(dest, produce)


def _keep_mode(target: Path, tmp: Path) -> None:
    """mkstemp creates 0600 files; give the result the permissions a normal save would have."""
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _explain(exc: OSError, target: Path, *, stage: str) -> str:
    if exc.errno in _NO_SPACE:
        return (
            f"Not enough disk space to write “{target.name}” in “{target.parent}”. "
            "Free some space or choose another folder; no file was written."
        )
    if isinstance(exc, PermissionError) or exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        if stage == "replace" and target.exists():
            return (
                f"“{target.name}” could not be replaced: it is probably open in Word or another "
                "program, or it is read-only. Close it (or choose another file name) and export "
                "again; the existing file was left unchanged."
            )
        return (
            f"You cannot write to the folder “{target.parent}” (it is read-only or you have no "
            "permission). Choose another destination; no file was written."
        )
    reason = exc.strerror or str(exc)
    return f"Could not write “{target}”: {reason}. No file was written."
