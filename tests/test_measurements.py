"""Measurements kept in the run cache: read back exactly as taken, taken again when anything they depend on moves."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

from experiments.claims import curves
from experiments.instruments import probes
from experiments.run.cache import RunCache
from experiments.run.measurements import measured, measured_arrays

RUN = SimpleNamespace(entry=SimpleNamespace(name="0123abcd"), final_weights="final", weights_digest="5eed")
ARRAYS = [np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)]


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_a_measurement_read_back_is_exactly_what_was_computed(tmp_path):
    cache = RunCache(tmp_path)
    value = {"r2": [0.1 + 0.2, 1 / 3, float(np.float32(0.7))], "probe": [None, 0.5]}
    compute, calls = counting(value)
    first = measured(cache, "m", compute, runs=[RUN], arrays=ARRAYS, parameters={"images": 100}, code=[probes])
    again = measured(cache, "m", compute, runs=[RUN], arrays=ARRAYS, parameters={"images": 100}, code=[probes])
    assert first == again == value and len(calls) == 1
    assert [a.hex() for a in again["r2"]] == [v.hex() for v in value["r2"]]  # bit for bit


@pytest.mark.parametrize("change", [
    {"runs": [SimpleNamespace(entry=SimpleNamespace(name="fedc9876"), final_weights="final", weights_digest="5eed")]},
    {"runs": [SimpleNamespace(entry=SimpleNamespace(name="0123abcd"), final_weights="initial", weights_digest="5eed")]},
    # the same key trained again to other weights: the old measurement is not of them
    {"runs": [SimpleNamespace(entry=SimpleNamespace(name="0123abcd"), final_weights="final", weights_digest="f00d")]},
    {"arrays": [ARRAYS[0] + 1]},
    {"parameters": {"images": 200}},
    {"code": [curves]},
])
def test_any_input_or_code_moved_measures_again(tmp_path, change):
    cache = RunCache(tmp_path)
    arguments = {"runs": [RUN], "arrays": ARRAYS, "parameters": {"images": 100}, "code": [probes]}
    compute, calls = counting([1.0])
    measured(cache, "m", compute, **arguments)
    measured(cache, "m", compute, **(arguments | change))
    assert len(calls) == 2


def test_without_the_cache_every_measurement_is_taken_again_once(tmp_path):
    compute, calls = counting([1.0])
    measured(RunCache(tmp_path), "m", compute, runs=[RUN])
    fresh = RunCache(tmp_path, fresh_since=time.time())
    measured(fresh, "m", compute, runs=[RUN])
    measured(fresh, "m", compute, runs=[RUN])
    assert len(calls) == 2


def test_a_value_json_would_change_is_refused(tmp_path):
    for changed in ({1: [0.5]}, [(0.5,)], [np.float64(0.5)]):
        with pytest.raises(TypeError, match="does not survive JSON"):
            measured(RunCache(tmp_path), "m", lambda: changed)


def test_a_nan_is_kept_as_measured(tmp_path):
    """A measurement that found no value (NaN) is stored and read back as NaN, not refused."""
    cache = RunCache(tmp_path)
    assert np.isnan(measured(cache, "m", lambda: [float("nan")])[0])
    assert np.isnan(measured(cache, "m", lambda: [0.0])[0])  # read back


def test_measured_arrays_are_read_back_with_their_dtypes_shapes_and_bytes(tmp_path):
    cache = RunCache(tmp_path)
    rng = np.random.default_rng(0)
    value = {"train": rng.normal(size=(5, 2, 2, 3)).astype(np.float32), "labels": np.arange(5, dtype=np.uint8)}
    compute, calls = counting(value)
    taken = measured_arrays(cache, "features", compute, arrays=ARRAYS, parameters={"batch": 2})
    again = measured_arrays(cache, "features", compute, arrays=ARRAYS, parameters={"batch": 2})
    assert len(calls) == 1
    for read in (taken, again):
        assert read.keys() == value.keys()
        for key in value:
            assert (read[key].dtype, read[key].shape, read[key].tobytes()) == (value[key].dtype, value[key].shape,
                                                                             value[key].tobytes())
    measured_arrays(cache, "features", compute, arrays=ARRAYS, parameters={"batch": 3})
    assert len(calls) == 2
