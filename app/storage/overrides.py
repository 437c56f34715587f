"""A project's rule overrides, stored as JSON per rule (the table `rule_overrides`)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from typing import Any

from app.core.models import RuleOverride

log = logging.getLogger(__name__)


def decode_overrides(rows: Iterable[tuple[Any, ...]]) -> list[RuleOverride]:
    """(rule id, JSON) rows as overrides; one this version cannot read is skipped and logged,
    so a project written by a newer SMARTrec still opens."""
    result: list[RuleOverride] = []
    for rule_id, data in rows:
        try:
            result.append(RuleOverride.model_validate_json(data))
        except ValueError as exc:
            log.warning("Skipping unreadable rule override for %s: %s", rule_id, exc)
    return result


def store_override(conn: sqlite3.Connection, override: RuleOverride) -> None:
    """Insert or replace one rule's override; an override that changes nothing is removed, so
    resetting a rule in the GUI leaves no trace."""
    if override.enabled is None and override.severity is None and not override.add_terms:
        conn.execute("DELETE FROM rule_overrides WHERE rule_id = ?", (override.rule_id,))
        return
    conn.execute(
        "INSERT OR REPLACE INTO rule_overrides (rule_id, data) VALUES (?, ?)",
        (override.rule_id, override.model_dump_json()),
    )
