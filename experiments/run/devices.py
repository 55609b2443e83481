"""The accelerators a run uses: which GPUs TensorFlow sees, one per pytest-xdist worker, memory taken as needed,
and the CUDA stack under them.

Everything here must happen before TensorFlow initialises its GPUs (its
first op): the plugin calls ``prepare`` from pytest_configure, in the
controller and in every worker.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
from typing import Any


def physical_gpus() -> list[Any]:
    import tensorflow as tf

    return tf.config.list_physical_devices("GPU")


def gpu_names(gpus: list[Any] | None = None) -> list[str]:
    import tensorflow as tf

    return [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
            for gpu in (physical_gpus() if gpus is None else gpus)]


def worker_index(worker_id: str | None) -> int | None:
    """gw0 → 0, gw1 → 1, …; None outside pytest-xdist."""
    if not worker_id:
        return None
    match = re.fullmatch(r"gw(\d+)", worker_id)
    return int(match.group(1)) if match else None


def prepare(worker_id: str | None) -> dict[str, Any]:
    """Pin this process to one GPU (worker i takes GPU i mod n) and let TensorFlow take GPU memory as it needs it.

    By default TensorFlow maps nearly all of every GPU's memory in each process,
    so two workers on one GPU would starve each other, and every worker would sit
    on GPU 0. Returns what was set, for the run's record.
    """
    import tensorflow as tf

    gpus = physical_gpus()
    if not gpus:
        return {"worker": worker_id, "gpu": None}
    index = worker_index(worker_id)
    chosen = gpus if index is None else [gpus[index % len(gpus)]]
    tf.config.set_visible_devices(chosen, "GPU")
    for gpu in chosen:
        tf.config.experimental.set_memory_growth(gpu, True)
    return {"worker": worker_id, "gpu": ", ".join(f"{gpu.name} ({name})" for gpu, name in zip(chosen, gpu_names(chosen))),
            "memory_growth": True}


def why_no_gpu() -> str:
    """A reader's explanation of why TensorFlow sees no GPU here."""
    import tensorflow as tf

    try:
        importlib.metadata.version("tensorflow-cpu")
        return "the installed TensorFlow is the CPU wheel (tensorflow-cpu); install with TF_EXTRA=gpu"
    except importlib.metadata.PackageNotFoundError:
        pass
    if not tf.test.is_built_with_cuda():
        return "this TensorFlow is built without CUDA"
    if shutil.which("nvidia-smi") is None:
        return "no NVIDIA driver found (nvidia-smi is not on PATH)"
    return ("TensorFlow could not load the CUDA libraries beside the driver (set TF_CPP_MIN_LOG_LEVEL=0 to see "
            "its 'Cannot dlopen some GPU libraries' warning)")


def _nvidia_smi(query: str) -> str | None:
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        answer = subprocess.run(["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    values = sorted({line.strip() for line in answer.splitlines() if line.strip()})
    return ", ".join(values) or None


def cuda_stack() -> dict[str, str]:
    """The CUDA stack the nightly guards: TensorFlow's build, the driver, and every nvidia-* wheel installed."""
    import tensorflow as tf

    stack = {}
    build = tf.sysconfig.get_build_info()
    for key in ("cuda_version", "cudnn_version"):
        if build.get(key):
            stack[f"tensorflow built with {key.removesuffix('_version')}"] = str(build[key])
    driver = _nvidia_smi("driver_version")
    if driver:
        stack["nvidia driver"] = driver
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"] or ""
        if name.lower().startswith("nvidia-"):
            stack[name.lower()] = distribution.version
    return dict(sorted(stack.items()))
