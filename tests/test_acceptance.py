"""Acceptance outlook: a transparent model fitted on a synthetic library built here.

The library is generated in the test (texts written for it), with known patterns: Kenya supports
election recommendations and notes those on the death penalty; everyone supports "continue"
recommendations more than specific ones.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from acceptance_support import make_library, synthetic_items

from app.acceptance.groups import canonical_key, regional_group, split_states
from app.acceptance.history import HistoryStats, read_history, session_number
from app.acceptance.model import MIN_HISTORY
from app.acceptance.service import clear_cache, fingerprint, forecaster_for
from app.cli import main
from app.evidence.importers import import_file
from app.evidence.library import open_library
from app.evidence.store import EvidenceItem


def _never(text: str) -> int:
    raise AssertionError(f"every synthetic row has a category; asked for {text!r}")


@pytest.fixture(scope="module")
def library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic library for the tests that only read it (fitted once, then cached)."""
    path = tmp_path_factory.mktemp("acc") / "history.smartlib"
    make_library(path, synthetic_items()).close()
    return path


@pytest.fixture(scope="module")
def library(library_file: Path) -> sqlite3.Connection:
    return open_library(library_file, read_only=True)


def test_sensitive_topic_scores_lower_and_says_why_with_counts(
    library: sqlite3.Connection,
) -> None:
    forecaster = forecaster_for([library], _never)
    death = forecaster.outlook("Abolish the death penalty for all crimes.", "Kenya", ["Norway"],
                               5, ["Death penalty"])
    vote = forecaster.outlook("Strengthen the independence of the electoral commission.",
                              "Kenya", ["Norway"], 4, ["Elections"])
    assert death.probability is not None and vote.probability is not None
    assert death.probability < 0.5 < 0.8 < vote.probability
    assert 2 <= len(death.reasons) <= 4
    assert all(any(ch.isdigit() for ch in r.text) for r in death.reasons)
    said = " ".join(r.text for r in death.reasons)
    assert "Kenya" in said and ("death penalty" in said.lower())
    assert death.reasons[0].effect < 0  # the strongest reason pulls the figure down
    kenya = [i for i in synthetic_items() if i.country == "Kenya"]
    assert death.comparable == len(kenya)
    assert forecaster.model.weighs_own_records  # States reviewed again and again: no note
    assert death.note == ""
    supported = sum(i.response == "supported" for i in kenya)
    # The State's own record is shown once: as a reason, or else as context.
    told = [r.text for r in death.reasons] + list(death.record)
    assert sum(f"Kenya supported {supported} of {len(kenya)} earlier" in t for t in told) == 1
    on_death = [i for i in kenya if i.issues == "Death penalty"]
    assert any(f"{sum(i.response == 'supported' for i in on_death)} of {len(on_death)}" in fact
               for fact in death.record)


def test_reasons_are_the_exact_parts_of_the_log_odds(library: sqlite3.Connection) -> None:
    forecaster = forecaster_for([library], _never)
    model = forecaster.model
    from app.acceptance.history import make_recommendation

    rec = make_recommendation("Abolish the death penalty.", "Kenya", ["Cuba"], 5,
                              ["Death penalty"])
    described = model.describe(rec)
    weights = model.weights_for(rec.state)
    assert weights is model.known  # Kenya has a long record
    parts = model.contributions(described, weights)
    total = weights.intercept + sum(parts.values())
    assert total == pytest.approx(model.logit(described, weights))
    outlook = forecaster.outlook("Abolish the death penalty.", "Kenya", ["Cuba"], 5,
                                 ["Death penalty"])
    assert {round(r.effect, 3) for r in outlook.reasons} <= {round(v, 3) for v in parts.values()}


def test_category_step_changes_the_figure(library: sqlite3.Connection) -> None:
    forecaster = forecaster_for([library], _never)
    outlook = forecaster.outlook("Consider joining the convention on migrant workers.", "Viet Nam",
                                 ["Spain"], 3, ["International instruments"])
    steps = {c.category: c.probability for c in outlook.changes}
    assert set(steps) == {2, 4}
    assert steps[2] > steps[4]  # continuing action is supported more often than general action
    edge = forecaster.outlook("Abolish the death penalty.", "Kenya", [], 5, [])
    assert [c.category for c in edge.changes] == [4]


def test_state_without_history_gets_a_figure_with_a_caveat(library: sqlite3.Connection) -> None:
    outlook = forecaster_for([library], _never).outlook(
        "Strengthen the electoral commission.", "Chile", ["Atlantis"], 4, ["Elections"])
    assert outlook.probability is not None
    assert outlook.comparable == 0
    assert "no earlier recommendations to Chile" in outlook.note
    assert "fewer than 20" in outlook.note


def test_single_review_library_says_the_own_record_is_context_only(tmp_path: Path) -> None:
    """One review per State (a single-cycle export): nothing shows how far a record carries."""
    items = synthetic_items()
    sessions = {name: str(1 + n % 12) for n, name in enumerate(sorted({i.country for i in items}))}
    for item in items:
        item.session = sessions[item.country]
    conn = make_library(tmp_path / "one-cycle.smartlib", items)
    forecaster = forecaster_for([conn], _never)
    assert not forecaster.model.weighs_own_records
    outlook = forecaster.outlook("Abolish the death penalty.", "Kenya", ["Norway"], 5,
                                 ["Death penalty"])
    assert outlook.probability is not None and outlook.comparable >= 20
    assert "Too few States in the library were reviewed more than once" in outlook.note
    assert "Kenya's own counts are shown for context only" in outlook.note
    assert any(fact.startswith("Kenya supported") for fact in outlook.record)


def test_thin_state_record_says_so_in_the_reason(tmp_path: Path) -> None:
    items = synthetic_items()
    items += [EvidenceItem(kind="precedent", text="Repeal the law on public gatherings.",
                           country="Chile", recommending_state="Spain", response="noted",
                           action_category=5, issues="Freedom of assembly", session="3")
              for _ in range(3)]
    for n, item in enumerate(items[-3:]):
        item.text += f" ({n})"
    conn = make_library(tmp_path / "thin.smartlib", items)
    outlook = forecaster_for([conn], _never).outlook(
        "Repeal the law on public gatherings.", "Chile", ["Spain"], 5, ["Freedom of assembly"])
    assert outlook.comparable == 3
    assert "only 3 earlier recommendations to Chile" in outlook.note
    said = " ".join(r.text for r in outlook.reasons)
    assert "too few to rely on" in said


def test_library_without_enough_answers_gives_no_number(tmp_path: Path) -> None:
    items = synthetic_items(rows=MIN_HISTORY + 50)
    for item in items[: 60]:
        item.response = ""  # blank: neither supported nor noted
    conn = make_library(tmp_path / "few.smartlib", items)
    forecaster = forecaster_for([conn], _never)
    assert forecaster.stats.unanswered == 60
    outlook = forecaster.outlook("Abolish the death penalty.", "Kenya", ["Norway"], 5, [])
    assert outlook.probability is None
    assert "Not enough history" in outlook.note and "60 without a known response" in outlook.note
    assert outlook.as_dict()["probability"] is None


def test_library_with_no_responses_or_one_answer_only(tmp_path: Path) -> None:
    items = synthetic_items(rows=300)
    for item in items:
        item.response = "supported"
    conn = make_library(tmp_path / "all.smartlib", items)
    outlook = forecaster_for([conn], _never).outlook("Adopt a law.", "Kenya", [], 5, [])
    assert outlook.probability is None and "all 300" in outlook.note
    empty = open_library(tmp_path / "empty.smartlib", create=True)
    outlook = forecaster_for([empty], _never).outlook("Adopt a law.", "Kenya", [], 5, [])
    assert outlook.probability is None and "holds 0 earlier" in outlook.note


def test_pending_and_partial_responses_import_as_unanswered(tmp_path: Path) -> None:
    csv_path = tmp_path / "export.csv"
    lines = ["To,Text,From,Response,Action,Issue,Session,Cycle"]
    for n, response in enumerate(("Pending", "Partially accepted", "", "Accepted", "Noted")):
        lines.append(f"Kenya,Adopt a law on item {n},Spain,{response},5,Elections,3,1")
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    conn = open_library(tmp_path / "lib.smartlib", create=True)
    preview, result = import_file(conn, csv_path)
    assert result.written == 5 and not preview.errors
    stats = HistoryStats()
    rows = list(read_history([conn], _never, stats))
    assert len(rows) == 2 and stats.unanswered == 3


def test_session_cut_off_uses_only_earlier_sessions(tmp_path: Path) -> None:
    items = synthetic_items()
    items += [EvidenceItem(kind="precedent", text=f"Release detained journalist number {n}.",
                           country="Chile", recommending_state="Norway", response="noted",
                           action_category=5, issues="Freedom of the press", session="20")
              for n in range(30)]
    conn = make_library(tmp_path / "sessions.smartlib", items)
    same = forecaster_for([conn], _never, before_session=20)
    later = forecaster_for([conn], _never, before_session=21)
    assert same.stats.later == 30
    assert same.outlook("Release journalists.", "Chile", [], 5, []).comparable == 0
    after = later.outlook("Release journalists.", "Chile", [], 5, [])
    assert after.comparable == 30
    assert after.probability is not None and after.probability < 0.3


def test_refits_when_the_library_changes_and_not_otherwise(tmp_path: Path) -> None:
    clear_cache()
    conn = make_library(tmp_path / "cache.smartlib", synthetic_items())
    first = forecaster_for([conn], _never)
    assert forecaster_for([conn], _never) is first
    before = fingerprint(conn)
    conn.execute("UPDATE evidence SET response = 'noted' WHERE id = 1 AND response = 'supported'"
                 " OR id = 1 AND response = 'noted' AND 0")
    conn.execute("UPDATE evidence SET response = CASE response WHEN 'noted' THEN 'supported' "
                 "ELSE 'noted' END WHERE id = 2")
    assert fingerprint(conn) != before
    assert forecaster_for([conn], _never) is not first


def test_duplicate_imports_count_once(tmp_path: Path) -> None:
    items = synthetic_items()
    conn = make_library(tmp_path / "twice.smartlib", items + synthetic_items())
    forecaster = forecaster_for([conn], _never)
    assert forecaster.stats.duplicates == len(items)
    assert forecaster.model.tables.total == len(items)


def test_state_names_fold_spellings_and_groups() -> None:
    assert canonical_key("Turkey") == canonical_key("Türkiye")
    assert canonical_key("Iran (Islamic Republic of)") == canonical_key("Islamic Republic of Iran")
    assert regional_group("St Lucia") == "GRULAC"
    assert regional_group("Bosnia & Herzegovina") == "EEG"
    assert regional_group("Atlantis") == ""
    assert split_states("Portugal, Slovakia") == ("Portugal", "Slovakia")
    assert split_states("Venezuela, Bolivarian Republic of; Spain") == (
        "Venezuela (Bolivarian Republic of)", "Spain")
    assert session_number("session 12") == 12 and session_number("") is None


# -- the CLI ---------------------------------------------------------------------------------
def _drafts_csv(path: Path) -> Path:
    path.write_text(
        "Text,To,From,Session\n"
        '"Abolish the death penalty in law.",Kenya,Norway,13\n'
        '"Strengthen the independence of the electoral commission.",Kenya,Cuba,13\n'
        '"Strengthen the electoral commission.",Chile,Spain,\n',
        encoding="utf-8",
    )
    return path


def test_cli_adds_acceptance_per_row(
    tmp_path: Path, library_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = library_file
    drafts = _drafts_csv(tmp_path / "drafts.csv")
    code = main(["check", str(drafts), "--column", "Text", "--state-column", "To",
                 "--recommending-column", "From", "--session-column", "Session",
                 "--library", str(lib), "--format", "jsonl", "--no-grammar", "--no-spelling",
                 "--fail-on", "never"])
    assert code == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 3
    death, vote, chile = (r["acceptance"] for r in records)
    assert death["probability"] < vote["probability"]
    assert death["reasons"] and all(isinstance(r, str) for r in death["reasons"])
    assert death["comparable"] > 20
    assert chile["comparable"] == 0 and "no session" in chile["note"]


def test_cli_single_draft_with_state_and_recommending(
    library_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = library_file
    code = main(["check", "Abolish the death penalty in law.", "--state", "Kenya",
                 "--recommending", "Norway", "--library", str(lib), "--format", "json",
                 "--no-grammar", "--no-spelling", "--fail-on", "never"])
    assert code == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert 0 < record["acceptance"]["probability"] < 0.5
    assert set(record["acceptance"]["if_category"]) == {"4"}


def test_cli_refuses_outlook_options_it_cannot_honour(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drafts = _drafts_csv(tmp_path / "drafts.csv")
    assert main(["check", str(drafts), "--state-column", "To", "--no-grammar"]) == 2
    assert "need --library" in capsys.readouterr().err
    lib = tmp_path / "history.smartlib"
    make_library(lib, synthetic_items(rows=50)).close()
    assert main(["check", str(drafts), "--state-column", "Country", "--library", str(lib),
                 "--no-grammar"]) == 2
    err = capsys.readouterr().err
    assert "no column named 'Country'" in err and err.count("\n") == 1


def test_history_without_categories_is_estimated_by_the_checker(tmp_path: Path) -> None:
    from app.acceptance.service import checker_estimator
    from app.core.engine import load_checker

    items = synthetic_items(rows=MIN_HISTORY + 20)
    for item in items:
        item.action_category = None  # as in OHCHR UHRI exports
    conn = make_library(tmp_path / "uhri.smartlib", items)
    estimate = checker_estimator(load_checker(user_rules=False))
    forecaster = forecaster_for([conn], estimate)
    assert forecaster.stats.estimated == len(items)
    tables = forecaster.model.tables
    continuing = sum(1 for i in items if i.text.startswith("Continue"))
    assert tables.get("category", 2)[0] == continuing  # "Continue its efforts…" is category 2
