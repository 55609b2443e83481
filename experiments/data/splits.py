"""The books' preprocessing and splits of the data sets: what a check's runs are given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from experiments.data.arrays import Arrays
from experiments.data.cats_vs_dogs import load_splits


def scaled(images: np.ndarray) -> np.ndarray:
    """HG 8-2's preprocessing: (n, 28, 28) uint8 → (n, 28, 28, 1) float32 in [0, 1]."""
    return (images.reshape(-1, 28, 28, 1) / 255.0).astype("float32")


def book_split(x: np.ndarray, y: np.ndarray) -> Arrays:
    """HG 8-2's split: train_test_split(train_scaled, train_target, test_size=0.2, random_state=42)."""
    train, held_out = train_test_split(np.arange(len(x)), test_size=0.2, random_state=42)  # 48,000 / 12,000
    return Arrays(x[train], y[train], x[held_out], y[held_out])


def first_of_each_class(labels: np.ndarray, count: int) -> np.ndarray:
    """Indices of the first ``count // 2`` images of each of the two classes, in their order."""
    return np.sort(np.concatenate([np.flatnonzero(labels == c)[: count // 2] for c in (0, 1)]))


def cats_vs_dogs_at(size: int, profile, cache_dir: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{split: (x float32 in [0, 1], y)} at ``size``: ImageDataGenerator(rescale=1./255); as many photographs
    per split as the profile takes. The photographs resized once are kept in ``cache_dir``."""
    found = {}
    for split, (x, y) in load_splits(size, cache_dir).items():
        if profile.cats_images is not None:
            kept = first_of_each_class(y, profile.cats_images)
            x, y = x[kept], y[kept]
        found[split] = ((x / 255.0).astype("float32"), y)
    return found


def centred(arrays: Arrays) -> Arrays:
    """The study notes' format_example, image / 127.5 − 1, of images in [0, 1]: pixels in [−1, 1]."""
    return Arrays(arrays.x_train * 2 - 1, arrays.y_train, arrays.x_val * 2 - 1, arrays.y_val)


def train_and_validation(splits: dict[str, tuple[np.ndarray, np.ndarray]]) -> Arrays:
    """What a run trains and validates on, of {split: (x, y)}; the test split is kept for the end."""
    return Arrays(*splits["train"], *splits["validation"])
