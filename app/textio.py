"""Reading untrusted files safely: bounded, regular files only, and honest about encodings.

* The size limit is counted while reading, not taken from `stat`, so `/dev/zero` or a file that
  grows stops at the limit; FIFOs, devices and folders are refused before a byte is read.
* Text is UTF-8 (with or without BOM), UTF-16/32 with a BOM or detected with confidence, or a
  Western legacy code page. Anything that looks like another script's encoding (Shift-JIS,
  GB18030, Cyrillic ...) is refused with "re-save as UTF-8 or pass --encoding" instead of being
  read as mojibake.
* `spreadsheet_safe` neutralises cells that Excel would run as formulas (OWASP CSV injection).
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path
from typing import Any

#: Encodings of other scripts: text in them decodes as Western mojibake, so we refuse to guess.
_FOREIGN = {
    "cp932": "Shift-JIS",
    "shift_jis": "Shift-JIS",
    "shift_jis_2004": "Shift-JIS",
    "shift_jisx0213": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_jis_2004": "EUC-JP",
    "euc_jisx0213": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
    "gb2312": "GB2312",
    "gbk": "GBK",
    "gb18030": "GB18030",
    "hz": "HZ",
    "big5": "Big5",
    "big5hkscs": "Big5",
    "cp950": "Big5",
    "euc_kr": "EUC-KR",
    "cp949": "EUC-KR",
    "johab": "Johab",
    "iso2022_kr": "ISO-2022-KR",
    "cp1251": "Windows-1251 (Cyrillic)",
    "koi8_r": "KOI8-R",
    "koi8_u": "KOI8-U",
    "cp866": "CP866 (Cyrillic)",
    "mac_cyrillic": "Mac Cyrillic",
    "iso8859_5": "ISO-8859-5 (Cyrillic)",
    "cp1256": "Windows-1256 (Arabic)",
    "iso8859_6": "ISO-8859-6 (Arabic)",
    "cp1253": "Windows-1253 (Greek)",
    "iso8859_7": "ISO-8859-7 (Greek)",
    "cp1255": "Windows-1255 (Hebrew)",
    "iso8859_8": "ISO-8859-8 (Hebrew)",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Cells starting with these are formulas to Excel; a leading apostrophe keeps them text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TextInputError(ValueError):
    """A file cannot be read as text; `str()` is the user-facing sentence."""


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """Read at most `limit` bytes of a regular file, refusing FIFOs, devices and folders.

    The file is opened non-blocking so a FIFO with no writer cannot hang us, then checked with
    `fstat` on the open descriptor (no race with a swapped path).
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise TextInputError(f"cannot read {name}: no such file") from None
    except IsADirectoryError:
        raise TextInputError(f"cannot read {name}: it is a folder, not a {what}") from None
    except OSError as exc:
        raise TextInputError(f"cannot read {name}: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise TextInputError(f"cannot read {name}: it is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise TextInputError(f"cannot read {name}: not a regular file (a pipe or device?)")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TextInputError(f"cannot read {name}: larger than the {_size(limit)} limit")
        return b"".join(chunks)
    except OSError as exc:
        raise TextInputError(f"cannot read {name}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def sniff_encoding(raw: bytes) -> str:
    """A codec name for `raw`: a BOM, strict UTF-8, BOM-less UTF-16, or "legacy" (8-bit).

    Raises TextInputError when the bytes look like another script's legacy encoding.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    if _looks_utf16(raw):
        sample = raw[:4096]
        even_nuls = sample[0::2].count(0)
        guess = "utf-16-be" if even_nuls > sample[1::2].count(0) else "utf-16-le"
        try:
            raw.decode(guess)
            return guess
        except UnicodeDecodeError:
            pass
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    guess = best.encoding if best is not None else ""
    if guess in _FOREIGN:
        raise TextInputError(f"this looks like {_FOREIGN[guess]} text")
    return "legacy"


def _looks_utf16(raw: bytes) -> bool:
    """Latin-script text in UTF-16 has a NUL in about every other byte; real text has none."""
    sample = raw[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


def decode_text(raw: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode `raw` (the file called `name`) and return (text, encoding used).

    Without `encoding` the encoding is detected; "legacy" 8-bit text is read as Windows-1252.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise TextInputError(f"unknown encoding {encoding!r}") from None
        enc = encoding
    else:
        try:
            enc = sniff_encoding(raw)
        except TextInputError as exc:
            raise TextInputError(
                f"cannot read {name}: {exc}; re-save it as UTF-8 or pass --encoding"
            ) from None
        if enc == "legacy":
            enc = "cp1252"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        hint = "pass the right --encoding" if encoding else "re-save it as UTF-8"
        raise TextInputError(
            f"cannot read {name}: not valid {enc} text (line {line}, byte {exc.start}); {hint}"
        ) from None
    return text.removeprefix("\ufeff"), enc


def spreadsheet_safe(value: Any) -> Any:
    """Prefix text that Excel would treat as a formula with an apostrophe (OWASP rule)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
