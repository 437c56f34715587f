"""Theme rules cover every UPR Info issue, spelled exactly, and rank plausibly (own sentences)."""

from __future__ import annotations

import pytest

from app.core.engine import Checker, load_checker
from app.core.kinds.theme import ThemeRule

#: The 54 issue names of the UPR Info database (its public taxonomy, not data rows).
UPR_INFO_ISSUES = {
    "Asylum-seekers - refugees", "CP rights - general", "Civil society", "Corruption",
    "Counter-terrorism", "Death penalty", "Detention", "Development", "Disabilities",
    "ESC rights - general", "Elections", "Enforced disappearances", "Environment",
    "Extrajudicial executions", "Freedom of association and peaceful assembly",
    "Freedom of movement", "Freedom of opinion and expression", "Freedom of religion and belief",
    "Freedom of the press", "General", "HIV - Aids", "Human rights defenders",
    "Human rights education and training", "Human rights violations by state agents", "Impunity",
    "Indigenous peoples", "Internally displaced persons", "International humanitarian law",
    "International instruments", "Justice", "Labour", "Migrants", "Minorities", "NHRI",
    "National plan of action", "Other", "Poverty", "Public security", "Racial discrimination",
    "Right to education", "Right to food", "Right to health", "Right to housing", "Right to land",
    "Right to water", "Rights of the Child", "Sexual Orientation and Gender Identity",
    "Special procedures", "Technical assistance and cooperation", "Torture and other CID treatment",
    "Trafficking", "Treaty bodies", "UPR process", "Women's rights",
}  # fmt: skip


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


def test_every_issue_has_a_theme_rule_with_exact_name(checker: Checker) -> None:
    issues = {r.issue for r in checker.rules if isinstance(r, ThemeRule)}
    assert len(UPR_INFO_ISSUES) == 54
    assert issues == UPR_INFO_ISSUES


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        (
            "Ratify the Optional Protocol to the Convention against Torture within two years.",
            "International instruments",
        ),
        ("Stop the forced eviction of families from informal settlements.", "Right to housing"),
        ("Publish the voter register before the presidential elections.", "Elections"),
        (
            "Protect bloggers from prosecution for criticising officials.",
            "Freedom of opinion and expression",
        ),
        ("Guarantee that girls and boys finish primary school.", "Right to education"),
    ],
)
def test_expected_issue_in_top_three(checker: Checker, text: str, issue: str) -> None:
    ranked = [t.issue for t in checker.check(text).themes]
    assert issue in ranked[:3], ranked


def test_themes_come_with_reasons(checker: Checker) -> None:
    themes = checker.check("Abolish the death penalty and commute all death sentences.").themes
    assert themes[0].issue == "Death penalty"
    assert "death penalty" in themes[0].reason


def test_context_votes_are_added(checker: Checker) -> None:
    from app.core.models import CheckContext

    context = CheckContext(theme_votes={"Right to water": (10.0, "similar precedent")})
    themes = checker.check("Improve rural services.", context=context).themes
    assert themes[0].issue == "Right to water"
    assert "similar precedent" in themes[0].reason
