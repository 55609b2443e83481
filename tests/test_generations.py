"""Section 1 under Keras 2: one code measures both generations, and what is missing or mismatched says so."""

from __future__ import annotations

import pytest

from experiments.instruments import architecture, generations
from experiments.report import findings
from experiments.run.cache import RunCache, default_cache_dir


def test_without_tf_keras_there_is_no_column_and_no_child(tmp_path, monkeypatch):
    monkeypatch.setattr(generations.importlib.metadata, "version", lambda name: (_ for _ in ()).throw(
        generations.importlib.metadata.PackageNotFoundError(name)) if name == generations.DISTRIBUTION else "2.21.0")
    monkeypatch.setattr(generations, "measure_in_child", lambda: pytest.fail("no child without tf-keras"))
    assert generations.keras2_measures(RunCache(tmp_path)) is None


def test_tf_keras_of_another_minor_version_than_tensorflow_is_an_error(monkeypatch):
    versions = {generations.DISTRIBUTION: "2.20.1", "tensorflow": "2.21.0"}
    monkeypatch.setattr(generations.importlib.metadata, "version", lambda name: versions[name])
    with pytest.raises(generations.GenerationError, match="2.20.1 is not of TensorFlow 2.21.0's minor version"):
        generations.keras2_version()


def test_the_child_measures_what_the_checks_measure_and_is_kept(monkeypatch):
    """Every claim of MEASURES comes back with its quantities, as tuples; a second call reads the cache (the run
    cache the checks use: its measurement there is the checks' own, and not taken twice)."""
    if generations.keras2_version() is None:
        pytest.skip(f"tf-keras is not installed: {generations.INSTALL}")
    cache = RunCache(default_cache_dir())
    measured = generations.keras2_measures(cache)
    assert set(measured) == set(architecture.MEASURES)
    gap = architecture.gap_quantities()
    assert measured["arch.gap_vs_flatten"] == gap  # a Dense on a map counts alike in both generations
    assert isinstance(measured["arch.tft.mobilenet_v2"]["feature map"], tuple)
    monkeypatch.setattr(generations, "measure_in_child", lambda: pytest.fail("measured again"))
    assert generations.keras2_measures(cache) == measured


def test_the_child_sees_no_gpu_and_no_keras_3(monkeypatch):
    """On a GPU runner the child would otherwise take most of each GPU's memory from the checks running beside it."""
    seen = {}

    class Ran:
        returncode, stdout, stderr = 0, "{}", ""

    def run(command, **options):
        seen.update(options["env"])
        return Ran()

    monkeypatch.setattr(generations.subprocess, "run", run)
    assert generations.measure_in_child() == {}
    assert (seen["CUDA_VISIBLE_DEVICES"], seen["TF_USE_LEGACY_KERAS"]) == ("", "1")


def test_a_failing_child_is_an_error_with_its_last_line(monkeypatch):
    class Failed:
        returncode, stdout, stderr = 1, "", "Traceback …\nImportError: cannot import name 'ops' from 'keras'"

    monkeypatch.setattr(generations.subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(generations.GenerationError, match="ImportError: cannot import name 'ops'"):
        generations.measure_in_child()


def test_findings_set_book_keras_2_and_keras_3_side_by_side():
    entry = {"measured": [{"quantity": "layers in the base", "value": 154, "book": 155, "keras2": 154},
                          {"quantity": "Flatten / GAP, rounded", "value": 25, "book": 25}]}
    lines = findings.measured_table(entry["measured"])
    assert lines[1] == "| measured | book | Keras 2 | Keras 3 (here) |"
    assert lines[3:] == ["| layers in the base | 155 | 154 | 154 |", "| Flatten / GAP, rounded | 25 | — | 25 |"]
