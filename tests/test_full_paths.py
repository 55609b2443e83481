"""Every check the full profile runs and the smoke profile does not, run on the CPU at the tiny profile.

VGG16 with its fine-tuning, the tutorial's MobileNetV2, MNIST, the elephant
Grad-CAM, VGG16's filter patterns, the similar-target transfer, the K-fold
curve of 500 epochs and the study notes' 160-px CNN take the
full profile's code paths at toy sizes (the tiny profile: an epoch or a few on a few
images), on stand-ins for their downloads served from 127.0.0.1
(tests/stand_ins.py). What is asserted is that each check reaches a verdict:
with random weights and a few epochs, which verdict says nothing about a claim,
but an error or a skip would mean that a GPU runner's first night fails there
— save one: a statistic that came out the same on every seed, which toy data
of a few images give readily (an accuracy of 1 on both seeds) and which the
harness makes an error of its check (experiments/judge/stats.py). Such a check
has run its whole path, measured and judged.
So that no check is left unable to fail (a model that training left where it
started ties exactly with its negative control, and the harness makes that an
error), the stand-in photographs differ by class in grey as well as in colour,
and the tiny profile trains the runs such a control is compared with for a few
epochs rather than one.

The tiny run's trainings are kept in the run cache like any other, keyed by
what they are (their arrays and random weights are the same every time), so
only a run whose code changed trains again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from experiments.data import cats_vs_dogs
from experiments.data.weights import IMAGENET_WEIGHTS
from tests import stand_ins

ROOT = Path(__file__).resolve().parents[1]
FULL_PROFILE_PATHS = [
    "checks/test_transfer.py",  # VGG16: extraction, with augmentation, fine-tuning
    "checks/test_tutorial.py",  # the tutorial's MobileNetV2
    "checks/test_training.py::test_convnet_beats_the_dense_network",  # on MNIST, where smoke takes Fashion-MNIST
    "checks/test_generic_layers.py",  # the similar target beside the judged one
    "checks/test_training.py::test_mnist_convnet",
    "checks/test_visualisation.py::test_gradient_ascent_on_vgg16",
    "checks/test_visualisation.py::test_gradcam_on_the_elephant_photograph",
    "checks/test_visualisation.py::test_elephant_runners_up",
    "checks/test_evaluation.py::test_kfold_curve_stops_improving_at_the_turn",
    "checks/test_overfitting.py::test_notes_cnn_validation_stalls",
]
SMOKE_SKIPS = {  # the checks that only the full profile runs: each must run here
    "checks/test_tutorial.py::test_tutorial_mobilenet_v2",
    "checks/test_tutorial.py::test_validation_above_training_while_frozen",
    "checks/test_training.py::test_mnist_convnet",
    "checks/test_visualisation.py::test_gradient_ascent_on_vgg16",
    "checks/test_visualisation.py::test_gradcam_on_the_elephant_photograph",
    "checks/test_visualisation.py::test_elephant_runners_up",
    "checks/test_evaluation.py::test_kfold_curve_stops_improving_at_the_turn",
    "checks/test_overfitting.py::test_notes_cnn_validation_stalls",
}


def test_every_full_profile_path_reaches_a_verdict(mirror, tmp_path):
    accepted = stand_ins.serve(mirror, tmp_path)
    environment = {k: v for k, v in os.environ.items() if k not in {cats_vs_dogs.ENV, "IMAGENET_WEIGHTS_DIR"}}
    environment |= {"PYTHONPATH": str(ROOT), stand_ins.ENV: str(accepted)}
    ran = subprocess.run([sys.executable, "-m", "pytest", *FULL_PROFILE_PATHS, "--profile", "tiny", "-p", "tests.stand_ins",
                          "-p", "no:cacheprovider", "--report-dir", str(tmp_path / "reports")],
                         cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1_500)
    results = json.loads((tmp_path / "reports" / "latest" / "results.json").read_text())
    tests = {test["test"]: test for claim in results["claims"] for test in claim["tests"]}
    assert SMOKE_SKIPS <= tests.keys(), (sorted(tests), ran.stdout[-3000:])
    stopped = {name: f"{test['verdict']}: {test['message'][:300]}" for name, test in tests.items()
               if test["verdict"] in {"error", "skipped"} and "stats.IdenticalSeeds" not in test["message"]}
    assert not stopped, json.dumps(stopped, indent=1) + ran.stdout[-3000:] + ran.stderr[-2000:]
    assert results["run"]["profile"] == "tiny" and not results["run"]["incomplete"]
    assert ran.returncode in {0, 1}, ran.stdout[-3000:] + ran.stderr[-2000:]  # 1: a claim is not reproduced here
    assert {base: mirror.asked_for(IMAGENET_WEIGHTS[base].url) for base in stand_ins.BASES} == dict.fromkeys(stand_ins.BASES, 1)
