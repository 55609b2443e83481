"""Measurements on trained runs, kept in the run cache beside the runs: a warm run reads them instead of
measuring again.

A measurement is keyed by all it depends on: the runs it measures (their
cache keys, which are their behaviour, which of their weights, and those weights' digest), the
digest of the arrays it is given, its parameters, and the source text of the
code that computes it (a change there measures again, in seconds, where a
change of a run retrains it). The value is stored as JSON, which gives back
exactly the floats it was given, or (measured_arrays) as NumPy's .npz, which
gives back the arrays' bytes; so a measurement read back is the one computing
it again would give (tests/test_measurements.py). Under --no-cache
every measurement is taken again, once.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable, Mapping, TypeVar

import numpy as np

from experiments.run.cache import RunCache
from experiments.run.identity import digest_arrays

T = TypeVar("T")
VALUE = "value.json"
ARRAYS = "arrays.npz"


def measurement_key(name: str, runs: Iterable[Any] = (), arrays: Iterable[np.ndarray] = (),
                    parameters: Mapping[str, Any] | None = None, code: Iterable[ModuleType] = ()) -> str:
    identity = {
        "measurement": name,
        # a run by its key, which of its weights, and their bytes: a cache entry trained again under its key (on a CPU
        # of other vector extensions, whose oneDNN kernels end on other last bits) is not measured by the old value
        "runs": [[run.entry.name, run.final_weights, run.weights_digest] for run in runs],
        "arrays": digest_arrays(list(arrays)),
        "parameters": parameters or {},
        "code": {module.__name__: hashlib.sha256(inspect.getsource(module).encode()).hexdigest() for module in code},
    }
    return "measured-" + hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def measured(cache: RunCache, name: str, compute: Callable[[], T], *, runs: Iterable[Any] = (),
             arrays: Iterable[np.ndarray] = (), parameters: Mapping[str, Any] | None = None,
             code: Iterable[ModuleType] = ()) -> T:
    """``compute()``'s JSON value, read from the cache when this measurement of these inputs was taken before."""
    def write(value: T, path: Path) -> None:
        text = json.dumps(value)
        if repr(json.loads(text)) != repr(value):  # repr, not ==: a NaN survives JSON but is unequal to itself
            raise TypeError(f"{name}: its value does not survive JSON unchanged (tuples, NumPy types, int keys): "
                            "return lists, dicts with string keys and Python numbers")
        path.write_text(text)

    return _kept(cache, measurement_key(name, runs, arrays, parameters, code), VALUE, compute, write,
                 lambda path: json.loads(path.read_text()))


def measured_arrays(cache: RunCache, name: str, compute: Callable[[], Mapping[str, np.ndarray]], *,
                    runs: Iterable[Any] = (), arrays: Iterable[np.ndarray] = (),
                    parameters: Mapping[str, Any] | None = None,
                    code: Iterable[ModuleType] = ()) -> dict[str, np.ndarray]:
    """``compute()``'s named arrays, as measured: kept as an .npz, which gives back their dtypes, shapes and bytes."""
    def read(path: Path) -> dict[str, np.ndarray]:
        with np.load(path) as stored:
            return {key: stored[key] for key in stored.files}

    return _kept(cache, measurement_key(name, runs, arrays, parameters, code), ARRAYS,
                 lambda: {key: np.asarray(value) for key, value in compute().items()},
                 lambda value, path: np.savez(path, **value), read)


def _kept(cache: RunCache, key: str, file: str, compute: Callable[[], T], write: Callable[[T, Path], None],
          read: Callable[[Path], T]) -> T:
    """The value kept under ``key`` in ``file``, else ``compute()``'s, kept there for the next time."""
    with cache.lock(key):
        entry = cache.get(key)
        if entry is not None:
            return read(entry / file)
        value = compute()
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / file
            write(value, path)
            cache.put(key, {file: path})
        return value
