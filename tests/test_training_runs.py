"""train(spec): deterministic on the CPU, served from the cache, keyed by everything that matters."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

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


@pytest.mark.parametrize("change", [{"seed": 4}, {"batch_size": 64}, {"epochs": 3}, {"model_args": {}} , {"optimizer": "rmsprop"}])
def test_key_follows_the_spec(arrays, change):
    changed = dataclasses.replace(SPEC, **change)
    assert (cache_key(changed, arrays) == cache_key(SPEC, arrays)) == (changed == SPEC)


def test_key_follows_the_data(arrays):
    other = Arrays(arrays.x_train, arrays.y_train[::-1].copy(), arrays.x_val, arrays.y_val)
    assert cache_key(SPEC, other) != cache_key(SPEC, arrays)


def test_progress_is_told_without_changing_the_run(arrays, tmp_path):
    lines = []
    told = train(SPEC, arrays, RunCache(tmp_path / "a"), say=lines.append)
    silent = train(SPEC, arrays, RunCache(tmp_path / "b"))
    assert told.history == silent.history
    assert lines[0] == "fashion_cnn on random, seed 3: training, up to 2 epochs"
    assert lines[-1].startswith("fashion_cnn on random, seed 3: done in ")
    assert len(lines) <= 2 + SPEC.epochs
