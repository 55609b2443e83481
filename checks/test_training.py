"""Section 3: training the small convnets of 혼자 공부하는 머신러닝+딥러닝 8-2/8-3 and DLwP1 5.1.

The claims, the recipes (the Fashion-MNIST CNN as HG 8-2 trains it, the MNIST
convnet as DLwP1 5.1 does) and the statistics are experiments/claims/training.py's;
the Fashion-MNIST runs are checks/conftest.py's, shared with section 6.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from experiments import figures
from experiments.claims import training as recipe
from experiments.data import datasets
from experiments.data.arrays import Arrays
from experiments.data.errors import DatasetError
from experiments.instruments import scores
from experiments.run.profiles import BOOK
from experiments.run.training import train, train_all, untrained


def record_provenance(evidence, runs) -> None:
    cached = sum(r.from_cache for r in runs)
    evidence.note(
        f"{len(runs)} seeded runs ({cached} read from the cache); training took "
        + ", ".join(f"{r.seconds:.0f} s" for r in runs) + " when they were trained."
    )


# --- train.hg.fashion_accuracy -----------------------------------------------------------

def accuracies(runs, split, test, run_cache) -> tuple[list[float], list[float]]:
    """Per seed, the final model's validation and test accuracy."""
    val, test_accuracy = zip(*(scores.softmax_accuracies(run, [(split.x_val, split.y_val), test], run_cache)
                               for run in runs))
    return list(val), list(test_accuracy)


@pytest.mark.slow
@pytest.mark.claim("train.hg.fashion_accuracy")
def test_fashion_accuracy(hg_runs, fashion_book_split, fashion_test, run_cache, evidence) -> None:
    found = evidence.claim.statistics(*accuracies(hg_runs, fashion_book_split, fashion_test, run_cache), hg_runs)
    judgements = [
        evidence.judge_band("val_accuracy", found["val_accuracy"]),
        evidence.judge_band("test_accuracy", found["test_accuracy"], headline=("HG 8", "the Fashion-MNIST CNN, test accuracy")),
        evidence.judge_band("epochs_run", found["epochs_run"]),
    ]
    before = [untrained(r) for r in hg_runs]
    evidence.judge_control(evidence.claim.statistics(*accuracies(before, fashion_book_split, fashion_test, run_cache),
                                                     before))
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
    differences = []
    for run in hg_runs:
        restored, reloaded = scores.checkpoint_scores(run, fashion_book_split.x_val, fashion_book_split.y_val, run_cache)
        evidence.measure(f"seed {run.spec.seed}: validation loss, accuracy — restored", restored)
        evidence.measure(f"seed {run.spec.seed}: validation loss, accuracy — checkpoint reloaded", reloaded, restored)
        if restored != reloaded:
            differences.append(f"seed {run.spec.seed}: restored {restored}, checkpoint {reloaded}")
    assert not differences, "the reloaded checkpoint scores differently: " + "; ".join(differences)


# --- train.hg.weights_spread -------------------------------------------------------------

def first_kernel(run, weights: str = "final") -> np.ndarray:
    """The first conv layer's kernel (3, 3, 1, 32)."""
    return keras.ops.convert_to_numpy(run.model(weights).layers[0].kernel)


@pytest.mark.slow
@pytest.mark.claim("train.hg.weights_spread")
def test_training_spreads_first_kernels(hg_runs, evidence) -> None:
    book = evidence.claim.numbers
    kernels = [(first_kernel(run, "initial"), first_kernel(run)) for run in hg_runs]
    failed = evidence.judge_bands(evidence.claim.statistics(kernels))
    initials = [initial for initial, _ in kernels]
    evidence.judge_control(evidence.claim.statistics(list(zip(initials, evidence.claim.control.paired(initials)))))
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
    evidence.measure("class of the first training image", datasets.FASHION_MNIST_CLASSES[y_train[0]], "Ankle boot")
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

def record_mnist_setting(evidence, arrays: Arrays, profile, stand_in: bool = False) -> None:
    """The departures of DLwP1 5.1's MNIST runs: the labels, and the stand-in's images (``stand_in``) or the
    profile's share of MNIST."""
    evidence.departure("Integer labels with sparse_categorical_crossentropy instead of one-hot labels with "
                       "categorical_crossentropy: the same loss, without the conversion.")
    if stand_in:
        evidence.departure(f"Fashion-MNIST instead of MNIST: section 4's convnets with max pooling, "
                           f"{len(arrays.y_train):,} training images and the {len(arrays.y_val):,} test images as "
                           "validation data, and the dense network on the same images.",
                           short=f"Fashion-MNIST, {len(arrays.y_train):,} images")
    elif profile.departs("mnist_images", "mnist_epochs"):
        evidence.departure(f"{len(arrays.y_train):,} training and {len(arrays.y_val):,} test images, "
                           f"{profile.mnist_epochs} epochs ({profile.name} profile), not all 60,000 and 10,000 and "
                           f"{BOOK.mnist_epochs}.",
                           short=f"{len(arrays.y_train):,} images, {profile.mnist_epochs} epochs")


@pytest.fixture(scope="module")
def mnist_arrays(profile) -> Arrays:
    """DLwP1 5.1's MNIST: 60,000 training images, the 10,000 test images as validation data (the first of
    each, as many as the profile takes)."""
    try:
        (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    except DatasetError as error:
        if profile.name == "smoke":
            pytest.skip(f"MNIST is not available offline: {error}")
        raise
    training, test = profile.mnist_images or (len(x_train), len(x_test))
    return Arrays(((x_train[:training].reshape(-1, 28, 28, 1)) / 255.0).astype("float32"), y_train[:training],
                  ((x_test[:test].reshape(-1, 28, 28, 1)) / 255.0).astype("float32"), y_test[:test])


@pytest.mark.slow
@pytest.mark.claim("train.dlwp1.mnist")
def test_mnist_convnet(mnist_arrays, profile, seeds, run_cache, progress, evidence) -> None:
    runs = [train(recipe.mnist_spec(profile, seed), mnist_arrays, run_cache, progress) for seed in seeds]
    record_mnist_setting(evidence, mnist_arrays, profile)
    found = evidence.claim.statistics([r.history["val_accuracy"][-1] for r in runs])
    judgement = evidence.judge_band("test_accuracy", found["test_accuracy"],
                                    headline=("DLwP1 5.1", "the MNIST convnet, test accuracy"))
    evidence.judge_control(evidence.claim.statistics(
        [untrained(r, mnist_arrays, run_cache).history["val_accuracy"][-1] for r in runs]))
    record_provenance(evidence, runs)
    assert not judgement.fails, evidence.failure([judgement.describe()])


# --- train.dlwp1.convnet_vs_dense ---------------------------------------------------------

@pytest.mark.slow
@pytest.mark.claim("train.dlwp1.convnet_vs_dense")
def test_convnet_beats_the_dense_network(request, profile, seeds, run_cache, progress, evidence) -> None:
    arrays = request.getfixturevalue("downsampling_arrays" if profile.mnist_stand_in else "mnist_arrays")
    specs = [recipe.comparison_specs(profile, seed) for seed in seeds]
    convnets = train_all([convnet for convnet, _ in specs], arrays, run_cache, progress)
    dense = train_all([network for _, network in specs], arrays, run_cache, progress)
    accuracy = {"convnet": [r.history["val_accuracy"][-1] for r in convnets],
                "dense": [r.history["val_accuracy"][-1] for r in dense]}
    test_images = len(arrays.y_val)
    failed = evidence.judge_bands(evidence.claim.statistics(accuracy["convnet"], accuracy["dense"], test_images))
    evidence.judge_control(evidence.claim.statistics(evidence.claim.control.paired(accuracy["dense"]),
                                                     accuracy["dense"], test_images))
    book = evidence.claim.numbers
    evidence.measure("test accuracy, the convnet (DLwP1 5.1), per seed", accuracy["convnet"], book["convnet_accuracy"])
    evidence.measure("test accuracy, the dense network (DLwP1 2.1), per seed", accuracy["dense"],
                     book["dense_accuracy"])
    record_mnist_setting(evidence, arrays, profile, stand_in=profile.mnist_stand_in)
    evidence.departure("The dense network flattens the images with a Flatten layer, where the book reshapes them "
                       "before training: the same inputs to its Dense(512).")
    record_provenance(evidence, convnets + dense)
    assert not failed, evidence.failure(failed)
