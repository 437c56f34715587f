"""What every importer shares: limits, encoding detection, the preview and the atomic save."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from app.evidence.store import EvidenceItem, insert_items, validate
from app.storage.project import Project
from app.textio import TextInputError, sniff_encoding

#: Larger files are refused before reading a byte of content (a 200 MB file fails at once).
_MB = 1024 * 1024
MAX_IMPORT_BYTES = 100 * _MB
#: DOCX/XLSX are zip files: limits on what they may expand to (zip-bomb guard).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 5000

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "mac_roman")
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Excel's Unicode text)",
    "cp1252": "Windows-1252 (Western)",
    "mac_roman": "Mac Roman",
}


class EvidenceImportError(Exception):
    """The whole file cannot be imported; the message says why in words."""


@dataclass(frozen=True)
class RowError:
    """One rejected row: where it is in the file and why."""

    line: int
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}"


@dataclass
class ImportPreview:
    """Everything parsed from a file, before anything is written."""

    source: str
    format: str
    kind: str
    encoding: str = ""
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    #: (line or record number, item) for rows that passed validation.
    items: list[tuple[int, EvidenceItem]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items) + len(self.errors)


@dataclass
class ImportResult:
    written: int
    errors: list[RowError]
    import_id: int | None


def check_size(path: Path, limit: int = MAX_IMPORT_BYTES) -> int:
    """Refuse missing, unreadable or too large files before reading their content."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise EvidenceImportError(f"'{path.name}' does not exist.") from None
    except OSError as exc:
        raise EvidenceImportError(f"'{path.name}' cannot be read: {exc.strerror}.") from None
    if path.is_dir():
        raise EvidenceImportError(f"'{path.name}' is a folder, not a file.")
    if size > limit:
        raise EvidenceImportError(
            f"'{path.name}' is {size / _MB:.0f} MB; the import limit is {limit / _MB:.0f} MB. "
            "Split the file into smaller parts and import them one by one."
        )
    if size == 0:
        raise EvidenceImportError(f"'{path.name}' is empty.")
    return size


def _weirdness(text: str) -> int:
    """How many characters look like mojibake: symbols, controls, or capitals inside words."""
    bad = 0
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cn", "Sm", "Sk") or ch in "√ƒ∆◊Ω∏∑∂π∫ªº¬":
            bad += 1
        elif cat == "Lu":
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.islower() or (after.islower() and before.isalpha()):
                bad += 1
    return bad


def detect_encoding(raw: bytes) -> str:
    """Pick UTF-8 (with or without BOM), Windows-1252 or Mac Roman for `raw`.

    UTF-8 is tried strictly first (legacy 8-bit text almost never decodes as valid UTF-8); between
    the two legacy code pages the one that produces fewer mojibake-looking characters wins, with
    Windows-1252 preferred on a tie because it is the commoner of the two.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    scores: list[tuple[int, int, str]] = []
    for rank_, enc in enumerate(("cp1252", "mac_roman")):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        scores.append((_weirdness(text), rank_, enc))
    if not scores:
        return "mac_roman"
    return min(scores)[2]


def decode(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """Text and the encoding used; a wrong user choice is reported with the byte offset.

    UTF-16 (Excel's "Unicode text") is read when detected; text in another script's legacy
    encoding (Shift-JIS, Cyrillic ...) is refused rather than imported as mojibake.
    """
    enc = encoding
    if enc is None:
        try:
            sniffed = sniff_encoding(raw)
        except TextInputError as exc:
            raise EvidenceImportError(
                f"'{name}': {exc}; re-save it as UTF-8 or pass --encoding (for example "
                "--encoding shift_jis)."
            ) from None
        enc = detect_encoding(raw) if sniffed == "legacy" else sniffed
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise EvidenceImportError(
            f"'{name}' is not valid {ENCODING_LABELS.get(enc, enc)} (line {line}, byte "
            f"{exc.start}). Choose another encoding."
        ) from None
    except LookupError:
        raise EvidenceImportError(f"Unknown encoding '{enc}'.") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc


def check_zip(path: Path, *, required: Sequence[str] = ()) -> zipfile.ZipFile:
    """Open a DOCX/XLSX container after checking it cannot expand into a zip bomb."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError, EOFError) as exc:
        raise EvidenceImportError(
            f"'{path.name}' is damaged or not a real Office file ({exc})."
        ) from None
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    problem = ""
    if len(infos) > MAX_ZIP_MEMBERS:
        problem = f"it holds {len(infos)} parts"
    elif total > MAX_UNZIPPED_BYTES:
        problem = f"it would expand to {total / 1e6:.0f} MB"
    else:
        for info in infos:
            if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                problem = f"'{info.filename}' is compressed {ratio}:1"
                break
    if problem:
        zf.close()
        raise EvidenceImportError(
            f"'{path.name}' was refused: {problem}, which looks like a zip bomb rather than a "
            "document."
        )
    names = set(zf.namelist())
    missing = [r for r in required if r not in names]
    if missing:
        zf.close()
        raise EvidenceImportError(f"'{path.name}' is not a valid file: '{missing[0]}' is missing.")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_UNZIPPED_BYTES) -> bytes:
    """Read one zip member, stopping at `limit` bytes whatever its header claims."""
    try:
        with zf.open(name) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise EvidenceImportError(
            f"'{name}' inside the file is damaged ({exc}); re-save the document and try again."
        ) from None
    if len(data) > limit:
        raise EvidenceImportError(f"'{name}' expands beyond {limit / 1e6:.0f} MB; refused.")
    return data


def parse_xml_safely(data: bytes, name: str) -> ElementTree.Element:
    """Parse an Office XML part, refusing any DTD or entity (XXE, billion laughs) in words."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException:
        raise EvidenceImportError(
            f"'{name}' was refused: its XML declares a DTD or entities (a way to smuggle "
            "in external files or expand without bound). Re-save it from a word processor."
        ) from None
    except Exception as exc:
        raise EvidenceImportError(f"'{name}' is damaged ({exc}).") from None


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT evidence_import")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO evidence_import")
        conn.execute("RELEASE evidence_import")
        raise
    conn.execute("RELEASE evidence_import")


def save_preview(
    target: Project | sqlite3.Connection,
    preview: ImportPreview,
    *,
    selected: Sequence[int] | None = None,
    strict: bool = False,
) -> ImportResult:
    """Write the preview's good items in one transaction: all of them or, on error, none.

    `target` is a Project (its transaction is used) or an sqlite3 connection. `selected` picks
    items by index (the review step for reports). With `strict`, any bad row refuses the file.
    """
    if strict and preview.errors:
        raise EvidenceImportError(
            f"{len(preview.errors)} row(s) have problems and strict mode is on; nothing was "
            f"imported. First: {preview.errors[0]}"
        )
    keep = None if selected is None else set(selected)
    chosen = [item for index, (_, item) in enumerate(preview.items)
              if keep is None or index in keep]
    for item in chosen:
        problem = validate(item)
        if problem:
            raise EvidenceImportError(f"An item cannot be saved: {problem}. Nothing was imported.")

    def _write(conn: sqlite3.Connection) -> ImportResult:
        with _savepoint(conn):
            cur = conn.execute(
                "INSERT INTO evidence_imports (source, format, rows) VALUES (?, ?, ?)",
                (preview.source, preview.format, len(chosen)),
            )
            import_id = int(cur.lastrowid or 0)
            written = insert_items(conn, chosen, import_id=import_id)
        return ImportResult(written, list(preview.errors), import_id)

    try:
        if isinstance(target, Project):
            with target.transaction() as conn:
                return _write(conn)
        return _write(target)
    except sqlite3.Error as exc:
        raise EvidenceImportError(f"Nothing was imported: the library could not be written "
                                  f"({exc}).") from exc


def file_name(path: str | os.PathLike[str]) -> str:
    return Path(path).name
