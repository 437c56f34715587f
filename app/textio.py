"""Reading untrusted files safely: bounded, regular files only, and honest about encodings.

* The size limit is counted while reading, not taken from `stat`, so `/dev/zero` or a file that
  grows stops at the limit; FIFOs, devices and folders are refused before a byte is read.
* Text is UTF-8 (with or without BOM), UTF-16/32 with a BOM or detected with confidence, or a
  Western legacy code page. Anything that looks like another script's encoding (Shift-JIS,
  GB18030, Cyrillic ...) is refused with "re-save as UTF-8 or pass --encoding" instead of being
  read as mojibake.
* `open_text_stream` / `stream_text` read a large file or standard input as a stream of lines
  (memory: one buffer and one line), with the encoding detected on the first megabyte.
* `spreadsheet_safe` neutralises cells that Excel would run as formulas (OWASP CSV injection).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

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


def _open_regular(path: Path, what: str) -> int:
    """A descriptor of a regular file, refusing FIFOs, devices and folders.

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
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_up_to(read: Callable[[int], bytes], limit: int) -> bytes:
    """At most `limit` bytes, or `limit + 1` when there are more."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """Read at most `limit` bytes of a regular file, refusing FIFOs, devices and folders."""
    name = str(path)
    fd = _open_regular(path, what)
    try:
        data = _read_up_to(lambda n: os.read(fd, n), limit)
        if len(data) > limit:
            raise TextInputError(f"cannot read {name}: larger than the {_size(limit)} limit")
        return data
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


def sniff_encoding(raw: bytes, *, complete: bool = True) -> str:
    """A codec name for `raw`: a BOM, strict UTF-8, BOM-less UTF-16, or "legacy" (8-bit).

    `complete=False`: `raw` is the start of a longer stream, so a character cut at its end is
    not held against an encoding. Raises TextInputError when the bytes look like another
    script's legacy encoding.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    if _looks_utf16(raw):
        sample = raw[:4096]
        even_nuls = sample[0::2].count(0)
        guess = "utf-16-be" if even_nuls > sample[1::2].count(0) else "utf-16-le"
        if _decodes(raw, guess, complete):
            return guess
    if _decodes(raw, "utf-8", complete):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    guess = best.encoding if best is not None else ""
    if guess in _FOREIGN:
        raise TextInputError(f"this looks like {_FOREIGN[guess]} text")
    return "legacy"


def _decodes(raw: bytes, encoding: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(raw, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _looks_utf16(raw: bytes) -> bool:
    """Latin-script text in UTF-16 has a NUL in about every other byte; real text has none."""
    sample = raw[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


#: Bytes read to decide a stream's encoding (all of a smaller file).
SNIFF_BYTES = 1 << 20


class TextStream:
    """A text file or standard input decoded as it is read, in lines of bounded length.

    Memory holds one buffer and one line, whatever the size of the input. `position` is the
    number of bytes read so far (for a progress bar); `line_number` the lines handed out.
    """

    def __init__(self, binary: IO[bytes], encoding: str, name: str, *, hint: str,
                 history: _Prefixed | None = None) -> None:
        """`history`: where the bytes of a stream that cannot be rewound pass through."""
        self.name = name
        self._history = history
        self.encoding = encoding
        self._binary = binary
        self._hint = hint
        self._text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
        self.line_number = 0

    @property
    def position(self) -> int:
        try:
            return self._binary.tell()
        except (OSError, ValueError):
            return 0

    def lines(self, max_chars: int) -> Iterator[str]:
        """Physical lines with their ends, split at \\n, \\r and \\r\\n as `newline=""`
        does; a line longer than `max_chars` is an error naming it."""
        first = True
        while True:
            try:
                line = self._text.readline(max_chars + 1)
            except UnicodeDecodeError as exc:
                # The decoder works a block ahead of the lines handed out: find the bad byte.
                offset = self.position - len(exc.object) + exc.start
                number = self._line_at(offset) or self.line_number + 1
                raise TextInputError(
                    f"cannot read {self.name}: not valid {self.encoding} text (line {number}); "
                    f"{self._hint}") from None
            except OSError as exc:
                raise TextInputError(f"cannot read {self.name}: {_reason(exc)}") from None
            if not line:
                return
            self.line_number += 1
            if len(line) > max_chars:
                raise TextInputError(
                    f"{self.name}:{self.line_number}: a line longer than {max_chars:,} "
                    "characters; put one draft per line")
            if first:
                line = line.removeprefix("\ufeff")
                first = False
            yield line

    def _line_at(self, offset: int) -> int | None:
        """The line (counted by \\n bytes) holding byte `offset`, where it can be found."""
        if self._history is not None:
            return self._history.line_at(offset)
        binary = self._binary
        try:
            binary.seek(0)
            newlines = 0
            while offset > 0:
                block = binary.read(min(offset, 1 << 20))
                if not block:
                    break
                newlines += block.count(b"\n")
                offset -= len(block)
            return newlines + 1
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        self._text.close()


def open_text_stream(path: Path, encoding: str | None = None, what: str = "file") -> TextStream:
    """A regular file as a TextStream; its encoding detected on the first megabyte."""
    fd = _open_regular(path, what)
    try:
        binary = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    try:
        head = _read_up_to(binary.read, SNIFF_BYTES)
        binary.seek(0)
        enc, hint = _choose(head, path.name, encoding, complete=len(head) <= SNIFF_BYTES)
        return TextStream(binary, enc, str(path), hint=hint)
    except OSError as exc:
        binary.close()
        raise TextInputError(f"cannot read {path}: {_reason(exc)}") from None
    except BaseException:
        binary.close()
        raise


def stream_text(binary: IO[bytes], name: str, encoding: str | None = None) -> TextStream:
    """A stream that cannot be rewound (standard input) as a TextStream; the encoding is
    detected on its first megabyte, which is then read again from memory."""
    head = _read_up_to(binary.read, SNIFF_BYTES)
    enc, hint = _choose(head, name, encoding, complete=len(head) <= SNIFF_BYTES)
    prefixed = _Prefixed(head, binary)
    return TextStream(io.BufferedReader(prefixed), enc, name, hint=hint, history=prefixed)


def _choose(head: bytes, name: str, encoding: str | None, *, complete: bool) -> tuple[str, str]:
    """(codec, advice for a decoding error later on) for a stream starting with `head`."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise TextInputError(f"unknown encoding {encoding!r}") from None
        return encoding, "pass the right --encoding"
    try:
        enc = sniff_encoding(head, complete=complete)
    except TextInputError as exc:
        raise TextInputError(
            f"cannot read {name}: {exc}; re-save it as UTF-8 or pass --encoding") from None
    return ("cp1252" if enc == "legacy" else enc), "re-save it as UTF-8 or pass --encoding"


class _Prefixed(io.RawIOBase):
    """`head`, then the rest of `rest`: a stream whose start was already read."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest
        self._offset = 0
        #: (offset, newlines before it, bytes) of the last blocks read: enough to number the
        #: line of a bad byte, which the decoder meets at most a block or two after reading.
        self._recent: deque[tuple[int, int, bytes]] = deque(maxlen=4)
        self._newlines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            data = self._rest.read(len(view))
            n = len(data)
            view[:n] = data
        block = bytes(view[:n])
        self._recent.append((self._offset, self._newlines, block))
        self._newlines += block.count(b"\n")
        self._offset += n
        return n

    def line_at(self, offset: int) -> int | None:
        for start, newlines, block in self._recent:
            if start <= offset < start + len(block):
                return newlines + block.count(b"\n", 0, offset - start) + 1
        return None

    def tell(self) -> int:
        return self._offset


def spreadsheet_safe(value: Any) -> Any:
    """Prefix text that Excel would treat as a formula with an apostrophe (OWASP rule)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
