"""Acceptance outlook in batch checks: what makes it cheap must not change a figure.

Synthetic libraries only (tests/acceptance_support.py).
"""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from acceptance_support import make_library, synthetic_items

from app.acceptance import counting, service
from app.acceptance import model as model_module
from app.acceptance.cli import make_annotator
from app.acceptance.history import HistoryRow, HistoryStats, make_recommendation, read_history
from app.acceptance.model import BY_CATEGORY, Model, fit, fit_cut_offs
from app.acceptance.options import AcceptanceOptions
from app.acceptance.service import clear_cache, forecaster_for, forecasters_for
from app.cli import main
from app.core.engine import load_checker
from app.draft_input import DraftReader
from app.evidence.library import open_library


def _never(text: str) -> int:
    raise AssertionError(f"every synthetic row has a category; asked for {text!r}")


def _no_fit(*_args: object) -> Model:
    raise AssertionError("a model was fitted during the batch")


@pytest.fixture(scope="module")
def library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "history.smartlib"
    make_library(path, synthetic_items()).close()
    return path


def _rows(path: Path) -> list[HistoryRow]:
    conn = open_library(path, read_only=True)
    return list(read_history([conn], _never, HistoryStats()))


def test_remembered_rates_and_category_steps_equal_a_fresh_description(
    library_file: Path,
) -> None:
    rows = _rows(library_file)
    model = fit(iter(rows))
    fresh = pickle.loads(pickle.dumps(model))  # the disk copy: nothing remembered
    assert not fresh._memo
    drafts = [
        make_recommendation("Abolish the death penalty without delay.", "Kenya", ["Norway"], 5,
                            ["Death penalty"]),
        make_recommendation("Consider joining the convention on migrant workers.", "Chile",
                            ["Atlantis", "Spain"], 3, ["International instruments"]),
    ]
    for rec in drafts * 2:  # the second round is answered from the remembered rates
        described = model.describe(rec)
        assert described == fresh.describe(rec) == Model.describe(fresh, rec)
        for category in (1, 2, 4):
            other = replace(rec, category=category)
            quick = model.describe(other, keep_from=described)
            slow = fresh.describe(other)
            assert quick.values == pytest.approx(slow.values)
            assert quick.evidence == slow.evidence
            changed = {f for f in quick.values if quick.values[f] != described.values[f]}
            assert changed and changed <= BY_CATEGORY
    assert model._memo
    # Held-out descriptions (used by the fit) never read or fill the remembered rates.
    before = dict(model._memo)
    row = rows[0]
    held = model.describe(row.recommendation, leave_out=row.supported)
    assert model._memo == before
    assert held != model.describe(row.recommendation)


def _drafts_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["Text,To,Session"] + [f'"{t}",{s},{n}' for t, s, n in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_batch_without_a_state_fits_nothing_and_says_why(
    tmp_path: Path, library_file: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(service, "fit", _no_fit)
    drafts = tmp_path / "drafts.csv"
    _drafts_csv(drafts, [("Abolish the death penalty.", "Kenya", "9")])
    code = main(["check", str(drafts), "--column", "Text", "--library", str(library_file),
                 "--format", "jsonl", "--no-grammar", "--no-spelling", "--fail-on", "never"])
    assert code == 0
    record = json.loads(capsys.readouterr().out)["acceptance"]
    assert record["probability"] is None
    assert record["note"] == "No State under Review is named, so there is no outlook."
    assert not list(cache_dir.glob("*.pickle"))


def test_every_session_cut_off_is_fitted_before_the_drafts_are_scored(
    tmp_path: Path, library_file: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts = _drafts_csv(tmp_path / "drafts.csv", [
        ("Abolish the death penalty.", "Kenya", "5"),
        ("Strengthen the electoral commission.", "Chile", "9"),
        ("Continue widening access to school.", "", "11"),  # no State: no model for 11
    ])
    options = AcceptanceOptions(library=str(library_file), inputs=(str(drafts),),
                                state_column="To", session_column="Session")
    checker = load_checker(user_rules=False)
    annotator = make_annotator(options, service.checker_estimator(checker), warm=True)
    assert annotator is not None
    assert len(list(cache_dir.glob("*.pickle"))) == 2  # sessions 5 and 9
    monkeypatch.setattr(service, "fit", _no_fit)  # scoring must not fit anything more
    clear_cache()  # nor read the disk again: the run keeps its own forecasters

    reader = DraftReader([str(drafts)], "Text", fields=options.columns())
    for draft in list(reader)[:2]:  # the third names no State
        result = checker.check(draft.text)
        record = annotator(draft, result)["acceptance"]
        assert isinstance(record, dict) and record["probability"] is not None
    direct = forecaster_for([open_library(library_file, read_only=True)], _never,
                            before_session=5)
    assert direct.model.tables.total < len(synthetic_items())


def test_cut_off_models_from_one_read_equal_separate_fits(library_file: Path) -> None:
    """Counting each session once and adding them up gives exactly the counts (and, with every
    held-out row in the sample, the weights) of fitting each cut-off's history on its own."""
    rows = _rows(library_file)
    models = fit_cut_offs(iter(rows), [9, 5, 9])
    assert sorted(models) == [5, 9]
    for cut, model in models.items():
        alone = fit(r for r in rows if r.session is not None and r.session < cut)
        assert (model.tables.total, model.tables.supported) == (
            alone.tables.total, alone.tables.supported)
        assert model.tables.seen == alone.tables.seen and model.tables.yes == alone.tables.yes
        for mine, theirs in ((model.known, alone.known), (model.unseen, alone.unseen)):
            assert mine.intercept == pytest.approx(theirs.intercept, abs=1e-6)
            assert mine.by == pytest.approx(theirs.by, abs=1e-6)
        assert model.word_coef and model.word_coef == pytest.approx(alone.word_coef, abs=1e-6)
    assert models[5].tables.total < models[9].tables.total


def test_forecasters_for_several_cut_offs_say_what_was_left_out(
    library_file: Path, cache_dir: Path,
) -> None:
    conn = open_library(library_file, read_only=True)
    rows = _rows(library_file)
    both = forecasters_for([conn], _never, [4, 10])
    for cut in (4, 10):
        earlier = sum(1 for r in rows if r.session is not None and r.session < cut)
        stats = both[cut].stats
        assert stats.used == both[cut].model.tables.total == earlier
        assert stats.later == len(rows) - earlier
    assert len(list(cache_dir.glob("*.pickle"))) == 2
    clear_cache()
    again = forecaster_for([conn], _never, before_session=10)  # from the disk cache
    assert again.stats.later == both[10].stats.later


@pytest.mark.parametrize("output", ["text", "csv"])
def test_formats_without_the_outlook_do_not_fit_it(
    tmp_path: Path, library_file: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], output: str,
) -> None:
    """Text and CSV output carry no outlook, so a batch in them must not pay for one."""
    monkeypatch.setattr(service, "fit", _no_fit)
    monkeypatch.setattr(service, "fit_cut_offs", _no_fit)
    drafts = _drafts_csv(tmp_path / "drafts.csv", [("Abolish the death penalty.", "Kenya", "9")])
    code = main(["check", str(drafts), "--column", "Text", "--state-column", "To",
                 "--session-column", "Session", "--library", str(library_file), "--format",
                 output, "--no-grammar", "--no-spelling", "--fail-on", "never"])
    assert code == 0
    assert "acceptance" not in capsys.readouterr().out
    assert not list(cache_dir.glob("*.pickle"))


def test_one_cut_off_samples_exactly_as_a_plain_fit(
    library_file: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With more held-out rows than the sample holds, one cut-off still draws `fit`'s sample."""
    rows = [r for r in _rows(library_file) if r.session is not None and r.session < 8]
    monkeypatch.setattr(model_module, "FIT_SAMPLE", 150)
    counted = counting.count_rows(iter(rows), sample_size=150)
    assert len(counted.held_sample) == 150 < len(rows)
    plain = model_module._fit_counted(counted)
    cut = fit_cut_offs(iter(rows), [8])[8]
    assert cut.unseen == plain.unseen and cut.known == plain.known
    assert cut.word_coef == plain.word_coef
