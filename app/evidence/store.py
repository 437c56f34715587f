"""Evidence items: one dataclass for all kinds, and the SQL to read and write them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields

from app.evidence.schema import BINDING, FOLLOW_UP, ITEM_TYPES, KINDS, RESPONSES


@dataclass
class EvidenceItem:
    """One piece of evidence; fields that do not apply to its kind stay empty."""

    kind: str
    text: str
    country: str = ""
    # observation finding / EOM recommendation
    item_type: str = ""
    organisation: str = ""
    mission: str = ""
    election: str = ""
    year: int | None = None
    report_title: str = ""
    paragraph: str = ""
    page: str = ""
    follow_up: str = ""
    # commitment / obligation
    instrument: str = ""
    article: str = ""
    summary: str = ""
    binding: str = ""
    # prior UPR recommendation
    cycle: str = ""
    session: str = ""
    recommending_state: str = ""
    response: str = ""
    action_category: int | None = None
    issues: str = ""
    reference: str = ""
    id: int | None = None

    def issue_list(self) -> list[str]:
        return [i.strip() for i in self.issues.split(";") if i.strip()]

    def label(self) -> str:
        """Short human label naming the source (organisation/instrument) and paragraph."""
        if self.kind == "commitment":
            parts = [self.instrument or "Commitment"]
            if self.article:
                parts.append(self.article)
            label = " ".join(parts)
            return f"{label} ({self.binding})" if self.binding else label
        if self.kind == "precedent":
            who = self.recommending_state or "a State"
            where = f"cycle {self.cycle}" if self.cycle else "an earlier cycle"
            if self.session:
                where += f", session {self.session}"
            resp = f" — {self.response}" if self.response else ""
            return f"UPR recommendation by {who} to {self.country or '?'} ({where}){resp}"
        parts = [self.organisation or "Observers"]
        if self.country:
            parts.append(self.country)
        elif self.mission:
            parts.append(self.mission)
        if self.year:
            parts.append(str(self.year))
        label = " ".join(parts)
        refs = []
        if self.paragraph:
            para = self.paragraph
            refs.append(f"para. {para}" if para[:1].isdigit() else para)
        if self.page:
            refs.append(f"p. {self.page}")
        return f"{label}, {', '.join(refs)}" if refs else label

    def keywords(self) -> str:
        """Extra searchable words: who said it and where, so 'ODIHR' or 'Copenhagen' match."""
        parts = (
            self.organisation, self.mission, self.election, self.report_title, self.instrument,
            self.article, self.summary, self.recommending_state, self.country,
        )
        return " ".join(p for p in parts if p)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


_COLUMNS = tuple(f.name for f in fields(EvidenceItem) if f.name != "id")
_SELECT = "SELECT id, " + ", ".join(_COLUMNS) + " FROM evidence"
_INSERT = (
    "INSERT INTO evidence (" + ", ".join((*_COLUMNS, "keywords", "import_id")) + ") VALUES ("
    + ", ".join("?" for _ in range(len(_COLUMNS) + 2)) + ")"
)


def validate(item: EvidenceItem) -> str | None:
    """Why an item cannot be stored, in words; None when it is fine."""
    checks = (
        (item.kind in KINDS, f"unknown kind '{item.kind}'"),
        (bool(item.text.strip()), "empty text"),
        (item.follow_up in FOLLOW_UP, f"unknown follow-up status '{item.follow_up}'"),
        (item.binding in BINDING, f"unknown binding status '{item.binding}'"),
        (item.response in RESPONSES, f"unknown response '{item.response}'"),
        (item.item_type in ITEM_TYPES, f"unknown item type '{item.item_type}'"),
        (item.action_category is None or 1 <= item.action_category <= 5,
         f"action category {item.action_category} is not 1-5"),
    )
    for ok, why in checks:
        if not ok:
            return why
    return None


def insert_items(
    conn: sqlite3.Connection, items: Iterable[EvidenceItem], import_id: int | None = None
) -> int:
    """Insert items (caller owns the transaction); returns how many were written."""
    rows = []
    for item in items:
        problem = validate(item)
        if problem:
            raise ValueError(problem)
        rows.append((*(getattr(item, c) for c in _COLUMNS), item.keywords(), import_id))
    conn.executemany(_INSERT, rows)
    return len(rows)


def add_item(conn: sqlite3.Connection, item: EvidenceItem) -> int:
    """Insert one item and return its id (caller owns the transaction)."""
    problem = validate(item)
    if problem:
        raise ValueError(problem)
    cur = conn.execute(
        _INSERT, (*(getattr(item, c) for c in _COLUMNS), item.keywords(), None)
    )
    return int(cur.lastrowid or 0)


def _from_row(row: Sequence[object]) -> EvidenceItem:
    item = EvidenceItem(**dict(zip(_COLUMNS, row[1:], strict=True)))  # type: ignore[arg-type]
    item.id = int(row[0])  # type: ignore[call-overload]
    return item


def get_items(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, EvidenceItem]:
    out: dict[int, EvidenceItem] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(f"{_SELECT} WHERE id IN ({marks})", chunk):
            item = _from_row(row)
            out[item.id or 0] = item
    return out


def get_item(conn: sqlite3.Connection, item_id: int) -> EvidenceItem | None:
    return get_items(conn, [item_id]).get(item_id)


def delete_items(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    conn.executemany("DELETE FROM evidence WHERE id = ?", [(i,) for i in ids])


def count_items(conn: sqlite3.Connection, kind: str | None = None) -> int:
    if not has_evidence(conn):
        return 0
    if kind:
        return int(conn.execute("SELECT count(*) FROM evidence WHERE kind = ?", (kind,))
                   .fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM evidence").fetchone()[0])


def has_evidence(conn: sqlite3.Connection) -> bool:
    """True when the file has evidence tables (an old read-only project may not)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_fts'"
    ).fetchone() is not None
