"""How far each heavy run of a profile is from this machine's fp32 peak: the suite's fit beside the book's.

    .venv/bin/python benchmarks/peak_share.py [--profile smoke] [--steps 20]

For each run whose arithmetic dominates the profile (experiments.preflight.heavy_runs), on random images of
its size: the floating-point operations of an epoch of the book's set (2,000 training and 1,000 validation
images), counted from the model (experiments/flops.py), the seconds an epoch takes as the suite trains it and
as the book's plain model.fit does, in this process, and the share of this CPU's fp32 peak each reaches. The
peak is stated with what it is made of: cores × clock × fp32 lanes of the widest vector unit × 2 (a
multiply-add) × FMA units per core. The table is printed, not kept: run it on the machine in question.
"""

from __future__ import annotations

import argparse

from experiments import flops
from experiments.preflight import flops_per_epoch, heavy_runs, seconds_per_epoch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="smoke", choices=["smoke", "full"])
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per model and setting")
    args = parser.parse_args()
    peak = flops.cpu_peak()
    print(f"fp32 peak: {peak['cores']} cores × {peak['ghz']:.2f} GHz × {peak['fp32_lanes']} lanes ({peak['vector']}) "
          f"× 2 × {peak['fma_units']} FMA units (assumed) = {peak['gflops']:.0f} GFLOP/s")
    print("| run | size | GFLOP an epoch | s an epoch, suite | s an epoch, book's fit | share of peak, suite | book's fit |")
    print("|---|---|---|---|---|---|---|")
    for run in heavy_runs(args.profile):
        arithmetic = flops_per_epoch(run, run.size) / 1e9
        suite, book = (seconds_per_epoch(run, run.size, args.steps, book=b) for b in (False, True))
        print(f"| {run.name} | {run.size} | {arithmetic:.0f} | {suite:.1f} | {book:.1f} "
              f"| {arithmetic / suite / peak['gflops']:.0%} | {arithmetic / book / peak['gflops']:.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
