"""What a run was made on: library versions, the device, the code's commit."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

from experiments.run import devices

_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "hypothesis", "pytest", "jinja2", "matplotlib")


def versions() -> dict[str, str]:
    """Python, the suite's packages, and on a GPU machine the CUDA stack (driver, CUDA/cuDNN build, nvidia-* wheels)."""
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found | devices.cuda_stack()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# The vector extensions oneDNN chooses its CPU kernels by: on another set a run may end on other last bits.
VECTOR_EXTENSIONS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
                     "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8")


def cpu_isa(cpuinfo: str | None = None) -> str:
    """The CPU's vector extensions among VECTOR_EXTENSIONS, from /proc/cpuinfo's flags; "unknown" without it."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return "unknown"
    flags = next((set(line.split(":", 1)[1].split()) for line in cpuinfo.splitlines() if line.startswith("flags")),
                 None)
    return "unknown" if flags is None else " ".join(f for f in VECTOR_EXTENSIONS if f in flags)


def device() -> dict[str, object]:
    """The CPU, its vector extensions, and the GPUs TensorFlow sees (none on a CPU wheel)."""
    return {
        "cpu": _cpu_model(),
        "cpu_isa": cpu_isa(),
        "cpu_count": os.cpu_count(),
        "gpus": devices.gpu_names(),
        "platform": platform.platform(),
    }


def git_commit(directory: Path) -> str | None:
    """HEAD's hash, with "+dirty" when the work tree differs from it; None outside a checkout."""
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")
