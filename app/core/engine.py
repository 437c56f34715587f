"""The checker: one draft in, one `CheckResult` out. Qt-free; the GUI and CLI only render it."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.core.document import Document
from app.core.errors import RuleLoadError
from app.core.kinds import Rule
from app.core.kinds.action_category import ActionCategoryRule, ActionEstimator
from app.core.kinds.base import Run
from app.core.kinds.existence import ExistenceRule
from app.core.kinds.substitution import SubstitutionRule
from app.core.kinds.theme import ThemeRule, ThemeScorer
from app.core.loader import apply_overrides, load_layers, rule_files
from app.core.models import (
    DIMENSION_LABELS,
    SCORE_WEIGHTS,
    SCORED_DIMENSIONS,
    SEVERITY_RANK,
    ActionCategory,
    CheckContext,
    CheckResult,
    DimensionStatus,
    Finding,
    RuleOverride,
    ThemeSuggestion,
    overall_class,
)
from app.core.readability import measure
from app.core.termindex import TermIndex

#: What the scorecard says when a dimension has no findings.
_MET_REASONS = {
    "specific": "Names a concrete action.",
    "measurable": "Names a verifiable output.",
    "attainable": "No absolute promises.",
    "time_bound": "Sets a deadline.",
    "jargon": "Plain language, acronyms defined.",
    "tone": "Advisory, not prescriptive.",
}
_STATUS_BY_SEVERITY = {"error": "not_met", "warning": "partly", "suggestion": "met"}
_STATUS_VALUE = {"met": 1.0, "partly": 0.5, "not_met": 0.0}


class FindingProvider(Protocol):
    """Extra synchronous findings (e.g. offline spelling) merged into every check."""

    name: str

    def check(self, text: str, context: CheckContext) -> list[Finding]: ...


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    source: str
    expectation: str  # "flag" or "pass"
    text: str
    detail: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.rule_id}: {self.expectation} example"
        return f"{where} {self.detail}: {self.text!r}"


class Checker:
    def __init__(
        self,
        rules: Sequence[Rule],
        load_errors: Sequence[RuleLoadError] = (),
        packs: Sequence[str] = (),
    ) -> None:
        self.rules = list(rules)
        self.load_errors = list(load_errors)
        self.packs = list(packs)
        self.providers: list[FindingProvider] = []
        self._index = TermIndex()
        active = [r for r in self.rules if r.enabled]
        for rule in active:
            rule.register(self._index)
        finders = [r for r in active if not isinstance(r, ActionCategoryRule | ThemeRule)]
        # (rule, id, skip-unless-hit): a literal-only existence or substitution rule can only
        # find something the shared index already found, so most rules cost one dict lookup.
        self._finders = [
            (r, r.id, isinstance(r, ExistenceRule | SubstitutionRule) and r.literal_only)
            for r in finders
        ]
        self._estimator = ActionEstimator([r for r in active if isinstance(r, ActionCategoryRule)])
        self._themes = ThemeScorer([r for r in active if isinstance(r, ThemeRule)])

    # -- checking ---------------------------------------------------------------------------
    def check(self, text: str, context: CheckContext | None = None) -> CheckResult:
        started = time.perf_counter()
        context = context or CheckContext()
        doc = Document(text)
        run = self._run(doc, context)
        findings: list[Finding] = []
        hits = run.hits
        for rule, rule_id, needs_hit in self._finders:
            if needs_hit and rule_id not in hits:
                continue
            findings.extend(rule.check(run))
        action_finding = self._action_finding(run)
        if action_finding is not None:
            findings.append(action_finding)
        for provider in self.providers:
            findings.extend(provider.check(text, context))
        themes = self._themes.rank(run, context)
        return self._assemble(text, findings, run, context, themes, started)

    def estimate_category(self, text: str) -> ActionCategory:
        """Only the action category (no findings, no providers): for scoring stored history."""
        return self._estimator.estimate(Document(text))[0]

    def merge(
        self,
        result: CheckResult,
        extra: Iterable[Finding],
        text: str,
        context: CheckContext | None = None,
    ) -> CheckResult:
        """Add findings that arrived later (grammar) and re-score, without re-running rules."""
        context = context or CheckContext()
        started = time.perf_counter()
        doc = Document(text)
        run = Run(doc, {}, context, result.action_category)
        run.__dict__["readability"] = result.readability
        findings = [*result.findings, *extra]
        return self._assemble(text, findings, run, context, result.themes, started)

    def _run(self, doc: Document, context: CheckContext) -> Run:
        hits = self._index.scan(doc)
        action, _span = self._estimator.estimate(doc)
        return Run(doc, hits, context, action, lambda: measure(doc))

    def _action_finding(self, run: Run) -> Finding | None:
        action = run.action
        if action.category >= 5 or not action.rule_id:
            return None
        _category, span = self._estimator.estimate(run.doc)
        if span is None:
            return None
        rule = next(r for r in self._estimator.rules if r.id == action.rule_id)
        return rule.finding(
            run.doc,
            span[0],
            span[1],
            message=f"Action category {action.category}: {action.reason}",
            explanation=action.upgrade,
        )

    def _assemble(
        self,
        text: str,
        findings: list[Finding],
        run: Run,
        context: CheckContext,
        themes: tuple[ThemeSuggestion, ...],
        started: float,
    ) -> CheckResult:
        if context.ignored:
            findings = [f for f in findings if (f.rule_id, f.matched) not in context.ignored]
        findings = _dedupe(findings)
        findings.sort(key=lambda f: (f.start, -SEVERITY_RANK[f.severity], f.rule_id))
        dimensions = self._dimensions(findings, context)
        score = round(sum(SCORE_WEIGHTS[d.dimension] * _STATUS_VALUE[d.status] for d in dimensions))
        if not text.strip():
            score = 0
        return CheckResult.build(
            text_length=len(text),
            findings=tuple(findings),
            dimensions=tuple(dimensions),
            smart_score=score,
            overall=overall_class(
                {d.dimension: d.status for d in dimensions}, empty=not text.strip()
            ),
            action_category=run.action,
            readability=run.readability,
            themes=themes,
            precedents=tuple(context.precedents),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 3),
        )

    def _dimensions(self, findings: list[Finding], context: CheckContext) -> list[DimensionStatus]:
        worst: dict[str, Finding] = {}
        for finding in findings:
            current = worst.get(finding.dimension)
            if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current.severity]:
                worst[finding.dimension] = finding
        out = []
        for dimension in SCORED_DIMENSIONS:
            if dimension == "relevant":
                out.append(_relevance(context, worst.get(dimension)))
                continue
            top = worst.get(dimension)
            if top is None:
                out.append(
                    DimensionStatus.build(
                        dimension=dimension, status="met", reason=_MET_REASONS[dimension]
                    )
                )
            else:
                out.append(
                    DimensionStatus.build(
                        dimension=dimension,
                        status=_STATUS_BY_SEVERITY[top.severity],
                        reason=top.message,
                    )
                )
        return out

    # -- rule examples (the proselint meta-test) ---------------------------------------------
    def run_examples(self) -> list[ExampleFailure]:
        failures: list[ExampleFailure] = []
        for rule in self.rules:
            if not rule.enabled:
                continue
            examples = rule.examples
            if not examples.flag or not examples.pass_:
                failures.append(
                    ExampleFailure(
                        rule.id,
                        rule.source,
                        "flag" if not examples.flag else "pass",
                        "",
                        "missing: every rule needs at least one `flag` and one `pass` example",
                    )
                )
            for text in examples.flag:
                ok, detail = self._example_hits(rule, text)
                if not ok:
                    failures.append(ExampleFailure(rule.id, rule.source, "flag", text, detail))
            for text in examples.pass_:
                ok, detail = self._example_hits(rule, text)
                if ok:
                    failures.append(ExampleFailure(rule.id, rule.source, "pass", text, detail))
        return failures

    def _example_hits(self, rule: Rule, text: str) -> tuple[bool, str]:
        result = self.check(text)
        if isinstance(rule, ActionCategoryRule):
            chosen = result.action_category
            hit = chosen.rule_id == rule.id
            return hit, (
                f"was estimated category {chosen.category} by {chosen.rule_id or 'no rule'}"
                f" (expected category {rule.category} by this rule)"
            )
        if isinstance(rule, ThemeRule):
            ranked = [t.issue for t in result.themes]
            # flag: issue in the top 3; pass: issue not suggested at all
            if rule.issue in ranked[:3]:
                return True, f"ranked {rule.issue!r} {ranked.index(rule.issue) + 1} in {ranked}"
            if rule.issue in ranked:
                return False, f"ranked {rule.issue!r} below the top 3 in {ranked}"
            return False, f"did not suggest {rule.issue!r} (suggested {ranked})"
        hits = [f for f in result.findings if f.rule_id == rule.id]
        if hits:
            return True, "produced " + "; ".join(f"{f.matched!r}" for f in hits[:3])
        return False, "produced no finding"


def _relevance(context: CheckContext, top: Finding | None) -> DimensionStatus:
    grounded = [e for e in context.linked_evidence if e.kind in ("finding", "commitment")]
    if grounded:
        names = "; ".join(e.label for e in grounded[:3])
        more = f" and {len(grounded) - 3} more" if len(grounded) > 3 else ""
        return DimensionStatus.build(
            dimension="relevant", status="met", reason=f"Grounded in {names}{more}."
        )
    if context.linked_evidence or context.precedents:
        return DimensionStatus.build(
            dimension="relevant",
            status="partly",
            reason="Linked only to earlier recommendations; "
            "add an observation finding or commitment.",
        )
    if top is not None:
        return DimensionStatus.build(
            dimension="relevant", status=_STATUS_BY_SEVERITY[top.severity], reason=top.message
        )
    return DimensionStatus.build(
        dimension="relevant",
        status="not_met",
        reason="No evidence linked: link an observation finding or a commitment.",
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for finding in findings:
        key = (finding.rule_id, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def default_layers(extra_dirs: Sequence[Path] = (), *, user_rules: bool = True) -> list[list[Path]]:
    from app.paths import rules_dir, user_rules_dir

    layers = [rule_files(rules_dir())]
    if user_rules:
        layers.append(rule_files(user_rules_dir()))
    layers.extend(rule_files(Path(d)) if Path(d).is_dir() else [Path(d)] for d in extra_dirs)
    return layers


def load_checker(
    extra_dirs: Sequence[Path] = (),
    overrides: Sequence[RuleOverride] = (),
    *,
    user_rules: bool = True,
    builtin: bool = True,
) -> Checker:
    """Built-in packs, then the user's rules folder, then `extra_dirs` (folders or files)."""
    layers = default_layers(extra_dirs, user_rules=user_rules)
    if not builtin:
        layers = layers[1:]
    loaded = load_layers(layers)
    if builtin:
        from app.paths import rules_dir

        trusted = {path.resolve() for path in rule_files(rules_dir())}
        for rule in loaded.rules:
            if rule._source is not None and rule._source.resolve() in trusted:
                rule._timeout = None
    errors = list(loaded.errors)
    project = [(o, None, None) for o in overrides]
    rules = apply_overrides(loaded.rules, [*loaded.overrides, *project], errors)
    return Checker(rules, errors, loaded.packs)


def dimension_label(name: str) -> str:
    return DIMENSION_LABELS.get(name, name.replace("_", " ").title())
