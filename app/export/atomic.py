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
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from app.export.model import ExportError

_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
#: Longest file name most file systems accept (ext4, NTFS, APFS: 255).
MAX_NAME_BYTES = 255


def write_atomic(dest: str | os.PathLike[str], produce: Callable[[Path], None]) -> Path:
    """Call `produce(tmp_path)` to write the document, then move it onto `dest`.

    Raises ExportError with a user-facing message; the temporary file is always removed.
    """
    target = Path(dest).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if len(target.name.encode("utf-8", "replace")) > MAX_NAME_BYTES:
        raise ExportError(
            f"The file name “{target.name[:40]}…” is too long ({len(target.name)} characters). "
            "Choose a shorter name; no file was written."
        )
    try:
        if target.is_dir():
            raise ExportError(f"“{target}” is a folder. Choose a file name to export to.")
        if not folder.is_dir():
            raise ExportError(
                f"The folder “{folder}” does not exist. Choose another destination."
            )
    except OSError as exc:
        raise ExportError(_explain(exc, target, stage="folder")) from exc
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
            _sync(tmp)
        except OSError as exc:
            raise ExportError(_explain(exc, target, stage="write")) from exc
        problem = incomplete(tmp)
        if problem:
            raise ExportError(
                f"“{target.name}” could not be written completely ({problem}); the disk may be "
                "full. Free some space or choose another folder; "
                + ("the existing file was left unchanged." if target.exists()
                   else "no file was written.")
            )
        try:
            _keep_mode(target, tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise ExportError(_explain(exc, target, stage="replace")) from exc
        _sync_folder(folder)
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


def _sync(path: Path) -> None:
    """Put the bytes on disk before the rename: a rename can reach the disk before the data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, and needs not."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def incomplete(path: Path) -> str | None:
    """Why a freshly written PDF or Office file is cut short, judged from its bytes.

    Some writers (Qt's QPdfWriter) do not report a failed write, so a full disk leaves a
    truncated file and no error. A PDF must end with its `%%EOF` marker, a zip container
    (DOCX/XLSX) must have a readable central directory.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError as exc:
        return exc.strerror or str(exc)
    if head.startswith(b"%PDF-") and b"%%EOF" not in tail:
        return "the PDF has no end marker"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
            return f"the document is cut short: {exc}"
    if size == 0:
        return "the file is empty"
    return None


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
