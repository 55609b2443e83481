"""train(spec): deterministic on the CPU, served from the cache, keyed by its behaviour and nothing else."""

from __future__ import annotations

import dataclasses
import shutil
import time

import keras
import numpy as np
import pytest
from keras import layers
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

from experiments.claims.recipe import TrainSpec
from experiments.data.arrays import Arrays
from experiments.run import fitting, identity, models
from experiments.run.cache import RunCache
from experiments.run.identity import cache_key
from experiments.run.seeding import seed_everything
from experiments.run.training import Run, train, untrained


@pytest.fixture(scope="module")
def arrays() -> Arrays:
    rng = np.random.default_rng(0)
    x = rng.random((640, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 640).astype("uint8")
    return Arrays(x[:512], y[:512], x[512:], y[512:])


SPEC = TrainSpec(model="fashion_cnn", data="random", loss="sparse_categorical_crossentropy",
                 epochs=2, batch_size=32, seed=3, early_stopping_patience=2, checkpoint=True)


@pytest.fixture(scope="module")
def trained(arrays, tmp_path_factory) -> Run:
    """SPEC trained once, in a cache of its own, for the tests that only read it."""
    return train(SPEC, arrays, RunCache(tmp_path_factory.mktemp("trained")))


@pytest.fixture
def cache(trained, tmp_path) -> RunCache:
    """A copy of the cache SPEC was trained in, for a test that writes to it."""
    shutil.copytree(trained.entry.parent, tmp_path / "cache")
    return RunCache(tmp_path / "cache")


def test_same_seed_same_history_and_weights(trained, arrays, tmp_path):
    again = train(SPEC, arrays, RunCache(tmp_path))
    assert not trained.from_cache and not again.from_cache
    assert again.history == trained.history
    for a, b in zip(trained.model().get_weights(), again.model().get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_second_call_reads_the_cache(trained, cache, arrays):
    again = train(SPEC, arrays, cache)
    assert again.from_cache and again.history == trained.history and again.entry == cache.root / trained.entry.name
    assert again.checkpoint.is_file()
    forced = train(SPEC, arrays, RunCache(cache.root, fresh_since=time.time()))
    assert not forced.from_cache and forced.history == trained.history


def test_without_the_cache_a_chain_trains_its_base_once(cache, arrays):
    """--no-cache trains every run again, but a base that two runs start from only once."""
    fresh = RunCache(cache.root, fresh_since=time.time())
    tuned = [train(dataclasses.replace(SPEC, start_from=SPEC, seed=seed, epochs=1), arrays, fresh) for seed in (7, 8)]
    assert not any(run.from_cache for run in tuned)
    assert train(SPEC, arrays, fresh).from_cache  # the base, retrained for the first, was read back for the second


def test_damaged_entry_is_trained_again(cache, trained, arrays):
    weights = cache.root / trained.entry.name / "final.weights.h5"
    weights.write_bytes(weights.read_bytes()[:100])
    again = train(SPEC, arrays, cache)
    assert not again.from_cache
    assert again.model() is not None


@pytest.fixture
def fresh_keys():
    """Keys computed anew in the test, and none of its patched ones left behind for later tests."""
    identity._KEYS.clear()
    identity.loop_fingerprint.cache_clear()
    yield
    identity._KEYS.clear()
    identity.loop_fingerprint.cache_clear()


@pytest.mark.parametrize("change", [{"seed": 4}, {"batch_size": 64}, {"epochs": 3}, {"optimizer": "rmsprop"},
                                    {"learning_rate": 1e-4}, {"loss": "categorical_crossentropy"},
                                    {"early_stopping_patience": 3}, {"checkpoint": False}, {"validation_freq": 2}])
def test_key_follows_every_training_setting(arrays, change):
    assert cache_key(dataclasses.replace(SPEC, **change), arrays) != cache_key(SPEC, arrays)


def test_key_ignores_what_changes_no_behaviour(arrays):
    """The data's label and the builder's keyword arguments spelled out at their defaults are not behaviour."""
    assert cache_key(dataclasses.replace(SPEC, data="the same arrays, named otherwise"), arrays) == cache_key(SPEC, arrays)
    dense = dataclasses.replace(SPEC, model="dense_network", model_args={"inputs": 784})
    spelled_out = dataclasses.replace(dense, model_args={"inputs": 784, "units": 16, "l2": 0.0})
    flat = Arrays(arrays.x_train.reshape(-1, 784), arrays.y_train % 2, arrays.x_val.reshape(-1, 784), arrays.y_val % 2)
    assert cache_key(spelled_out, flat) == cache_key(dense, flat)


def _fashion_cnn_rewritten(dense_units: int = 100,
                           initializer: str = "glorot_uniform") -> keras.Model:
    """models.fashion_cnn written anew: another function, its layers made before the model, with arguments."""
    pieces = [layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=initializer),
              layers.MaxPooling2D(2), layers.Conv2D(64, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
              layers.Flatten(), layers.Dense(dense_units, activation="relu"), layers.Dropout(0.4),
              layers.Dense(10, activation="softmax")]
    return keras.Sequential([keras.Input((28, 28, 1)), *pieces], name="fashion_cnn")


def test_a_refactor_of_the_builders_keeps_every_key(arrays, monkeypatch, fresh_keys):
    """Another function, other layer names (Keras numbers them per process), the same model: the same run."""
    before = cache_key(SPEC, arrays)
    models.fashion_cnn()  # a first build takes the plain names; the next one's layers are named conv2d_2 and so on
    identity._KEYS.clear()
    monkeypatch.setattr(models, "fashion_cnn", _fashion_cnn_rewritten)
    assert cache_key(SPEC, arrays) == before


@pytest.mark.parametrize("change", [{"dense_units": 101}, {"initializer": "he_normal"}])
def test_a_change_of_one_layer_moves_exactly_the_keys_of_the_runs_that_use_it(arrays, monkeypatch, fresh_keys, change):
    unrelated = dataclasses.replace(SPEC, model="block_convnet", model_args={"classes": 10})
    transfer = dataclasses.replace(unrelated, start_from=SPEC, start_from_layers=2)  # starts from a fashion_cnn run
    runs = (SPEC, unrelated, transfer)
    before = [cache_key(spec, arrays) for spec in runs]
    identity._KEYS.clear()
    monkeypatch.setattr(models, "fashion_cnn", lambda: _fashion_cnn_rewritten(**change))
    after = [cache_key(spec, arrays) for spec in runs]
    assert [a != b for a, b in zip(after, before)] == [True, False, True]


def test_a_change_of_the_augmentation_moves_the_key(arrays, fresh_keys):
    spec = TrainSpec(model="cats_dogs_convnet", model_args={"size": 48, "augment": True}, data="random",
                     loss="binary_crossentropy", epochs=1, batch_size=32, seed=0)
    pixels = Arrays(np.zeros((4, 48, 48, 3), "float32"), np.zeros(4, "uint8"), np.zeros((4, 48, 48, 3), "float32"),
                    np.zeros(4, "uint8"))
    nearest = dataclasses.replace(spec, model_args={**spec.model_args, "interpolation": "nearest"})
    assert cache_key(nearest, pixels) != cache_key(spec, pixels)


class _EarlyStoppingKeepingTheLast(keras.callbacks.EarlyStopping):
    def __init__(self, **options):
        super().__init__(**{**options, "restore_best_weights": False})


def test_a_change_of_the_training_loop_moves_every_key(arrays, monkeypatch, fresh_keys):
    """The loop is fingerprinted by a tiny run through it: a loop that restores no best weights is another loop."""
    before = cache_key(SPEC, arrays)
    fingerprint = identity.loop_fingerprint()
    identity._KEYS.clear()
    identity.loop_fingerprint.cache_clear()
    monkeypatch.setattr(keras.callbacks, "EarlyStopping", _EarlyStoppingKeepingTheLast)
    assert identity.loop_fingerprint() != fingerprint
    assert cache_key(SPEC, arrays) != before


def test_a_run_on_another_device_is_another_run(arrays, monkeypatch, fresh_keys):
    before = cache_key(SPEC, arrays)
    identity._KEYS.clear()
    monkeypatch.setattr(identity, "device_kind", lambda: "GPU: NVIDIA H100 80GB HBM3")
    assert cache_key(SPEC, arrays) != before


def test_a_run_split_across_other_threads_is_another_run(arrays, monkeypatch, fresh_keys):
    """On a CPU a run's weights depend on how many threads its ops split their reductions across."""
    before = cache_key(SPEC, arrays)
    identity._KEYS.clear()
    threads_here = identity.intra_op_threads()
    monkeypatch.setattr(identity, "intra_op_threads", lambda: threads_here + 1)
    assert cache_key(SPEC, arrays) != before


def test_key_follows_the_data(arrays):
    other = Arrays(arrays.x_train, arrays.y_train[::-1].copy(), arrays.x_val, arrays.y_val)
    assert cache_key(SPEC, other) != cache_key(SPEC, arrays)


def test_key_follows_the_data_a_run_starts_from(arrays):
    other = Arrays(arrays.x_train, arrays.y_train[::-1].copy(), arrays.x_val, arrays.y_val)
    transfer = dataclasses.replace(SPEC, start_from=SPEC)
    assert cache_key(transfer, arrays, start_arrays=other) != cache_key(transfer, arrays)
    assert cache_key(transfer, arrays, start_arrays=arrays) == cache_key(transfer, arrays)


def test_progress_is_told_without_changing_the_run(trained, arrays, tmp_path):
    lines = []
    told = train(SPEC, arrays, RunCache(tmp_path), say=lines.append)
    assert told.history == trained.history
    assert lines[0] == "fashion_cnn on random, seed 3: training, up to 2 epochs"
    assert lines[-1].startswith("fashion_cnn on random, seed 3: done in ")
    assert len(lines) <= 2 + SPEC.epochs


def _random_regression() -> tuple[TrainSpec, Arrays]:
    """K-fold's kind of run: float64 arrays (cast to float32 on the way in), a partial last batch, many epochs."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(170, 6)), rng.normal(150, 50, size=170)
    spec = TrainSpec(model="housing_regressor", model_args={"features": 6}, data="random", loss="mse",
                     metrics=("mae",), epochs=25, batch_size=16, seed=4, optimizer="rmsprop", early_stopping_patience=3)
    return spec, Arrays(x[:130], y[:130], x[130:], y[130:])


def _random_photographs() -> tuple[TrainSpec, Arrays]:
    """The augmented model with dropout draws random numbers at every step, and 34 steps an epoch make one
    group of 32 and one of 2, so the grouping's seams and the generators' state across them are exercised."""
    rng = np.random.default_rng(1)
    x = rng.random((780, 48, 48, 3), dtype=np.float32)
    y = rng.integers(0, 2, 780).astype("uint8")
    spec = TrainSpec(model="cats_dogs_convnet", model_args={"size": 48, "dropout": True, "augment": True},
                     data="random", loss="binary_crossentropy", epochs=2, batch_size=20, seed=5,
                     optimizer="rmsprop", learning_rate=1e-4)
    return spec, Arrays(x[:680], y[:680], x[680:], y[680:])


@pytest.mark.parametrize("case", [_random_photographs, _random_regression])
def test_the_suites_fit_learns_what_the_books_fit_learns(tmp_path, monkeypatch, case):
    """Steps grouped 32 to a call, validation in big batches, each epoch's batches drawn once: the same
    weights as the book's model.fit on the arrays, bit for bit, and the same training history."""
    spec, arrays = case()
    suite = train(spec, arrays, RunCache(tmp_path / "suite"))
    monkeypatch.setattr(fitting, "COMPILE_OPTIONS", {})
    monkeypatch.setattr(fitting, "suite_fit", fitting.books_fit)
    book = train(spec, arrays, RunCache(tmp_path / "book"))
    for a, b in zip(suite.model().get_weights(), book.model().get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert suite.history["loss"] == book.history["loss"]
    np.testing.assert_allclose(suite.history["val_loss"], book.history["val_loss"], rtol=1e-5)


def test_with_the_seeds_set_keras_draws_the_same_batches_every_epoch():
    """The premise of epoch_batches: a new iterator of Keras' pipeline for arrays repeats the first one's order.
    A Keras that reshuffled every epoch would fail here first, and the test above with it."""
    seed_everything(7)
    x = np.arange(50, dtype="float32")
    pipeline = ArrayDataAdapter(x, x, batch_size=8, shuffle=True).get_tf_dataset()
    first, second = ([batch.numpy().tolist() for batch, _ in pipeline] for _ in range(2))
    assert first == second
    assert sorted(sum(first, [])) != sum(first, [])  # shuffled, not in order
    assert [batch.numpy().tolist() for batch, _ in fitting.epoch_batches(x, x, 8, shuffle=True)] == first


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


def test_untrained_is_the_run_as_training_received_it(trained, arrays):
    """A negative control's model: the initial weights, evaluated as a one-row history; the run itself untouched."""
    before = untrained(trained, arrays)
    for a, b in zip(before.model().get_weights(), trained.model("initial").get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(before.model().get_weights(), trained.model().get_weights()))
    model = trained.model("initial")
    model.compile(loss=SPEC.loss, metrics=list(SPEC.metrics))
    loss, accuracy = model.evaluate(arrays.x_val, arrays.y_val, verbose=0)
    assert before.history["val_loss"] == [pytest.approx(loss, rel=1e-6)]
    assert before.history["val_accuracy"] == [pytest.approx(accuracy)]
    assert set(before.history) == {"loss", "accuracy", "val_loss", "val_accuracy"} and before.epochs_run == 1
    assert untrained(trained).epochs_run == 0 and trained.history["loss"] and trained.final_weights == "final"


def test_the_untrained_evaluation_kept_in_the_cache_is_the_one_measured_again(cache, arrays, monkeypatch):
    run = train(SPEC, arrays, cache)
    measured_now = untrained(run, arrays)
    kept = untrained(run, arrays, cache)
    monkeypatch.setattr(Run, "model", lambda *_: pytest.fail("read back, the evaluation needs no model"))
    read_back = untrained(run, arrays, cache)
    assert kept.history == read_back.history == measured_now.history
    assert [v.hex() for v in read_back.history["val_loss"]] == [v.hex() for v in measured_now.history["val_loss"]]
    assert read_back.final_weights == "initial" and read_back.entry == run.entry
    other = Arrays(arrays.x_train, arrays.y_train, arrays.x_train[:128], arrays.y_train[:128])
    with pytest.raises(pytest.fail.Exception, match="needs no model"):  # other arrays: measured anew
        untrained(run, other, cache)
