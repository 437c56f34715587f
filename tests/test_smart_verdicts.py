"""SMART verdicts with the built-in packs: what "met", "not met" and "not applicable" mean.

Every draft here is written for these tests (none comes from a gold set). They pin the rubric's
definitions: a criterion is met only when the text has it, urgency is not a deadline, a rule that
does not apply says so, and no verdict's reason contradicts the verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.engine import NOT_ENGLISH_RULE, Checker, load_checker
from app.core.language import detect, quick_decision
from app.core.loader import load_file
from app.core.models import SCORED_DIMENSIONS, CheckResult
from app.core.readability import describe
from app.review.annotate import summary_text

#: The met reasons start like this; anything else on a "met" would be a problem message.
MET_OPENINGS = (
    "Names a concrete act",
    "Names a verifiable output",
    "No absolute promises",
    "Sets a deadline",
    "Plain language",
    "Advisory, not prescriptive",
    "Grounded in",
)

#: Drafts written for these tests, from clean to hopeless, in several styles.
DRAFTS = [
    "Adopt the draft law on access to information by June 2027.",
    "Abolish the death penalty.",
    "Stop arresting journalists immediately.",
    "Continue its efforts to reduce poverty in rural areas.",
    "Seek technical assistance from OHCHR to train prison staff.",
    "Ensure free and fair elections.",
    "The issue of voter identity should be addressed.",
    "Respect for the rights of detainees should be ensured.",
    "Do not amend the Elections Act before the 2027 elections.",
    "Refrain from adopting the draft law on foreign funding of NGOs.",
    "Operationalise a holistic, multi-stakeholder capacity-building framework for the EMB, "
    "inter alia through sensitisation of duty bearers, by 2026.",
    "The Government must release the detained editors without delay.",
    "Demands that the authorities end the brutal repression of protesters.",
    "Publish results for each polling station within 48 hours of the close of polls.",
    "Clean the voter register at least 90 days before election day.",
    "Strengthen the election commission by adopting a law that gives it its own budget.",
    "Amend the Broadcasting Act to ensure equal airtime for all candidates.",
    "Consider ratifying the Convention against Torture.",
    "Enrol children with disabilities in mainstream education by 2028.",
    "Meet the strikers and reply in writing to their demands by May 2027.",
    "End all restrictions on the registration of political parties by 2026.",
    'Apply article 21 of the Constitution, "no one shall be held in slavery", to domestic workers.',
    "Take all necessary measures to mainstream gender in the civil service.",
    "Set up an independent body to hear election complaints, with staff in every region.",
    "Increase the number of women in Parliament.",
    "",
    "Ratify",
    "12 March 2027",
    "ADOPT A LAW ON DOMESTIC VIOLENCE BY 2027.",
    "Adopter une loi sur la violence domestique avant 2027.",
    "Publicar los resultados al menos 15 días antes de la jornada electoral.",
]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


def _status(result: CheckResult, dimension: str) -> str:
    status = result.dimension(dimension)
    assert status is not None
    return status.status


def _reason(result: CheckResult, dimension: str) -> str:
    status = result.dimension(dimension)
    assert status is not None
    return status.reason


@pytest.mark.parametrize("text", DRAFTS)
def test_no_verdict_contradicts_its_reason(checker: Checker, text: str) -> None:
    result = checker.check(text)
    problems = {f.message for f in result.findings}
    for status in result.dimensions:
        if status.status == "met":
            assert status.reason.startswith(MET_OPENINGS), (status.dimension, status.reason)
            assert status.reason not in problems
        elif status.status == "not_applicable":
            assert status.reason.startswith("Not applicable"), (status.dimension, status.reason)
        else:
            assert not status.reason.startswith(MET_OPENINGS), (status.dimension, status.reason)


def test_urgency_is_no_deadline(checker: Checker) -> None:
    for text in (
        "Stop arresting journalists immediately.",
        "Ratify the Convention against Torture without delay.",
        "Adopt the draft law on assemblies as soon as possible.",
        "Release the detained editors as a matter of priority.",
        "Protect journalists during elections.",
    ):
        result = checker.check(text)
        assert _status(result, "time_bound") == "not_met", text
    stop = checker.check("Stop arresting journalists immediately.")
    assert _status(stop, "tone") != "met"  # an ultimatum is not advisory
    assert stop.smart_score < 50


@pytest.mark.parametrize(
    "text",
    [
        "Amend the Elections Act before the August 2027 general elections.",
        "Publish results within 48 hours of the close of polls in the 2027 general elections.",
        "Train polling staff in the run-up to the next elections.",
        "Revise the campaign finance rules well in advance of the next electoral cycle.",
        "Publish the final voter list at least 15 days before election day.",
        "Publish the full results as soon as the final results are certified.",
        "Submit the overdue reports prior to its next review.",
        "Pass the bill by the end of the current parliamentary term.",
        "Set up the complaints body within 12 months.",
        "Adopt the new media law before the start of the campaign.",
    ],
)
def test_time_anchors_are_deadlines(checker: Checker, text: str) -> None:
    result = checker.check(text)
    assert _status(result, "time_bound") == "met", (text, _reason(result, "time_bound"))
    assert _reason(result, "time_bound").startswith("Sets a deadline: '")


def test_continue_and_seek_say_not_applicable_not_deadline(checker: Checker) -> None:
    continuing = checker.check("Continue its programme of free school meals.")
    assert _status(continuing, "time_bound") == "not_applicable"
    assert _reason(continuing, "time_bound").startswith(
        "Not applicable: a 'continue' recommendation"
    )
    seeking = checker.check("Seek assistance from UNICEF to register births.")
    assert _status(seeking, "time_bound") == "not_applicable"
    # not applicable earns nothing: the same act with a deadline scores higher
    dated = checker.check("Continue its programme of free school meals until 2030 at least.")
    assert dated.smart_score >= continuing.smart_score
    # a continuing draft with a date is met, not skipped
    with_date = checker.check("Continue the programme and extend it to every district by 2028.")
    assert _status(with_date, "time_bound") == "met"


def test_passive_general_wording_is_not_specific(checker: Checker) -> None:
    for text in (
        "The issue of voter identity should be addressed.",
        "Respect for the rights of detainees should be ensured.",
        "Take all necessary measures to protect journalists.",
    ):
        assert _status(checker.check(text), "specific") == "not_met", text


def test_concrete_acts_anywhere_are_specific(checker: Checker) -> None:
    for text in (
        "Strengthen the election commission by adopting a law that gives it its own budget.",
        "Amend the Broadcasting Act to ensure equal airtime for all candidates.",
        "Consider ratifying the Convention against Torture.",
        "That the Penal Code be amended to remove the offence of insulting the President.",
    ):
        result = checker.check(text)
        assert _status(result, "specific") == "met", text
        assert _status(result, "measurable") == "met", text


def test_negations_are_not_specific_acts(checker: Checker) -> None:
    result = checker.check("Do not amend the Elections Act before the 2027 elections.")
    assert result.action_category.category == 4
    assert _status(result, "specific") == "not_met"
    refrain = checker.check("Refrain from adopting the draft law on foreign funding of NGOs.")
    assert refrain.action_category.category == 4


def test_bare_register_or_number_is_not_measurable(checker: Checker) -> None:
    for text in (
        "Keep the voter register up to date.",
        "Increase the number of women in Parliament.",
    ):
        assert _status(checker.check(text), "measurable") == "not_met", text
    share = checker.check("Raise the share of women in Parliament to 40%.")
    assert _status(share, "measurable") == "met"


def test_jargon_counts_against_plain_language(checker: Checker) -> None:
    jargon = checker.check(DRAFTS[10])
    assert _status(jargon, "jargon") == "not_met"
    plain = checker.check("Abolish the death penalty.")
    assert _status(plain, "jargon") == "met"
    assert plain.smart_score > jargon.smart_score + 20
    one = checker.check("Consult the relevant stakeholders on the new law by 2027.")
    assert _status(one, "jargon") == "partly"


def test_acronyms_known_or_defined_are_plain(checker: Checker) -> None:
    for text in (
        "Ratify the Optional Protocol to the ICCPR and report to OHCHR by 2027.",
        "Give the Independent Electoral Commission (IEC) its own budget; let the IEC hire staff.",
    ):
        assert _status(checker.check(text), "jargon") == "met", text
    assert _status(checker.check("Give the EMB its own budget by 2027."), "jargon") == "partly"


def test_false_flags_from_the_issue_are_gone(checker: Checker) -> None:
    def rules(text: str) -> set[str]:
        return {f.rule_id for f in checker.check(text).findings}

    assert not any(r.startswith("jargon") for r in rules("Clean the voter register by 2027."))
    assert "tone.demanding-verb" not in rules("Reply in writing to the strikers' demands.")
    assert "attainable.absolute-promise" not in rules("End all restrictions on the press.")
    assert "jargon.mainstream" not in rules("Enrol all children in mainstream education.")
    quoted = 'Apply the principle that "no one shall be held in slavery" to domestic workers.'
    assert "tone.coercive-modal" not in rules(quoted)
    assert "tone.coercive-modal" in rules("The Government shall repeal the law.")


def test_the_mainstream_fix_reads_as_english(checker: Checker) -> None:
    text = "Mainstream a gender perspective in all policies by 2027."
    finding = next(f for f in checker.check(text).findings if f.rule_id == "jargon.mainstream")
    fix = finding.replacements[0]
    fixed = text[: fix.start] + fix.text + text[fix.end :]
    assert fixed == "Include a gender perspective in all policies by 2027."
    assert "jargon.mainstream" not in {f.rule_id for f in checker.check(fixed).findings}


def test_strong_adequate_weak_score_in_order(checker: Checker) -> None:
    strong = checker.check("Adopt the draft law on access to information by June 2027.")
    adequate = checker.check("Adopt the draft law on access to information.")
    weak = checker.check("Ensure access to information.")
    assert (strong.overall, adequate.overall, weak.overall) == ("strong", "adequate", "weak")
    assert strong.smart_score >= adequate.smart_score + 15
    assert adequate.smart_score >= weak.smart_score + 15


def test_short_drafts_get_no_flesch_verdict(checker: Checker) -> None:
    result = checker.check("Stop it now.")
    assert "readability.hard-to-read" not in {f.rule_id for f in result.findings}
    assert not any("Reading ease" in line for line in describe(result.readability))
    chained = checker.check("Fund the human rights defender protection mechanism review process.")
    assert any("nouns in a row" in line for line in describe(chained.readability))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Adopter une loi sur la violence domestique avant 2027.", "fr"),
        ("Publicar los resultados al menos 15 días antes de la jornada electoral.", "es"),
        ("ABOLIR LA PENA DE MUERTE EN TODOS LOS CASOS", "es"),
        ("Adopt a law on domestic violence by 2027.", "en"),
        ("Ratify OP-CAT", "en"),
        ("Sign and ratify ICRMW (Bosnia and Herzegovina);", "en"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "Ensure free and fair elections.",
        "Take steps to end child trafficking.",
        "Protect journalists \u2013 and their \u201csources\u201d.",
    ],
)
def test_short_english_drafts_are_settled_without_the_model(text: str) -> None:
    """UPR verbs and nouns decide them: the statistical detector (numpy, 40 MB) stays unloaded."""
    assert quick_decision(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Garantizar elecciones libres y justas.",
        "Adopter une loi sur la violence domestique avant 2027.",
        "Ensure que la loi electorale est adoptee.",
    ],
)
def test_drafts_with_foreign_words_still_go_to_the_model(text: str) -> None:
    assert quick_decision(text) is None


def test_a_draft_not_in_english_gets_one_finding_and_no_verdicts(checker: Checker) -> None:
    result = checker.check("Publicar los resultados 15 días antes de la jornada electoral.")
    assert [f.rule_id for f in result.findings] == [NOT_ENGLISH_RULE]
    assert "English only" in result.findings[0].message
    assert set(result.scores().values()) == {"not_applicable"}
    assert result.smart_score == 0
    assert result.overall == "unchecked"  # never "weak": no criterion was judged
    assert summary_text(result).startswith("SMARTrec summary: SMART score 0/100, not checked.")
    mixed = checker.check("Ensure que la loi électorale est adoptée before the 2027 elections.")
    assert "met" not in mixed.scores().values()


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Ratify", "12 March 2027", "by 2027", "ADOPT A LAW ON DOMESTIC VIOLENCE BY 2027."],
)
def test_bad_input_never_gets_a_false_met(checker: Checker, text: str) -> None:
    result = checker.check(text)
    assert len(result.dimensions) == len(SCORED_DIMENSIONS)
    if text.strip().lower() in ("", "ratify", "12 march 2027", "by 2027"):
        assert _status(result, "specific") != "met"
        assert _status(result, "measurable") != "met"
    if not text.strip() or text == "Ratify":
        assert _status(result, "time_bound") != "met"


def test_all_caps_draft_is_judged_like_lower_case(checker: Checker) -> None:
    upper = checker.check("ADOPT A LAW ON DOMESTIC VIOLENCE BY 2027.")
    lower = checker.check("Adopt a law on domestic violence by 2027.")
    for dimension in ("specific", "measurable", "time_bound"):
        assert _status(upper, dimension) == _status(lower, dimension) == "met"


@pytest.mark.slow
def test_a_one_megabyte_paste_is_checked(checker: Checker) -> None:
    sentence = "The people of the country should have free and fair elections in every region. "
    text = (sentence * 13_000)[:1_000_000]
    result = checker.check(text)
    assert _status(result, "specific") == "not_met"
    assert _status(result, "time_bound") == "not_met"


def test_cli_json_shows_not_applicable(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check",
            "--no-grammar",
            "--no-spelling",
            "--no-user-rules",
            "--format",
            "json",
            "--fail-on",
            "never",
            "Continue its programme of free school meals.",
            "Adopter une loi sur la violence domestique avant 2027.",
        ]
    )
    out, _err = capsys.readouterr()
    records = json.loads(out)
    assert code == 0
    assert records[0]["scores"]["time_bound"] == "not_applicable"
    assert records[0]["reasons"]["time_bound"].startswith("Not applicable")
    assert set(records[1]["scores"].values()) == {"not_applicable"}
    assert records[1]["overall"] == "unchecked"
    assert [f["rule_id"] for f in records[1]["findings"]] == [NOT_ENGLISH_RULE]


def test_cli_csv_shows_not_applicable(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "check",
            "--no-grammar",
            "--no-spelling",
            "--no-user-rules",
            "--format",
            "csv",
            "--fail-on",
            "never",
            "Continue its programme of free school meals.",
        ]
    )
    out, _err = capsys.readouterr()
    header, row = out.splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert cells["time_bound"] == "not_applicable"


def test_rules_test_fails_a_rule_that_flags_the_wrong_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: t\nrules:\n  - id: t.jargon\n    kind: existence\n    dimension: jargon\n"
        "    message: m\n    terms: [mainstream, gender]\n"
        "    examples:\n"
        '      flag: ["Take all necessary measures to [[mainstream]] gender"]\n'
        '      pass: ["Include women."]\n',
        encoding="utf-8",
    )
    code = main(["rules", "test", "--no-user-rules", "--rules", str(pack)])
    out, _err = capsys.readouterr()
    assert code == 1
    assert "t.jargon: flag example flagged ['gender']" in out
    pack.write_text(pack.read_text(encoding="utf-8").replace("gender]", "gender-based]"))
    loaded = load_file(pack)
    assert Checker(loaded.rules).run_examples() == []


def test_exports_say_not_applicable(tmp_path: Path) -> None:
    from app.storage.models import ProjectMeta
    from app.storage.project import Project

    path = tmp_path / "p.smartrec"
    project = Project.create(path, ProjectMeta(state_under_review="Freedonia", cycle="4"))
    project.add_draft(text="Continue its programme of free school meals.", theme="")
    project.close()
    out = tmp_path / "list.csv"
    assert main(["export", str(path), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "not applicable" in text
    annex = tmp_path / "annex.docx"
    assert main(["export", str(path), "--document", "annex", "--out", str(annex)]) == 0
    import docx

    cells = [c.text for t in docx.Document(str(annex)).tables for r in t.rows for c in r.cells]
    assert "n/a" in cells


def test_also_met_by_an_unknown_rule_is_a_load_error() -> None:
    from app.core.loader import load_text

    loaded = load_text(
        "pack: t\nrules:\n  - id: t.output\n    kind: requirement\n    dimension: measurable\n"
        "    message: m\n    terms: [percent]\n    also_met_by: [t.nothing]\n"
        "    examples: {flag: [Adopt it.], pass: [Reach 40 percent.]}\n"
    )
    checker = Checker(loaded.rules, loaded.errors)
    assert [e.key for e in checker.load_errors] == ["also_met_by"]
    assert "t.nothing" in str(checker.load_errors[0])
