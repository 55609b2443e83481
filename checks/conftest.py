"""Data the checks share, loaded once per session through experiments.data."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from experiments import data
from experiments.cats_vs_dogs import load as load_cats_vs_dogs
from experiments.training import Arrays, TrainSpec, train


@pytest.fixture(scope="session")
def fashion_mnist():
    """((x_train, y_train), (x_test, y_test)), uint8, as keras.datasets returns them."""
    return data.load_fashion_mnist()


def scaled(images: np.ndarray) -> np.ndarray:
    """HG 8-2's preprocessing: (n, 28, 28) uint8 → (n, 28, 28, 1) float32 in [0, 1]."""
    return (images.reshape(-1, 28, 28, 1) / 255.0).astype("float32")


@pytest.fixture(scope="session")
def fashion_scaled(fashion_mnist):
    """((x_train, y_train), (x_test, y_test)) with the images scaled as HG 8-2 scales them."""
    (x, y), (x_test, y_test) = fashion_mnist
    return (scaled(x), y), (scaled(x_test), y_test)


@pytest.fixture(scope="session")
def fashion_book_split(fashion_scaled) -> Arrays:
    """HG 8-2's split: train_test_split(train_scaled, train_target, test_size=0.2, random_state=42)."""
    (x, y), _ = fashion_scaled
    train, held_out = train_test_split(np.arange(len(x)), test_size=0.2, random_state=42)  # 48,000 / 12,000
    return Arrays(x[train], y[train], x[held_out], y[held_out])


@pytest.fixture(scope="session")
def fashion_test(fashion_scaled) -> tuple[np.ndarray, np.ndarray]:
    return fashion_scaled[1]


def hg_spec(seed: int) -> TrainSpec:
    """HG 8-2's training: Adam, batch 32, EarlyStopping(patience=2, restore_best_weights=True), checkpoint."""
    return TrainSpec(
        model="fashion_cnn", data="fashion_mnist/book_split", loss="sparse_categorical_crossentropy",
        epochs=20, batch_size=32, seed=seed, optimizer="adam", early_stopping_patience=2, checkpoint=True,
    )


@pytest.fixture(scope="session")
def hg_runs(fashion_book_split, seeds, run_cache, progress):
    """The Fashion-MNIST CNN, once per seed: section 3 judges its training, section 6 its kernels."""
    return [train(hg_spec(seed), fashion_book_split, run_cache, progress) for seed in seeds]


# --- the book's small cats-vs-dogs set, and the plain convnet trained on it (DLwP1 5.2) ----

def first_of_each_class(labels: np.ndarray, count: int) -> np.ndarray:
    """Indices of the first ``count // 2`` images of each of the two classes, in their order."""
    return np.sort(np.concatenate([np.flatnonzero(labels == c)[: count // 2] for c in (0, 1)]))


def cats_vs_dogs_at(size: int, profile, run_cache) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{split: (x float32 in [0, 1], y)} at ``size``: ImageDataGenerator(rescale=1./255); as many photographs
    per split as the profile takes."""
    found = {}
    for split, (x, y) in load_cats_vs_dogs(size, run_cache.root / "datasets").items():
        if profile.cats_images is not None:
            kept = first_of_each_class(y, profile.cats_images)
            x, y = x[kept], y[kept]
        found[split] = ((x / 255.0).astype("float32"), y)
    return found


@pytest.fixture(scope="session")
def cats_vs_dogs(profile, run_cache) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The photographs at the size of the from-scratch convnet (section 4)."""
    return cats_vs_dogs_at(profile.cats_size, profile, run_cache)


@pytest.fixture(scope="session")
def cats_vs_dogs_for_transfer(profile, run_cache, cats_vs_dogs) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The photographs at the size of the pretrained base's input (section 5)."""
    if profile.transfer_size == profile.cats_size:
        return cats_vs_dogs
    return cats_vs_dogs_at(profile.transfer_size, profile, run_cache)


@pytest.fixture(scope="session")
def cats_vs_dogs_for_tft(profile, run_cache, cats_vs_dogs) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The photographs at the TensorFlow tutorial's size (trans.tft)."""
    if profile.tutorial_size == profile.cats_size:
        return cats_vs_dogs
    return cats_vs_dogs_at(profile.tutorial_size, profile, run_cache)


@pytest.fixture(scope="session")
def cats_grey_train_val(profile, run_cache) -> Arrays:
    """The training and validation photographs at Fashion-MNIST's 28×28, in grey
    (keras.ops.image.rgb_to_grayscale): a target for a base trained on Fashion-MNIST (trans.generic_lower_layers)."""
    photographs = cats_vs_dogs_at(28, profile, run_cache)
    grey = {split: keras.ops.convert_to_numpy(keras.ops.image.rgb_to_grayscale(x))  # (n, 28, 28, 1)
            for split, (x, _) in photographs.items()}
    return Arrays(grey["train"], photographs["train"][1], grey["validation"], photographs["validation"][1])


@pytest.fixture(scope="session")
def cats_train_val(cats_vs_dogs) -> Arrays:
    return Arrays(*cats_vs_dogs["train"], *cats_vs_dogs["validation"])


def cats_convnet_spec(profile, seed: int, augmented: bool = False) -> TrainSpec:
    """DLwP1 5.2's runs: RMSprop(1e-4), batch 20, binary cross-entropy, at the profile's size and epochs.

    ``augmented``: the second model, with the book's augmentation and Dropout(0.5).
    """
    model_args = {"size": profile.cats_size}
    if augmented:
        model_args |= {"dropout": True, "augment": True, "interpolation": profile.augmentation_interpolation}
    return TrainSpec(
        model="cats_dogs_convnet", model_args=model_args,
        data=f"cats_vs_dogs_small/{profile.cats_size}px", loss="binary_crossentropy",
        epochs=profile.augmented_epochs if augmented else profile.small_data_epochs, batch_size=20, seed=seed,
        optimizer="rmsprop", learning_rate=1e-4,
    )


@pytest.fixture(scope="session")
def plain_runs(profile, seeds, cats_train_val, run_cache, progress):
    """The plain convnet, once per seed: over.small_data judges its curves, vis.sparsity its activations."""
    return [train(cats_convnet_spec(profile, seed), cats_train_val, run_cache, progress) for seed in seeds]


@pytest.fixture(scope="session")
def augmented_runs(profile, seeds, cats_train_val, run_cache, progress):
    """The convnet with augmentation and Dropout(0.5), once per seed: over.augmentation compares it with plain_runs."""
    return [train(cats_convnet_spec(profile, seed, augmented=True), cats_train_val, run_cache, progress) for seed in seeds]
