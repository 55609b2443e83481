"""The product as a new user meets it: a clone with nothing beside it, its data fetched from 127.0.0.1.

The clone lies in an empty temporary folder (no ../shared, no run cache, no
Keras cache). Its photographs come through the download path, as an archive in
PetImages' layout that this test makes and serves; then a cheap check of each
kind runs: one on the photographs (over.no_val_augmentation) and the two
mechanics of section 5 (trans.label_range, trans.freeze). Fashion-MNIST's
download is proven in tests/test_data.py: in a clone, Debian's copy comes first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.data import cats_vs_dogs
from tests.stand_ins import photographs_archive

ROOT = Path(__file__).resolve().parents[1]
CHECKS = [
    "checks/test_overfitting.py::test_augmentation_acts_only_in_training",
    "checks/test_transfer.py::test_what_the_framework_does_with_the_labels",
    "checks/test_transfer.py::test_suite_refuses_before_training_and_accepts_the_fix",
    "checks/test_transfer.py::test_frozen_base_is_untouched_by_training",
]
CLAIMS = ("over.no_val_augmentation", "trans.label_range", "trans.freeze")


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a checkout")
def test_a_fresh_clone_fetches_its_data_and_reproduces_the_cheap_claims(mirror, tmp_path):
    clone = tmp_path / "empty" / "convnet-claims"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    mirror.serve(cats_vs_dogs.PETIMAGES.url, photographs_archive(sum(cats_vs_dogs.SPLITS.values())))
    environment = {k: v for k, v in os.environ.items() if k not in {cats_vs_dogs.ENV, "IMAGENET_WEIGHTS_DIR",
                                                                    "FASHION_MNIST_DIR", "CONVNET_CLAIMS_CACHE"}}
    environment |= {"CONVNET_CLAIMS_CACHE": str(tmp_path / "run-cache"), "KERAS_HOME": str(tmp_path / "keras"),
                    "PYTHONPATH": str(clone), "CONVNET_CLAIMS_MIRROR": mirror.url}
    where = subprocess.run([sys.executable, "-c", "import experiments; print(experiments.__file__)"], cwd=clone,
                           env=environment, capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    assert Path(where).is_relative_to(clone), f"the clone's run would import {where}"

    ran = subprocess.run([sys.executable, "-m", "pytest", *CHECKS, "-p", "no:cacheprovider", "--seeds", "1",
                          "--report-dir", str(tmp_path / "reports")],
                         cwd=clone, env=environment, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    results = json.loads((tmp_path / "reports" / "latest" / "results.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in results["claims"] if c["id"] in CLAIMS}
    assert verdicts == dict.fromkeys(CLAIMS, "reproduced"), verdicts
    photographs = results["run"]["data"]["cats_vs_dogs_small"]
    assert photographs["place"] == "built from the archive" and photographs["path"].startswith(str(tmp_path / "keras"))
    assert len(photographs["manifest_sha256"]) == 64
    assert mirror.asked_for(cats_vs_dogs.PETIMAGES.url) == 1
    assert "report.html" in ran.stdout and "convnet-claims" in ran.stdout
    reference = json.loads((clone / "reports" / "reference" / "smoke.json").read_text())["run"]["id"]
    page = (tmp_path / "reports" / "latest" / "report.html").read_text()
    assert 'id="since-reference"' in page and f"Compared with run <code>{reference}</code>" in page
