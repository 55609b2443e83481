"""How a run shares the machine: how many pytest-xdist workers, and how many threads each gives TensorFlow's ops.

The rule: on a GPU machine, one worker per GPU (experiments/run/devices.py pins
each to its own). On a CPU, ``min(cores, MAX_WORKERS)`` workers, each with
``cores // workers`` intra- and inter-op threads (at least one), so that workers
× threads ≈ cores. A process alone, or one of fewer workers than the rule's,
takes the threads of the rule's workers, so that a machine trains each run
one way whichever command asks for it; more workers than the rule's share the
cores among them. Processes share the cores better than threads do: a small
convnet's step is too short to split across threads for much gain, and two
workers of every core's threads each oversubscribe the machine
(benchmarks/scaling.py measures both). Past MAX_WORKERS, cores go to threads,
because the checks are dealt out a module to a worker, and the longest module
(the section-4 convnets) holds near half of a smoke run's training
(experiments/harness/ordering.py's module seconds): more workers would wait idle
while it runs.

The weights a run learns on a CPU depend on its intra-op thread count (oneDNN
splits a reduction across its threads); its inter-op threads only run
independent ops side by side. So a run's key holds the intra-op count
(experiments/run/identity.py), and the same run on a machine where the rule
chooses other threads is another run.
"""

from __future__ import annotations

import os

MAX_WORKERS = 4
THREADS_ENV = "CONVNET_CLAIMS_THREADS"  # a worker's share, which pytest processes it starts inherit; or the user's


def available_cores() -> int:
    """The cores this process may run on (``taskset`` and cgroups' CPU sets respected)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no sched_getaffinity on macOS
        return os.cpu_count() or 1


def workers_for(cores: int, gpus: int = 0) -> int:
    """pytest-xdist workers for a machine of ``cores`` CPU cores and ``gpus`` GPUs."""
    return gpus if gpus else max(1, min(cores, MAX_WORKERS))


def threads_for(cores: int, workers: int) -> int:
    """TensorFlow threads for each of ``workers`` processes sharing ``cores`` cores."""
    return max(1, cores // max(1, workers))


def chosen_threads(workers: int | None, gpus: int = 0) -> int:
    """This process's threads: $CONVNET_CLAIMS_THREADS when set, else its share of the cores among ``workers``
    (None: a process alone), or among the rule's workers where they are more. A process alone therefore takes
    the threads the rule's workers take, and trains the runs they train: on one machine, ``pytest checks -k …``
    reads the runs ``make report`` left in the cache."""
    inherited = os.environ.get(THREADS_ENV)
    if inherited:
        try:
            threads = int(inherited)
        except ValueError:
            threads = 0
        if threads < 1:
            raise ValueError(f"${THREADS_ENV}={inherited!r}: a whole number of threads, at least 1")
        return threads
    cores = available_cores()
    return threads_for(cores, max(workers or 1, workers_for(cores, gpus)))


def set_threads(threads: int) -> None:
    """Give TensorFlow's ops ``threads`` intra- and inter-op threads, before its first op; pytest processes this one
    starts take the same. The run's record reads them back (experiments/run/seeding.py's determinism_state)."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # a process that has run an op keeps the threads it began with (a run's key reads them)
        pass
    os.environ[THREADS_ENV] = str(threads)


def intra_op_threads() -> int:
    """The intra-op threads TensorFlow's ops run on here: as set, else TensorFlow's default, every core available."""
    import tensorflow as tf

    return tf.config.threading.get_intra_op_parallelism_threads() or available_cores()
