"""A small, Qt-free snapshot of a project for export.

Every writer (Word, PDF, CSV, JSON, Markdown) renders this model, so a document never reads the
project file while it is being written and all formats agree on numbering, order and footnotes.
`collect()` is the only place that touches storage, the evidence tables and the checker.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from app import __version__
from app.core.engine import Checker
from app.core.models import (
    DIMENSION_LABELS,
    SCORED_DIMENSIONS,
    CheckContext,
    EvidenceRef,
    Overall,
)
from app.evidence.store import EvidenceItem, get_items
from app.storage.project import Project

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
    #: The rubric's class (strong / adequate / weak); None without a checker.
    overall: Overall | None = None
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

    def subtitle(self) -> str:
        """The line under every document's title: State, cycle, delegation, when and by what."""
        bits = [self.title_suffix()]
        if self.recommending_state:
            bits.append(f"Recommending State: {self.recommending_state}")
        if self.generated:
            bits.append(f"Prepared {self.generated[:10]} with SMARTrec {self.app_version}")
        return " · ".join(bits)


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
        """The fact sheet's recommendations: up to `count` drafts that are grounded in linked
        evidence and neither weak nor unchecked, final ones first, then in priority order. A
        sheet is never padded with ungrounded or weak drafts; only when no draft qualifies does
        it show the best-scored one, so it is never empty."""
        shut_out = ("weak", "unchecked")
        eligible = [d for d in self.drafts if d.footnotes and d.overall not in shut_out]
        if not eligible:
            best = max(self.drafts, key=lambda d: (d.smart_score or 0, -d.priority),
                       default=None)
            return [best] if best is not None else []
        ordered = sorted(eligible, key=lambda d: (d.status != "final", d.priority))
        return ordered[: max(1, count)]

    def to_dict(self) -> dict[str, Any]:
        return {"meta": asdict(self.meta), "drafts": [asdict(d) for d in self.drafts]}


def _replace(draft: ExportDraft, **changes: Any) -> ExportDraft:
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


def collect(project: Project, checker: Checker | None, *,
            now: _dt.datetime | None = None) -> ExportProject:
    """Read drafts (and their linked evidence) from an open `Project` and check each one.

    Runs on the thread that owns the project's SQLite connection (the GUI thread); checking is
    ~1 ms per draft, so only the writing happens in the background. `checker` may be None (no
    scores). Drafts with no text are left out: an empty line in a list helps nobody.
    """
    meta = project.meta
    generated = (now or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    export_meta = ExportMeta(
        state_under_review=meta.state_under_review,
        cycle=meta.cycle,
        session=meta.session,
        recommending_state=meta.recommending_state,
        language=meta.language or "en",
        project_name=project.path.stem,
        generated=generated,
    )
    drafts: list[ExportDraft] = []
    for draft in project.drafts():
        text = draft.text.strip()
        if not text:
            continue
        priority = len(drafts) + 1
        item = ExportDraft(
            number=priority,
            theme=draft.theme.strip(),
            text=text,
            priority=priority,
            title=draft.title,
            status=draft.status,
            draft_id=draft.id,
            footnotes=linked_footnotes(project, draft.id),
        )
        if checker is not None:
            item = _checked(item, checker, project, export_meta)
        drafts.append(item)
    return ExportProject(meta=export_meta, drafts=drafts)


def _checked(draft: ExportDraft, checker: Checker, project: Project,
             meta: ExportMeta) -> ExportDraft:
    """The draft with its SMART verdicts, score, class and action category."""
    assert draft.draft_id is not None
    context = CheckContext(
        state_under_review=meta.state_under_review,
        linked_evidence=[EvidenceRef(kind=_ref_kind(f.kind), label=f.label)
                         for f in draft.footnotes],
        ignored=project.ignored(draft.draft_id),
    )
    result = checker.check(draft.text, context=context)
    scored = [d for d in result.dimensions if d.dimension in SCORED_DIMENSIONS]
    statuses = {d.dimension: d.status for d in scored}
    reasons = {d.dimension: d.reason for d in scored}
    ordered: dict[str, str] = {dim: statuses[dim] for dim in SCORED_DIMENSIONS if dim in statuses}
    return replace(
        draft,
        smart_status=ordered,
        smart_reasons={dim: reasons[dim] for dim in ordered},
        smart_score=result.smart_score,
        overall=result.overall,
        action_category=result.action_category.category,
        action_reason=result.action_category.reason,
    )


RefKind = Literal["finding", "commitment", "precedent", "other"]
_REF_KINDS: dict[str, RefKind] = {
    "finding": "finding", "commitment": "commitment", "precedent": "precedent",
}


def _ref_kind(kind: str) -> RefKind:
    return _REF_KINDS.get(kind, "other")


def linked_footnotes(project: Project, draft_id: int) -> list[Footnote]:
    """A draft's linked evidence as footnotes: full citations for items of the project's own
    store, the copied label and text for items of a shared library (which may be elsewhere)."""
    links = project.evidence_links(draft_id)
    own = get_items(project.connection, [lk.evidence_id for lk in links if lk.library is None])
    notes = []
    for lk in links:
        item = own.get(lk.evidence_id) if lk.library is None else None
        if item is not None:
            notes.append(footnote_from_item(item))
        else:
            notes.append(Footnote(label=lk.label or "Linked source", text=lk.text,
                                  kind=lk.kind if lk.kind in EVIDENCE_KINDS else "other"))
    return notes


def _observer(item: EvidenceItem) -> str:
    """Who observed: the mission's name when it already names the organisation (no "EU EOM
    EU Election Observation Mission…"), else organisation and mission or country; the year
    once."""
    org = item.organisation.strip()
    place = (item.mission or item.country).strip()
    if org and place and _names_same_body(org, place):
        who = place
    else:
        who = " ".join(p for p in (org or "Observers", place) if p)
    year = str(item.year or "").strip()
    if year and year not in who:
        who = f"{who} {year}"
    return who


def _names_same_body(org: str, mission: str) -> bool:
    """'Commonwealth Observer Group' in 'Commonwealth Observer Group, Kenya', or an acronym
    such as 'EU EOM' spelled out by 'EU Election Observation Mission to Kenya'."""
    if org.casefold() in mission.casefold():
        return True
    letters = "".join(ch for ch in org if ch.isalnum())
    if not letters.isupper():
        return False
    words = [w for w in mission.replace(",", " ").split() if w[:1].isupper()]
    initials = "".join(w if w.isupper() else w[0] for w in words)
    return initials.startswith(letters)


def footnote_from_item(item: EvidenceItem) -> Footnote:
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
    parts = [_observer(item)]
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
