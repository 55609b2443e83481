"""Data the checks share, loaded once per session through experiments.data."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import data
from experiments.training import Arrays


@pytest.fixture(scope="session")
def fashion_mnist():
    """((x_train, y_train), (x_test, y_test)), uint8, as keras.datasets returns them."""
    return data.load_fashion_mnist()


def scaled(images: np.ndarray) -> np.ndarray:
    """HG 8-2's preprocessing: (n, 28, 28) uint8 → (n, 28, 28, 1) float32 in [0, 1]."""
    return (images.reshape(-1, 28, 28, 1) / 255.0).astype("float32")


@pytest.fixture(scope="session")
def fashion_book_split(fashion_mnist) -> Arrays:
    """HG 8-2's split: train_test_split(train_scaled, train_target, test_size=0.2, random_state=42)."""
    (x, y), _ = fashion_mnist
    train, held_out = data.holdout_split(len(x), 0.2, 42)  # 48,000 / 12,000
    return Arrays(scaled(x[train]), y[train], scaled(x[held_out]), y[held_out])


@pytest.fixture(scope="session")
def fashion_test(fashion_mnist) -> tuple[np.ndarray, np.ndarray]:
    _, (x_test, y_test) = fashion_mnist
    return scaled(x_test), y_test
