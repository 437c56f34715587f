"""Acceptance outlook: the fitted model's disk cache, the numpy weight fit, the interaction
reasons. Synthetic libraries only (tests/acceptance_support.py)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from acceptance_support import make_library, synthetic_items

from app.acceptance import service
from app.acceptance.history import HistoryStats, make_recommendation
from app.acceptance.logistic import non_negative
from app.acceptance.model import RIDGE_PER_ROW, Evidence, Model, Weights
from app.acceptance.outlook import Forecaster
from app.acceptance.service import clear_cache, forecaster_for
from app.acceptance.tables import Tables
from app.cli import main
from app.evidence.library import open_library


def _never(text: str) -> int:
    raise AssertionError(f"every synthetic row has a category; asked for {text!r}")


def _no_fit(*_args: object) -> Model:
    raise AssertionError("the model was refitted although the disk cache holds it")


DRAFT = ("Abolish the death penalty in law.", "Kenya", ["Norway"], 5, ["Death penalty"])


def test_second_use_loads_the_fitted_model_from_disk(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = make_library(tmp_path / "lib.smartlib", synthetic_items())
    first = forecaster_for([conn], _never).outlook(*DRAFT)
    assert len(list(cache_dir.glob("*.pickle"))) == 1
    clear_cache()  # a new process: nothing in memory
    monkeypatch.setattr(service, "fit", _no_fit)
    again = forecaster_for([conn], _never).outlook(*DRAFT)
    assert again == first


def test_moved_library_is_the_same_history(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_library(tmp_path / "a.smartlib", synthetic_items()).close()
    first = forecaster_for([open_library(tmp_path / "a.smartlib")], _never).outlook(*DRAFT)
    shutil.copy(tmp_path / "a.smartlib", tmp_path / "b.smartlib")
    clear_cache()
    monkeypatch.setattr(service, "fit", _no_fit)
    moved = forecaster_for([open_library(tmp_path / "b.smartlib")], _never).outlook(*DRAFT)
    assert moved == first


def test_changed_library_or_cut_off_refits(tmp_path: Path, cache_dir: Path) -> None:
    conn = make_library(tmp_path / "lib.smartlib", synthetic_items())
    forecaster_for([conn], _never)
    forecaster_for([conn], _never, before_session=6)
    conn.execute("UPDATE evidence SET response = CASE response WHEN 'noted' THEN 'supported' "
                 "ELSE 'noted' END WHERE id = 3")
    clear_cache()
    forecaster_for([conn], _never)
    assert len(list(cache_dir.glob("*.pickle"))) == 3


@pytest.mark.parametrize("damage", ["empty", "foreign", "truncated", "garbled"])
def test_damaged_cache_file_is_ignored_and_rewritten(
    tmp_path: Path, cache_dir: Path, damage: str
) -> None:
    conn = make_library(tmp_path / "lib.smartlib", synthetic_items())
    first = forecaster_for([conn], _never).outlook(*DRAFT)
    (entry,) = cache_dir.glob("*.pickle")
    good = entry.read_bytes()
    header = good.index(b"\n", len(b"SMARTrec acceptance model\n")) + 1
    entry.write_bytes({
        "empty": b"",
        "foreign": b"not a model at all" + good[header:],
        "truncated": good[: header + (len(good) - header) // 2],
        "garbled": good[:header] + bytes(reversed(good[header:])),
    }[damage])
    clear_cache()
    assert forecaster_for([conn], _never).outlook(*DRAFT) == first
    assert entry.read_bytes() == good


def test_unwritable_cache_folder_still_gives_an_outlook(
    tmp_path: Path, cache_dir: Path
) -> None:
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("a file where the folder should be", encoding="utf-8")
    try:
        conn = make_library(tmp_path / "lib.smartlib", synthetic_items())
        assert forecaster_for([conn], _never).outlook(*DRAFT).probability is not None
    finally:
        cache_dir.unlink()


def test_cli_second_run_does_not_refit(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_library(tmp_path / "lib.smartlib", synthetic_items()).close()
    argv = ["check", "Abolish the death penalty in law.", "--state", "Kenya",
            "--recommending", "Norway", "--library", str(tmp_path / "lib.smartlib"),
            "--format", "json", "--no-grammar", "--no-spelling", "--fail-on", "never"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)[0]["acceptance"]
    clear_cache()
    monkeypatch.setattr(service, "fit", _no_fit)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)[0]["acceptance"] == first


def test_weights_are_non_negative_and_recover_a_known_effect() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4000, 2))
    truth = 0.5 + 1.2 * x[:, 0] - 0.8 * x[:, 1]
    y = (rng.random(4000) < 1 / (1 + np.exp(-truth))).astype(float)
    beta = non_negative(np.column_stack([np.ones(4000), x]), y, ridge=RIDGE_PER_ROW * 4000)
    assert beta[2] == 0.0  # the negative effect is dropped, never fitted below zero
    assert 0.6 < beta[1] < 1.2  # the positive one is found (shrunk by the ridge penalty)


def test_a_state_never_seen_is_scored_by_the_recommending_state_and_issue(
    tmp_path: Path, cache_dir: Path
) -> None:
    """Cuba's recommendations on the death penalty are noted everywhere; Japan's are supported.
    For a State the history has never heard of, that pair must move the figure and be said."""
    rng = random.Random(5)
    items = synthetic_items()
    for item in items:
        if "death penalty" in item.text and item.recommending_state in ("Cuba", "Japan"):
            noted = item.recommending_state == "Cuba" and rng.random() < 0.9
            item.response = "noted" if noted else "supported"
    conn = make_library(tmp_path / "lib.smartlib", items)
    forecaster = forecaster_for([conn], _never)
    cuba = forecaster.outlook("Abolish the death penalty.", "Chile", ["Cuba"], 5,
                              ["Death penalty"])
    japan = forecaster.outlook("Abolish the death penalty.", "Chile", ["Japan"], 5,
                               ["Death penalty"])
    assert cuba.probability is not None and japan.probability is not None
    assert cuba.probability < japan.probability - 0.1
    assert any("Cuba" in r.text and r.effect < 0 for r in cuba.reasons)


@pytest.mark.parametrize(("table", "key", "expected"), [
    ("category_issue", ("5", "Death penalty"),
     "Category-5 (specific action) recommendations on Death penalty were supported 3 of 40"),
    ("recommender_category", ("cuba", "3"),
     "Cuba's category-3 (considering action) recommendations were supported 3 of 40"),
    ("recommender_issue", ("cuba", "Elections"),
     "Cuba's recommendations on Elections were supported 3 of 40"),
    ("rgroup_group", ("GRULAC", "Africa"),
     "Africa States supported 3 of 40 recommendations from GRULAC group States"),
])
def test_interaction_reasons_name_their_counts(table: str, key: tuple[str, ...],
                                               expected: str) -> None:
    forecaster = Forecaster(Model(Tables(), Weights(0.0, {}), Weights(0.0, {})), HistoryStats())
    rec = make_recommendation("Hold free elections.", "Kenya", ["Cuba"], 5, ["Elections"])
    text = forecaster._say(Evidence(table, key, 40, 3, -0.5), rec, {"cuba": "Cuba"}, -0.5)
    assert text.startswith(expected)
    assert text.endswith("lowers the outlook.")


def test_estimated_categories_refit_when_the_rules_change(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library without categories (a UHRI export) is categorised by the checker's rules: a
    model fitted under other rules must not come back from the disk cache."""
    items = synthetic_items()
    for item in items:
        item.action_category = None
    conn = make_library(tmp_path / "uhri.smartlib", items)
    forecaster_for([conn], lambda _text: 4)
    clear_cache()
    fits: list[int] = []
    real_fit = service.fit

    def counting(*args: object) -> Model:
        fits.append(1)
        return real_fit(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "fit", counting)
    forecaster_for([conn], lambda _text: 4)
    assert fits == []
    clear_cache()
    forecaster_for([conn], lambda text: 3 if "Consider" in text else 4)
    assert fits == [1]
