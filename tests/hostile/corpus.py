"""Generate the hostile-input corpus: one small file per kind of broken or malicious input.

Nothing here is hand-copied: every file is built from code, so the corpus is reviewable and can
grow. `python tests/hostile/corpus.py OUTDIR` writes it to a folder; the tests call `build()`.

Families: rules (rule files), project (.smartrec files), library (evidence libraries), import
(evidence imports), drafts (inputs to `smartrec check`), settings (settings.json), word (Word
documents for `review` and `import-drafts`), handin (workshop hand-in folders, one per case).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DRAFT = "The State should ratify the Optional Protocol to the Convention against Torture by 2027."
RULE = (
    "pack: hostile\nrules:\n  - id: hostile.{id}\n    kind: {kind}\n    dimension: specific\n"
    "    message: m\n    {key}: {value}\n    examples: {{flag: [{flag}], pass: [plain words]}}\n"
)
#: The workshop exercise the hand-in cases claim to be for.
EXERCISE = "campaign-finance"
FAMILIES = ("rules", "project", "library", "import", "drafts", "settings", "word", "handin")


@dataclass(frozen=True)
class Case:
    family: str
    name: str
    path: Path


def _rules(folder: Path, add: Callable[[str, bytes], None]) -> None:
    add("deep-1000.yaml", b"pack: x\nrules: " + b"[" * 1000 + b"]" * 1000 + b"\n")
    add("deep-50000.yaml", b"pack: x\nrules: " + b"[" * 50_000 + b"]" * 50_000 + b"\n")
    add("deep-block.yaml", b"pack: x\nrules:\n" + b"".join(
        b"  " * i + b"- x:\n" for i in range(300)))
    macros = "macros:\n  a: '" + "{b}" * 300 + "'\n  b: '" + "{c}" * 300 + "'\n  c: xyzxyz\n"
    add("macro-bomb.yaml", (macros + RULE.format(
        id="m", kind="existence", key="patterns", value="['{a}']", flag="x")).encode())
    add("macro-loop.yaml", ("macros:\n  a: 'x{a}'\n" + RULE.format(
        id="l", kind="existence", key="patterns", value="['{a}']", flag="x")).encode())
    add("backtrack-own-letters.yaml", RULE.format(
        id="q", kind="existence", key="patterns", value="['(?:q|qq)+z']", flag="qz").encode())
    add("repeat-bomb.yaml", RULE.format(
        id="r", kind="existence", key="patterns", value="['(?:(?:(?:a{100}){100}){100})']",
        flag="a").encode())
    add("conditional-empty.yaml", RULE.format(
        id="e", kind="conditional", key="match", value="'[a-z]*'", flag="ICCPR").encode())
    add("python-tag.yaml", b"pack: x\nrules: !!python/object/apply:os.system ['true']\n")
    add("anchors.yaml", b"pack: x\na: &a [1, 2]\nrules: *a\n")
    add("duplicate-keys.yaml", b"pack: x\npack: y\nrules: []\n")
    add("unknown-key.yaml", RULE.format(
        id="u", kind="existence", key="colour", value="red", flag="x").encode())
    add("not-utf8.yaml", "pack: café\n".encode("cp1252"))
    add("binary.yaml", bytes(range(256)) * 4)
    add("empty.yaml", b"")
    add("too-big.yaml", b"# " + b"x" * 2_100_000 + b"\n")
    add("valid.yaml", RULE.format(
        id="ok", kind="existence", key="patterns", value="['\\bensure\\b']",
        flag="ensure it").encode())
    fifo = folder / "fifo.yaml"
    if hasattr(os, "mkfifo") and not fifo.exists():
        os.mkfifo(fifo)


def _project(folder: Path, add: Callable[[str, bytes], None]) -> None:
    from app.storage.models import ProjectMeta
    from app.storage.project import Project

    valid = folder / "valid.smartrec"
    if valid.exists():
        valid.unlink()
    project = Project.create(valid, ProjectMeta(state_under_review="Freedonia"))
    for text in (DRAFT, "=HYPERLINK(\"x\") ensure free elections.", "@SUM(1) adopt the law."):
        project.add_draft(text=text, title="-cmd|' /C calc'!A0", theme="+Elections")
    project.close()
    good = valid.read_bytes()
    add("truncated-1.smartrec", good[:-1])
    add("truncated-half.smartrec", good[: len(good) // 2])
    add("header-only.smartrec", good[:100])
    add("empty.smartrec", b"")
    add("text.smartrec", b"not a database at all\n" * 20)
    add("zeros.smartrec", b"\0" * 8192)
    add("flipped.smartrec", good[:2000] + bytes(b ^ 0xFF for b in good[2000:2100]) + good[2100:])

    def crafted(name: str, statements: list[str], app_id: int = 0x534D5243, version: int = 2
                ) -> None:
        path = folder / name
        if path.exists():
            path.unlink()
        conn = sqlite3.connect(path)
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {app_id}")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
        conn.close()

    schema = folder / "bad-utf8-schema.smartrec"  # SQLite's own error message is not UTF-8
    schema.write_bytes(good)
    conn = sqlite3.connect(schema)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE meta (a) ' || CAST(X'F6' AS TEXT)"
                 " WHERE name = 'meta'")
    conn.commit()
    conn.close()
    crafted("wrong-columns.smartrec", ["CREATE TABLE meta (k, v)", "CREATE TABLE drafts (x)"])
    crafted("foreign-app.smartrec", ["CREATE TABLE t (x)"], app_id=0x12345678)
    crafted("newer.smartrec", ["CREATE TABLE meta (key TEXT, value TEXT)"], version=99)
    for name, column, value in (
        ("bad-date.smartrec", "created", "'yesterday'"),
        ("bad-status.smartrec", "status", "'archived'"),
        ("blob-text.smartrec", "text", "X'00FF'"),
        ("bad-utf8.smartrec", "title", "CAST(X'F6F6F6' AS TEXT)"),
    ):
        path = folder / name
        path.write_bytes(good)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(f"UPDATE drafts SET {column} = {value} WHERE id = 1")
        conn.commit()
        conn.close()


def _library(folder: Path, add: Callable[[str, bytes], None]) -> None:
    from app.evidence.library import LIBRARY_APPLICATION_ID, open_library

    valid = folder / "valid.smartlib"
    if valid.exists():
        valid.unlink()
    open_library(valid, create=True).close()
    path = folder / "wrong-columns.smartlib"
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE evidence (id INTEGER)")
    conn.execute("CREATE TABLE evidence_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("CREATE TABLE evidence_imports (x)")
    conn.execute(f"PRAGMA application_id = {LIBRARY_APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    good = valid.read_bytes()
    add("truncated.smartlib", good[: len(good) // 2])
    add("text.smartlib", b"hello\n" * 50)


_DOCUMENT = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Recommendations</w:t></w:r></w:p>"
    b"<w:p><w:r><w:t>1. Publish results per polling station.</w:t></w:r></w:p></w:body>"
    b"</w:document>"
)


def _docx(document_xml: bytes, *, lie: bool = False, version: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", document_xml)
    data = buffer.getvalue()
    if lie:  # the central directory's CRC and size say something else than the data holds
        entry = data.rindex(b"PK\x01\x02")
        data = data[: entry + 16] + b"\x01\x02\x03\x04" + data[entry + 20 : entry + 24] + (
            b"\x10\x00\x00\x00") + data[entry + 28 :]
    if version:  # "needs zip version 15.3 to extract": Python's zipfile refuses to read on
        entry = data.rindex(b"PK\x01\x02")
        data = data[: entry + 6] + b"\x99\x00" + data[entry + 8 :]
    return data


def _import(folder: Path, add: Callable[[str, bytes], None]) -> None:
    header = "Text,Country,Year,Organisation\n"
    add("shift-jis.csv", ("Text,Country\n日本は拷問等禁止条約を批准すべきである。,Japan\n")
        .encode("shift_jis"))
    add("utf16.csv", (header + f'"{DRAFT}",Freedonia,2021,EU EOM\n').encode("utf-16"))
    add("utf16-tabs.txt", ("Text\tCountry\n" + f"{DRAFT}\tFreedonia\n").encode("utf-16"))
    add("inf-year.csv", (header + f'"{DRAFT}",Freedonia,inf,EU\n').encode())
    add("big-exponent.csv", (header + f'"{DRAFT}",Freedonia,1e999,EU\n').encode())
    add("twenty-digit-year.csv", (header + f'"{DRAFT}",Freedonia,{"9" * 20},EU\n').encode())
    add("huge-field.csv", (header + '"' + "word " * 40_000 + '",Freedonia,2020,EU\n').encode())
    add("broken-quotes.csv", (header + f'"{DRAFT},Freedonia,2020,EU\n{DRAFT},x,2020,EU\n')
        .encode())
    add("formulas.csv", (header + '=HYPERLINK("http://x"),@cmd,+1,-1\n').encode())
    add("deep.json", b"[" * 100_000 + b"]" * 100_000)
    add("nan.json", b'[{"text": "' + DRAFT.encode() + b'", "year": NaN}]')
    add("big-number.json", b'[{"text": "' + DRAFT.encode() + b'", "year": 1e999}]')
    add("not-json.json", b"[{\"text\": ")
    add("deep.jsonl", b"[" * 5000 + b"]" * 5000 + b"\n")
    add("lying-zip.docx", _docx(_DOCUMENT, lie=True))
    add("not-a-zip.docx", b"PK\x03\x04" + b"\0" * 200)
    add("zip-version.xlsx", _docx(_DOCUMENT, version=True))
    add("dtd.docx", _docx(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'))
    add("junk.xlsx", b"PK\x05\x06" + b"\0" * 18)
    add("junk.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
    add("huge-startxref.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\nstartxref\n" + b"9" * 30
        + b"\n%%EOF\n")
    add("empty.csv", b"")
    annex = "Recommendations\n\n" + "".join(
        f"{n}. The authorities should publish results for polling station {n}\n\n"
        for n in range(1, 3001))
    add("many-paragraphs.txt", annex.encode())


def _drafts(folder: Path, add: Callable[[str, bytes], None]) -> None:
    add("one-long-line.txt", (DRAFT[:-1] + ", ") .encode() * 6000 + b".\n")
    add("binary.txt", bytes(range(256)) * 16)
    add("shift-jis.txt", "日本は拷問等禁止条約を批准すべきである。\n".encode("shift_jis"))
    add("utf16.txt", (DRAFT + "\r\n").encode("utf-16"))
    add("=HYPERLINK(1).txt", (DRAFT + "\n").encode())
    add("nul-bytes.txt", DRAFT.encode() + b"\0\0\0\n")
    add("deep.jsonl", b"[" * 5000 + b"]" * 5000 + b"\n")
    add("numbers.jsonl", b"1e999\n")
    add("no-text-column.csv", b"a,b\n1,2\n")
    add("broken.csv", b'Text\n"unterminated\n')
    add("empty.txt", b"")
    add("lone-surrogate.txt", b"\xed\xa0\x80 ratify\n")


def _settings(folder: Path, add: Callable[[str, bytes], None]) -> None:
    # Each case is a config folder: XDG_CONFIG_HOME=<family>/<case> puts it where SMARTrec looks.
    add("deep/SMARTrec/settings.json", b"[" * 100_000 + b"]" * 100_000)
    add("deep-object/SMARTrec/settings.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
    add("not-object/SMARTrec/settings.json", b"[1, 2, 3]")
    add("bad-values/SMARTrec/settings.json", json.dumps({"language_variant": "klingon"}).encode())
    add("huge-number/SMARTrec/settings.json", b'{"spelling_enabled": 1e999}')
    add("binary/SMARTrec/settings.json", bytes(range(256)))


def _with_document(package: bytes, document_xml: bytes) -> bytes:
    """A copy of a real .docx package with its word/document.xml replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = document_xml if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, body)
    return out.getvalue()


def _with_content_types(package: bytes, old: bytes, new: bytes) -> bytes:
    """A copy of a real .docx package with `old` replaced by `new` in [Content_Types].xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml":
                assert old in body
                body = body.replace(old, new)
            target.writestr(info.filename, body)
    return out.getvalue()


def _paragraphs_xml(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return _DOCUMENT.replace(b"<w:body>", b"<w:body>" + body.encode())


def _word(folder: Path, add: Callable[[str, bytes], None]) -> None:
    from app.review.sample import build_sample_document

    valid = folder / "valid.docx"
    if valid.exists():
        valid.unlink()
    build_sample_document(valid)
    good = valid.read_bytes()
    add("truncated-half.docx", good[: len(good) // 2])
    add("truncated-1.docx", good[:-1])
    add("lying-zip.docx", _docx(_DOCUMENT, lie=True))
    add("not-a-zip.docx", b"PK\x03\x04" + b"\0" * 200)
    add("zip-version.docx", _docx(_DOCUMENT, version=True))
    add("dtd.docx", _docx(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'))
    add("bad-xml.docx", _docx(b"<w:document><w:body><w:p>"))
    add("deep-xml.docx", _with_document(good, _DOCUMENT.replace(
        b"<w:body>", b"<w:body>" + b"<w:p>" * 20_000 + b"</w:p>" * 20_000)))
    add("empty.docx", b"")
    add("text.docx", b"1. Publish results per polling station.\n" * 20)
    add("no-document.docx", _docx(b"<x/>").replace(b"word/document.xml", b"word/dokument.xml"))
    buffer = io.BytesIO()  # 300 MB of zeros in a few hundred KB: refused before unpacking
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * 1_000_000
            for _ in range(300):
                part.write(block)
    add("zip-bomb.docx", buffer.getvalue())
    add("many-paragraphs.docx", _with_document(good, _paragraphs_xml(
        [f"{n}. The State should publish report {n} by 2030." for n in range(1, 6001)])))
    add("huge-paragraph.docx", _with_document(good, _paragraphs_xml(
        ["1. The State should " + "ensure rights " * 40_000])))
    add("no-recommendations.docx", _with_document(good, _paragraphs_xml(["Hello."])))
    add("binary.docx", bytes(range(256)) * 8)
    # Found by bench/fuzz.py: python-docx opens both, then fails on them with a traceback. The
    # styles part typed as plain XML is not a styles part...
    add("styles-untyped.docx", _with_content_types(good, b'PartName="/word/styles.xml"',
                                                   b'PartName="/word/styles-gone.xml"'))
    # ...and an Override whose ContentType attribute is mangled leaves the part with none:
    # python-docx reads the document, then fails to save the reviewed copy.
    add("styles-no-type.docx", _with_content_types(
        good, b'PartName="/word/styles.xml" ContentType=', b'PartName="/word/styles.xml" Cont9='))


def _handin(folder: Path, add: Callable[[str, bytes], None]) -> None:
    # Each case is a hand-ins folder holding one hostile file, for `workshop report FOLDER`.
    suffix = ".smartrec-handin"
    base = {"format": "smartrec-handin", "version": 1, "exercise": EXERCISE,
            "participant": "Group A", "handed_in": "2026-01-05T10:00:00Z",
            "drafts": [{"title": "t", "text": DRAFT}]}

    def variant(**changes: object) -> bytes:
        return json.dumps({**base, **changes}).encode()

    add(f"deep/a{suffix}", b"[" * 100_000 + b"]" * 100_000)
    add(f"deep-object/a{suffix}", b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
    add(f"nan/a{suffix}", variant().replace(b'"version": 1', b'"version": NaN'))
    add(f"big-number/a{suffix}", variant().replace(b'"version": 1', b'"version": 1e999'))
    add(f"huge-version/a{suffix}", variant().replace(b'"version": 1', b'"version": ' + b"9" * 5000))
    add(f"bad-date/a{suffix}", variant(handed_in="yesterday"))
    add(f"year-99999/a{suffix}", variant(handed_in="99999-01-01T00:00:00Z"))
    add(f"not-object/a{suffix}", b"[1, 2, 3]")
    add(f"newer/a{suffix}", variant(version=99))
    add(f"extra-key/a{suffix}", variant(colour="red"))
    add(f"long-text/a{suffix}", variant(drafts=[{"text": "word " * 5000}]))
    add(f"binary/a{suffix}", bytes(range(256)) * 4)
    add(f"empty/a{suffix}", b"")
    add(f"too-big/a{suffix}", b" " * 2_100_000)
    add("shift-jis/a.txt", "日本は拷問等禁止条約を批准すべきである。\n".encode("shift_jis"))
    add("utf16/a.txt", (DRAFT + "\r\n").encode("utf-16"))
    add("nul-bytes/a.txt", DRAFT.encode() + b"\0\n")
    add("lying-zip/a.docx", _docx(_DOCUMENT, lie=True))
    add("not-a-zip/a.docx", b"PK\x03\x04" + b"\0" * 200)
    add("deep-xml/a.docx", _docx(b"<a>" * 20_000 + b"</a>" * 20_000))


BUILDERS: dict[str, Callable[[Path, Callable[[str, bytes], None]], None]] = {
    "rules": _rules, "project": _project, "library": _library, "import": _import,
    "drafts": _drafts, "settings": _settings, "word": _word, "handin": _handin,
}


def build(root: Path, families: tuple[str, ...] = FAMILIES) -> list[Case]:
    """Write the corpus under `root/<family>/` and return its cases."""
    cases: list[Case] = []
    for family in families:
        folder = root / family
        folder.mkdir(parents=True, exist_ok=True)

        def add(name: str, data: bytes, folder: Path = folder) -> None:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

        BUILDERS[family](folder, add)
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                continue
            cases.append(Case(family, str(path.relative_to(folder)), path))
    return cases


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile/corpus.py OUTDIR")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    built = build(Path(sys.argv[1]))
    print(f"{len(built)} files in {len(FAMILIES)} families under {sys.argv[1]}")
