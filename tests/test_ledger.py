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


def test_the_cpus_vector_extensions_are_read_from_its_flags():
    from experiments.run.environment import cpu_isa

    flags = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma bmi2 avx512f avx512_vnni\n"
    assert cpu_isa(flags) == "sse4_2 avx avx2 fma avx512f avx512_vnni"
    assert cpu_isa("processor\t: 0\n") == "unknown"


def test_other_vector_extensions_are_named_beside_other_weights():
    """oneDNN chooses its CPU kernels by the vector extensions, which no key holds: a move of weights under one key
    on a CPU of another set is put beside that change."""
    def on(isa: str, runs: dict) -> dict:
        results = results_with(runs)
        results["run"]["device"] = {"cpu_isa": isa}
        return history.summarise(results)

    tonight = copy.deepcopy(RUNS)
    tonight["7c3fecc3"]["weights"] = "cccc"
    change = history.changes(on("sse4_2 avx avx2 fma avx512f", RUNS), on("sse4_2 avx avx2 fma", tonight))
    assert change["versions"]["CPU vector extensions"] == ["sse4_2 avx avx2 fma avx512f", "sse4_2 avx avx2 fma"]
    assert [n["key"] for n in change["nondeterministic"]] == ["7c3fecc3"]
    assert "CPU vector extensions" not in history.changes(history.summarise(results_with(RUNS)),
                                                          on("avx2", RUNS))["versions"]  # not recorded before
