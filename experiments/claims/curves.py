"""Statistics of training curves — a run's history of loss and accuracy per epoch — as the checks judge them."""

from __future__ import annotations

import numpy as np

History = dict[str, list[float]]


def final_gap(history: History) -> float:
    """Training minus validation accuracy at the last epoch: the book's picture of overfitting."""
    return history["accuracy"][-1] - history["val_accuracy"][-1]


def last_epochs_mean(history: History, metric: str = "val_accuracy", epochs: int = 5) -> float:
    """A curve's level at the end, steadier than its last value."""
    return float(np.mean(history[metric][-epochs:]))


def crossing_share(history: History) -> float:
    """The first epoch whose training accuracy passes validation accuracy, over the epochs run (> 1: never)."""
    above = np.flatnonzero(np.array(history["accuracy"]) > np.array(history["val_accuracy"]))
    epochs = len(history["accuracy"])
    return (above[0] + 1 if above.size else epochs + 1) / epochs
