"""train(spec): deterministic on the CPU, served from the cache, keyed by everything that matters."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from experiments import training
from experiments.cache import RunCache
from experiments.training import Arrays, TrainSpec, cache_key, train


@pytest.fixture(scope="module")
def arrays() -> Arrays:
    rng = np.random.default_rng(0)
    x = rng.random((640, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 640).astype("uint8")
    return Arrays(x[:512], y[:512], x[512:], y[512:])


SPEC = TrainSpec(model="fashion_cnn", data="random", loss="sparse_categorical_crossentropy",
                 epochs=2, batch_size=32, seed=3, early_stopping_patience=2, checkpoint=True)


def test_same_seed_same_history_and_weights(arrays, tmp_path):
    first = train(SPEC, arrays, RunCache(tmp_path / "a"))
    second = train(SPEC, arrays, RunCache(tmp_path / "b"))
    assert not first.from_cache and not second.from_cache
    assert first.history == second.history
    for a, b in zip(first.model().get_weights(), second.model().get_weights()):
        np.testing.assert_array_equal(a, b)


def test_second_call_reads_the_cache(arrays, tmp_path):
    cache = RunCache(tmp_path)
    trained = train(SPEC, arrays, cache)
    again = train(SPEC, arrays, cache)
    assert again.from_cache and again.history == trained.history and again.entry == trained.entry
    assert again.checkpoint.is_file()
    forced = train(SPEC, arrays, RunCache(tmp_path, enabled=False))
    assert not forced.from_cache and forced.history == trained.history


def test_damaged_entry_is_trained_again(arrays, tmp_path):
    cache = RunCache(tmp_path)
    trained = train(SPEC, arrays, cache)
    weights = trained.entry / "final.weights.h5"
    weights.write_bytes(weights.read_bytes()[:100])
    again = train(SPEC, arrays, cache)
    assert not again.from_cache
    assert again.model() is not None


@pytest.mark.parametrize("change", [{"seed": 4}, {"batch_size": 64}, {"epochs": 3}, {"model_args": {}} , {"optimizer": "rmsprop"},
                                    {"validation_freq": 2}])
def test_key_follows_the_spec(arrays, change):
    changed = dataclasses.replace(SPEC, **change)
    assert (cache_key(changed, arrays) == cache_key(SPEC, arrays)) == (changed == SPEC)


def test_key_follows_the_data(arrays):
    other = Arrays(arrays.x_train, arrays.y_train[::-1].copy(), arrays.x_val, arrays.y_val)
    assert cache_key(SPEC, other) != cache_key(SPEC, arrays)


def test_key_follows_the_data_a_run_starts_from(arrays):
    other = Arrays(arrays.x_train, arrays.y_train[::-1].copy(), arrays.x_val, arrays.y_val)
    transfer = dataclasses.replace(SPEC, start_from=SPEC)
    assert cache_key(transfer, arrays, start_arrays=other) != cache_key(transfer, arrays)
    assert cache_key(transfer, arrays, start_arrays=arrays) == cache_key(transfer, arrays)


def test_progress_is_told_without_changing_the_run(arrays, tmp_path):
    lines = []
    told = train(SPEC, arrays, RunCache(tmp_path / "a"), say=lines.append)
    silent = train(SPEC, arrays, RunCache(tmp_path / "b"))
    assert told.history == silent.history
    assert lines[0] == "fashion_cnn on random, seed 3: training, up to 2 epochs"
    assert lines[-1].startswith("fashion_cnn on random, seed 3: done in ")
    assert len(lines) <= 2 + SPEC.epochs


def test_the_suites_fit_options_learn_what_the_books_fit_learns(tmp_path, monkeypatch):
    """Steps grouped 32 to a call and validation in big batches: the same weights, bit for bit.

    The augmented model with dropout draws random numbers at every step, and 34
    steps an epoch make one group of 32 and one of 2, so the grouping's seams
    and the generators' state across them are both exercised.
    """
    rng = np.random.default_rng(1)
    x = rng.random((780, 48, 48, 3), dtype=np.float32)
    y = rng.integers(0, 2, 780).astype("uint8")
    arrays = Arrays(x[:680], y[:680], x[680:], y[680:])
    spec = TrainSpec(model="cats_dogs_convnet", model_args={"size": 48, "dropout": True, "augment": True},
                     data="random", loss="binary_crossentropy", epochs=2, batch_size=20, seed=5,
                     optimizer="rmsprop", learning_rate=1e-4)
    suite = train(spec, arrays, RunCache(tmp_path / "suite"))
    monkeypatch.setattr(training, "COMPILE_OPTIONS", {})
    monkeypatch.setattr(training, "FIT_OPTIONS", {})
    book = train(spec, arrays, RunCache(tmp_path / "book"))
    for a, b in zip(suite.model().get_weights(), book.model().get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert suite.history["loss"] == book.history["loss"]
    np.testing.assert_allclose(suite.history["val_loss"], book.history["val_loss"], rtol=1e-5)


def test_start_from_layers_takes_only_the_lowest_layers_and_freezing_keeps_them(arrays, tmp_path):
    cache = RunCache(tmp_path)
    base = TrainSpec(model="block_convnet", model_args={"classes": 10}, data="random",
                     loss="sparse_categorical_crossentropy", epochs=1, batch_size=32, seed=3)
    transfer = dataclasses.replace(base, model_args={"classes": 10, "frozen_blocks": 1}, start_from=base,
                                   start_from_layers=2, seed=4)
    other_task = Arrays(arrays.x_train[::-1].copy(), arrays.y_train, arrays.x_val, arrays.y_val)
    source = train(base, other_task, cache).model()
    moved = train(transfer, arrays, cache, start_arrays=other_task)
    initial, final = moved.model("initial"), moved.model()

    def kernel(model, layer: int):
        return model.layers[layer].get_weights()[0]

    lowest_conv, next_conv = 0, 2  # block 0's Conv2D, block 1's
    np.testing.assert_array_equal(kernel(initial, lowest_conv), kernel(source, lowest_conv))  # taken from the base
    np.testing.assert_array_equal(kernel(final, lowest_conv), kernel(source, lowest_conv))  # frozen while training
    assert not np.array_equal(kernel(initial, next_conv), kernel(source, next_conv))  # its own initialisation
    assert not np.array_equal(kernel(final, next_conv), kernel(initial, next_conv))  # trained
    with pytest.raises(ValueError, match="start_from_layers=99, but block_convnet has 9 layers"):
        train(dataclasses.replace(transfer, start_from_layers=99), arrays, cache, start_arrays=other_task)


def test_validating_at_the_end_only_has_no_best_epoch(arrays, tmp_path):
    run = train(dataclasses.replace(SPEC, validation_freq=2, early_stopping_patience=None, checkpoint=False),
                arrays, RunCache(tmp_path))
    assert len(run.history["val_loss"]) == 1 and len(run.history["loss"]) == 2
    with pytest.raises(ValueError, match="validated every 2 epochs"):
        run.best_epoch
