"""Hostile and broken Word files for `smartrec review`: one line naming the file and the reason,
exit 2, the original untouched and nothing left behind in the folder."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.review.sample import build_sample_document


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = build_sample_document(tmp_path_factory.mktemp("good") / "good.docx")
    return path.read_bytes()


def _rezip(good: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)),
                         zipfile.ZIP_DEFLATED)
        for name, data in replace.items():
            if name not in src.namelist():
                dst.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _ole(*streams: str) -> bytes:
    """A compound-file header and directory names, as Word 97 and encrypted OOXML files have."""
    names = b"".join(name.encode("utf-16-le") + b"\0\0" for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + names + b"\0" * 1024


def _many_paragraphs(good: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        xml = zf.read("word/document.xml").decode()
    body = "<w:p><w:r><w:t>Filler text.</w:t></w:r></w:p>" * 10_000
    return _rezip(good, {"word/document.xml": xml.replace("<w:body>", "<w:body>" + body).encode()})


def _xxe(good: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        xml = zf.read("word/document.xml").decode()
    declaration, rest = xml.split("?>", 1)
    doctype = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return _rezip(good, {"word/document.xml": (declaration + "?>" + doctype + rest).encode()})


def _bomb(good: bytes) -> bytes:
    return _rezip(good, {"word/media/padding.bin": b"\0" * 20_000_000})


def _other_zip(_good: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("holiday/photo.txt", "not a document")
    return out.getvalue()


CASES: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    "binary .doc": ("old.doc", lambda _g: _ole("WordDocument", "1Table"), "binary Word .doc"),
    "password": ("secret.docx", lambda _g: _ole("EncryptionInfo", "EncryptedPackage"),
                 "password-protected"),
    "other zip": ("photos.docx", _other_zip, "not a Word document"),
    "not a zip": ("notes.docx", lambda _g: b"just some text, renamed", "not a zip package"),
    "10,000 paragraphs": ("huge.docx", _many_paragraphs, "10,0"),
    "XXE": ("xxe.docx", _xxe, "DTD or entities"),
    "zip bomb": ("bomb.docx", _bomb, "zip bomb"),
    "empty": ("empty.docx", lambda _g: b"", "is empty"),
}


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], folder: Path,
             name: str, reason: str) -> None:
    before = _snapshot(folder)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err, err
    assert name in err and reason in err, err
    assert _snapshot(folder) == before, "the original changed or something was left behind"


@pytest.mark.parametrize("case", list(CASES))
def test_bad_documents_are_refused_in_one_line(
    case: str, good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, make, reason = CASES[case]
    path = tmp_path / name
    path.write_bytes(make(good))
    _refused(capsys, ["review", str(path), "--no-user-rules"], tmp_path, name, reason)
    _refused(capsys, ["import-drafts", str(path), str(tmp_path / "p.smartrec")], tmp_path,
             name, reason)


def test_document_open_in_word_is_refused(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Freedonia recommendations.docx"
    path.write_bytes(good)
    (tmp_path / "~$eedonia recommendations.docx").write_bytes(b"\x05user")
    _refused(capsys, ["review", str(path)], tmp_path, path.name, "open in a word processor")
    lock = tmp_path / "~$eedonia recommendations.docx"
    _refused(capsys, ["review", str(lock)], tmp_path, lock.name, "lock file")


def test_output_open_in_word_is_refused(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "drafts.docx"
    path.write_bytes(good)
    out = tmp_path / "reviewed.docx"
    out.write_bytes(b"the copy Word has open")
    (tmp_path / "~$viewed.docx").write_bytes(b"\x05user")
    _refused(capsys, ["review", str(path), "-o", str(out), "--no-user-rules"], tmp_path,
             "reviewed.docx", "open in a word processor")


def test_output_over_the_original_is_refused(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "drafts.docx"
    path.write_bytes(good)
    _refused(capsys, ["review", str(path), "-o", str(path), "--no-user-rules"], tmp_path,
             "drafts.docx", "never overwrites the original")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder(good: bytes, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "drafts.docx"
    path.write_bytes(good)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        _refused(capsys, ["review", str(path), "-o", str(locked / "out.docx"),
                          "--no-user-rules"], tmp_path, "out.docx", "read-only")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(stat.S_IRWXU)


def test_unwritable_output_folder_leaves_nothing(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same refusal where the tests run as root: the folder refuses the temporary file."""
    path = tmp_path / "drafts.docx"
    path.write_bytes(good)

    def refuse(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("app.export.atomic.tempfile.mkstemp", refuse)
    _refused(capsys, ["review", str(path), "-o", str(tmp_path / "out.docx"), "--no-user-rules"],
             tmp_path, "out.docx", "read-only")


def test_missing_output_folder(good: bytes, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "drafts.docx"
    path.write_bytes(good)
    _refused(capsys, ["review", str(path), "-o", str(tmp_path / "nowhere" / "out.docx"),
                      "--no-user-rules"], tmp_path, "out.docx", "does not exist")


def test_the_smartrec_command_refuses_in_one_line(good: bytes, tmp_path: Path) -> None:
    """Through the installed console script, as a diplomat runs it."""
    script = Path(sys.executable).with_name("smartrec")
    command = [str(script)] if script.exists() else [shutil.which("smartrec") or "smartrec"]
    old = tmp_path / "old.doc"
    old.write_bytes(_ole("WordDocument"))
    done = subprocess.run([*command, "review", str(old)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "old.doc" in done.stderr
    assert "save it as .docx" in done.stderr
