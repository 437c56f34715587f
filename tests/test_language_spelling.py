"""Offline spelling: what is flagged, what is skipped, and the user's and project's words."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.core.models import CheckContext
from app.language.spelling import RULE_ID, SpellingProvider, american_variants
from app.language.vocabulary import builtin_words, vocabulary_files, words_of


@pytest.fixture(scope="module")
def shared_dict(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spelling") / "dictionary.txt"


@pytest.fixture(scope="module")
def speller(shared_dict: Path) -> SpellingProvider:
    provider = SpellingProvider("en-GB", user_dictionary=shared_dict)
    provider.load()
    return provider


def flagged(
    provider: SpellingProvider, text: str, context: CheckContext | None = None
) -> list[str]:
    return [f.matched for f in provider.check(text, context)]


def test_typos_that_look_british_are_still_flagged(speller: SpellingProvider) -> None:
    assert flagged(speller, "The numbre of expence reports and the promice.") == [
        "numbre", "expence", "promice"]


def test_typos_are_flagged_with_one_click_fixes(speller: SpellingProvider) -> None:
    text = "Ratifiy the Convention and strenghten the judiciary."
    findings = speller.check(text)
    assert [f.matched for f in findings] == ["Ratifiy", "strenghten"]
    first = findings[0]
    assert first.rule_id == RULE_ID
    assert first.dimension == "spelling"
    assert first.severity == "warning"
    assert text[first.start:first.end] == "Ratifiy"
    assert first.replacements[0].text == "Ratify"  # case follows the original
    assert findings[1].replacements[0].text == "strengthen"
    assert all(r.start == f.start and r.end == f.end for f in findings for r in f.replacements)


def test_un_english_and_british_spellings_pass(speller: SpellingProvider) -> None:
    text = (
        "Criminalise marital rape, harmonise legislation, strengthen the programme of the "
        "organisation, the labour inspectorate and the centres for the defence of honour, "
        "counselling and behaviour; analyse judgements; travellers' organisations."
    )
    assert flagged(speller, text) == []


def test_domain_vocabulary_passes(speller: SpellingProvider) -> None:
    text = (
        "Cooperate with the Special Rapporteur, the ODIHR, OHCHR and the ombudsperson; ratify "
        "the ICCPR, OP-CAT and CEDAW; respect non-refoulement inter alia for Rohingya, Roma and "
        "Sinti; implement the Yogyakarta Principles and the Istanbul Convention de jure and de "
        "facto; engage Türkiye, Côte d'Ivoire, Eswatini, Kyrgyzstan and Burkinabe, Ivorian, "
        "Malagasy and Sahrawi communities in socio-economic, multi-party and pre-trial reforms."
    )
    assert flagged(speller, text) == []


def test_skips_urls_numbers_acronyms_possessives_and_numerals(speller: SpellingProvider) -> None:
    text = (
        "See https://example.org/qwertzuiop and contact info@zxqwv.org; 2027 budget of 3.5m, "
        "art. 12bis, XYZQW and NGOs' reports; the State's xqzvbn's plan (iii) and (xiv)."
    )
    assert flagged(speller, text) == ["xqzvbn"]


def test_offsets_are_code_points_after_astral_characters(speller: SpellingProvider) -> None:
    text = "🙂🙂 Adopt the lawz."
    (finding,) = speller.check(text)
    assert text[finding.start:finding.end] == "lawz"


def test_state_under_review_and_project_words(shared_dict: Path) -> None:
    provider = SpellingProvider(
        "en", words=["Zorvania", "Qelmar-Tosk"], user_dictionary=shared_dict
    )
    text = "Zorvania and Qelmar-Tosk should invite the rapporteur to Blorvistan."
    assert flagged(provider, text) == ["Blorvistan"]
    ctx = CheckContext(state_under_review="Republic of Blorvistan")
    assert flagged(provider, text, ctx) == []
    provider.set_project_words([])
    assert flagged(provider, text, ctx) == ["Zorvania", "Qelmar", "Tosk"]


def test_add_word_persists_in_user_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "config" / "dictionary.txt"
    provider = SpellingProvider("en", user_dictionary=path)
    assert flagged(provider, "Consult the Vrombel council.") == ["Vrombel"]
    assert provider.add_word("Vrombel") is True
    assert provider.add_word("vrombel") is False  # already there, any case
    assert flagged(provider, "Consult the Vrombel council.") == []
    assert path.read_text(encoding="utf-8").splitlines() == ["Vrombel"]
    fresh = SpellingProvider("en", user_dictionary=path)
    assert flagged(fresh, "The vrombel council.") == []
    with pytest.raises(ValueError):
        provider.add_word("two words")


def test_damaged_user_dictionary_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "dictionary.txt"
    path.write_bytes(b"\xff\xfe\x00garbage\x80\x81")
    provider = SpellingProvider("en", user_dictionary=path)
    assert flagged(provider, "Adopt the lawz.") == ["lawz"]


def test_ignored_findings_are_not_returned(speller: SpellingProvider) -> None:
    ctx = CheckContext(ignored={(RULE_ID, "lawz")})
    assert flagged(speller, "Adopt the lawz and the rulz.", ctx) == ["rulz"]


def test_session_words_from_languagetool(tmp_path: Path) -> None:
    provider = SpellingProvider("en", user_dictionary=tmp_path / "d.txt")
    assert flagged(provider, "Visit Vrelnoxburg.") == ["Vrelnoxburg"]
    provider.accept_session_words(["Vrelnoxburg"])
    assert flagged(provider, "Visit Vrelnoxburg.") == []


def test_check_before_background_load_returns_empty_without_blocking(tmp_path: Path) -> None:
    provider = SpellingProvider("en", user_dictionary=tmp_path / "d.txt", background=True)
    gate = threading.Event()
    real_load = provider.load

    def slow_load() -> None:
        gate.wait(10)
        real_load()

    provider.load = slow_load  # type: ignore[method-assign]
    ready = threading.Event()
    provider.on_ready(ready.set)
    provider.warm_up()
    assert provider.check("Adopt the lawz.") == []  # still loading: no wait, no findings
    gate.set()
    assert provider.wait_ready(10)
    assert ready.wait(10)
    assert flagged(provider, "Adopt the lawz.") == ["lawz"]
    provider.close()


def test_background_mode_fills_in_distant_suggestions(tmp_path: Path) -> None:
    provider = SpellingProvider("en", user_dictionary=tmp_path / "d.txt", background=True)
    provider.warm_up()
    assert provider.wait_ready(30)
    provider.check("Protect the enviornmant.")  # distance 2: computed by the worker
    provider._deep_pool.shutdown(wait=True)  # type: ignore[union-attr]
    provider._deep_pool = None
    (finding,) = provider.check("Protect the enviornmant.")
    assert "environment" in [r.text for r in finding.replacements]


def test_french_and_spanish(tmp_path: Path) -> None:
    fr = SpellingProvider("fr", user_dictionary=tmp_path / "d.txt")
    assert flagged(fr, "Ratifier la Convention et l'Examen périodique universel, "
                       "avec le Rapporteur spécial sur la torturre.") == ["torturre"]
    es = SpellingProvider("es", user_dictionary=tmp_path / "d.txt")
    assert flagged(es, "Ratificar la Convención contra la Tortura y proteger a los "
                       "defensores de derechos humanos en el paíz.") == ["paíz"]
    assert flagged(fr, "L'Allemagne, le Bélarus et le Libéria ; féminicide et apatridie.") == []
    assert flagged(es, "Las Naciones Unidas, Kazajstán y Eswatini; feminicidio y apatridia.") == []
    with pytest.raises(ValueError):
        SpellingProvider("de")


def test_british_variant_rules() -> None:
    assert "criminalize" in american_variants("criminalise")
    assert "organizations" in american_variants("organisations")
    assert "labor" in american_variants("labour")
    assert american_variants("numbre") == set()  # typo, not a British form
    assert "counseling" in american_variants("counselling")
    assert "program" in american_variants("programme")


def test_vocabulary_files_are_small_hand_written_lists() -> None:
    files = vocabulary_files("en")
    names = {f.name for f in files}
    assert {"countries.en.txt", "un_terms.en.txt", "british.en.txt", "prefixes.txt"} <= names
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#"), f"{path.name} should say what it is"
        assert len(lines) < 2000
    words = builtin_words("en")
    assert {"iccpr", "rapporteur", "kyrgyzstan", "ivoire", "burkinabe", "programme"} <= words
    assert "socio" not in words  # combining forms only count before a hyphen
    assert words_of(["Côte d'Ivoire"]) >= {"côte", "d'ivoire", "ivoire"}
