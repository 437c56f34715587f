"""Drafts for `smartrec check`: from files (text, CSV, JSONL), standard input or arguments.

Input is read as a stream, one line in memory at a time, with the encoding detected on its first
megabyte; every draft carries its source and line, so an error names `file:line`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.bounds import MAX_DRAFT_CHARS, JsonBoundsError, load_json_bounded
from app.errors import InputError
from app.textio import TextInputError, TextStream, open_text_stream, stream_text

#: Input is read as a stream, one line at a time; a longer line is refused (a draft's own
#: limit, MAX_DRAFT_CHARS, is far lower: this only bounds memory before that check).
MAX_LINE_CHARS = 10_000_000


@dataclass(frozen=True)
class Draft:
    source: str
    line: int
    text: str
    #: Other named columns of the draft's CSV row (or keys of its JSONL object), by field name:
    #: the acceptance outlook's State under Review, recommending State and session.
    fields: dict[str, str] = field(default_factory=dict)


DRAFT_SUFFIXES = (".txt", ".text", ".md", ".csv", ".jsonl")


@dataclass(frozen=True)
class DraftInput:
    """Where drafts come from: a file (or "-" for stdin), or the text of a draft itself."""

    value: str
    is_text: bool


def classify(argument: str) -> DraftInput:
    """Decide whether a positional argument is a file name or the text of a draft.

    The rule (docs/robustness.md): "-" is standard input; an argument naming an existing file is
    that file; an argument with whitespace in it is a draft (a quoted sentence) unless it ends in
    a draft-file suffix; anything else is a file name, and a missing file is an error. A draft
    that is a single word goes through `--text`.
    """
    if argument == "-" or names_file(argument):
        return DraftInput(argument, is_text=False)
    if any(ch.isspace() for ch in argument) and not (
        argument.lower().endswith(DRAFT_SUFFIXES) and "\n" not in argument
    ):
        return DraftInput(argument, is_text=True)
    return DraftInput(argument, is_text=False)


def _looks_like_path(argument: str) -> bool:
    return "/" in argument or "\\" in argument or Path(argument).suffix.lower() in DRAFT_SUFFIXES


def names_file(argument: str) -> bool:
    """True when `argument` is an existing path; never raises (long names, NUL bytes ...)."""
    if not argument or "\0" in argument or len(argument.encode("utf-8", "replace")) > 4096:
        return False
    try:
        return Path(argument).exists()
    except (OSError, ValueError):
        return False


class DraftReader:
    """Drafts from files, stdin and `--text`, read as a stream: memory holds one line at a time,
    however large the input. Bad input raises InputError naming the file and line when it is
    reached. `position` and `size` are bytes (of the files; `size` is None with standard
    input), for a progress bar that needs no counting pass. `fields` names further columns
    (field name -> CSV column or JSONL key) whose values each draft carries in `Draft.fields`;
    a CSV without one of them is refused at its header."""

    def __init__(self, arguments: Sequence[str], column: str | None = None, *,
                 texts: Sequence[str] = (), encoding: str | None = None,
                 fields: Mapping[str, str] | None = None) -> None:
        self.inputs = [classify(a) for a in arguments]
        if column is not None and not any(
            not i.is_text and i.value.lower().endswith(".csv") for i in self.inputs
        ):
            raise InputError("--column applies to .csv input only, and no .csv file was given")
        self.column = column
        self.fields = dict(fields or {})
        self.texts = list(texts)
        self.encoding = encoding
        self._done = 0
        self._stream: TextStream | None = None
        self.size: int | None = 0
        for item in self.inputs:
            if item.value == "-" and not item.is_text:
                self.size = None
            elif not item.is_text and self.size is not None:
                with contextlib.suppress(OSError, ValueError):
                    self.size += os.stat(item.value).st_size

    @property
    def position(self) -> int:
        return self._done + (self._stream.position if self._stream is not None else 0)

    def __iter__(self) -> Iterator[Draft]:
        for draft in self._drafts():
            if len(draft.text) > MAX_DRAFT_CHARS:
                raise InputError(
                    f"{draft.source}:{draft.line}: a draft of {len(draft.text):,} characters is "
                    f"too long to check (the limit is {MAX_DRAFT_CHARS:,}); put one draft per "
                    "line"
                )
            yield draft

    def _drafts(self) -> Iterator[Draft]:
        for number, text in enumerate(self.texts, start=1):
            yield Draft("<text>", number, text)
        for item in self.inputs:
            if item.is_text:
                yield Draft("<argument>", 1, item.value)
            elif item.value == "-":
                yield from self._read("<stdin>", None)
            else:
                yield from self._read(item.value, Path(item.value))

    def _read(self, source: str, path: Path | None) -> Iterator[Draft]:
        stream = _open_stdin(self.encoding) if path is None else _open_file(path, self.encoding)
        self._stream = stream
        try:
            suffix = path.suffix.lower() if path is not None else ""
            lines = stream.lines(MAX_LINE_CHARS)
            if suffix == ".csv" and path is not None:
                yield from _csv(path, lines, self.column or "Text", self.fields)
            elif suffix == ".jsonl" and path is not None:
                yield from _jsonl(path, lines, self.fields)
            else:
                yield from _lines(source, lines)
        except TextInputError as exc:
            raise InputError(str(exc)) from None
        finally:
            self._done += stream.position
            self._stream = None
            stream.close()


def _open_stdin(encoding: str | None) -> TextStream:
    stream = sys.stdin
    if stream is None:
        raise InputError("cannot read standard input: it is closed")
    try:
        if not isinstance(stream, io.TextIOWrapper):  # already text (a test, an embedding program)
            return stream_text(io.BytesIO(str(stream.read()).encode("utf-8")), "standard input",
                               "utf-8")
        return stream_text(stream.buffer, "standard input", encoding)
    except OSError as exc:
        raise InputError(f"cannot read standard input: {exc.strerror or exc}") from None
    except ValueError:  # closed file object
        raise InputError("cannot read standard input: it is closed") from None
    except TextInputError as exc:
        raise InputError(str(exc)) from None


def _open_file(path: Path, encoding: str | None) -> TextStream:
    try:
        return open_text_stream(path, encoding, "draft file")
    except TextInputError as exc:
        if str(exc).endswith(": no such file") and not _looks_like_path(str(path)):
            raise InputError(f"{exc} (to check a one-word draft, use --text)") from None
        raise InputError(str(exc)) from None


def _split(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) as `str.splitlines` numbers the whole text, from physical lines."""
    number = 0
    for physical in lines:
        for line in physical.splitlines():
            number += 1
            yield number, line


def _lines(source: str, lines: Iterator[str]) -> Iterator[Draft]:
    """One draft per non-empty line (a paragraph, as Word saves plain text)."""
    for number, line in _split(lines):
        if line.strip():
            yield Draft(source, number, line)


def _csv(
    path: Path, lines: Iterator[str], column: str, fields: Mapping[str, str]
) -> Iterator[Draft]:
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{path}:1: cannot read the CSV header: {exc}") from None
    wanted = {"": column, **fields}
    for name, wanted_column in wanted.items():
        if wanted_column not in header:
            shown = ", ".join(header[:20]) + (", ..." if len(header) > 20 else "")
            option = f"--{name}-column" if name else "--column"
            raise InputError(
                f"{path}: no column named {wanted_column!r} (columns: {shown}); use {option}"
            )
    index = header.index(column)
    field_index = {name: header.index(c) for name, c in fields.items()}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path}:{line}: broken CSV: {exc}") from None
        if index < len(row) and row[index].strip():
            values = {name: row[i] if i < len(row) else "" for name, i in field_index.items()}
            yield Draft(str(path), line, row[index], values)
        line = reader.line_num + 1


def _jsonl(path: Path, lines: Iterator[str], fields: Mapping[str, str]) -> Iterator[Draft]:
    for number, line in _split(lines):
        if not line.strip():
            continue
        try:
            value = load_json_bounded(line)
        except JsonBoundsError as exc:
            raise InputError(f"{path}:{number}: {exc}") from None
        text_value = value.get("text", value.get("Text")) if isinstance(value, dict) else value
        if not isinstance(text_value, str):
            raise InputError(f"{path}:{number}: expected a string or an object with a 'text' key")
        values = {
            name: str(value.get(key, "") or "") if isinstance(value, dict) else ""
            for name, key in fields.items()
        }
        yield Draft(str(path), number, text_value, values)


