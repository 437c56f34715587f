"""The engine's output for fixed drafts against a fixed pack, compared exactly (Vale-style)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.engine import Checker
from app.core.loader import load_file
from app.core.models import SCORE_WEIGHTS, CheckContext, EvidenceRef, Precedent

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def checker() -> Checker:
    loaded = load_file(FIXTURES / "rules" / "mini.yaml")
    assert loaded.errors == []
    return Checker(loaded.rules, loaded.errors, loaded.packs)


def _summary(checker: Checker, text: str) -> list[tuple[str, str, str]]:
    return [(f.rule_id, f.severity, f.matched) for f in checker.check(text).findings]


def test_fixture_pack_examples_all_hold(checker: Checker) -> None:
    assert checker.run_examples() == []


def test_vague_draft_exact_findings(checker: Checker) -> None:
    text = "Ensure that the electoral management body strengthens the IEBC."
    assert _summary(checker, text) == [
        ("mini.deadline", "error", text),
        ("mini.vague-verb", "warning", "Ensure"),
        ("mini.cat4", "suggestion", "Ensure"),
        ("mini.plain", "suggestion", "electoral management body"),
        ("mini.vague-verb", "warning", "strengthens"),
        ("mini.acronym", "warning", "IEBC"),
    ]
    result = checker.check(text)
    assert result.action_category.category == 4
    assert result.action_category.reason == "'ensure' leaves the means open"
    assert result.action_category.upgrade == "Name the law or body"
    assert result.scores() == {
        "specific": "partly",
        "measurable": "met",
        "attainable": "met",
        "relevant": "not_met",
        "time_bound": "not_met",
        "jargon": "partly",
        "tone": "met",
    }
    # (specific 12.5 + measurable 20 + attainable 5 + jargon 5 + tone 10) x 0.85, as no concrete
    # act is met and the leading verb is a general action (category 4): 52.5 x 0.85 = 44.6
    assert result.smart_score == 45
    assert [t.issue for t in result.themes] == ["Elections"]


def test_replacements_are_spans_that_fix_the_text(checker: Checker) -> None:
    text = "Agree the modalities with the electoral management body."
    findings = [f for f in checker.check(text).findings if f.rule_id == "mini.plain"]
    assert [[r.text for r in f.replacements] for f in findings] == [
        ["arrangements", "rules"],
        ["election commission"],
    ]
    fix = findings[1].replacements[0]
    assert text[: fix.start] + fix.text + text[fix.end :] == (
        "Agree the modalities with the election commission."
    )


def test_capitalised_match_gets_capitalised_replacement(checker: Checker) -> None:
    finding = next(
        f for f in checker.check("Modalities need work.").findings if f.rule_id == "mini.plain"
    )
    assert finding.replacements[0].text == "Arrangements"


def test_object_rules_win_over_verb_rules(checker: Checker) -> None:
    assert checker.check("Adopt measures to stop fraud.").action_category.category == 4
    assert checker.check("Adopt the draft electoral code.").action_category.category == 5
    assert checker.check("To adopt the draft code.").action_category.category == 5
    continuing = checker.check("Continue to fund the commission.")
    assert continuing.action_category.category == 2
    # category 2 is exempt from the deadline requirement
    assert "mini.deadline" not in {f.rule_id for f in continuing.findings}


def test_occurrence_counts_and_underlines_the_excess(checker: Checker) -> None:
    text = "Adopt the bill, amend the code, publish results and train staff by 2027."
    found = [f for f in checker.check(text).findings if f.rule_id == "mini.long"]
    assert len(found) == 1
    assert found[0].message == "4 actions in one recommendation"
    assert found[0].matched == "publish results and train"


def test_relevance_follows_linked_evidence(checker: Checker) -> None:
    text = "Adopt the bill by 2027."
    bare = checker.check(text)
    assert bare.dimension("relevant").status == "not_met"
    linked = checker.check(
        text,
        CheckContext(
            linked_evidence=[
                EvidenceRef(kind="finding", label="EU EOM 2022, rec. 5"),
                EvidenceRef(kind="commitment", label="ICCPR art. 25"),
            ]
        ),
    )
    relevant = linked.dimension("relevant")
    assert relevant.status == "met"
    assert relevant.reason == "Grounded in EU EOM 2022, rec. 5; ICCPR art. 25."
    assert linked.smart_score == bare.smart_score + SCORE_WEIGHTS["relevant"]
    precedent = checker.check(text, CheckContext(precedents=[Precedent(text="Adopt the bill.")]))
    assert precedent.dimension("relevant").status == "partly"


def test_ignored_findings_are_dropped(checker: Checker) -> None:
    text = "Ensure that the IEBC acts by 2027."
    ignored = checker.check(text, CheckContext(ignored={("mini.acronym", "IEBC")}))
    assert "mini.acronym" not in {f.rule_id for f in ignored.findings}
    assert "mini.acronym" in {f.rule_id for f in checker.check(text).findings}


def test_merge_adds_late_findings_and_rescores(checker: Checker) -> None:
    from app.core.models import Finding

    text = "Adopt the bill by 2027."
    result = checker.check(text)
    late = Finding(
        rule_id="grammar.x",
        dimension="tone",
        severity="error",
        start=0,
        end=5,
        message="late",
        matched="Adopt",
    )
    merged = checker.merge(result, [late], text)
    assert merged.findings[0].rule_id == "grammar.x"
    assert merged.dimension("tone").status == "not_met"
    assert merged.smart_score == result.smart_score - 10


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Ensure élections libres et équitables d'ici 2027.",
        "ضمان انتخابات حرة ونزيهة",
        "确保选举自由公正。",
        "Обеспечить свободные выборы.",
        "😀" * 50,
        "a" * 10_000,
    ],
)
def test_odd_input_never_crashes(checker: Checker, text: str) -> None:
    result = checker.check(text)
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.matched


def test_megabyte_paste(checker: Checker) -> None:
    text = "Ensure that the electoral management body publishes results by 2027. " * 15_000
    assert len(text) > 1_000_000
    result = checker.check(text)
    assert sum(f.rule_id == "mini.vague-verb" for f in result.findings) == 15_000
