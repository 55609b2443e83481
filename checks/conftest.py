"""Data and runs the checks of several sections share, loaded or trained once per session."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from experiments.claims import overfitting, pooling, training
from experiments.data import datasets, splits
from experiments.data.arrays import Arrays
from experiments.run.training import train_all


@pytest.fixture(scope="session")
def fashion_mnist():
    """((x_train, y_train), (x_test, y_test)), uint8, as keras.datasets returns them."""
    return datasets.load_fashion_mnist()


@pytest.fixture(scope="session")
def fashion_scaled(fashion_mnist):
    """((x_train, y_train), (x_test, y_test)) with the images scaled as HG 8-2 scales them."""
    (x, y), (x_test, y_test) = fashion_mnist
    return (splits.scaled(x), y), (splits.scaled(x_test), y_test)


@pytest.fixture(scope="session")
def fashion_book_split(fashion_scaled) -> Arrays:
    """HG 8-2's 48,000 / 12,000 split of the training images."""
    return splits.book_split(*fashion_scaled[0])


@pytest.fixture(scope="session")
def fashion_test(fashion_scaled) -> tuple[np.ndarray, np.ndarray]:
    return fashion_scaled[1]


@pytest.fixture(scope="session")
def downsampling_arrays(fashion_book_split, fashion_test) -> Arrays:
    """The first TRAINING_IMAGES of the book split to train on, the test set to validate on, as DLwP1 5.1: section
    4's convnets (pool.*), and section 3's stand-in for MNIST (train.dlwp1.convnet_vs_dense)."""
    return Arrays(fashion_book_split.x_train[:pooling.TRAINING_IMAGES],
                  fashion_book_split.y_train[:pooling.TRAINING_IMAGES], *fashion_test)


@pytest.fixture(scope="session")
def hg_runs(fashion_book_split, seeds, run_cache, progress):
    """The Fashion-MNIST CNN, once per seed: section 3 judges its training, section 6 its kernels."""
    return train_all([training.hg_spec(seed) for seed in seeds], fashion_book_split, run_cache, progress)


# --- the book's small cats-vs-dogs set, and the convnets trained on it (DLwP1 5.2) ----

@pytest.fixture(scope="session")
def cats_vs_dogs(profile, run_cache) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The photographs at the size of the from-scratch convnet (section 4)."""
    return splits.cats_vs_dogs_at(profile.cats_size, profile, run_cache.root / "datasets")


@pytest.fixture(scope="session")
def cats_vs_dogs_for_transfer(profile, run_cache, cats_vs_dogs) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The photographs at the size of the pretrained base's input (section 5)."""
    if profile.transfer_size == profile.cats_size:
        return cats_vs_dogs
    return splits.cats_vs_dogs_at(profile.transfer_size, profile, run_cache.root / "datasets")


@pytest.fixture(scope="session")
def cats_vs_dogs_for_tft(profile, run_cache, cats_vs_dogs) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The photographs at the TensorFlow tutorial's size (trans.tft)."""
    if profile.tutorial_size == profile.cats_size:
        return cats_vs_dogs
    return splits.cats_vs_dogs_at(profile.tutorial_size, profile, run_cache.root / "datasets")


@pytest.fixture(scope="session")
def cats_grey_train_val(profile, run_cache) -> Arrays:
    """The training and validation photographs at Fashion-MNIST's 28×28, in grey
    (keras.ops.image.rgb_to_grayscale): a target for a base trained on Fashion-MNIST (trans.generic_lower_layers)."""
    photographs = splits.cats_vs_dogs_at(28, profile, run_cache.root / "datasets")
    grey = {split: keras.ops.convert_to_numpy(keras.ops.image.rgb_to_grayscale(x))  # (n, 28, 28, 1)
            for split, (x, _) in photographs.items()}
    return Arrays(grey["train"], photographs["train"][1], grey["validation"], photographs["validation"][1])


@pytest.fixture(scope="session")
def cats_train_val(cats_vs_dogs) -> Arrays:
    return splits.train_and_validation(cats_vs_dogs)


@pytest.fixture(scope="session")
def plain_runs(profile, seeds, cats_train_val, run_cache, progress):
    """The plain convnet, once per seed: over.small_data judges its curves, vis.sparsity its activations."""
    return train_all([overfitting.cats_convnet_spec(profile, seed) for seed in seeds], cats_train_val, run_cache, progress)


@pytest.fixture(scope="session")
def augmented_convnet_runs(profile, seeds, cats_train_val, run_cache, progress):
    """The convnet with augmentation and Dropout(0.5), once per seed: over.augmentation compares it with plain_runs."""
    return train_all([overfitting.cats_convnet_spec(profile, seed, augmented=True) for seed in seeds], cats_train_val,
                     run_cache, progress)
