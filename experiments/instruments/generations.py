"""Section 1's counts and shapes under Keras 2, beside the suite's Keras 3: where a drift from the book arose.

The books printed their summaries under Keras 2. tf-keras is Keras 2 on
today's TensorFlow; in a child process it is imported under the name
`keras`, so that experiments/instruments/architecture.py's MEASURES — the
same code that measures the models for the checks — build them with it. The
result is kept in the run cache, keyed by tf-keras' and TensorFlow's
versions and by the source of the code that builds the models.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from typing import Any

from experiments.run.cache import RunCache
from experiments.run.measurements import measured

DISTRIBUTION = "tf-keras"
CHILD_TIMEOUT_S = 600
INSTALL = "`make setup` installs it: tf-keras of TensorFlow's minor version, with pip's --no-deps"


class GenerationError(RuntimeError):
    """Keras 2 is installed and could not measure the models: its error, for the checks to report."""


def keras2_version() -> str | None:
    """tf-keras' version, None where it is not installed; an error where it is not of TensorFlow's minor version
    (installed without its dependencies, nothing else would say so)."""
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    if version.split(".")[:2] != _tensorflow_version().split(".")[:2]:
        raise GenerationError(f"{DISTRIBUTION} {version} is not of TensorFlow {_tensorflow_version()}'s minor "
                              f"version; {INSTALL}")
    return version


def tuples(value: Any) -> Any:
    """JSON's lists back into the tuples a shape or a (trainable, non-trainable) pair is measured as."""
    if isinstance(value, list):
        return tuple(tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: tuples(v) for k, v in value.items()}
    return value


def measure_in_child() -> dict[str, dict[str, Any]]:
    """Run MEASURES in a child process whose `keras` is tf-keras; {claim: {quantity: value}}, values as JSON."""
    # TF_USE_LEGACY_KERAS: TensorFlow takes tf-keras for its Keras and never imports Keras 3 (a second faster).
    # No GPU: counting needs none, and TensorFlow would take most of every GPU's memory from the checks beside it.
    environment = os.environ | {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_USE_LEGACY_KERAS": "1", "CUDA_VISIBLE_DEVICES": ""}
    child = subprocess.run([sys.executable, "-m", __name__], capture_output=True, text=True, check=False,
                           timeout=CHILD_TIMEOUT_S, env=environment)
    if child.returncode != 0:
        raise GenerationError(f"measuring under Keras 2 ({DISTRIBUTION} {keras2_version()}) failed: "
                              + (child.stderr.strip().splitlines() or ["no output"])[-1])
    return json.loads(child.stdout.strip().splitlines()[-1])


def keras2_measures(cache: RunCache) -> dict[str, dict[str, Any]] | None:
    """{claim: {quantity: value}} under Keras 2, from the cache when measured before; None without tf-keras."""
    version = keras2_version()
    if version is None:
        return None
    from experiments.instruments import architecture
    from experiments.run import models, pretrained

    return tuples(measured(cache, "section 1 under Keras 2", measure_in_child,
                           parameters={DISTRIBUTION: version, "tensorflow": _tensorflow_version()},
                           code=[architecture, models, pretrained, sys.modules[__name__]]))


def _tensorflow_version() -> str:
    for distribution in ("tensorflow", "tensorflow-cpu"):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "unknown"


def _main() -> None:
    import tf_keras

    sys.modules["keras"] = tf_keras  # TF_USE_LEGACY_KERAS keeps TensorFlow from importing Keras 3 under that name
    from experiments.instruments.architecture import MEASURES
    from experiments.run import models, pretrained

    if not (models.keras is pretrained.keras is tf_keras):
        raise GenerationError("the models were built with Keras 3: a module imported it before tf-keras took its name")

    print(json.dumps({claim_id: measure() for claim_id, measure in MEASURES.items()}))  # a tuple as a list


if __name__ == "__main__":
    _main()
