"""How far each heavy run of a profile is from this machine's fp32 peak: the suite's fit beside the book's.

    .venv/bin/python benchmarks/peak_share.py [--profile smoke] [--steps 20] [--repetitions 5] [--json PATH]

For each run whose arithmetic dominates the profile (experiments.harness.heavy_runs), on random images of
its size: the floating-point operations of an epoch of the book's set (2,000 training and 1,000 validation
images), counted from the model (experiments/run/flops.py), the seconds an epoch takes as the suite trains it and
as the book's plain model.fit does, in this process, and the share of this CPU's fp32 peak each reaches. One pass
is noise on a shared machine: each run is timed in ``--repetitions`` pairs, suite and book's fit one after the
other, the order alternating from pair to pair, and ranked by the median of the pairs' ratios, with the medians
and the range of both. The
peak is stated with what it is made of: cores × clock × fp32 lanes of the widest vector unit × 2 (a
multiply-add) × FMA units per core. The table is printed; ``--json reports/reference/peak_share.json`` keeps
it for the findings page, which renders it as the measurement of the machine that wrote it.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from experiments.harness.heavy_runs import (
    flops_per_epoch,
    heavy_runs,
    timed_epoch_seconds,
)
from experiments.run import flops
from experiments.run.environment import device


def paired(run, steps: int, repetitions: int) -> dict:
    """``repetitions`` pairs of timed epochs, suite and book's fit back to back, the first of a pair alternating."""
    suite, book = [], []
    for repetition in range(repetitions):
        order = (False, True) if repetition % 2 == 0 else (True, False)
        timed = {is_book: timed_epoch_seconds(run, run.size, steps, book=is_book) for is_book in order}
        suite.append(timed[False])
        book.append(timed[True])
    return {"suite_seconds": suite, "book_seconds": book,
            "suite_seconds_per_epoch": statistics.median(suite), "book_seconds_per_epoch": statistics.median(book),
            "suite_over_book": statistics.median(s / b for s, b in zip(suite, book, strict=True))}


def measure(profile: str, steps: int, repetitions: int) -> dict:
    runs = [{"name": run.name, "size": run.size, "flop_per_epoch": flops_per_epoch(run, run.size),
             **paired(run, steps, repetitions)} for run in heavy_runs(profile)]
    return {"profile": profile, "steps": steps, "repetitions": repetitions, "peak": flops.cpu_peak(),
            "measured_on": f"{device()['cpu']} × {device()['cpu_count']}", "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="smoke", choices=["smoke", "full"])
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per model and setting")
    parser.add_argument("--repetitions", type=int, default=5, help="paired timings per run (default 5)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the measurements there")
    args = parser.parse_args()
    measured = measure(args.profile, args.steps, args.repetitions)
    peak = measured["peak"]
    print(f"fp32 peak: {peak['cores']} cores × {peak['ghz']:.2f} GHz × {peak['fp32_lanes']} lanes ({peak['vector']}) "
          f"× 2 × {peak['fma_units']} FMA units (assumed) = {peak['gflops']:.0f} GFLOP/s")
    print("| run | size | GFLOP an epoch | s an epoch, suite (range) | book's fit (range) | suite / book, median of "
          "pairs | share of peak, suite | book's fit |")
    print("|---|---|---|---|---|---|---|---|")
    for run in measured["runs"]:
        arithmetic, suite, book = run["flop_per_epoch"] / 1e9, run["suite_seconds_per_epoch"], run["book_seconds_per_epoch"]
        print(f"| {run['name']} | {run['size']} | {arithmetic:.0f} | {suite:.1f} ({min(run['suite_seconds']):.1f}–"
              f"{max(run['suite_seconds']):.1f}) | {book:.1f} ({min(run['book_seconds']):.1f}–{max(run['book_seconds']):.1f})"
              f" | {run['suite_over_book']:.2f} | {arithmetic / suite / peak['gflops']:.0%} "
              f"| {arithmetic / book / peak['gflops']:.0%} |")
    if args.json is not None:
        args.json.write_text(json.dumps(measured, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
