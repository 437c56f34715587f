"""The acceptance fit's compact counting must give exactly the model that plain dictionaries of
(table, key) tuples give.

`_Plain` below is an independent, deliberately simple counter in the structure the fit used
before the packed codes (one Counter per table set, one per held-out review, whole States' and
reviews' counts left out): every count and every fitted weight must come out identical.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from acceptance_support import make_library, synthetic_items

from app.acceptance import counting
from app.acceptance import model as model_module
from app.acceptance.counting import HeldOut
from app.acceptance.history import (
    HistoryRow,
    HistoryStats,
    make_recommendation,
    read_history,
)
from app.acceptance.model import Model, fit, fit_cut_offs
from app.acceptance.tables import KeyCodes, Tables, Tally, row_keys
from app.acceptance.wording import TermRows
from app.evidence.library import open_library


def _never(text: str) -> int:
    raise AssertionError(f"every synthetic row has a category; asked for {text!r}")


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[HistoryRow]:
    path: Path = tmp_path_factory.mktemp("counting") / "history.smartlib"
    make_library(path, synthetic_items(2500, seed=3)).close()
    read = list(read_history([open_library(path, read_only=True)], _never, HistoryStats()))
    # States, issues and recommenders met once: kept, unlike words met once
    lone = [HistoryRow(make_recommendation(f"Protect the lighthouse keepers of island {n}.",
                                           f"Islandia {n}", [f"Oceania {n}"], 1 + n % 5,
                                           [f"Lighthouses {n}"]), n % 2 == 0, 2 + 3 * n)
            for n in range(3)]
    return read[:100] + lone[:1] + read[100:900] + lone[1:] + read[900:]


@dataclass
class _Plain:
    """Counts as plain Counters of (table, key): the reference the packed counts must match."""

    tables: Tables = field(default_factory=Tables)
    held_sample: list[HistoryRow] = field(default_factory=list)
    reviews: dict[tuple[str, int | None], Tables] = field(default_factory=dict)
    states: dict[str, Tables] = field(default_factory=dict)
    terms: TermRows = field(default_factory=TermRows)

    def without_state(self, row: HistoryRow) -> Tables:
        name = row.recommendation.state
        if name not in self.states:
            state = self.states[name] = Tables()
            for (of, _session), part in self.reviews.items():
                if of == name:
                    state.total += part.total
                    state.supported += part.supported
                    state.seen.update(part.seen)
                    state.yes.update(part.yes)
        return self.states[name]

    def without_review(self, row: HistoryRow) -> Tables:
        return self.reviews[(row.recommendation.state, row.session)]

    def repeated_states(self) -> set[str]:
        reviews = Counter(name for name, _session in self.reviews)
        return {name for name, n in reviews.items() if n > 1}


def _add(tables: Tables, keys: list[tuple[str, object]], supported: bool) -> None:
    """One row counted into plain Counters: the structure the packed counting replaced."""
    tables.total += 1
    tables.seen.update(keys)
    if supported:
        tables.supported += 1
        tables.yes.update(keys)


def _plain_count(rows: list[HistoryRow], size: int, seed: int = 15) -> _Plain:
    plain = _Plain()
    rng = random.Random(seed)
    for held, row in enumerate(rows):
        keys = list(row_keys(row.recommendation))
        _add(plain.tables, keys, row.supported)
        state = row.recommendation.state
        plain.terms.add(row.recommendation.terms, row.supported, state)
        review = plain.reviews.setdefault((state, row.session), Tables())
        _add(review, keys, row.supported)
        if len(plain.held_sample) < size:  # reservoir sampling, as the fit documents it
            plain.held_sample.append(row)
        else:
            j = rng.randrange(held + 1)
            if j < size:
                plain.held_sample[j] = row
    once = [k for k, n in plain.tables.seen.items() if n == 1 and k[0].endswith("wording")]
    for k in once:
        del plain.tables.seen[k]
        plain.tables.yes.pop(k, None)
    return plain


def _same(model: Model, reference: Model) -> None:
    assert (model.tables.total, model.tables.supported) == (
        reference.tables.total, reference.tables.supported)
    assert dict(model.tables.seen) == dict(reference.tables.seen)
    assert dict(model.tables.yes) == dict(reference.tables.yes)
    assert model.unseen == reference.unseen  # exactly: the same counts, the same arithmetic
    assert model.known == reference.known


@pytest.fixture(scope="module")
def expected(rows: list[HistoryRow]) -> Model:
    """The model fitted on the plain counts of every row."""
    plain = _plain_count(rows, counting.FIT_SAMPLE)
    # the `known` weights are fitted, not copied
    assert len(plain.repeated_states()) >= model_module.MIN_REPEAT_STATES
    reference: HeldOut = plain
    model = model_module._fit_counted(reference)
    assert model.known != model.unseen
    return model


@pytest.mark.parametrize("buffers", [(1 << 19, 1 << 16, 1 << 10), (97, 13, 1 << 30), (97, 13, 1)])
def test_fit_equals_plain_counters(
    rows: list[HistoryRow], expected: Model, monkeypatch: pytest.MonkeyPatch,
    buffers: tuple[int, int, int],
) -> None:
    """Also with buffers so small that the counts are folded hundreds of times, and with every
    review folded whenever another review's row comes between its rows."""
    monkeypatch.setattr(counting, "MAIN_BUFFER", buffers[0])
    monkeypatch.setattr(counting, "REVIEW_BUFFER", buffers[1])
    monkeypatch.setattr(counting, "REVIEW_SETTLE", buffers[2])
    model = fit(iter(rows))
    _same(model, expected)
    assert model.tables.get("state", "islandia 1") == (1, 0)


def test_one_state_reviewed_twice_teaches_no_weights_of_its_own(rows: list[HistoryRow]) -> None:
    """Weights for a State's next review learnt from one State would learn that State."""
    first: dict[str, int | None] = {}
    for row in rows:
        first.setdefault(row.recommendation.state, row.session)
    again = next(r.recommendation.state for r in rows if r.session != first[r.recommendation.state])
    kept = [r for r in rows
            if r.recommendation.state == again or r.session == first[r.recommendation.state]]
    counted = counting.count_rows(iter(kept))
    assert counted.repeated_states() == {again}
    assert len([r for r in kept if r.recommendation.state == again]) > model_module.MIN_REPEAT_ROWS
    model = model_module._fit_counted(counted)
    assert model.known is model.unseen
    assert model.weights_for(again) is model.unseen


def test_a_finished_review_is_folded_when_the_next_begins(rows: list[HistoryRow]) -> None:
    """Its distinct pairs, not every row's codes, stay in memory until the fit."""
    by_review: dict[tuple[str, int | None], list[HistoryRow]] = {}
    for row in rows:
        by_review.setdefault((row.recommendation.state, row.session), []).append(row)
    first, second = sorted(by_review.items(), key=lambda kv: -len(kv[1]))[:2]
    part = counting.Part(KeyCodes(), random.Random(1), 10)
    for row in first[1]:
        part.add(row)
    tally = part.reviews[first[0]]
    assert len(tally._seen) >= counting.REVIEW_SETTLE  # still a buffer of codes
    part.add(second[1][0])
    assert len(tally._seen) == 0  # folded into sorted distinct pairs
    assert tally.counts().total == len(first[1])


def test_sampled_fit_equals_plain_counters(rows: list[HistoryRow]) -> None:
    """With a sample smaller than the held-out rows (the reservoir replaces rows)."""
    plain = _plain_count(rows, 300)
    assert len(plain.held_sample) == 300 < len(rows)
    counted = counting.count_rows(iter(rows), sample_size=300)
    _same(model_module._fit_counted(counted), model_module._fit_counted(plain))


def test_cut_off_counts_equal_plain_counters(rows: list[HistoryRow]) -> None:
    models = fit_cut_offs(iter(rows), [4, 9])
    for cut, model in models.items():
        earlier = [r for r in rows if r.session is not None and r.session < cut]
        plain = _plain_count(earlier, len(earlier))
        assert (model.tables.total, model.tables.seen, model.tables.yes) == (
            plain.tables.total, plain.tables.seen, plain.tables.yes)
        assert model.tables.get("issue", "Lighthouses 0") == (1, 1)
    # the cut-offs' tables share their key tuples instead of holding one copy each
    shared = set(map(id, models[4].tables.seen)) & set(map(id, models[9].tables.seen))
    assert len(shared) == len(models[4].tables.seen)


def test_describe_leaves_out_only_the_rows_own_keys(
    rows: list[HistoryRow], expected: Model,
) -> None:
    """Leaving a State out is looked up for the described row's own keys only: that is exact
    only while `Model.describe` asks the left-out counts for no other key."""

    class Asked(Counter[tuple[str, object]]):
        """Records every key asked for; holds nothing."""

        def __init__(self, asked: set[tuple[str, object]]) -> None:
            super().__init__()
            self.asked = asked

        def get(self, key: tuple[str, object], default: object = None) -> int:
            self.asked.add(key)
            return 0

    model = expected
    for row in rows[:200]:
        keys: set[tuple[str, object]] = set()
        model.describe(row.recommendation, without=Tables(1, 1, Asked(keys), Asked(keys)))
        own = set(row_keys(row.recommendation))
        asked = {k for k in keys if model.tables.get(*k)[0]}  # never counted: 0 anyway
        assert asked and asked <= own, sorted(map(str, asked - own))


def test_key_codes_round_trip_and_fold_like_a_counter() -> None:
    keys: list[tuple[str, object]] = [
        ("state", "kenya"), ("category", 4), ("group_category", ("African Group", 4)),
        ("wording", "death penalty"), ("odd", ("a", "b", "c")), ("odd", ()), ("state", "4"),
        ("group_wording", ("African Group", "death penalty")), ("state", 4),
    ]
    codes = KeyCodes()
    decoder_keys = codes.encode(keys)
    assert len(set(decoder_keys)) == len(keys)
    decoder = codes.decoder()
    assert [decoder.key(c) for c in decoder_keys] == keys
    rng = random.Random(5)
    tally, seen, yes = Tally(7), Counter[tuple[str, object]](), Counter[tuple[str, object]]()
    for _ in range(300):
        row = rng.sample(keys, rng.randint(1, len(keys)))
        supported = rng.random() < 0.6
        tally.add(codes.encode(row), supported)
        seen.update(row)
        if supported:
            yes.update(row)
    counts = tally.counts()
    tables = counts.tables(codes.decoder())
    assert dict(tables.seen) == dict(seen) and dict(tables.yes) == dict(yes)
    assert (tables.total, tables.supported) == (300, counts.supported)
    subset = counts.subset(keys[:3], codes)
    assert dict(subset.seen) == {k: seen[k] for k in keys[:3]}
    many = KeyCodes()
    many.encode([(f"table {n}", "x") for n in range(32)])  # as many tables as a code holds
    with pytest.raises(OverflowError, match="more than 32 tables"):
        many.encode([("one table too many", "x")])
