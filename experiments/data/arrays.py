"""The arrays a run trains and validates on, and their fingerprint: what a cached run was trained on."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import numpy as np


def fingerprint(*arrays: np.ndarray) -> str:
    """SHA-256 over arrays' shapes, dtypes and bytes: what a cached run was trained on."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(f"{array.shape}{array.dtype}".encode())
        digest.update(memoryview(np.ascontiguousarray(array)))  # its bytes in C order, copied only if not contiguous
    return digest.hexdigest()


@dataclass(frozen=True)
class Arrays:
    """The arrays a run trains and validates on, with their fingerprint.

    The arrays are made read-only, so that the fingerprint, taken once (a run's
    every key asks for it, and photographs take a second to hash), stays theirs.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray

    def __post_init__(self):
        for array in (self.x_train, self.y_train, self.x_val, self.y_val):
            array.flags.writeable = False

    @functools.cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.x_train, self.y_train, self.x_val, self.y_val)
