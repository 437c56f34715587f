"""The acceptance outlook's fitted wording score.

Synthetic rows only (words written for the tests): the properties that matter are that words
which travel together share their pull instead of each counting in full, that the rows the
outlook's weights are fitted on are scored without their own State, that the wording reason
names a word with its library counts.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from acceptance_support import make_library, synthetic_items

from app.acceptance.history import make_recommendation, terms
from app.acceptance.model import REASON_OF
from app.acceptance.service import forecaster_for
from app.acceptance.wording import FOLDS, TermRows, fit_wording, fold_of


def _never(text: str) -> int:
    raise AssertionError(f"every synthetic row has a category; asked for {text!r}")


def _sample(rows: list[tuple[tuple[str, ...], bool, str]]) -> TermRows:
    sample = TermRows()
    for words, supported, state in rows:
        sample.add(words, supported, state)
    return sample


def _rows(together: bool, seed: int = 3) -> list[tuple[tuple[str, ...], bool, str]]:
    """'abolish' is noted three times in four; everything else is supported three in four."""
    rng = random.Random(seed)
    out = []
    for i in range(2000):
        sensitive = i % 4 == 0
        words: tuple[str, ...] = ("ensure", "rights")
        if sensitive:
            words += ("abolish", "abolish penalty") if together else ("abolish",)
        supported = rng.random() < (0.25 if sensitive else 0.75)
        out.append((words, supported, f"State {i % 40}"))
    return out


def test_words_that_travel_together_share_their_pull() -> None:
    alone = fit_wording(_sample(_rows(together=False)), 5, ["ensure", "rights", "abolish"])
    pair = fit_wording(_sample(_rows(together=True)), 5,
                       ["ensure", "rights", "abolish", "abolish penalty"])
    one = alone.full["abolish"]
    assert one < -1.0  # noted far more often than the rest
    both = pair.full["abolish"] + pair.full["abolish penalty"]
    # Counted one word at a time, the two would pull twice as far; fitted together they split it.
    assert both == pytest.approx(one, rel=0.15)
    assert pair.full["abolish"] == pytest.approx(pair.full["abolish penalty"], rel=0.05)


def test_fold_coefficients_never_see_their_own_states() -> None:
    rows = _rows(together=False)
    lone = "State 7"
    rows += [(("ensure", "secede"), False, lone) for _ in range(30)]
    fitted = fit_wording(_sample(rows), 5, ["ensure", "rights", "abolish", "secede"])
    assert fitted.full["secede"] < -0.5  # only ever noted, by one State
    own = fitted.by_fold[fold_of(lone)]
    assert own.get("secede", 0.0) == 0.0  # fitted without that State: nothing to learn from
    others = [fitted.by_fold[k] for k in range(FOLDS) if k != fold_of(lone)]
    assert all(fold["secede"] < -0.5 for fold in others)
    assert all(fold["abolish"] < -1.0 for fold in fitted.by_fold)


def test_rare_terms_are_not_fitted() -> None:
    rows = _rows(together=False)
    rows += [(("ensure", "unheard"), False, "State 1") for _ in range(4)]
    fitted = fit_wording(_sample(rows), 5, ["ensure", "rights", "abolish", "unheard"])
    assert "unheard" not in fitted.full
    assert all("unheard" not in fold for fold in fitted.by_fold)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("wording") / "history.smartlib"
    return make_library(path, synthetic_items())


def test_wording_reason_names_a_word_with_its_library_counts(
    library: sqlite3.Connection,
) -> None:
    forecaster = forecaster_for([library], _never)
    model = forecaster.model
    text = "Abolish the death penalty for all crimes."
    rec = make_recommendation(text, "Kenya", ["Norway"], 5, ["Death penalty"])
    described = model.describe(rec)
    coef = model.word_coef
    assert coef, "the synthetic history has enough wording to fit"
    score = sum(coef[t] for t in rec.terms if t in coef)
    assert described.values["wording_fit"] == pytest.approx(score)
    ev = described.evidence["wording_fit"]
    assert ev.key[0] in rec.terms and ev.shift == coef[ev.key[0]]
    assert (ev.shift < 0) == (score < 0)
    # The counts quoted are the library's own: rows whose text uses the term, and how many
    # of them were supported.
    items = synthetic_items()
    using = [i for i in items if ev.key[0] in terms(i.text)]
    assert ev.total == len(using)
    assert ev.supported == sum(i.response == "supported" for i in using)
    # The wording part of the log-odds is exactly the weighted sum of its features.
    weights = model.weights_for(rec.state)
    parts = model.contributions(described, weights)
    wording = sum(weights.by[f] * v for f, v in described.values.items()
                  if REASON_OF[f] == "wording")
    assert weights.by["wording_fit"] > 0  # the fitted score carries weight of its own
    assert parts["wording"] == pytest.approx(wording)


def test_term_ids_are_the_same_in_every_process() -> None:
    """A model fitted in one process is cached on disk and read by others (spawned batch
    workers, the next run): a word must have the same id in all of them, whatever Python's
    per-process string-hash salt."""
    import os
    import subprocess
    import sys

    from app.acceptance.wording import term_id

    words = ["death penalty", "abolish", "ratify", "décriminaliser"]
    code = ("from app.acceptance.wording import term_id; "
            f"print([term_id(w) for w in {words!r}])")
    seen = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("1", "2")
    }
    assert seen == {str([term_id(w) for w in words])}
