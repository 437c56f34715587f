"""The hand-in file: one small JSON file per participant and exercise.

It carries the participant (or group) name, the exercise id, every draft with its history and
timestamps, and a format version so that an older SMARTrec can say "made by a newer version"
instead of misreading it. Files are written to a temporary name and renamed into place, so a
pulled USB stick leaves either the old file or the new one, never half of one. Reading opens the
file read-only and never changes it.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.bounds import JsonBoundsError, load_json_bounded

HANDIN_FORMAT = "smartrec-handin"
HANDIN_VERSION = 1
HANDIN_SUFFIX = ".smartrec-handin"
#: A hand-in holds a few drafts; anything bigger is not one of ours.
MAX_HANDIN_BYTES = 2_000_000


class HandInError(Exception):
    """A hand-in that cannot be read or written; the message is one line for the user."""


def _aware(value: datetime | None) -> datetime | None:
    """Times without a zone are read as UTC, so every hand-in sorts against every other."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Version(BaseModel):
    """One saved version of a draft, oldest first in `HandInDraft.history`."""

    model_config = ConfigDict(extra="forbid")

    text: str
    at: datetime
    score: int | None = None

    _zone = field_validator("at")(_aware)


class LinkedEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["finding", "commitment", "precedent", "other"]
    label: str


class HandInDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    text: str = Field(max_length=20_000)
    history: list[Version] = Field(default_factory=list, max_length=200)
    evidence: list[LinkedEvidence] = Field(default_factory=list, max_length=50)

    def first_text(self) -> str | None:
        """The earliest version when it differs from the handed-in text (the 'before')."""
        if self.history and self.history[0].text.strip() != self.text.strip():
            return self.history[0].text
        return None


class HandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["smartrec-handin"] = "smartrec-handin"
    version: int = HANDIN_VERSION
    exercise: str = Field(min_length=1, max_length=64)
    participant: str = Field(min_length=1, max_length=120)
    started: datetime | None = None
    handed_in: datetime
    app_version: str = ""
    drafts: list[HandInDraft] = Field(max_length=50)

    _zone = field_validator("started", "handed_in")(_aware)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def file_stem(participant: str, exercise_id: str) -> str:
    """A name that survives FAT-formatted USB sticks and every desktop OS."""
    name = re.sub(r"[^\w-]+", "-", participant, flags=re.ASCII).strip("-_").lower()[:40]
    return f"{name or 'participant'}-{exercise_id}"


def read_handin(path: Path) -> HandIn:
    """Parse one hand-in file; raises HandInError saying why it cannot be used."""
    try:
        size = path.stat().st_size
        if size > MAX_HANDIN_BYTES:
            raise HandInError(
                f"too large for a hand-in ({size / 1_000_000:.1f} MB; hand-ins are a few KB)"
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_HANDIN_BYTES + 1)
    except OSError as exc:
        raise HandInError(f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise HandInError("empty file (was it fully copied?)")
    try:
        raw = load_json_bounded(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise HandInError("incomplete or damaged (was it fully copied?)") from None
    except JsonBoundsError as exc:  # deep nesting, NaN or 1e999: not something we wrote
        if str(exc).startswith("invalid JSON"):
            raise HandInError("incomplete or damaged (was it fully copied?)") from None
        raise HandInError(f"damaged: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != HANDIN_FORMAT:
        raise HandInError("not a SMARTrec hand-in")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise HandInError("damaged: no format version")
    if version > HANDIN_VERSION:
        raise HandInError(
            f"made by a newer SMARTrec (hand-in format {version}; this version reads up to "
            f"{HANDIN_VERSION}): update SMARTrec to read it"
        )
    try:
        return HandIn.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise HandInError(f"damaged: {where}: {first['msg']}") from None


def write_handin(handin: HandIn, folder: Path) -> Path:
    """Write the hand-in into `folder` and return its path.

    A participant handing in again replaces their own earlier file; a different participant whose
    name makes the same file name gets a numbered name instead, so nobody's work is overwritten,
    even when two laptops hand in to a shared folder at the same moment.
    """
    if not folder.is_dir():
        raise HandInError(f"The folder '{folder}' does not exist.")
    stem = file_stem(handin.participant, handin.exercise)
    payload = handin.model_dump_json(indent=1).encode("utf-8")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~handin-", suffix=".part", dir=folder)
    except OSError as exc:
        raise HandInError(f"Cannot write to '{folder}': {exc.strerror or exc}.") from None
    tmp = Path(tmp_name)
    target = folder / f"{stem}{HANDIN_SUFFIX}"
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        number = 2
        while not _place(tmp, target, handin):
            target = folder / f"{stem}-{number}{HANDIN_SUFFIX}"
            number += 1
    except OSError as exc:
        raise HandInError(f"Cannot write '{target}': {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def _place(tmp: Path, target: Path, handin: HandIn) -> bool:
    """Move the finished file onto `target` unless that is another participant's hand-in."""
    if target.exists():
        if not _same_author(target, handin):
            return False
        os.replace(tmp, target)
        return True
    try:
        os.link(tmp, target)  # fails if another hand-in took the name meanwhile
    except FileExistsError:
        return _place(tmp, target, handin)
    except OSError:  # file systems without hard links (FAT USB sticks): a plain rename
        os.replace(tmp, target)
    return True


def _same_author(path: Path, handin: HandIn) -> bool:
    try:
        old = read_handin(path)
    except HandInError:
        return False  # never replace a file we cannot read: it may be someone's work
    return (
        old.participant.casefold() == handin.participant.casefold()
        and old.exercise == handin.exercise
    )
