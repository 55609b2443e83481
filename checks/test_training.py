"""Section 3: training the small convnets of 혼자 공부하는 머신러닝+딥러닝 8-2/8-3 and DLwP1 5.1.

The Fashion-MNIST CNN is trained as the book trains it — the full 48,000 /
12,000 split, Adam, batch 32, EarlyStopping(patience=2,
restore_best_weights=True) and ModelCheckpoint, at most 20 epochs — once per
seed, and every claim of the chapter is judged on those runs. Runs come from
the cache when nothing they depend on has changed.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from experiments import data, figures
from experiments.claims import claim
from experiments.training import Arrays, TrainSpec, train


def record_provenance(evidence, runs) -> None:
    cached = sum(r.from_cache for r in runs)
    evidence.note(
        f"{len(runs)} seeded runs ({cached} read from the cache); training took "
        + ", ".join(f"{r.seconds:.0f} s" for r in runs) + " when they were trained."
    )


# --- train.hg.fashion_accuracy -----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("train.hg.fashion_accuracy")
def test_fashion_accuracy(hg_runs, fashion_book_split, fashion_test, evidence) -> None:
    the_claim = claim("train.hg.fashion_accuracy")
    book = the_claim.numbers
    x_test, y_test = fashion_test
    val, test = [], []
    for run in hg_runs:
        model = run.model()
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        val.append(model.evaluate(fashion_book_split.x_val, fashion_book_split.y_val, verbose=0)[1])
        test.append(model.evaluate(x_test, y_test, verbose=0)[1])
    judgements = [
        evidence.judge_band(the_claim, "val_accuracy", val, book["val_accuracy"]),
        evidence.judge_band(the_claim, "test_accuracy", test, book["test_accuracy"],
                            headline=("HG 8", "the Fashion-MNIST CNN, test accuracy")),
        evidence.judge_band(the_claim, "epochs_run", [r.epochs_run for r in hg_runs], book["epochs_run"]),
    ]
    evidence.measure("best epoch per seed", [r.best_epoch for r in hg_runs], 9)
    evidence.figure(
        "Loss and accuracy per epoch", figures.training_curves({f"seed {r.spec.seed}": r.history for r in hg_runs}),
        "Training (solid) and validation (dashed); each run stops two epochs after its best validation loss.",
    )
    record_provenance(evidence, hg_runs)
    failed = [j.describe() for j in judgements if j.fails]
    assert not failed, "train.hg.fashion_accuracy: " + "; ".join(failed) + f" — book: {the_claim.book}"


# --- train.hg.checkpoint -----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("train.hg.checkpoint")
def test_checkpoint_scores_as_restored(hg_runs, fashion_book_split, evidence) -> None:
    differences = []
    for run in hg_runs:
        restored = run.model()
        restored.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        reloaded = keras.models.load_model(run.checkpoint, safe_mode=True)
        scores = [m.evaluate(fashion_book_split.x_val, fashion_book_split.y_val, verbose=0) for m in (restored, reloaded)]
        evidence.measure(f"seed {run.spec.seed}: validation loss, accuracy — restored", scores[0])
        evidence.measure(f"seed {run.spec.seed}: validation loss, accuracy — checkpoint reloaded", scores[1], scores[0])
        if scores[0] != scores[1]:
            differences.append(f"seed {run.spec.seed}: restored {scores[0]}, checkpoint {scores[1]}")
    assert not differences, "train.hg.checkpoint: the reloaded checkpoint scores differently: " + "; ".join(differences)


# --- train.hg.weights_spread -------------------------------------------------------------

def glorot_bound(kernel: np.ndarray) -> float:
    """√(6/(fan_in + fan_out)) for a conv kernel (k_h, k_w, c_in, c_out)."""
    receptive = kernel.shape[0] * kernel.shape[1]
    return math.sqrt(6 / (receptive * kernel.shape[2] + receptive * kernel.shape[3]))


def ks_distance_to_uniform(values: np.ndarray, bound: float) -> float:
    """Kolmogorov–Smirnov distance between the sample and U(−bound, bound)."""
    x = np.sort(values.ravel())
    n = len(x)
    cdf = np.clip((x + bound) / (2 * bound), 0, 1)
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


@pytest.mark.slow
@pytest.mark.claim("train.hg.weights_spread")
def test_training_spreads_first_kernels(hg_runs, evidence) -> None:
    the_claim = claim("train.hg.weights_spread")
    per_seed = {band_id: [] for band_id in the_claim.bands}
    for run in hg_runs:
        untrained = keras.ops.convert_to_numpy(run.model("initial").layers[0].kernel)  # (3, 3, 1, 32)
        trained = keras.ops.convert_to_numpy(run.model().layers[0].kernel)
        bound = glorot_bound(untrained)
        per_seed["untrained_within_bound"].append(np.abs(untrained).max() / bound)
        per_seed["untrained_uniform"].append(ks_distance_to_uniform(untrained, bound))
        per_seed["spread_ratio"].append(trained.std() / untrained.std())
        per_seed["trained_std"].append(trained.std())
        evidence.measure(f"seed {run.spec.seed}: untrained mean, std", [untrained.mean(), untrained.std()],
                         [-0.0008, the_claim.numbers["untrained_std"]])
        evidence.measure(f"seed {run.spec.seed}: trained mean, std", [trained.mean(), trained.std()],
                         [-0.038, the_claim.numbers["trained_std"]])
    judgements = [evidence.judge_band(the_claim, band_id, values) for band_id, values in per_seed.items()]

    first = hg_runs[0]
    untrained = keras.ops.convert_to_numpy(first.model("initial").layers[0].kernel)
    trained = keras.ops.convert_to_numpy(first.model().layers[0].kernel)
    evidence.figure("First-layer weights, untrained and trained", figures.histograms(
        {"untrained": untrained, "trained": trained}, "weight"), f"seed {first.spec.seed}; HG 8-3 draws the same pair.")
    for label, kernel in (("untrained", untrained), ("trained", trained)):
        evidence.figure(f"The 32 first-layer kernels, {label}",
                        figures.image_grid(np.moveaxis(kernel[:, :, 0, :], -1, 0), 2, 16, vmin=-0.5, vmax=0.5),
                        "2×16 grid, vmin −0.5, vmax 0.5, as HG 8-3 draws them.")
    failed = [j.describe() for j in judgements if j.fails]
    assert not failed, "train.hg.weights_spread: " + "; ".join(failed) + f" — book: {the_claim.book}"


# --- train.hg.feature_maps ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("train.hg.feature_maps")
def test_feature_maps_of_the_ankle_boot(hg_runs, fashion_mnist, evidence) -> None:
    book = claim("train.hg.feature_maps").numbers
    (x_train, y_train), _ = fashion_mnist
    evidence.measure("class of the first training image", data.FASHION_MNIST_CLASSES[y_train[0]], "Ankle boot")
    model = hg_runs[0].model()
    # HG 8-3: keras.Model(model.input, model.layers[i].output); a model read back from weights has
    # not been called yet, so it offers only model.inputs (a list of one input).
    conv1 = keras.Model(model.inputs, model.layers[0].output)
    conv2 = keras.Model(model.inputs, model.layers[2].output)
    boot = (x_train[0:1].reshape(-1, 28, 28, 1) / 255.0).astype("float32")
    maps1, maps2 = (keras.ops.convert_to_numpy(m([boot])) for m in (conv1, conv2))
    evidence.measure("conv 1 output", maps1.shape, book["conv1"])
    evidence.measure("conv 2 output", maps2.shape, book["conv2"])
    lowest = evidence.measure("lowest activation (ReLU outputs are ≥ 0)", float(min(maps1.min(), maps2.min())), 0.0)
    evidence.figure("Feature maps of the ankle boot after conv 1", figures.image_grid(np.moveaxis(maps1[0], -1, 0), 4, 8), "4×8 grid, as HG 8-3.")
    evidence.figure("Feature maps after conv 2", figures.image_grid(np.moveaxis(maps2[0], -1, 0), 8, 8), "8×8 grid, as HG 8-3.")
    assert y_train[0] == 9, f"train.hg.feature_maps: the first training image is class {y_train[0]}, not the ankle boot"
    assert (maps1.shape, maps2.shape) == (book["conv1"], book["conv2"]), (
        f"train.hg.feature_maps: shapes {maps1.shape}, {maps2.shape}; book {book['conv1']}, {book['conv2']}"
    )
    assert lowest >= 0, f"train.hg.feature_maps: an activation is {lowest:.3g}: the conv layers' ReLU is missing"


# --- train.dlwp1.mnist -------------------------------------------------------------------

@pytest.fixture(scope="module")
def mnist_arrays(profile) -> Arrays:
    """DLwP1 5.1's MNIST: 60,000 training images, the 10,000 test images as validation data."""
    try:
        (x_train, y_train), (x_test, y_test) = data.load_mnist()
    except data.DatasetError as error:
        if profile.name == "smoke":
            pytest.skip(f"MNIST is not available offline: {error}")
        raise
    return Arrays(((x_train.reshape(-1, 28, 28, 1)) / 255.0).astype("float32"), y_train,
                  ((x_test.reshape(-1, 28, 28, 1)) / 255.0).astype("float32"), y_test)


@pytest.mark.slow
@pytest.mark.claim("train.dlwp1.mnist")
def test_mnist_convnet(mnist_arrays, seeds, run_cache, progress, evidence) -> None:
    the_claim = claim("train.dlwp1.mnist")
    runs = [
        train(TrainSpec(model="mnist_convnet", data="mnist/test_as_validation", loss="sparse_categorical_crossentropy",
                        epochs=5, batch_size=64, seed=seed, optimizer="rmsprop"), mnist_arrays, run_cache, progress)
        for seed in seeds
    ]
    evidence.departure("Integer labels with sparse_categorical_crossentropy instead of one-hot labels with "
                       "categorical_crossentropy: the same loss, without the conversion.")
    judgement = evidence.judge_band(the_claim, "test_accuracy", [r.history["val_accuracy"][-1] for r in runs],
                                    the_claim.numbers["test_accuracy"],
                                    headline=("DLwP1 5.1", "the MNIST convnet, test accuracy"))
    record_provenance(evidence, runs)
    assert not judgement.fails, f"train.dlwp1.mnist: {judgement.describe()} — book: {the_claim.book}"
