"""The first thing to run on a new GPU runner: what the full profile needs, checked in a few minutes.

    python -m experiments.harness.preflight            # make preflight

    python -m experiments.harness.preflight --checks checks/test_transfer.py   # one shard's

1. the GPU is seen (else: why not);
2. the run cache, the Keras cache and the report directory can be written;
3. one training step of each heavy model of the full profile runs twice from the same seed with
   bit-identical weights under op determinism, and a validation batch of the suite's size fits;
4. each file the full profile reads is in place (experiments/harness/fetch.py), or its address answers: a
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
import json
import sys
from pathlib import Path

from tensorflow.errors import ResourceExhaustedError

from experiments.harness import runner
from experiments.harness.heavy_runs import (
    flops_per_epoch,
    heavy_runs,
    host_seconds_per_epoch,
    one_step_twice,
    timed_epoch_seconds,
    validates_a_whole_batch,
)
from experiments.run import devices
from experiments.run.environment import device
from experiments.run.fitting import FIT_OPTIONS
from experiments.run.profiles import PROFILES

# A shard's heavy runs may take this share of its time limit; the rest is for its other checks, the set-up,
# restoring the fetched files and writing the results.
SHARD_SHARE = 0.75


H100_SXM_FP32_TFLOPS = 67.0  # NVIDIA's datasheet: fp32 without tensor cores (TF32 is off under the suite's determinism)


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
             "shard_limit_minutes": runner.workflow_limit_minutes()}
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
    for problem in runner.unwritable():
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
    for what, state in runner.downloads_state():
        print(f"download {what}: {state}")
    limit = runner.workflow_limit_minutes()
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
