"""Review a Word document: every finding as a comment on its words, one summary per
recommendation, and optionally the one-click fixes as tracked changes, in a copy of the file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from app.core.engine import Checker, dimension_label
from app.core.models import OVERALL_LABELS, CheckContext, CheckResult, Finding, Replacement
from app.review.locate import Recommendation, find_recommendations
from app.review.source import (
    TOUCHED_PARTS,
    ReviewError,
    Source,
    check_destination,
    default_output,
    open_source,
    save_copy,
)
from app.review.wordml import (
    CommentWriter,
    Element,
    Revisions,
    anchor_comment,
    max_id,
    remove_comment_marks,
    runs_for,
    split_at,
)

AUTHOR = "SMARTrec"
INITIALS = "SR"
_ACTION_NAMES = {1: "minimal", 2: "continuing", 3: "considering", 4: "general", 5: "specific"}
_W14_PARA_ID = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class ContextFor(Protocol):
    """What the checker may know about one recommendation (precedents from a library)."""

    def __call__(self, text: str) -> CheckContext: ...


Progress = Callable[[int, int], None]


@dataclass
class ReviewedRecommendation:
    recommendation: Recommendation
    result: CheckResult
    #: Findings that became comments (all of them unless a span had no visible run).
    commented: list[Finding] = field(default_factory=list)
    #: Replacements applied as tracked changes, in recommendation-text offsets.
    fixes: list[Replacement] = field(default_factory=list)


@dataclass
class ReviewReport:
    source: Path
    output: Path
    reviewed: list[ReviewedRecommendation]
    replaced_comments: int
    #: What was left out unreviewed, in one line (`Candidates.note`), or "".
    left_out: str = ""

    @property
    def comments(self) -> int:
        return sum(len(r.commented) + 1 for r in self.reviewed)

    @property
    def fixes(self) -> int:
        return sum(len(r.fixes) for r in self.reviewed)


def review_document(
    path: str | Path,
    checker: Checker,
    *,
    output: str | Path | None = None,
    fixes: bool = False,
    all_paragraphs: bool = False,
    context_for: ContextFor | None = None,
    progress: Progress | None = None,
) -> ReviewReport:
    """Check every recommendation in `path` and write the commented copy to `output`."""
    job = ReviewJob.open(path, output=output, all_paragraphs=all_paragraphs)
    return job.run(checker, fixes=fixes, context_for=context_for, progress=progress)


class ReviewJob:
    """A document that passed every check, with its recommendations found and the destination
    validated: the CLI opens one before loading the rules, so bad input is refused at once."""

    def __init__(self, source: Source, target: Path, recommendations: list[Recommendation],
                 replaced: int, overrides: dict[str, bytes], left_out: str = "") -> None:
        self.source = source
        self.target = target
        self.recommendations = recommendations
        self.replaced = replaced
        self._overrides = overrides
        self.left_out = left_out

    @classmethod
    def open(cls, path: str | Path, *, output: str | Path | None = None,
             all_paragraphs: bool = False) -> ReviewJob:
        source_path = Path(path)
        target = Path(output) if output else default_output(source_path)
        check_destination(source_path, target)
        source = open_source(source_path, to_rewrite=True)
        replaced, para_ids = _remove_own_comments(source)
        overrides = prune_comment_extensions(source, para_ids)
        found = find_recommendations(source.document, all_paragraphs=all_paragraphs)
        if not found.items:
            left_out = f"; {found.note()}" if found.too_long else ""
            raise ReviewError(
                f"{source_path}: no recommendations found (no numbered or bulleted paragraphs "
                f"and no table with a 'Recommendation' column){left_out}; try --all-paragraphs"
            )
        return cls(source, target, found.items, replaced, overrides, found.note())

    def run(self, checker: Checker, *, fixes: bool = False, context_for: ContextFor | None = None,
            progress: Progress | None = None) -> ReviewReport:
        """Check, annotate and write the copy; call once."""
        source = self.source
        now = datetime.now(UTC)
        revisions = Revisions(AUTHOR, max_id(_story_blobs(source)) + 1, now)
        if _comments_element(source) is None:
            _ = source.document.comments  # python-docx adds the part and its relationship
        comments_part = _comments_element(source)
        assert comments_part is not None
        comments = CommentWriter(comments_part, AUTHOR, INITIALS, now)
        reviewed: list[ReviewedRecommendation] = []
        total = len(self.recommendations)
        for index, rec in enumerate(self.recommendations, start=1):
            context = context_for(rec.text) if context_for is not None else CheckContext()
            result = checker.check(rec.text, context)
            reviewed.append(_annotate(comments, rec, result, revisions if fixes else None))
            if progress is not None:
                progress(index, total)
        written = save_copy(source, self.target, set(TOUCHED_PARTS), self._overrides)
        return ReviewReport(source.path, written, reviewed, self.replaced, self.left_out)


def _annotate(
    comments: CommentWriter, rec: Recommendation, result: CheckResult,
    revisions: Revisions | None,
) -> ReviewedRecommendation:
    done = ReviewedRecommendation(rec, result)
    length = len(rec.text)
    spans = [_visible_span(f, rec.text) for f in result.findings]
    chosen = _choose_fixes(result, rec.text) if revisions is not None else []
    boundaries = {0, length}
    for start, end in spans:
        boundaries.update((start, end))
    for fix in chosen:
        boundaries.update((fix.start, fix.end))
    pieces = split_at(rec.paragraph, {b + rec.offset for b in boundaries})

    def runs(start: int, end: int) -> list[Element]:
        return runs_for(pieces, start + rec.offset, end + rec.offset)

    whole = runs(0, length)
    if not whole:
        return done
    anchor_comment(whole, comments.add(summary_text(result)))
    for finding, (start, end) in zip(result.findings, spans, strict=True):
        covered = runs(start, end)
        if not covered:
            continue
        anchor_comment(covered, comments.add(finding_text(finding, rec.text)))
        done.commented.append(finding)
    if revisions is not None:
        for fix in chosen:
            covered = runs(fix.start, fix.end)
            after = None
            if not covered:
                before = runs(0, fix.start)
                after = before[-1] if before else None
            if revisions.replace(covered, fix.text, after):
                done.fixes.append(fix)
    return done


def _visible_span(finding: Finding, text: str) -> tuple[int, int]:
    """The finding's span, widened to the nearest word when it is empty (a missing element)."""
    start, end = max(0, finding.start), min(len(text), finding.end)
    if end > start:
        return start, end
    before = text.rfind(" ", 0, start) + 1
    after = text.find(" ", start)
    start, end = before, (len(text) if after < 0 else after)
    return (start, end) if end > start else (0, len(text))


def _choose_fixes(result: CheckResult, text: str) -> list[Replacement]:
    """The first replacement of each finding, left to right, skipping overlaps and no-ops."""
    candidates = sorted(
        (f.replacements[0] for f in result.findings if f.replacements),
        key=lambda r: (r.start, r.end),
    )
    chosen: list[Replacement] = []
    for fix in candidates:
        if text[fix.start : fix.end] == fix.text or fix.start < 0 or fix.end > len(text):
            continue
        if chosen and fix.start < chosen[-1].end:
            continue
        if chosen and fix.start == fix.end == chosen[-1].end:
            continue
        chosen.append(fix)
    return chosen


def _sentences(text: str, limit: int = 2) -> str:
    parts = [s for s in _SENTENCE.split(" ".join(text.split())) if s]
    return " ".join(parts[:limit])


def _period(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:" else text + "."


def finding_text(finding: Finding, text: str) -> str:
    """Message, a one- or two-sentence explanation and the suggested alternative."""
    lines = [_period(finding.message)]
    explanation = _sentences(finding.explanation)
    if explanation and explanation != lines[0]:
        lines.append(_period(explanation))
    if finding.replacements:
        fix = finding.replacements[0]
        old = text[fix.start : fix.end]
        if old and fix.text:
            lines.append(f"Suggested: replace “{old}” with “{fix.text}”.")
        elif fix.text:
            lines.append(f"Suggested: add “{fix.text}”.")
        else:
            lines.append(f"Suggested: delete “{old}”.")
    return "\n".join(lines)


def summary_text(result: CheckResult) -> str:
    """Score and class, the criteria not met, the action category and a precedent."""
    label = OVERALL_LABELS[result.overall]
    lines = [f"SMARTrec summary: SMART score {result.smart_score}/100, {label}."]
    missing = [
        f"{dimension_label(d.dimension)} ({'partly met' if d.status == 'partly' else 'not met'})"
        f": {_period(d.reason)}"
        for d in result.dimensions
        if d.status != "met"
    ]
    lines.append("Criteria not met: " + " ".join(missing) if missing else "Every criterion met.")
    action = result.action_category
    name = _ACTION_NAMES.get(action.category, "")
    line = f"Action category {action.category} of 5 ({name}): {_period(action.reason)}"
    if action.upgrade:
        line += f" To move up: {_period(action.upgrade)}"
    lines.append(line)
    if result.precedents:
        p = result.precedents[0]
        details = ", ".join(
            x for x in (p.recommending_state, f"cycle {p.cycle}" if p.cycle else "", p.response)
            if x
        )
        where = f" ({details})." if details else "."
        lines.append(f"Precedent: “{_sentences(p.text, 3)}”{where}")
    return "\n".join(lines)


def _comments_element(source: Source) -> Element | None:
    for rel in source.document.part.rels.values():
        if rel.reltype == RT.COMMENTS and not rel.is_external:
            element: Element = rel.target_part.element
            return element
    return None


def _remove_own_comments(source: Source) -> tuple[int, set[str]]:
    """Take out the comments an earlier review wrote, so reviewing again replaces them; returns
    how many and the Word paragraph ids (w14:paraId) their paragraphs had."""
    comments = _comments_element(source)
    if comments is None:
        return 0, set()
    ours = [c for c in comments.findall(qn("w:comment")) if c.get(qn("w:author")) == AUTHOR]
    ids = {c.get(qn("w:id")) for c in ours}
    para_ids = {p.get(_W14_PARA_ID) for c in ours for p in c.iter(qn("w:p"))} - {None}
    for comment in ours:
        comments.remove(comment)
    if ids:
        remove_comment_marks(source.document.element, ids)
    return len(ours), para_ids


def prune_comment_extensions(source: Source, para_ids: set[str]) -> dict[str, bytes]:
    """Word 2013+ keeps per-comment records (done state, reply threads, durable ids) in
    commentsExtended/commentsIds/commentsExtensible, keyed by paragraph id. Drop the records of
    removed comments and detach replies from them, so Word finds no dangling entries."""
    if not para_ids:
        return {}
    names = [n for n in source.originals if n.startswith("word/comments") and n.endswith(".xml")
             and n != "word/comments.xml"]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    roots = {n: etree.fromstring(source.originals[n][1], parser) for n in names}
    durable: set[str] = set()
    changed: set[str] = set()
    for name, root in roots.items():
        for el in list(root.iter()):
            attrs = {etree.QName(k).localname: (k, v) for k, v in el.attrib.items()}
            if "paraId" in attrs and attrs["paraId"][1] in para_ids:
                if "durableId" in attrs:
                    durable.add(attrs["durableId"][1])
                el.getparent().remove(el)
                changed.add(name)
            elif "paraIdParent" in attrs and attrs["paraIdParent"][1] in para_ids:
                del el.attrib[attrs["paraIdParent"][0]]
                changed.add(name)
    for name, root in roots.items():
        for el in list(root.iter()):
            if any(etree.QName(k).localname == "durableId" and v in durable
                   for k, v in el.attrib.items()):
                el.getparent().remove(el)
                changed.add(name)
    return {
        name: etree.tostring(roots[name], xml_declaration=True, encoding="UTF-8",
                             standalone=True)
        for name in changed
    }


def _story_blobs(source: Source) -> list[bytes]:
    """Every part that may hold revision ids (document, notes, headers, comments)."""
    return [
        data
        for name, (_info, data) in source.originals.items()
        if name.startswith("word/") and name.endswith(".xml")
    ]
