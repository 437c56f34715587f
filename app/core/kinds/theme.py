"""`theme`: keyword evidence that a draft belongs to a UPR Info issue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import Field

from app.core.kinds.base import Run, TextMatch
from app.core.models import CheckContext, Finding, ThemeSuggestion

MAX_THEMES = 5


class ThemeRule(TextMatch):
    kind: Literal["theme"]
    dimension: Literal["relevant"] = "relevant"
    message: str = ""
    issue: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)

    @property
    def has_patterns(self) -> bool:
        """Whether matching needs regexes (else the shared term index has all the hits)."""
        return bool(self._compiled)

    def check(self, run: Run) -> Iterable[Finding]:
        return ()  # themes are suggestions in the scorecard, not findings


class ThemeScorer:
    def __init__(self, rules: Sequence[ThemeRule]) -> None:
        self.rules = [r for r in rules if r.enabled]
        # Plain tuples: pydantic private-attribute access is too slow for thousands of drafts/s.
        self._entries = [(r, r.id, r.has_patterns, r.issue, r.weight) for r in self.rules]

    def rank(self, run: Run, context: CheckContext) -> tuple[ThemeSuggestion, ...]:
        text = run.doc.text
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        hits = run.hits
        for rule, rule_id, has_patterns, issue, weight in self._entries:
            # Fast path: most theme rules are literal terms, already found by the shared index.
            if not has_patterns and rule_id not in hits:
                continue
            spans = rule.matches(run)
            if not spans:
                continue
            words = list(dict.fromkeys(text[s:e].lower() for s, e in spans))
            scores[issue] = scores.get(issue, 0.0) + weight * len(words)
            evidence.setdefault(issue, []).extend(words)
        votes = context.theme_votes
        for issue, (score, _why) in votes.items():
            scores[issue] = scores.get(issue, 0.0) + score
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:MAX_THEMES]
        return tuple(
            ThemeSuggestion.build(
                issue=issue,
                score=round(score, 3),
                reason=_reason(evidence.get(issue), votes.get(issue)),
            )
            for issue, score in ranked
        )


def _reason(words: list[str] | None, vote: tuple[float, str] | None) -> str:
    """Explain a suggestion: the words that triggered it and any precedent vote."""
    parts = []
    if words:
        parts.append("mentions " + ", ".join(f"'{w}'" for w in dict.fromkeys(words)))
    if vote is not None:
        parts.append(vote[1])
    return "; ".join(parts)
