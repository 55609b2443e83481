"""The first thing to run on a new GPU runner: what the full profile needs, checked in a few minutes.

    python -m experiments.harness.preflight            # make preflight

    python -m experiments.harness.preflight --checks checks/test_transfer.py   # one shard's

1. the GPU is seen (else: why not);
2. the run cache, the Keras cache and the report directory can be written;
3. one training step of each heavy model of the full profile runs twice from the same seed with
   bit-identical weights under op determinism, and a validation batch of the suite's size fits;
4. each file the full profile reads is in place (experiments/data/fetch.py), or its address answers: a
   missing file is said, and fails nothing here (only the checks that read it);
5. each heavy run's seconds per epoch, measured here on its own layers and batch size, give a projected
   wall time for the shard of ``--checks`` (the whole profile without it), which fails above SHARD_SHARE
   of the nightly workflow's limit of a shard.

The exit status is 1 for what a shard cannot do without: no GPU, nondeterministic steps, a directory it
cannot write, or a projection over its share of the limit.

Random weights stand in for ImageNet's (the arithmetic is the same), and random images for the
photographs. ``--size`` shrinks every input for a test of the command itself on a CPU.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import re
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
from tensorflow.errors import ResourceExhaustedError

from experiments.claims import overfitting, transfer
from experiments.claims.recipe import TrainSpec
from experiments.data import downloads, fetch
from experiments.paths import WORKFLOW
from experiments.run import devices, flops, pretrained
from experiments.run.cache import default_cache_dir
from experiments.run.environment import device
from experiments.run.fitting import (
    COMPILE_OPTIONS,
    FIT_OPTIONS,
    books_fit,
    epoch_batches,
    fit_drawn,
    optimizer_of,
    suite_fit,
)
from experiments.run.profiles import PROFILES
from experiments.run.seeding import seed_everything

TRAIN_IMAGES, VALIDATION_IMAGES = 2_000, 1_000  # the book's small set: per epoch, every run of sections 4-6
# A shard's heavy runs may take this share of its time limit; the rest is for its other checks, the set-up,
# restoring the fetched files and writing the results.
SHARD_SHARE = 0.75


@dataclass(frozen=True)
class HeavyRun:
    """A run whose arithmetic dominates a profile's night or day: the catalogue's recipe of it, at seed 0."""

    name: str
    spec: TrainSpec
    module: str  # the check module that trains it: a shard that runs it pays for it

    @property
    def size(self) -> int:
        return self.spec.model_args["size"]

    @property
    def batch_size(self) -> int:
        return self.spec.batch_size

    @property
    def epochs(self) -> int:
        return self.spec.epochs

    def build(self, size: int):
        """The recipe's model at ``size``, with random weights (the arithmetic is the same as ImageNet's)."""
        spec = dataclasses.replace(self.spec, model_args={**self.spec.model_args, "size": size})
        builder = getattr(pretrained, spec.model, None)
        if builder is not None and "pretrained" in inspect.signature(builder).parameters:
            spec = dataclasses.replace(spec, model_args={**spec.model_args, "pretrained": False})
        return spec.build()


def heavy_runs(profile_name: str = "full") -> list[HeavyRun]:
    """The runs whose arithmetic dominates ``profile_name``'s night (the full profile's) or day (the smoke's)."""
    profile = PROFILES[profile_name]
    base = profile.transfer_base
    scratch, section5 = "checks/test_overfitting.py", "checks/test_transfer.py"
    runs = [
        HeavyRun("cats-vs-dogs convnet, plain", overfitting.cats_convnet_spec(profile, seed=0), scratch),
        HeavyRun("cats-vs-dogs convnet, augmented", overfitting.cats_convnet_spec(profile, seed=0, augmented=True),
                 scratch),
        HeavyRun(f"{base} extraction with augmentation", transfer.augmented_extraction_spec(profile, seed=0), section5),
        HeavyRun(f"{base} fine-tuning its top block", transfer.augmented_extraction_spec(profile, seed=0, fine_tune=True),
                 section5),
    ]
    if profile.tutorial_mobilenet_v2:
        runs += [HeavyRun("MobileNetV2 (TFT), base frozen", transfer.tft_spec(profile, seed=0), section5),
                 HeavyRun("MobileNetV2 (TFT), fine-tuned from layer 100", transfer.tft_spec(profile, seed=0, fine_tune=True),
                          section5)]
    return runs


def _compiled(run: HeavyRun, size: int, seed: int, book: bool = False):
    """The run's model compiled as the suite compiles it, or (``book``) as the book's plain model.fit does."""
    seed_everything(seed)
    model = run.build(size)
    model.compile(optimizer=optimizer_of(run.spec), loss=run.spec.loss, **({} if book else COMPILE_OPTIONS))
    return model


def _batch(size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((count, size, size, 3), dtype=np.float32), rng.integers(0, 2, count).astype("float32")


def one_step_twice(run: HeavyRun, size: int) -> bool:
    """One training step from the same seed, twice: are the weights equal bit for bit?"""
    x, y = _batch(size, run.batch_size)
    weights = []
    for _ in range(2):
        model = _compiled(run, size, seed=0)
        model.train_on_batch(x, y)
        weights.append(model.get_weights())
    return all(np.array_equal(a, b) for a, b in zip(*weights, strict=True))


def timed_epoch_seconds(run: HeavyRun, size: int, steps: int, book: bool = False) -> float:
    """Seconds for one epoch of the book's set, from ``steps`` timed steps after a warm-up (compiling) one,
    and the validation pass timed the same way; as the suite runs them, or (``book``) as plain model.fit."""
    model = _compiled(run, size, seed=0, book=book)
    x, y = _batch(size, run.batch_size * steps)
    (books_fit if book else suite_fit)(model, x[:run.batch_size], y[:run.batch_size], run.batch_size, epochs=1)
    if book:
        def epoch():
            books_fit(model, x, y, run.batch_size, epochs=1)
    else:  # the suite draws a run's batches once, before its first epoch: a cost of the run, not of each epoch
        batches = epoch_batches(x, y, run.batch_size, shuffle=True)

        def epoch():
            fit_drawn(model, batches, epochs=1)
    started = time.perf_counter()
    epoch()
    per_step = (time.perf_counter() - started) / steps
    started = time.perf_counter()
    model.predict(x, batch_size=32 if book else FIT_OPTIONS["validation_batch_size"], verbose=0)
    per_validated = (time.perf_counter() - started) / len(x)
    return per_step * TRAIN_IMAGES / run.batch_size + per_validated * VALIDATION_IMAGES


def validates_a_whole_batch(run: HeavyRun, size: int) -> None:
    """One validation batch of the suite's size through the model: its activations are what a GPU's memory must
    hold at once, which the timed steps' smaller batches never ask for. Raises ResourceExhaustedError if not."""
    model = _compiled(run, size, seed=0)
    x, _ = _batch(size, min(FIT_OPTIONS["validation_batch_size"], VALIDATION_IMAGES))
    model.predict(x, batch_size=FIT_OPTIONS["validation_batch_size"], verbose=0)


def flops_per_epoch(run: HeavyRun, size: int) -> int:
    """The arithmetic of one epoch of the book's set: its training steps and its validation pass."""
    model = _compiled(run, size, seed=0)
    return flops.training_flops(model) * TRAIN_IMAGES + flops.forward_flops(model) * VALIDATION_IMAGES


def download_addresses() -> dict[str, str]:
    """What the full profile downloads where no copy is in place: {what: address}."""
    return {need.what: need.url for need in fetch.needs(PROFILES["full"])}


def downloads_state() -> list[tuple[str, str]]:
    """(what, its state) for each file of the full profile: in place (not asked for again), or its address's answer."""
    found = []
    for need in fetch.needs(PROFILES["full"]):
        copy = need.present()
        failure = "" if copy is not None else reachable(need.url)
        found.append((need.what, f"in place at {copy}" if copy is not None else failure or "reachable"))
    return found


def unwritable() -> list[str]:
    """The directories a shard writes that it cannot: the run cache, the Keras cache, $REPORTS where set."""
    directories = {"the run cache": default_cache_dir(),
                   "the Keras cache": Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))}
    if os.environ.get("REPORTS"):
        directories["$REPORTS"] = Path(os.environ["REPORTS"])
    problems = []
    for what, directory in directories.items():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as error:
            problems.append(f"{what} ({directory}) cannot be written: {error.strerror or error}; create it and give "
                            f"the runner's user write access (sudo install -d -o \"$USER\" {directory}), or point "
                            "the workflow's variables elsewhere")
    return problems


def reachable(url: str) -> str:
    """"" when the address answers with its first byte within the stall limit; else why not."""
    request = urllib.request.Request(downloads.resolve(url), headers={"Range": "bytes=0-0"})
    try:
        with urllib.request.urlopen(request, timeout=downloads.stall_limit()) as response:
            response.read(1)
    except (OSError, ValueError) as error:
        return f"download of {downloads.resolve(url)} failed: {downloads.why_failed(error, downloads.stall_limit())}"
    return ""


def workflow_limit_minutes(path: Path = WORKFLOW) -> int | None:
    """The time limit of the workflow's shard job."""
    text = path.read_text() if path.is_file() else ""
    shard = re.search(r"^  shard:\n(.*?)(?=^  \w)", text, re.MULTILINE | re.DOTALL)
    found = re.search(r"timeout-minutes:\s*(\d+)", shard.group(1)) if shard else None
    return int(found.group(1)) if found else None


H100_SXM_FP32_TFLOPS = 67.0  # NVIDIA's datasheet: fp32 without tensor cores (TF32 is off under the suite's determinism)


def host_seconds_per_epoch(size: int, batch_size: int) -> float:
    """What an epoch costs the host beside the arithmetic, measured on this machine: the suite's fit of the book's
    images at ``size`` and ``batch_size``, with its validation pass, through a model with next to no arithmetic
    (global average pooling → Dense(1)), after a warm-up fit that traces it. Shuffling, batching, the loop, the
    copies and the callbacks cost a GPU's host the same. The epoch is a fit of five epochs less a fit of one,
    over four, each the best of two: what a run pays once (drawing its epochs' batches), a run of the full
    profile's 10 to 100 epochs spreads thin, and it is left out."""
    seed_everything(0)
    model = keras.Sequential([keras.Input((size, size, 3)), keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.RMSprop(1e-5), loss="binary_crossentropy", **COMPILE_OPTIONS)
    (x, y), validation = _batch(size, TRAIN_IMAGES), _batch(size, VALIDATION_IMAGES)
    suite_fit(model, x, y, batch_size, epochs=1, validation_data=validation)  # tracing, and the first touch of memory

    def best_of_two(epochs: int) -> float:  # as timeit: noise on a shared machine only slows a fit down
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            suite_fit(model, x, y, batch_size, epochs=epochs, validation_data=validation)
            timings.append(time.perf_counter() - started)
        return min(timings)

    return (best_of_two(5) - best_of_two(1)) / 4


def projection(seeds: int, tflops: float, size: int | None = None, measure_host: bool = True) -> dict:
    """The full profile's heavy runs at a sustained fp32 rate: their FLOP, counted from the models, and minutes;
    with ``measure_host``, also the host's time an epoch, measured here (host_seconds_per_epoch)."""
    runs, host = [], {}
    for run in heavy_runs():
        run_size = size or run.size
        epoch = flops_per_epoch(run, run_size)
        epochs = run.epochs * seeds
        projected = {"name": run.name, "size": run_size, "runs": seeds, "epochs": run.epochs,
                     "flop_per_epoch": epoch, "flop": epoch * epochs, "minutes": epoch * epochs / (tflops * 1e12) / 60}
        if measure_host:
            if (run_size, run.batch_size) not in host:
                host[run_size, run.batch_size] = host_seconds_per_epoch(run_size, run.batch_size)
            projected |= {"host_seconds_per_epoch": host[run_size, run.batch_size],
                          "host_minutes": host[run_size, run.batch_size] * epochs / 60}
        runs.append(projected)
    found = {"seeds": seeds, "tflops": tflops, "runs": runs, "minutes": sum(r["minutes"] for r in runs),
             "shard_limit_minutes": workflow_limit_minutes()}
    if measure_host:
        here = device()
        found |= {"host_minutes": sum(r["host_minutes"] for r in runs),
                  "host_measured_on": f"{here['cpu']} × {here['cpu_count']}"}
    return found


def project_from_arithmetic(projected: dict) -> int:
    for run in projected["runs"]:
        host = f" + {run['host_minutes']:.1f} min of host time" if "host_minutes" in run else ""
        print(f"{run['name']} at {run['size']} px: {run['flop'] / 1e15:.2f} PFLOP for {run['runs']} run(s) × "
              f"{run['epochs']} epochs → {run['minutes']:.1f} min at {projected['tflops']:g} TFLOP/s{host}")
    host = (f", and {projected['host_minutes']:.0f} min of host time as measured on {projected['host_measured_on']}"
            if "host_minutes" in projected else "")
    print(f"projected full profile, {projected['seeds']} seeds, heavy runs only, from arithmetic at "
          f"{projected['tflops']:g} TFLOP/s: {projected['minutes']:.0f} min{host} (no GPU step timed: the rate is "
          "the one given)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.harness.preflight", description=__doc__.split("\n")[0])
    parser.add_argument("--allow-cpu", action="store_true", help="go on without a GPU (to try the command itself)")
    parser.add_argument("--size", type=int, default=None, help="input side for every model (default: the profile's)")
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per model (default 20)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds of the projection (default: the full profile's)")
    parser.add_argument("--arithmetic", type=float, default=None, metavar="TFLOPS",
                        help="only project the heavy runs' time from their FLOP counts at this sustained fp32 rate "
                             f"(TFLOP/s; an H100 SXM's datasheet: {H100_SXM_FP32_TFLOPS:g}): no GPU, timing or "
                             "download needed")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="with --arithmetic: also write the projection there (the findings page shows "
                             "reports/reference/projection.json)")
    parser.add_argument("--checks", nargs="+", default=None, metavar="MODULE",
                        help="the check modules of one shard: project its heavy runs only, against its share of the "
                             "shard's limit")
    parser.add_argument("--no-host", action="store_true",
                        help="with --arithmetic: leave out the host's time an epoch (measured here, a minute or so)")
    args = parser.parse_args(argv)

    seeds = args.seeds or PROFILES["full"].seeds
    if args.arithmetic is not None:
        projected = projection(seeds, args.arithmetic, args.size, measure_host=not args.no_host)
        if args.json is not None:
            args.json.write_text(json.dumps(projected, indent=1) + "\n")
        return project_from_arithmetic(projected)
    problems = 0
    gpus = devices.gpu_names()
    print(f"GPU: {', '.join(gpus)}" if gpus else f"GPU: none — {devices.why_no_gpu()}")
    if not gpus and not args.allow_cpu:
        return 1
    for problem in unwritable():
        problems += 1
        print(problem)
    devices.prepare(None)
    shard = [run for run in heavy_runs() if not args.checks or run.module in args.checks]
    total = 0.0
    for run in shard:
        size = args.size or run.size
        identical = one_step_twice(run, size)
        problems += not identical
        try:
            validates_a_whole_batch(run, size)
            epoch = timed_epoch_seconds(run, size, args.steps)
        except ResourceExhaustedError as error:  # a training batch, or one validation batch of the suite's size
            problems += 1
            print(f"{run.name} at {size} px: out of GPU memory in a training step or a validation batch of "
                  f"{FIT_OPTIONS['validation_batch_size']:,} images ({str(error).splitlines()[0][:200]})")
            continue
        minutes = epoch * run.epochs * seeds / 60
        total += minutes
        arithmetic = flops_per_epoch(run, size)
        print(f"{run.name} at {size} px: one step twice {'bit-identical' if identical else 'DIFFERS'}; "
              f"{epoch:.1f} s an epoch ({arithmetic / 1e12:.2f} TFLOP, {arithmetic / epoch / 1e12:.2f} TFLOP/s) "
              f"→ {minutes:.1f} min for {seeds} run(s) × {run.epochs} epochs")
    for what, state in downloads_state():
        print(f"download {what}: {state}")
    limit = workflow_limit_minutes()
    which = f"the shard of {' '.join(args.checks)}" if args.checks else "the full profile"
    print(f"projected {which}, {seeds} seeds, heavy runs only: {total:.0f} min; each shard of the nightly "
          f"workflow is allowed {limit if limit is not None else '?'} min")
    if args.checks and limit is not None and total > SHARD_SHARE * limit:
        problems += 1
        print(f"over budget: {total:.0f} min is more than {SHARD_SHARE:.0%} of the shard's {limit} min; split the "
              "shard, or run it with fewer seeds")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
