"""Section 3: training the small convnets of 혼자 공부하는 머신러닝+딥러닝 8-2/8-3 and DLwP1 5.1.

The Fashion-MNIST CNN is trained as the book trains it — the full 48,000 /
12,000 split, Adam, batch 32, EarlyStopping(patience=2,
restore_best_weights=True) and ModelCheckpoint, at most 20 epochs — once per
seed, and every claim of the chapter is judged on those runs. Runs come from
the cache when nothing they depend on has changed.
"""

from __future__ import annotations

import functools
import math
import sys

import keras
import numpy as np
import pytest

from experiments import data, figures
from experiments.measurements import measured
from experiments.profiles import BOOK_SIZES
from experiments.training import Arrays, TrainSpec, train, untrained


def record_provenance(evidence, runs) -> None:
    cached = sum(r.from_cache for r in runs)
    evidence.note(
        f"{len(runs)} seeded runs ({cached} read from the cache); training took "
        + ", ".join(f"{r.seconds:.0f} s" for r in runs) + " when they were trained."
    )


# --- train.hg.fashion_accuracy -----------------------------------------------------------

def accuracy_statistics(runs, split: Arrays, test: tuple[np.ndarray, np.ndarray], run_cache) -> dict[str, list[float]]:
    """Per seed, by the id of train.hg.fashion_accuracy's band for each: the final model's validation and test
    accuracy, and the epochs it ran. (Evaluated 1,024 images at a time, as training validates: an image's
    prediction does not depend on the batch it is in.) Measured once per run and kept in the run cache."""
    def accuracies(run) -> list[float]:
        model = run.model()
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return [model.evaluate(x, y, batch_size=1024, verbose=0)[1] for x, y in ((split.x_val, split.y_val), test)]

    val, test_accuracy = zip(*(measured(run_cache, "validation and test accuracy", functools.partial(accuracies, run),
                                        runs=[run], arrays=[split.x_val, split.y_val, *test],
                                        code=[sys.modules[__name__]]) for run in runs))
    return {"val_accuracy": list(val), "test_accuracy": list(test_accuracy), "epochs_run": [r.epochs_run for r in runs]}


@pytest.mark.slow
@pytest.mark.claim("train.hg.fashion_accuracy")
def test_fashion_accuracy(hg_runs, fashion_book_split, fashion_test, run_cache, evidence) -> None:
    found = accuracy_statistics(hg_runs, fashion_book_split, fashion_test, run_cache)
    judgements = [
        evidence.judge_band("val_accuracy", found["val_accuracy"]),
        evidence.judge_band("test_accuracy", found["test_accuracy"], headline=("HG 8", "the Fashion-MNIST CNN, test accuracy")),
        evidence.judge_band("epochs_run", found["epochs_run"]),
    ]
    evidence.judge_control(accuracy_statistics([untrained(r) for r in hg_runs], fashion_book_split, fashion_test,
                                               run_cache))
    evidence.measure("best epoch per seed", [r.best_epoch for r in hg_runs], evidence.claim.numbers["best_epoch"])
    evidence.figure(
        "Loss and accuracy per epoch", figures.training_curves({f"seed {r.spec.seed}": r.history for r in hg_runs}),
        "Training (solid) and validation (dashed); each run stops two epochs after its best validation loss.",
    )
    record_provenance(evidence, hg_runs)
    failed = [j.describe() for j in judgements if j.fails]
    assert not failed, evidence.failure(failed)


# --- train.hg.checkpoint -----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("train.hg.checkpoint")
def test_checkpoint_scores_as_restored(hg_runs, fashion_book_split, run_cache, evidence) -> None:
    def scores(run) -> list[list[float]]:
        """[loss, accuracy] on the validation set of the restored model, and of the checkpoint reloaded."""
        restored = run.model()
        restored.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        reloaded = keras.models.load_model(run.checkpoint, safe_mode=True)
        return [m.evaluate(fashion_book_split.x_val, fashion_book_split.y_val, verbose=0) for m in (restored, reloaded)]

    differences = []
    for run in hg_runs:
        restored, reloaded = measured(run_cache, "validation scores, restored and checkpoint", functools.partial(scores, run),
                                      runs=[run], arrays=[fashion_book_split.x_val, fashion_book_split.y_val],
                                      code=[sys.modules[__name__]])
        evidence.measure(f"seed {run.spec.seed}: validation loss, accuracy — restored", restored)
        evidence.measure(f"seed {run.spec.seed}: validation loss, accuracy — checkpoint reloaded", reloaded, restored)
        if restored != reloaded:
            differences.append(f"seed {run.spec.seed}: restored {restored}, checkpoint {reloaded}")
    assert not differences, "the reloaded checkpoint scores differently: " + "; ".join(differences)


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


def first_kernel(run, weights: str = "final") -> np.ndarray:
    """The first conv layer's kernel (3, 3, 1, 32)."""
    return keras.ops.convert_to_numpy(run.model(weights).layers[0].kernel)


def spread_statistics(pairs) -> dict[str, list[float]]:
    """Per (untrained, trained) kernel pair, by the id of train.hg.weights_spread's band for each."""
    per_seed = {"untrained_within_bound": [], "untrained_uniform": [], "spread_ratio": [], "trained_std": []}
    for untrained_kernel, trained_kernel in pairs:
        bound = glorot_bound(untrained_kernel)
        per_seed["untrained_within_bound"].append(np.abs(untrained_kernel).max() / bound)
        per_seed["untrained_uniform"].append(ks_distance_to_uniform(untrained_kernel, bound))
        per_seed["spread_ratio"].append(trained_kernel.std() / untrained_kernel.std())
        per_seed["trained_std"].append(trained_kernel.std())
    return per_seed


@pytest.mark.slow
@pytest.mark.claim("train.hg.weights_spread")
def test_training_spreads_first_kernels(hg_runs, evidence) -> None:
    book = evidence.claim.numbers
    kernels = [(first_kernel(run, "initial"), first_kernel(run)) for run in hg_runs]
    failed = evidence.judge_bands(spread_statistics(kernels))
    evidence.judge_control(spread_statistics([(initial, initial) for initial, _ in kernels]))
    for run, (untrained_kernel, trained_kernel) in zip(hg_runs, kernels):
        evidence.measure(f"seed {run.spec.seed}: untrained mean, std", [untrained_kernel.mean(), untrained_kernel.std()],
                         [book["untrained_mean"], book["untrained_std"]])
        evidence.measure(f"seed {run.spec.seed}: trained mean, std", [trained_kernel.mean(), trained_kernel.std()],
                         [book["trained_mean"], book["trained_std"]])
    untrained_kernel, trained_kernel = kernels[0]
    seed = hg_runs[0].spec.seed
    evidence.figure("First-layer weights, untrained and trained", figures.histograms(
        {"untrained": untrained_kernel, "trained": trained_kernel}, "weight"), f"seed {seed}; HG 8-3 draws the same pair.")
    for label, kernel in (("untrained", untrained_kernel), ("trained", trained_kernel)):
        evidence.figure(f"The 32 first-layer kernels, {label}",
                        figures.image_grid(np.moveaxis(kernel[:, :, 0, :], -1, 0), 2, 16, vmin=-0.5, vmax=0.5),
                        "2×16 grid, vmin −0.5, vmax 0.5, as HG 8-3 draws them.")
    assert not failed, evidence.failure(failed)


# --- train.hg.feature_maps ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("train.hg.feature_maps")
def test_feature_maps_of_the_ankle_boot(hg_runs, fashion_mnist, evidence) -> None:
    book = evidence.claim.numbers
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
    assert y_train[0] == 9, f"the first training image is class {y_train[0]}, not the ankle boot"
    assert (maps1.shape, maps2.shape) == (book["conv1"], book["conv2"]), (
        f"shapes {maps1.shape}, {maps2.shape}; book {book['conv1']}, {book['conv2']}"
    )
    assert lowest >= 0, f"an activation is {lowest:.3g}: the conv layers' ReLU is missing"


# --- train.dlwp1.mnist -------------------------------------------------------------------

@pytest.fixture(scope="module")
def mnist_arrays(profile) -> Arrays:
    """DLwP1 5.1's MNIST: 60,000 training images, the 10,000 test images as validation data (the first of
    each, as many as the profile takes)."""
    try:
        (x_train, y_train), (x_test, y_test) = data.load_mnist()
    except data.DatasetError as error:
        if profile.name == "smoke":
            pytest.skip(f"MNIST is not available offline: {error}")
        raise
    training, test = profile.mnist_images or (len(x_train), len(x_test))
    return Arrays(((x_train[:training].reshape(-1, 28, 28, 1)) / 255.0).astype("float32"), y_train[:training],
                  ((x_test[:test].reshape(-1, 28, 28, 1)) / 255.0).astype("float32"), y_test[:test])


@pytest.mark.slow
@pytest.mark.claim("train.dlwp1.mnist")
def test_mnist_convnet(mnist_arrays, profile, seeds, run_cache, progress, evidence) -> None:
    runs = [
        train(TrainSpec(model="mnist_convnet", data="mnist/test_as_validation", loss="sparse_categorical_crossentropy",
                        epochs=profile.mnist_epochs, batch_size=64, seed=seed, optimizer="rmsprop"), mnist_arrays,
              run_cache, progress)
        for seed in seeds
    ]
    evidence.departure("Integer labels with sparse_categorical_crossentropy instead of one-hot labels with "
                       "categorical_crossentropy: the same loss, without the conversion.")
    if profile.mnist_images or profile.mnist_epochs != BOOK_SIZES["mnist_epochs"]:
        evidence.departure(f"{len(mnist_arrays.y_train):,} training and {len(mnist_arrays.y_val):,} test images, "
                           f"{profile.mnist_epochs} epochs ({profile.name} profile), not all 60,000 and 10,000 and "
                           f"{BOOK_SIZES['mnist_epochs']}.")
    judgement = evidence.judge_band("test_accuracy", [r.history["val_accuracy"][-1] for r in runs],
                                    headline=("DLwP1 5.1", "the MNIST convnet, test accuracy"))
    evidence.judge_control({"test_accuracy": [untrained(r, mnist_arrays, run_cache).history["val_accuracy"][-1] for r in runs]})
    record_provenance(evidence, runs)
    assert not judgement.fails, evidence.failure([judgement.describe()])
