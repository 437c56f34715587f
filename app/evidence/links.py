"""Linking evidence items to drafts: the project's link API (`app.storage.links`) fed with
evidence items, so callers pass an `EvidenceItem` rather than its copied fields."""

from __future__ import annotations

import sqlite3

from app.evidence.store import EvidenceItem
from app.storage.links import EvidenceLink, read_links
from app.storage.project import Project

#: The name the evidence panel and tests know a link by.
Link = EvidenceLink


def links(conn: sqlite3.Connection, draft_id: int) -> list[EvidenceLink]:
    """Links of one draft on any connection to the project file (worker threads read-only)."""
    return read_links(conn, draft_id)


def link(project: Project, draft_id: int, item: EvidenceItem, library: str | None = None) -> None:
    """Link `item` to the draft (no-op when already linked); commits at once."""
    if item.id is None:
        raise ValueError("Only stored evidence can be linked.")
    project.link_evidence(EvidenceLink(draft_id=draft_id, evidence_id=item.id, library=library,
                                       kind=item.kind, label=item.label(), text=item.text))


def unlink(project: Project, draft_id: int, evidence_id: int,
           library: str | None = None) -> None:
    project.unlink_evidence(draft_id, evidence_id, library)
