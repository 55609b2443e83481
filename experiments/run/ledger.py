"""Which training runs a process read or trained, by key, with a digest of their final weights.

The cache key says what a run is (its recipe, data, start and the code that
trains it); the digest says what it gave. The plugin attaches the ledger to
every check's report, as it does the data's provenance, so results.json lists
every run of the session; two runs under one key with other weights are a
nondeterminism that the comparison with an earlier run names
(experiments/report/history.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import h5py

_RUNS: dict[str, dict[str, Any]] = {}


def weights_digest(path: Path) -> str:
    """SHA-256 of every array in a Keras weights file, by its path in the file: the numbers, not the file's bytes
    (which an HDF5 writer may lay out differently for the same weights)."""
    digest = hashlib.sha256()

    def add(name: str, node: Any) -> None:
        if isinstance(node, h5py.Dataset):
            digest.update(name.encode())
            digest.update(str(node.dtype).encode() + str(node.shape).encode())
            digest.update(node[()].tobytes())

    with h5py.File(path, "r") as weights:
        weights.visititems(add)
    return digest.hexdigest()


def record(key: str, name: str, entry: Path, trained: bool) -> None:
    """Note the run ``key`` (``name``: its recipe in a few words) whose files are ``entry``."""
    if key not in _RUNS:
        _RUNS[key] = {"name": name, "weights": weights_digest(entry / "final.weights.h5"), "trained": trained}


def used() -> dict[str, dict[str, Any]]:
    return {key: dict(facts) for key, facts in _RUNS.items()}
