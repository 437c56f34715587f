"""The built-in reference set (`resources/reference/`): commitments and sample findings.

Kept as YAML so it can be reworded without touching code; loading it writes ordinary evidence
items, so it is searched and linked like anything imported.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import yaml

from app.evidence.importers.base import ImportPreview, ImportResult, save_preview
from app.evidence.store import EvidenceItem, validate
from app.paths import resources_dir
from app.storage.project import Project

COMMITMENTS_FILE = "commitments.yaml"
SAMPLE_FINDINGS_FILE = "kenya_findings.yaml"
_ITEM_KEYS = {f for f in EvidenceItem.__dataclass_fields__ if f not in ("id", "kind")}


class ReferenceError(Exception):
    """A reference file is missing or malformed (a packaging bug, said in words)."""


def reference_dir() -> Path:
    return resources_dir() / "reference"


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceError(f"The reference file '{path.name}' cannot be read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ReferenceError(f"The reference file '{path.name}' has no 'items' list.")
    return data


def _items(path: Path, kind: str, defaults: dict[str, Any]) -> list[EvidenceItem]:
    out = []
    for index, raw in enumerate(_load(path)["items"], start=1):
        unknown = set(raw) - _ITEM_KEYS
        if unknown:
            raise ReferenceError(f"{path.name} item {index}: unknown key(s) {sorted(unknown)}")
        values = {**defaults, **raw}
        values["text"] = " ".join(str(values.get("text", "")).split())
        item = EvidenceItem(kind=kind, **values)
        problem = validate(item)
        if problem:
            raise ReferenceError(f"{path.name} item {index}: {problem}")
        out.append(item)
    return out


def commitments(state: str = "", directory: Path | None = None) -> list[EvidenceItem]:
    """Commitment items; with `state`, treaty status comes from the file's per-State table."""
    path = (directory or reference_dir()) / COMMITMENTS_FILE
    items = _items(path, "commitment", {})
    status = (_load(path).get("status") or {}).get(state, {}) if state else {}
    for item in items:
        if item.instrument in status and not item.binding:
            item.binding = status[item.instrument]
    return items


def sample_findings(directory: Path | None = None) -> list[EvidenceItem]:
    path = (directory or reference_dir()) / SAMPLE_FINDINGS_FILE
    data = _load(path)
    return _items(path, "finding", {"country": data.get("country", "")})


def load_reference(
    target: Project | sqlite3.Connection, *, state: str = "", findings: bool = False,
    directory: Path | None = None
) -> ImportResult:
    """Write the commitments (and, with `findings`, the sample findings) into a project or
    library in one transaction. Items already loaded (same kind, source and text) are skipped."""
    items = commitments(state, directory)
    if findings:
        items += sample_findings(directory)
    conn = target.connection if isinstance(target, Project) else target
    existing = {
        (row[0], row[1])
        for row in conn.execute("SELECT kind, text FROM evidence")
    }
    fresh = [i for i in items if (i.kind, i.text) not in existing]
    preview = ImportPreview(source="built-in reference set", format="reference",
                            kind="commitment", items=[(n, i) for n, i in enumerate(fresh, 1)])
    return save_preview(target, preview)
