"""GPUs on a CPU machine, faked: one per pytest-xdist worker, memory as needed, the stack recorded, and the full
profile refused where TensorFlow sees none."""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass

import pytest
import tensorflow as tf

from experiments.run import devices, environment


@dataclass(frozen=True)
class FakeGPU:
    name: str
    device_type: str = "GPU"


TWO_GPUS = [FakeGPU("/physical_device:GPU:0"), FakeGPU("/physical_device:GPU:1")]


@pytest.fixture
def two_gpus(monkeypatch):
    """TensorFlow's device calls answered as on a machine with two H100s; what the suite sets is recorded."""
    calls = {"visible": None, "growth": []}
    monkeypatch.setattr(devices, "physical_gpus", lambda: list(TWO_GPUS))
    monkeypatch.setattr(devices, "gpu_names", lambda gpus=None: ["NVIDIA H100 80GB HBM3"] * len(gpus or TWO_GPUS))
    monkeypatch.setattr(tf.config, "set_visible_devices", lambda chosen, kind: calls.update(visible=(chosen, kind)))
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", lambda gpu, on: calls["growth"].append((gpu, on)))
    return calls


def test_each_worker_takes_its_own_gpu_with_memory_as_needed(two_gpus):
    assert devices.prepare("gw1")["gpu"] == "/physical_device:GPU:1 (NVIDIA H100 80GB HBM3)"
    assert two_gpus["visible"] == ([TWO_GPUS[1]], "GPU") and two_gpus["growth"] == [(TWO_GPUS[1], True)]
    devices.prepare("gw2")  # a third worker shares the first GPU
    assert two_gpus["visible"] == ([TWO_GPUS[0]], "GPU")


def test_without_xdist_every_gpu_stays_visible(two_gpus):
    devices.prepare(None)
    assert two_gpus["visible"] == (TWO_GPUS, "GPU") and len(two_gpus["growth"]) == 2


def test_on_a_cpu_nothing_is_pinned():
    assert devices.prepare("gw0") == {"worker": "gw0", "gpu": None}


def test_the_cuda_stack_is_recorded(monkeypatch, tmp_path):
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\necho 550.54.15\necho 550.54.15\n")
    smi.chmod(smi.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(tf.sysconfig, "get_build_info", lambda: {"cuda_version": "12.5.1", "cudnn_version": "9"})

    @dataclass
    class Wheel:
        metadata: dict
        version: str

    monkeypatch.setattr(devices.importlib.metadata, "distributions",
                        lambda: [Wheel({"Name": "nvidia-cudnn-cu12"}, "9.3.0.75"), Wheel({"Name": "numpy"}, "2.1")])
    stack = environment.versions()
    assert {k: stack[k] for k in stack if k.startswith(("nvidia", "tensorflow built"))} == {
        "nvidia driver": "550.54.15", "nvidia-cudnn-cu12": "9.3.0.75",
        "tensorflow built with cuda": "12.5.1", "tensorflow built with cudnn": "9"}


def test_the_full_profile_refuses_a_machine_without_gpu(pytester: pytest.Pytester):
    pytester.makeconftest('pytest_plugins = ["experiments.harness.plugin"]')
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--profile", "full")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--profile full needs a GPU, and TensorFlow sees none: the installed TensorFlow is "
                                 "the CPU wheel (tensorflow-cpu)*Pass --allow-cpu*"])
    assert pytester.runpytest("-p", "no:cacheprovider", "--profile", "full", "--allow-cpu").ret == 0


FAKE_GPUS_CONFTEST = '''
pytest_plugins = ["experiments.harness.plugin"]
import tensorflow as tf
from experiments.run import devices

class FakeGPU:
    device_type = "GPU"
    def __init__(self, i):
        self.name = f"/physical_device:GPU:{i}"

devices.physical_gpus = lambda: [FakeGPU(0), FakeGPU(1)]
devices.gpu_names = lambda gpus=None: ["Fake GPU"] * len(gpus or [0, 0])
tf.config.set_visible_devices = lambda chosen, kind: None
tf.config.experimental.set_memory_growth = lambda gpu, on: None
'''

SHARED_RUN = '''
import numpy as np
import pytest
from experiments.data.arrays import Arrays
from experiments.claims.recipe import TrainSpec
from experiments.run.training import train

rng = np.random.default_rng(0)
ARRAYS = Arrays(rng.random((64, 8), dtype=np.float32), rng.integers(0, 2, 64).astype("uint8"),
                rng.random((16, 8), dtype=np.float32), rng.integers(0, 2, 16).astype("uint8"))
SPEC = TrainSpec(model="dense_network", model_args={"inputs": 8, "units": 4}, data="random", loss="binary_crossentropy",
                 epochs=1, batch_size=16, seed=0)

@pytest.mark.parametrize("asker", ["first", "second"])
@pytest.mark.claim("over.network_size")
def test_shared(asker, run_cache, progress, evidence):
    evidence.measure("trained here", not train(SPEC, ARRAYS, run_cache, progress).from_cache)
'''


def test_two_workers_take_one_gpu_each_and_train_a_shared_run_once(pytester: pytest.Pytester):
    """Each worker its own GPU; the run both need trained by one, which says so on the terminal, named."""
    pytester.makeconftest(FAKE_GPUS_CONFTEST)
    pytester.makepyfile(test_shared=SHARED_RUN)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--no-cache",
                                           "--cache-dir", str(pytester.path / "cache"))
    assert result.ret == 0, result.stdout.str()[-2000:]
    results = json.loads((pytester.path / "reports" / "latest" / "results.json").read_text())
    assert results["run"]["workers"] == {"gw0": "/physical_device:GPU:0 (Fake GPU)",
                                         "gw1": "/physical_device:GPU:1 (Fake GPU)"}
    (entry,) = [c for c in results["claims"] if c["id"] == "over.network_size"]
    assert sorted(m["value"] for m in entry["measured"]) == [False, True]  # trained by one worker, read by the other
    told = [line for line in result.stderr.lines if "dense_network on random, seed 0: training" in line]
    assert len(told) == 1 and re.match(r"\[convnet-claims \d\d:\d\d:\d\d gw[01]\] ", told[0]), result.stderr.lines
    assert entry["verdict"] == "reproduced"


def test_a_gpu_that_trains_on_bad_labels_is_measured_not_an_error(monkeypatch):
    """trans.label_range on a GPU: fit does not raise; what it did is the answer, not an error of the check."""
    import types

    import keras
    import numpy as np

    from experiments.run.labels import framework_answer, label_error

    def head() -> keras.Model:
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        return model

    gpu = head()  # a GPU's gather: no error, a loss however meaningless
    monkeypatch.setattr(gpu, "fit", lambda *args, **kwargs: types.SimpleNamespace(history={"loss": [float("nan")]}))
    assert framework_answer(gpu, None, None) == ("trained", "loss nan")
    outcome, detail = framework_answer(head(), np.zeros((8, 2), "float32"), np.arange(8) % 5)  # this CPU refuses
    assert outcome == "refused" and label_error(2).fullmatch(detail), detail


@pytest.mark.parametrize("device, outcome, detail, documented", [
    ("CPU", "refused", "indices[3] = 4 is not in [0, 2)", True),
    ("CPU", "refused", "Received a label value of 4 which is outside the valid range of [0, 2)", True),
    ("CPU", "trained", "loss 0.6931", False),  # a CPU that lets the labels through: the check fails
    ("GPU", "trained", "loss nan", True),
    ("GPU", "trained", "loss 1.609", True),
    ("GPU", "refused", "indices[3] = 4 is not in [0, 2)", False),  # a GPU kernel that now checks: said, not hidden
    ("GPU", "trained", "", False),
])
def test_the_frameworks_answer_to_labels_out_of_range_is_checked_on_every_device(device, outcome, detail, documented):
    """trans.label_range asserts what Keras does on the device it runs on; a GPU's answer is faked here."""
    from experiments.run.labels import answers_as_documented

    assert answers_as_documented(device, outcome, detail, 2) is documented
