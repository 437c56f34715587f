"""The action-category estimator reads frames, not just first words (sentences in our own words)."""

from __future__ import annotations

import pytest

from app.core.engine import Checker, load_checker
from app.core.loader import load_text


@pytest.fixture(scope="module")
def checker() -> Checker:
    return load_checker(user_rules=False)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # verb alone
        ("Ratify the Convention against Torture within two years.", 5),
        ("Share its experience in rural electrification with neighbouring States.", 1),
        ("Seek technical assistance from OHCHR to draft its treaty reports.", 1),
        ("Continue its programme of free school meals.", 2),
        ("Consider abolishing the death penalty for drug offences.", 3),
        ("Ensure that detainees see a lawyer within 24 hours.", 4),
        # verb + object
        ("Adopt a law on domestic violence.", 5),
        ("Adopt all necessary measures to combat domestic violence.", 4),
        ("Adopt legislative measures to criminalise marital rape.", 5),
        ("Implement the 2024 recommendations of the Committee against Torture on custody.", 5),
        ("Implement effective policies to reduce child poverty.", 4),
        ("Provide adequate resources to the ombudsman.", 4),
        ("Provide human rights training to all prison staff.", 5),
        ("Raise the minimum age of marriage to 18.", 5),
        ("Bring the Press Act into line with the Covenant.", 5),
        ("Bring the juvenile justice system into line with international standards.", 4),
        ("End the state of emergency in the border districts.", 5),
        ("End violence against women in rural households.", 4),
        ("Undertake a study on the causes of school drop-out.", 3),
        # frames that change the meaning of the verb that follows
        ("Consider ratifying the Convention on Migrant Workers.", 3),
        ("Continue to adopt laws that protect minorities.", 2),
        ("Take measures to adopt a law on asylum.", 4),
        ("Continue and strengthen its efforts to protect migrant workers.", 4),
        ("Review and amend the Press Law.", 5),
        ("Review the Press Law.", 3),
        # a specific means lifts a general recommendation
        ("Take measures to protect journalists, including by repealing the sedition law.", 5),
        ("Take measures to protect journalists, including by raising awareness.", 4),
        ("Continue its efforts against poverty by adopting a national action plan.", 5),
        # framing before the verb
        ("In line with the Paris Principles, establish an independent human rights commission.", 5),
        ("As a matter of priority, ratify the Optional Protocol.", 5),
        ("Fully and effectively implement the law on domestic violence.", 5),
        ("Recommended that the Government ratify the Convention.", 5),
        ("Recommended the adoption of a law on refugees.", 5),
        ("The swift ratification of the Convention against Torture.", 5),
        ("That the Penal Code be amended to define torture.", 5),
        ("It is encouraged to consider acceding to the Convention.", 3),
        # "provide [recipient] with [theme]": the theme decides
        ("Provide border guards with training on the rights of refugees.", 5),
        ("Provide the ombudsman with adequate resources.", 4),
        ("Provide access to justice for rural women.", 4),
        # "allow [someone] to [act]": the permitted act decides
        ("Allow the Working Group on Arbitrary Detention to visit prisons.", 5),
        ("Allow observers to watch the counting of votes.", 5),
        ("Allow young people to take part in local decisions.", 4),
        # a specific verb coordinated with a general one commits to the act
        ("Condemn and investigate every attack on reporters.", 5),
        ("Take forward and continue its work on a land registry.", 2),
        # category 1: asking for help, or preparing to ask for it
        ("Identify its needs for technical assistance in reforming the courts.", 1),
        ("Strive to obtain donor funding for its literacy programme.", 1),
        ("Be assisted by UNICEF in training social workers.", 1),
        # legal thresholds, legal recognition, domestic law
        ("Reduce the number of crimes punishable by death.", 5),
        ("Reduce poverty among older people.", 4),
        ("Recognize in law the right to refuse military service.", 5),
        ("Recognize the important role of grandparents.", 4),
        ("Integrate the treaties it has ratified into domestic law.", 5),
        ("Adhere to the principles of the rule of law in its counter-terrorism work.", 4),
        ("Adhere to the Optional Protocol on a communications procedure.", 5),
        ("Give careful consideration to lowering the voting age.", 3),
        # addressed to other actors, taking up help, sharing as the aim
        ("Recommends that the international community fund rural clinics.", 1),
        ("To donors: support the census with equipment.", 1),
        ("Make use of the technical support offered by UNDP for its census.", 1),
        ("Deepen its dialogue with neighbours to share its experience of mediation.", 1),
        ("Deepen its dialogue with neighbours to settle border disputes.", 4),
        # a nominalised means: "signature and ratification of" commits to ratifying
        ("Protect migrants, including through signature and ratification of the Convention.", 5),
    ],
)
def test_category(checker: Checker, text: str, category: int) -> None:
    action = checker.check(text).action_category
    assert action.category == category, (text, action)
    assert action.reason


def test_estimate_comes_with_reason_and_upgrade(checker: Checker) -> None:
    action = checker.check(
        "Take all necessary measures to keep reporters safe from attack."
    ).action_category
    assert action.category == 4
    assert action.rule_id.startswith("action_category.")
    assert action.verb
    assert action.upgrade  # what would move the draft up a category


def test_no_verb_falls_back_to_general(checker: Checker) -> None:
    action = checker.check("Human dignity for every resident.").action_category
    assert action.category == 4


@pytest.mark.parametrize(
    "text", ["", "   ", "1.", "Ratifiez la Convention contre la torture.", "批准公约"]
)
def test_odd_input_does_not_crash(checker: Checker, text: str) -> None:
    assert 1 <= checker.check(text).action_category.category <= 5


def test_long_paste_is_fine(checker: Checker) -> None:
    text = "Adopt a law on asylum, " * 20_000
    assert checker.check(text).action_category.category == 5


def test_user_rule_can_override_by_verb_and_object() -> None:
    pack = (
        "pack: mine\nrules:\n"
        "  - id: mine.pilot\n    kind: action_category\n    category: 5\n    message: m\n"
        "    verbs: [pilot]\n    objects: [programme]\n"
        "    examples: {flag: [Pilot a programme.], pass: [Pilot ideas.]}\n"
        "  - id: mine.pilot-plain\n    kind: action_category\n    category: 4\n    message: m\n"
        "    verbs: [pilot]\n"
        "    examples: {flag: [Pilot ideas.], pass: [Pilot a programme.]}\n"
    )
    loaded = load_text(pack)
    assert loaded.errors == []
    checker = Checker(loaded.rules)
    assert checker.check("Pilot a programme of mobile courts.").action_category.category == 5
    assert checker.check("Pilot new ideas.").action_category.category == 4
    assert checker.run_examples() == []


def test_bad_object_regex_is_reported_with_key() -> None:
    pack = (
        "pack: mine\nrules:\n"
        "  - id: mine.bad\n    kind: action_category\n    category: 5\n    message: m\n"
        "    verbs: [adopt]\n    object_patterns: ['(unclosed']\n"
        "    examples: {flag: [x], pass: [y]}\n"
    )
    loaded = load_text(pack)
    assert loaded.rules == []
    assert loaded.errors and loaded.errors[0].key == "object_patterns"


def test_estimate_is_shared_between_equal_drafts(checker: Checker) -> None:
    """Results are frozen, so the estimator may hand the same object to equal drafts."""
    first = checker.check("Ratify the Convention against Torture this year.").action_category
    second = checker.check("Ratify the Convention against Torture this year.").action_category
    assert first == second
    with pytest.raises(ValueError):
        first.category = 1


def test_punctuation_marks_clause_breaks(checker: Checker) -> None:
    """Object windows stop at commas: 'measures' after a comma is not the verb's object."""
    text = "Adopt, as a priority, a law on asylum; and take measures for refugees."
    assert checker.check(text).action_category.category == 5


def test_subjects_rule_needs_no_verbs() -> None:
    """A rule may name addressees instead of verbs; without either it is an error."""
    pack = (
        "pack: mine\nrules:\n"
        "  - id: mine.others\n    kind: action_category\n    category: 1\n    message: m\n"
        "    subjects: [regional partners]\n"
        "    examples: {flag: [That regional partners fund it.], pass: [Fund it.]}\n"
        "  - id: mine.empty\n    kind: action_category\n    category: 1\n    message: m\n"
        "    examples: {flag: [x], pass: [y]}\n"
    )
    loaded = load_text(pack)
    assert [r.id for r in loaded.rules] == ["mine.others"]
    assert loaded.errors
    checker = Checker(loaded.rules)
    action = checker.check("That regional partners fund the new clinic.").action_category
    assert (action.category, action.rule_id) == (1, "mine.others")
