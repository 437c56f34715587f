"""The closed set of rule kinds: one module each, chosen in a rule file by `kind:`."""

from __future__ import annotations

from app.core.kinds.action_category import ActionCategoryRule
from app.core.kinds.base import Rule
from app.core.kinds.conditional import ConditionalRule
from app.core.kinds.existence import ExistenceRule
from app.core.kinds.metric import MetricRule
from app.core.kinds.occurrence import OccurrenceRule
from app.core.kinds.requirement import RequirementRule
from app.core.kinds.substitution import SubstitutionRule
from app.core.kinds.theme import ThemeRule

KINDS: dict[str, type[Rule]] = {
    "existence": ExistenceRule,
    "substitution": SubstitutionRule,
    "requirement": RequirementRule,
    "occurrence": OccurrenceRule,
    "conditional": ConditionalRule,
    "metric": MetricRule,
    "action_category": ActionCategoryRule,
    "theme": ThemeRule,
}

__all__ = ["KINDS", "Rule"]
