"""Seeding and determinism: what every run and check sets, and the record of it a run's results keep."""

from __future__ import annotations

import os
from typing import Any

import keras
import tensorflow as tf
from tensorflow.python.framework import config as framework_config


def seed_everything(seed: int) -> None:
    """Python, NumPy and TensorFlow seeded, TensorFlow's ops deterministic: same seed, same run.

    TensorFloat-32 is turned off so that GPUs compute convolutions and matrix
    products in full fp32, as the CPU does and as the books' numbers were made.
    """
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    tf.config.experimental.enable_tensor_float_32_execution(False)


# How the suite seeds, in words: the plugin seeds each check (experiments/harness/plugin.py), training each run.
SEEDING = {
    "keras.utils.set_random_seed": "per check, from a hash of its test id; per training run, its seed",
    "batch order": "with its seed set, Keras 3's fit on arrays draws one shuffled order of a run's training set and "
                   "repeats it every epoch, where the books' Keras 2 drew a new one each epoch; the suite's fit draws "
                   "that order once (tests/test_training_runs.py holds both)",
    "CPU kernels": "oneDNN chooses them by the CPU's vector extensions (the run's device.cpu_isa), which a run's key "
                   "does not hold: a run repeats bit for bit on CPUs of one set, and on another its weights differ in "
                   "their last bits (a run retrained under ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512 CPU does), and then "
                   "the comparison with an earlier run calls it nondeterministic beside the change of extensions",
}


def determinism_state() -> dict[str, Any]:
    """What this process has set, read back from TensorFlow and the environment (a check's record carries it)."""
    return {
        # TensorFlow reads its determinism flag back only through a module outside its public API.
        "tf.config.experimental.enable_op_determinism": framework_config.is_op_determinism_enabled(),
        "tf.config.experimental.enable_tensor_float_32_execution":
            tf.config.experimental.tensor_float_32_execution_enabled(),
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "not set"),
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "not set (oneDNN on for CPU)"),
        # a run's weights depend on its intra-op threads, which its key holds (experiments/run/threads.py)
        "tf.config.threading.intra_op_parallelism_threads":
            tf.config.threading.get_intra_op_parallelism_threads() or "not set (every core)",
        "tf.config.threading.inter_op_parallelism_threads":
            tf.config.threading.get_inter_op_parallelism_threads() or "not set (every core)",
    }
