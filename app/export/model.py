"""A small, Qt-free snapshot of a project for export.

Every writer (Word, PDF, CSV, JSON, Markdown) renders this model, so a document never reads the
project file while it is being written and all formats agree on numbering, order and footnotes.
`collect()` is the only place that touches storage, the evidence tables and the checker.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from app import __version__
from app.core.models import DIMENSION_LABELS, SCORED_DIMENSIONS, CheckContext, EvidenceRef

#: Evidence kinds, in the order a fact sheet lists a recommendation's basis.
EVIDENCE_KINDS: tuple[str, ...] = ("finding", "commitment", "precedent", "other")
EVIDENCE_KIND_LABELS: dict[str, str] = {
    "finding": "Findings",
    "commitment": "Commitments",
    "precedent": "Previous recommendations",
    "other": "Other sources",
}
#: Theme heading for drafts without a theme.
NO_THEME = "Other recommendations"
STATUS_SYMBOLS: dict[str, str] = {
    "met": "✓",
    "partly": "partly",
    "not_met": "✗",
    "not_applicable": "n/a",
}
STATUS_LEGEND = "✓ met   partly: partly met   ✗ not met   n/a: not applicable   – not checked"
STATUS_WORDS: dict[str, str] = {
    "met": "met",
    "partly": "partly met",
    "not_met": "not met",
    "not_applicable": "not applicable",
}


class ExportError(Exception):
    """A user-facing export failure; `str(exc)` is the message to show."""


class EmptyProjectError(ExportError):
    """The project has no recommendation with text, so there is nothing to export."""


@dataclass(frozen=True)
class Footnote:
    """One linked source: `label` cites it (organisation, report, paragraph), `text` quotes it."""

    label: str
    text: str = ""
    kind: str = "other"  # finding | commitment | precedent | other
    #: For prior recommendations: the State's response (supported / noted ...).
    response: str = ""

    def citation(self) -> str:
        """The footnote as one line: 'label: “text” (Response: supported)'."""
        out = self.label.strip()
        if self.text.strip():
            out += f": “{' '.join(self.text.split())}”"
        if self.response.strip():
            out += f" (Response: {self.response.strip()})"
        return out


@dataclass(frozen=True)
class ExportDraft:
    number: int
    theme: str
    text: str
    #: 1 = highest; the order of the drafts in the project.
    priority: int
    title: str = ""
    status: str = "draft"
    draft_id: int | None = None
    #: dimension -> met | partly | not_met (scored dimensions only); empty without a checker.
    smart_status: dict[str, str] = field(default_factory=dict)
    smart_reasons: dict[str, str] = field(default_factory=dict)
    smart_score: int | None = None
    action_category: int | None = None
    action_reason: str = ""
    footnotes: list[Footnote] = field(default_factory=list)

    @property
    def theme_heading(self) -> str:
        return self.theme.strip() or NO_THEME


@dataclass(frozen=True)
class ExportMeta:
    state_under_review: str = ""
    cycle: str = ""
    session: str = ""
    recommending_state: str = ""
    language: str = "en"
    project_name: str = ""
    generated: str = ""
    app_version: str = __version__

    def title_suffix(self) -> str:
        """'Kenya, UPR cycle 4 (session 49)' with whatever parts are known."""
        bits = [self.state_under_review.strip() or "State under Review not set"]
        if self.cycle.strip():
            cycle = f"UPR cycle {self.cycle.strip()}"
            if self.session.strip():
                cycle += f" (session {self.session.strip()})"
            bits.append(cycle)
        return ", ".join(bits)


@dataclass(frozen=True)
class ExportProject:
    meta: ExportMeta
    drafts: list[ExportDraft]

    def by_theme(self) -> list[tuple[str, list[ExportDraft]]]:
        """Groups in priority order: a theme comes where its highest-priority draft is."""
        groups: dict[str, list[ExportDraft]] = {}
        for draft in sorted(self.drafts, key=lambda d: d.priority):
            groups.setdefault(draft.theme_heading, []).append(draft)
        return list(groups.items())

    def numbered(self) -> list[tuple[str, list[ExportDraft]]]:
        """`by_theme()` with `number` rewritten 1..N in reading order (the order of the list)."""
        out: list[tuple[str, list[ExportDraft]]] = []
        n = 0
        for theme, drafts in self.by_theme():
            renumbered = []
            for d in drafts:
                n += 1
                renumbered.append(_replace(d, number=n))
            out.append((theme, renumbered))
        return out

    def priorities(self, count: int = 3) -> list[ExportDraft]:
        """The fact sheet's recommendations: the first `count` drafts, final ones first."""
        ordered = sorted(self.drafts, key=lambda d: (d.status != "final", d.priority))
        return ordered[: max(1, count)]

    def to_dict(self) -> dict[str, Any]:
        return {"meta": asdict(self.meta), "drafts": [asdict(d) for d in self.drafts]}


def _replace(draft: ExportDraft, **changes: Any) -> ExportDraft:
    from dataclasses import replace

    return replace(draft, **changes)


def require_drafts(project: ExportProject) -> None:
    """Raise the one clear message every front end shows for an empty project."""
    if not project.drafts:
        raise EmptyProjectError(
            "This project has no recommendations with text yet, so there is nothing to export. "
            "Write at least one recommendation first."
        )


def status_summary(draft: ExportDraft) -> str:
    """'Specific: met; Measurable: partly met; ...' for CSV and Markdown."""
    return "; ".join(
        f"{DIMENSION_LABELS.get(dim, dim)}: {STATUS_WORDS.get(st, st)}"
        for dim, st in draft.smart_status.items()
    )


# --------------------------------------------------------------------------- collection

EvidenceLister = Callable[[Any, int], Iterable[Any]]


def collect(
    project: Any,
    checker: Any | None,
    *,
    evidence_lister: EvidenceLister | None = None,
    now: _dt.datetime | None = None,
) -> ExportProject:
    """Read drafts (and their linked evidence) from an open `Project` and check each one.

    Runs on the thread that owns the project's SQLite connection (the GUI thread); checking is
    ~1 ms per draft, so only the writing happens in the background. `checker` may be None (no
    scores). Drafts with no text are left out: an empty line in a list helps nobody.
    """
    meta = project.meta
    generated = (now or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    export_meta = ExportMeta(
        state_under_review=getattr(meta, "state_under_review", "") or "",
        cycle=str(getattr(meta, "cycle", "") or ""),
        session=str(getattr(meta, "session", "") or ""),
        recommending_state=getattr(meta, "recommending_state", "") or "",
        language=getattr(meta, "language", "en") or "en",
        project_name=_project_name(project),
        generated=generated,
    )
    lister = evidence_lister if evidence_lister is not None else default_evidence_lister()
    drafts: list[ExportDraft] = []
    for draft in project.drafts():
        text = (draft.text or "").strip()
        if not text:
            continue
        footnotes = [_to_footnote(item) for item in lister(project, draft.id)] if lister else []
        priority = len(drafts) + 1
        kwargs: dict[str, Any] = {}
        if checker is not None:
            kwargs = _check(checker, project, draft.id, text, export_meta, footnotes)
        drafts.append(
            ExportDraft(
                number=priority,
                theme=(draft.theme or "").strip(),
                text=text,
                priority=priority,
                title=draft.title or "",
                status=draft.status or "draft",
                draft_id=draft.id,
                footnotes=footnotes,
                **kwargs,
            )
        )
    return ExportProject(meta=export_meta, drafts=drafts)


def _project_name(project: Any) -> str:
    path = getattr(project, "path", None)
    try:
        from pathlib import Path

        return Path(path).stem if path else ""
    except TypeError:
        return ""


def _check(
    checker: Any,
    project: Any,
    draft_id: int,
    text: str,
    meta: ExportMeta,
    footnotes: list[Footnote],
) -> dict[str, Any]:
    kind_ok = {"finding", "commitment", "precedent", "other"}
    context = CheckContext(
        state_under_review=meta.state_under_review,
        linked_evidence=[
            EvidenceRef(kind=f.kind if f.kind in kind_ok else "other", label=f.label)  # type: ignore[arg-type]
            for f in footnotes
        ],
        ignored=set(project.ignored(draft_id)) if hasattr(project, "ignored") else set(),
    )
    result = checker.check(text, context=context)
    scored = [d for d in result.dimensions if d.dimension in SCORED_DIMENSIONS]
    statuses = {d.dimension: d.status for d in scored}
    reasons = {d.dimension: d.reason for d in scored}
    ordered = {dim: statuses[dim] for dim in SCORED_DIMENSIONS if dim in statuses}
    return {
        "smart_status": ordered,
        "smart_reasons": {dim: reasons[dim] for dim in ordered},
        "smart_score": result.smart_score,
        "action_category": result.action_category.category,
        "action_reason": result.action_category.reason,
    }


def _to_footnote(item: Any) -> Footnote:
    """Accept a Footnote, a mapping or any object with label/text-like attributes."""
    if isinstance(item, Footnote):
        return item
    if hasattr(item, "report_title") and hasattr(item, "recommending_state"):
        return footnote_from_item(item)  # an app.evidence EvidenceItem
    get: Callable[[str], Any]
    if isinstance(item, dict):
        get = item.get
    else:

        def get(name: str) -> Any:
            value = getattr(item, name, None)
            return value() if callable(value) else value

    kind = str(get("kind") or "other")
    if kind not in EVIDENCE_KINDS:
        kind = {"recommendation": "precedent", "prior": "precedent", "observation": "finding"}.get(
            kind, "other"
        )
    label = get("label") or get("citation") or _compose_label(get)
    text = get("text") or get("quote") or get("summary") or ""
    return Footnote(
        label=str(label or "Untitled source"),
        text=str(text),
        kind=kind,
        response=str(get("response") or ""),
    )


def _compose_label(get: Callable[[str], Any]) -> str:
    parts = [get("source") or get("organisation") or get("recommending_state") or ""]
    parts.append(get("document") or get("report") or get("symbol") or "")
    para = get("paragraph")
    if para:
        parts.append(f"para. {para}")
    return ", ".join(str(p) for p in parts if p)


def default_evidence_lister() -> EvidenceLister | None:
    """How to list a draft's linked evidence, or None when `app.evidence` is not installed.

    Prefers a listing function of `app.evidence.links` if the evidence module provides one;
    otherwise reads the link rows the evidence module keeps in the project (`evidence_links`,
    which copies kind, label and text so a link reads well without its library), enriched from
    the project's own evidence store where the full item is at hand.
    """
    try:
        import app.evidence.schema  # noqa: F401  (presence check)
    except ImportError:
        return None
    import importlib

    try:
        links: Any = importlib.import_module("app.evidence.links")
    except ImportError:
        links = None
    for name in ("export_links", "linked_items", "links_for_draft", "list_links"):
        fn = getattr(links, name, None)
        if callable(fn):
            return lambda project, draft_id: fn(project.connection, draft_id)
    return _links_from_tables


def _links_from_tables(project: Any, draft_id: int) -> list[Footnote]:
    conn = project.connection
    has_links = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_links'"
    ).fetchone()
    if not has_links:
        return []
    rows = conn.execute(
        "SELECT evidence_id, library, kind, label, text FROM evidence_links "
        "WHERE draft_id = ? ORDER BY id",
        (draft_id,),
    ).fetchall()
    local_ids = [int(r[0]) for r in rows if r[1] is None]
    items: dict[int, Any] = {}
    if local_ids:
        try:
            from app.evidence.store import get_items

            items = get_items(conn, local_ids)
        except Exception:  # an older evidence schema: fall back to the copied label
            items = {}
    notes = []
    for evidence_id, library, kind, label, text in rows:
        item = items.get(int(evidence_id)) if library is None else None
        if item is not None:
            notes.append(footnote_from_item(item))
        else:
            notes.append(Footnote(label=label or "Linked source", text=text or "",
                                  kind=kind if kind in EVIDENCE_KINDS else "other"))
    return notes


def footnote_from_item(item: Any) -> Footnote:
    """A citation in the order a reader looks for it: who, which report, which paragraph."""
    kind = item.kind if item.kind in EVIDENCE_KINDS else "other"
    if kind == "precedent":
        who = item.recommending_state or "A State"
        where = [f"UPR cycle {item.cycle}" if item.cycle else "earlier UPR cycle"]
        if item.session:
            where.append(f"session {item.session}")
        if item.reference:
            where.append(item.reference)
        return Footnote(label=f"{who}, {', '.join(where)}", text=item.text, kind=kind,
                        response=item.response)
    if kind == "commitment":
        label = " ".join(p for p in (item.instrument or "Commitment", item.article) if p)
        if item.binding:
            label += f" ({item.binding})"
        return Footnote(label=label, text=item.text, kind=kind)
    who = " ".join(
        str(p) for p in (item.organisation or "Observers", item.mission or item.country,
                         item.year) if p
    )
    parts = [who]
    if item.report_title:
        parts.append(item.report_title)
    if item.paragraph:
        para = str(item.paragraph)
        parts.append(f"para. {para}" if para[:1].isdigit() else para)
    if item.page:
        parts.append(f"p. {item.page}")
    label = ", ".join(parts)
    if item.item_type == "recommendation":
        label += " (recommendation)"
    return Footnote(label=label, text=item.text, kind=kind)
