"""Read a folder of hand-ins: SMARTrec hand-in files, and `.txt` / `.docx` files from groups that
wrote elsewhere (one participant per file, one recommendation per paragraph).

The scanner lists what it could read and, for every other file, one line saying why it was
skipped. It only ever opens files for reading: a participant's file is never changed or deleted.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from app.workshop.handin import (
    HANDIN_SUFFIX,
    HandIn,
    HandInDraft,
    HandInError,
    read_handin,
)

Origin = Literal["hand-in", "txt", "docx"]
MAX_TEXT_BYTES = 1_000_000
MAX_DOCX_BYTES = 20_000_000
#: Uncompressed size of a .docx's parts: guards against zip bombs as well as huge files.
MAX_DOCX_UNPACKED = 60_000_000
MAX_PARAGRAPHS = 50
#: Skipped files named in the one-line summary; the rest are counted.
SUMMARY_SKIPPED = 8


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass(frozen=True)
class Submission:
    """One participant's work, whatever file it came in."""

    path: Path
    origin: Origin
    handin: HandIn
    modified: float

    @property
    def when(self) -> datetime:
        return self.handin.handed_in


@dataclass
class ScanResult:
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the board and the CLI: how many were read and what was skipped."""
        read = f"{len(self.submissions)} hand-in{'s' if len(self.submissions) != 1 else ''} read"
        if not self.skipped:
            return read
        shown = "; ".join(map(str, self.skipped[:SUMMARY_SKIPPED]))
        more = len(self.skipped) - SUMMARY_SKIPPED
        tail = f"; and {more} more" if more > 0 else ""
        return f"{read}; skipped {len(self.skipped)}: {shown}{tail}"


class ReadError(Exception):
    """Why one file is not a readable hand-in (one line)."""


def _participant_from_name(path: Path) -> str:
    name = re.sub(r"[_\s]+", " ", path.stem).strip()
    return name[:120] or "Participant"


def _paragraph_drafts(paragraphs: list[str]) -> list[HandInDraft]:
    texts = [" ".join(p.split()) for p in paragraphs if p.strip()]
    if not texts:
        raise ReadError("no recommendations in it (one paragraph per recommendation)")
    if len(texts) > MAX_PARAGRAPHS:
        raise ReadError(
            f"{len(texts)} paragraphs: a hand-in holds at most {MAX_PARAGRAPHS} recommendations"
        )
    return [HandInDraft(text=text[:20_000]) for text in texts]


def text_paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; without blank lines, one paragraph per line
    (as Word and most editors save a paragraph)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if re.search(r"\n[ \t]*\n", text):
        return re.split(r"\n[ \t]*\n", text)
    return text.split("\n")


def read_text_file(path: Path, exercise_id: str) -> HandIn:
    from app.textio import TextInputError, sniff_encoding

    data = _read_bytes(path, MAX_TEXT_BYTES)
    try:  # Notepad's "Unicode" is UTF-16; Shift-JIS and the like are refused, not misread
        encoding = sniff_encoding(data)
    except TextInputError as exc:
        raise ReadError(f"{exc}; re-save it as UTF-8") from None
    try:
        text = data.decode("cp1252" if encoding == "legacy" else encoding)
    except UnicodeDecodeError:
        raise ReadError("cannot decode the text as UTF-8, UTF-16 or Windows-1252") from None
    if "\x00" in text:
        raise ReadError("not a text file (binary content)")
    return _plain_handin(path, exercise_id, text_paragraphs(text.removeprefix("\ufeff")))


def read_docx_file(path: Path, exercise_id: str) -> HandIn:
    from docx import Document

    size = path.stat().st_size
    if size > MAX_DOCX_BYTES:
        raise ReadError(
            f"too large ({size / 1_000_000:.0f} MB; a hand-in document is at most "
            f"{MAX_DOCX_BYTES // 1_000_000} MB)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_DOCX_UNPACKED:
                raise ReadError(f"unpacks to {unpacked / 1_000_000:.0f} MB: too large to read")
            if "word/document.xml" not in archive.namelist():
                raise ReadError("not a Word document (no word/document.xml inside)")
    except (zipfile.BadZipFile, EOFError):
        raise ReadError("incomplete or damaged .docx (was it fully copied?)") from None
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from None
    try:
        document = Document(str(path))
    except Exception as exc:  # python-docx raises many types on malformed packages
        raise ReadError(f"damaged .docx ({type(exc).__name__})") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.extend(cell.text for cell in row.cells)
    return _plain_handin(path, exercise_id, paragraphs)


def _plain_handin(path: Path, exercise_id: str, paragraphs: list[str]) -> HandIn:
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return HandIn(
        exercise=exercise_id,
        participant=_participant_from_name(path),
        handed_in=modified,
        drafts=_paragraph_drafts(paragraphs),
    )


def _read_bytes(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise ReadError(f"too large ({size / 1_000_000:.1f} MB; at most {limit // 1_000_000} MB)")
    try:
        with path.open("rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from None


def read_file(path: Path, exercise_id: str) -> tuple[Origin, HandIn]:
    """Read one file of the folder as a hand-in for `exercise_id` (plain files have no id)."""
    suffix = path.suffix.lower()
    try:
        if suffix == HANDIN_SUFFIX:
            return "hand-in", read_handin(path)
        if suffix == ".txt":
            return "txt", read_text_file(path, exercise_id)
        if suffix == ".docx":
            return "docx", read_docx_file(path, exercise_id)
    except HandInError as exc:
        raise ReadError(str(exc)) from None
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from None
    kind = f"{suffix} files" if suffix else "files without an extension"
    raise ReadError(f"not a hand-in ({kind} are not read; use {HANDIN_SUFFIX}, .txt or .docx)")


class FolderScanner:
    """Scans a hand-ins folder repeatedly, re-reading only files that changed since last time."""

    def __init__(self, folder: Path, exercise_id: str, known_exercises: set[str]) -> None:
        self.folder = folder
        self.exercise_id = exercise_id
        self.known = known_exercises
        self._cache: dict[str, tuple[tuple[int, int], tuple[Origin, HandIn] | Skipped]] = {}

    def scan(self) -> ScanResult:
        out = ScanResult()
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.name)
        except OSError as exc:
            out.skipped.append(Skipped(str(self.folder), f"cannot be read: {exc.strerror}"))
            return out
        seen: set[str] = set()
        read: list[Submission] = []
        for entry in entries:
            if not entry.is_file():
                continue
            seen.add(entry.name)
            path = Path(entry.path)
            ignored = _ignored(entry.name)
            if ignored:
                out.skipped.append(Skipped(entry.name, ignored))
                continue
            try:
                stat = entry.stat()
            except OSError as exc:
                out.skipped.append(Skipped(entry.name, f"cannot be read: {exc.strerror}"))
                continue
            key = (stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(entry.name)
            if cached is None or cached[0] != key:
                cached = (key, self._read(path))
                self._cache[entry.name] = cached
            value = cached[1]
            if isinstance(value, Skipped):
                out.skipped.append(value)
                continue
            origin, handin = value
            problem = self._exercise_problem(handin)
            if problem:
                out.skipped.append(Skipped(entry.name, problem))
                continue
            read.append(Submission(path, origin, handin, stat.st_mtime))
        for name in set(self._cache) - seen:
            del self._cache[name]
        out.submissions, duplicates = _drop_duplicates(read)
        out.skipped.extend(duplicates)
        return out

    def _read(self, path: Path) -> tuple[Origin, HandIn] | Skipped:
        try:
            return read_file(path, self.exercise_id)
        except ReadError as exc:
            return Skipped(path.name, str(exc))

    def _exercise_problem(self, handin: HandIn) -> str:
        if handin.exercise == self.exercise_id:
            return ""
        if handin.exercise not in self.known:
            return f"for an unknown exercise {handin.exercise!r}"
        return f"for another exercise ({handin.exercise})"


def _ignored(name: str) -> str:
    if name.startswith("~$"):
        return "Word's lock file for an open document"
    if name.startswith(".~") and name.endswith(".part"):
        return "still being written"
    if name.startswith("."):
        return "hidden file"
    return ""


def _drop_duplicates(read: list[Submission]) -> tuple[list[Submission], list[Skipped]]:
    """Two hand-ins under one name: show the later one and say which file was left out."""
    by_name: dict[str, list[Submission]] = {}
    for submission in read:
        by_name.setdefault(submission.handin.participant.casefold(), []).append(submission)
    kept: list[Submission] = []
    skipped: list[Skipped] = []
    for group in by_name.values():
        group.sort(key=lambda s: (s.when, s.modified, s.path.name))
        newest = group[-1]
        kept.append(newest)
        for older in group[:-1]:
            skipped.append(
                Skipped(
                    older.path.name,
                    f"same name ({newest.handin.participant}) as {newest.path.name}, "
                    "which is newer and is shown",
                )
            )
    kept.sort(key=lambda s: (s.when, s.modified, s.path.name))
    return kept, skipped


def scan_folder(folder: Path, exercise_id: str, known_exercises: set[str]) -> ScanResult:
    return FolderScanner(folder, exercise_id, known_exercises).scan()
