"""Open a .docx for review or import only after it has passed every safety check, and write the
reviewed copy so that nothing is left behind on error and untouched parts keep their bytes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from app.evidence.importers.base import (
    MAX_IMPORT_BYTES,
    EvidenceImportError,
    check_size,
    check_zip,
    parse_xml_safely,
    read_member,
)
from app.export.atomic import write_atomic
from app.export.model import ExportError

#: Larger documents are refused: no UPR text is this long, and a review must stay interactive.
MAX_PARAGRAPHS = 5000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
#: Parts the review rewrites; every other part of the package is copied byte for byte.
TOUCHED_PARTS = frozenset({
    "word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels",
    "[Content_Types].xml",
})


_REVIEW_SUFFIX = re.compile(r" \(SMARTrec review(?: \d+)?\)$")


class ReviewError(Exception):
    """The document cannot be reviewed or imported; one line naming the file and the reason."""


@dataclass
class Source:
    """A checked, opened document and the original bytes of every part."""

    path: Path
    document: DocxDocument
    originals: dict[str, tuple[zipfile.ZipInfo, bytes]]


def lock_files(path: Path) -> list[Path]:
    """Where Word and LibreOffice put the lock file of an open document."""
    name = path.name
    names = {f"~${name}", f"~${name[2:]}" if len(name) > 2 else "", f".~lock.{name}#"}
    return [path.with_name(n) for n in sorted(names) if n]


def open_source(path: Path, *, to_rewrite: bool = False) -> Source:
    """Every check of the issue's bad-input list, then python-docx on the checked bytes.
    `to_rewrite`: the document will be saved again (a review), which needs every part's
    content type."""
    if path.name.startswith("~$"):
        raise ReviewError(f"{path}: this is Word's lock file of an open document, not the "
                          "document itself; choose the file without '~$'")
    try:
        check_size(path, MAX_IMPORT_BYTES)
        with path.open("rb") as fh:
            head = fh.read(8)
    except EvidenceImportError as exc:
        raise ReviewError(f"{path}: {_reason(exc, path)}") from None
    except OSError as exc:
        raise ReviewError(f"{path}: cannot be read ({exc.strerror})") from None
    if head == _OLE_MAGIC:
        data = path.read_bytes()
        if _ENCRYPTED in data:
            raise ReviewError(f"{path}: the document is password-protected; remove the password "
                              "in Word (File > Info > Protect Document) and save a copy to review")
        raise ReviewError(f"{path}: this is an old binary Word .doc file; open it in Word or "
                          "LibreOffice and save it as .docx first")
    if not head.startswith(b"PK"):
        raise ReviewError(f"{path}: not a Word .docx document (it is not a zip package)")
    for lock in lock_files(path):
        if lock.exists():
            raise ReviewError(f"{path}: the document is open in a word processor (lock file "
                              f"'{lock.name}'); save and close it first, so unsaved edits are "
                              "not missed")
    originals: dict[str, tuple[zipfile.ZipInfo, bytes]] = {}
    try:
        zf = check_zip(path)
        try:
            if not {"[Content_Types].xml", "word/document.xml"} <= set(zf.namelist()):
                raise ReviewError(f"{path}: a zip file but not a Word document (no "
                                  "word/document.xml)")
            for info in zf.infolist():
                data = read_member(zf, info.filename)
                if info.filename.endswith((".xml", ".rels")):
                    parse_xml_safely(data, f"{path.name}/{info.filename}")
                originals[info.filename] = (info, data)
        finally:
            zf.close()
        raw = path.read_bytes()
    except EvidenceImportError as exc:
        raise ReviewError(f"{path}: {_reason(exc, path)}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReviewError(f"{path}: damaged zip package ({exc})") from None
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises many types on malformed packages
        raise ReviewError(f"{path}: not a readable Word document ({exc})") from None
    _check_parts(path, document, to_rewrite)
    count = sum(1 for _ in document.element.body.iter(qn("w:p")))
    if count > MAX_PARAGRAPHS:
        raise ReviewError(f"{path}: {count:,} paragraphs is more than the {MAX_PARAGRAPHS:,} "
                          "SMARTrec reviews; split the document and review the parts")
    return Source(path, document, originals)


def _check_parts(path: Path, document: DocxDocument, to_rewrite: bool) -> None:
    """Refuse packages that python-docx opens but cannot use or save again (found by
    bench/fuzz.py): a styles part of another type, or (to save it) a part without a content
    type."""
    for part in document.part.package.iter_parts() if to_rewrite else ():
        if not part.content_type:
            raise ReviewError(f"{path}: damaged Word document: the part {part.partname} has no "
                              "content type in [Content_Types].xml")
    try:
        document.styles  # noqa: B018 - python-docx builds the styles part on first access
    except (AttributeError, KeyError, ValueError) as exc:
        raise ReviewError(f"{path}: damaged Word document: its styles part cannot be read "
                          f"({exc})") from None


def _reason(exc: EvidenceImportError, path: Path) -> str:
    """The importer's message without repeating the file name it starts with."""
    text = str(exc).rstrip(".")
    quoted = f"'{path.name}' "
    return text[len(quoted) :] if text.startswith(quoted) else text


def default_output(path: Path) -> Path:
    """`IN (SMARTrec review).docx`, or `IN (SMARTrec review 2).docx` and so on: never the input
    and never an existing file, which may be an earlier copy the user has worked on since."""
    stem = _REVIEW_SUFFIX.sub("", path.stem)
    candidate = path.with_name(f"{stem} (SMARTrec review).docx")
    number = 2
    while candidate.exists() or candidate.resolve() == path.resolve():
        candidate = path.with_name(f"{stem} (SMARTrec review {number}).docx")
        number += 1
    return candidate


def check_destination(source: Path, target: Path) -> None:
    """Refuse a destination that can never work before any work is done (the atomic write
    still reports full disks and folders that refuse the file)."""
    if target.suffix.lower() != ".docx":
        raise ReviewError(f"{target}: the reviewed copy must be a .docx file")
    if target.resolve() == source.resolve():
        raise ReviewError(f"{target}: the review never overwrites the original; choose another "
                          "output file")
    if target.is_dir():
        raise ReviewError(f"{target}: is a folder; choose a file name for the reviewed copy")
    folder = target.parent
    if not folder.is_dir():
        raise ReviewError(f"{target}: the folder '{folder}' does not exist; choose another "
                          "destination, no file was written")
    for lock in lock_files(target):
        if lock.exists():
            raise ReviewError(f"{target}: that copy is open in a word processor (lock file "
                              f"'{lock.name}'); close it or choose another output file")


def save_copy(
    source: Source, output: Path, touched: set[str], overrides: dict[str, bytes] | None = None
) -> Path:
    """Write the reviewed package atomically: rewritten parts from python-docx, `overrides` as
    given, all others as the original bytes, in the original member order."""
    overrides = overrides or {}
    check_destination(source.path, output)
    buffer = io.BytesIO()
    source.document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as produced:
        rewritten = {info.filename: produced.read(info) for info in produced.infolist()}
    names = [n for n in source.originals if n in rewritten or n not in touched]
    names += [n for n in rewritten if n not in source.originals]

    def produce(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for name in names:
                if name in overrides:
                    out.writestr(source.originals[name][0], overrides[name])
                elif name in source.originals and (name not in touched or name not in rewritten):
                    info, data = source.originals[name]
                    out.writestr(info, data)
                else:
                    out.writestr(name, rewritten[name])

    try:
        return write_atomic(output, produce)
    except ExportError as exc:
        raise ReviewError(f"{output}: {exc}") from None
