"""Every training run's key and final weights' digest in results.json, and a key whose weights moved named."""

from __future__ import annotations

import copy

import h5py
import numpy as np

from experiments.report import history
from experiments.run import ledger


def weights_file(path, values: np.ndarray):
    with h5py.File(path, "w") as weights:
        weights.create_dataset("layers/dense/vars/0", data=values)
        weights.create_dataset("layers/dense/vars/1", data=np.zeros(3, "float32"))
    return path


def test_the_digest_is_of_the_numbers(tmp_path):
    values = np.arange(6, dtype="float32").reshape(2, 3)
    first = ledger.weights_digest(weights_file(tmp_path / "a.h5", values))
    assert ledger.weights_digest(weights_file(tmp_path / "b.h5", values.copy())) == first
    moved = values.copy()
    moved[1, 2] = np.nextafter(moved[1, 2], np.float32(np.inf))  # one weight, one bit
    assert ledger.weights_digest(weights_file(tmp_path / "c.h5", moved)) != first


def results_with(runs: dict) -> dict:
    return {"run": {"id": "r", "started": "s", "profile": "smoke", "duration_s": 1.0, "git_commit": "c",
                    "versions": {}, "device": {}, "runs": runs}, "claims": []}


RUNS = {"7c3fecc3": {"name": "vgg-like on cats, seed 2, from extraction", "weights": "aaaa", "trained": True},
        "c4262a32": {"name": "extraction head, seed 2", "weights": "bbbb", "trained": False}}


def test_a_run_with_the_same_key_and_other_weights_is_nondeterministic():
    reference = history.summarise(results_with(RUNS))
    tonight = copy.deepcopy(RUNS)
    tonight["7c3fecc3"]["weights"] = "cccc"
    tonight["ffff0000"] = {"name": "a run the reference did not have", "weights": "dddd", "trained": True}
    change = history.changes(reference, history.summarise(results_with(tonight)))
    assert change["nondeterministic"] == [{"key": "7c3fecc3", "name": RUNS["7c3fecc3"]["name"], "before": "aaaa",
                                           "after": "cccc"}]
    assert history.changes(reference, history.summarise(results_with(RUNS)))["nondeterministic"] == []
    assert history.changes(history.summarise(results_with({})), reference)["nondeterministic"] is None


def test_the_report_names_a_nondeterministic_run(tmp_path):
    from experiments.paths import reference_path
    from experiments.report.render import render
    from experiments.report.results import load_results

    reference = history.summarise(results_with(RUNS))
    results = load_results(reference_path("smoke"))
    results["run"]["runs"] = copy.deepcopy(RUNS)
    results["run"]["runs"]["7c3fecc3"]["weights"] = "cccc"
    results["since_reference"] = history.changes(reference, history.summarise(results))
    page = render(results)
    assert "<b>Nondeterministic</b>: 1 training run under the same key" in page
    assert RUNS["7c3fecc3"]["name"] in page
