"""The checker: one draft in, one `CheckResult` out. Qt-free; the GUI and CLI only render it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.core.action_estimator import ActionEstimator
from app.core.document import Document
from app.core.errors import RuleLoadError
from app.core.kinds import Rule
from app.core.kinds.action_category import ActionCategoryRule
from app.core.kinds.base import Run, unmark
from app.core.kinds.existence import ExistenceRule
from app.core.kinds.requirement import RequirementRule
from app.core.kinds.substitution import SubstitutionRule
from app.core.kinds.theme import ThemeRule, ThemeScorer
from app.core.language import RULE_LANGUAGES, detect, language_name
from app.core.loader import apply_overrides, rule_files
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
    Readability,
    RuleOverride,
    ThemeSuggestion,
    overall_class,
)
from app.core.readability import measure
from app.core.rulecache import load_layers_cached
from app.core.termindex import TermIndex

#: What the scorecard says when a dimension has no findings; a requirement that is met quotes
#: the words that meet it after the colon.
_MET_REASONS = {
    "specific": "Names a concrete act.",
    "measurable": "Names a verifiable output.",
    "attainable": "No absolute promises.",
    "time_bound": "Sets a deadline.",
    "jargon": "Plain language, acronyms defined.",
    "tone": "Advisory, not prescriptive.",
}
#: A suggestion leaves a criterion met; a warning makes it partly met, an error not met.
_STATUS_BY_SEVERITY = {"error": "not_met", "warning": "partly", "suggestion": "met"}
_STATUS_VALUE = {"met": 1.0, "partly": 0.5, "not_met": 0.0}
#: This many warnings in one dimension make it "not met" rather than "partly met".
MANY_WARNINGS = 3
#: How the action category bears on the score of a draft that names no concrete act: a general
#: action (4) or a request to consider (3) loses some, continuing (2) and minimal (1) more, as an
#: expert reader grades them.
ACTION_FACTOR = {5: 1.0, 4: 0.85, 3: 0.8, 2: 0.7, 1: 0.65}
NOT_ENGLISH_RULE = "language.not-english"
NOT_ENGLISH_REASON = "Not applicable: SMART rules check English only for now."
_CATEGORY_KINDS = {
    1: "request for help or exchange",
    2: "continuing",
    3: "considering",
    4: "general",
    5: "specific",
}


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
        self._screen = self._index.screen()
        self._requirements = [r for r in active if isinstance(r, RequirementRule)]
        known = {r.id for r in self.rules if isinstance(r, RequirementRule)}  # enabled or not
        for rule in self._requirements:
            for other in rule.also_met_by:
                if other not in known:
                    self.load_errors.append(
                        RuleLoadError(
                            rule._source,
                            rule._line,
                            "also_met_by",
                            f"no requirement rule with id {other!r}",
                        )
                    )
        finders = [
            r for r in active if not isinstance(r, ActionCategoryRule | ThemeRule | RequirementRule)
        ]
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
        language = detect(text)
        if language not in RULE_LANGUAGES:
            return self._not_english(doc, language, context, started)
        run = self._run(doc, context)
        findings: list[Finding] = []
        hits = run.hits
        for rule, rule_id, needs_hit in self._finders:
            if needs_hit and rule_id not in hits:
                continue
            findings.extend(rule.check(run))
        verdicts = self._requirement_verdicts(run, findings)
        action_finding = self._action_finding(run)
        if action_finding is not None:
            findings.append(action_finding)
        for provider in self.providers:
            findings.extend(provider.check(text, context))
        themes = self._themes.rank(run, context)
        return self._assemble(text, findings, run, context, themes, started, verdicts)

    def _requirement_verdicts(
        self, run: Run, findings: list[Finding]
    ) -> dict[str, DimensionStatus]:
        """Met (quoting the words that meet it) or not applicable, per dimension; a requirement
        that is missing adds its finding instead, which makes the dimension not met."""
        verdicts: dict[str, DimensionStatus] = {}
        start, end = run.doc.body_span
        if end <= start:
            return verdicts
        spans = {rule.id: rule.first_match(run) for rule in self._requirements}
        missing: set[str] = set()
        for rule in self._requirements:
            dimension = rule.dimension
            span = spans[rule.id]
            for other in rule.also_met_by:
                if span is None:
                    span = spans.get(other)
            if span is not None:
                if dimension not in missing:
                    quoted = run.doc.text[span[0] : span[1]]
                    reason = _MET_REASONS.get(dimension, "Met.").rstrip(".")
                    verdicts[dimension] = DimensionStatus.build(
                        dimension=dimension, status="met", reason=f"{reason}: '{quoted}'."
                    )
            elif rule.applies(run):
                missing.add(dimension)
                verdicts.pop(dimension, None)
                findings.append(rule.missing(run))
            elif dimension not in verdicts and dimension not in missing:
                verdicts[dimension] = DimensionStatus.build(
                    dimension=dimension,
                    status="not_applicable",
                    reason=_not_applicable(run.action),
                )
        return verdicts

    def _not_english(
        self, doc: Document, language: str, context: CheckContext, started: float
    ) -> CheckResult:
        """One finding and no SMART verdicts: English rules would judge this draft wrongly."""
        start, end = doc.body_span
        name = language_name(language)
        finding = Finding.build(
            rule_id=NOT_ENGLISH_RULE,
            dimension="language",
            severity="warning",
            start=start,
            end=end,
            message=f"This draft reads as {name}: SMART rules check English only for now",
            explanation=(
                "The rule packs are written for English. Check an English version of the "
                f"draft, or judge the {name} text by the same criteria yourself."
            ),
            matched=doc.text[start:end],
        )
        dimensions = tuple(
            DimensionStatus.build(dimension=d, status="not_applicable", reason=NOT_ENGLISH_REASON)
            for d in SCORED_DIMENSIONS
        )
        action = ActionCategory.build(
            category=4,
            reason=f"Not estimated: the draft reads as {name}.",
            upgrade="",
            verb="",
            rule_id="",
        )
        return CheckResult.build(
            text_length=len(doc.text),
            findings=(finding,),
            dimensions=dimensions,
            smart_score=0,
            overall=overall_class({d.dimension: d.status for d in dimensions}),
            action_category=action,
            readability=Readability(),
            themes=(),
            precedents=tuple(context.precedents),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 3),
        )

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
        # The first check's met and not-applicable verdicts stand; new findings can only lower them.
        verdicts = {
            d.dimension: d for d in result.dimensions if d.status in ("met", "not_applicable")
        }
        return self._assemble(text, findings, run, context, result.themes, started, verdicts)

    def _run(self, doc: Document, context: CheckContext) -> Run:
        hits = self._index.scan(doc)
        action, _span = self._estimator.estimate(doc)
        screen = self._screen
        return Run(
            doc, hits, context, action, lambda: measure(doc), lambda: screen.present(doc.folded)
        )

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
        verdicts: dict[str, DimensionStatus],
    ) -> CheckResult:
        if context.ignored:
            findings = [f for f in findings if (f.rule_id, f.matched) not in context.ignored]
        findings = _dedupe(findings)
        findings.sort(key=lambda f: (f.start, -SEVERITY_RANK[f.severity], f.rule_id))
        if not text.strip():
            dimensions = [
                DimensionStatus.build(dimension=d, status="not_met", reason="Empty draft.")
                for d in SCORED_DIMENSIONS
            ]
        else:
            dimensions = self._dimensions(findings, context, verdicts)
        score = smart_score(dimensions, run.action.category) if text.strip() else 0
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

    def _dimensions(
        self,
        findings: list[Finding],
        context: CheckContext,
        verdicts: dict[str, DimensionStatus],
    ) -> list[DimensionStatus]:
        """One verdict per scored dimension. The worst error or warning decides ("not met",
        "partly"); without one, a requirement's verdict (met, quoting its words, or not
        applicable) stands, else the dimension is met. A "met" never carries a problem message."""
        worst: dict[str, Finding] = {}
        warnings: Counter[str] = Counter()
        for finding in findings:
            if finding.severity == "suggestion":
                continue
            warnings[finding.dimension] += finding.severity == "warning"
            current = worst.get(finding.dimension)
            if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current.severity]:
                worst[finding.dimension] = finding
        out = []
        for dimension in SCORED_DIMENSIONS:
            top = worst.get(dimension)
            if dimension == "relevant":
                out.append(_relevance(context, top))
            elif top is not None:
                status = _STATUS_BY_SEVERITY[top.severity]
                reason = top.message
                if status == "partly" and warnings[dimension] >= MANY_WARNINGS:
                    status = "not_met"  # a draft full of jargon does not have plain language
                    reason = f"{warnings[dimension]} problems, the first: {reason}"
                out.append(DimensionStatus.build(dimension=dimension, status=status, reason=reason))
            elif dimension in verdicts:
                out.append(verdicts[dimension])
            else:
                out.append(
                    DimensionStatus.build(
                        dimension=dimension, status="met", reason=_MET_REASONS[dimension]
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
                plain, marked = unmark(text)
                ok, detail = self._example_hits(rule, plain, marked)
                if not ok:
                    failures.append(ExampleFailure(rule.id, rule.source, "flag", text, detail))
            for text in examples.pass_:
                ok, detail = self._example_hits(rule, text)
                if ok:
                    failures.append(ExampleFailure(rule.id, rule.source, "pass", text, detail))
        return failures

    def _example_hits(
        self, rule: Rule, text: str, marked: Sequence[tuple[int, int]] = ()
    ) -> tuple[bool, str]:
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
        if marked:
            found = {(f.start, f.end) for f in hits}
            wrong = [text[s:e] for s, e in sorted(found - set(marked))]
            missed = [text[s:e] for s, e in marked if (s, e) not in found]
            if wrong or missed:
                return False, (
                    f"flagged {wrong or 'nothing else'} and missed {missed or 'nothing'}"
                    " (expected exactly the [[marked]] words)"
                )
        if hits:
            return True, "produced " + "; ".join(f"{f.matched!r}" for f in hits[:3])
        return False, "produced no finding"


def smart_score(dimensions: Sequence[DimensionStatus], category: int) -> int:
    """0-100: the weighted share of criteria met. A criterion that does not apply earns nothing
    (it is left out, not counted as met: a "continue" recommendation has no deadline, and does
    not score like one that sets it). Without a concrete act the share is scaled down by how
    little the leading verb commits to (continue, consider, ensure); a concrete act anywhere in
    the draft is what counts, as the rubric says, so then the leading verb costs nothing."""
    applicable = [d for d in dimensions if d.status != "not_applicable"]
    total = sum(SCORE_WEIGHTS.values())
    if not applicable:
        return 0
    share = sum(SCORE_WEIGHTS[d.dimension] * _STATUS_VALUE[d.status] for d in applicable) / total
    concrete = any(d.dimension == "specific" and d.status == "met" for d in dimensions)
    factor = 1.0 if concrete else ACTION_FACTOR.get(category, 1.0)
    return round(100 * share * factor)


def _not_applicable(action: ActionCategory) -> str:
    kind = _CATEGORY_KINDS.get(action.category, "")
    what = f"a '{action.verb}' recommendation" if action.verb else f"a {kind} recommendation"
    return f"Not applicable: {what} (action category {action.category})."


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
    loaded = load_layers_cached(layers)
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
