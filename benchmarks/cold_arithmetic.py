"""The arithmetic a cold run trains, and the least time it could take on this CPU.

    .venv/bin/python benchmarks/cold_arithmetic.py [CACHE_DIR] [--workers N] [--results PATH] [--json PATH]

Reads every training run kept in a run cache: by default the one the suite
uses; after a cold run into an empty --cache-dir (or $CONVNET_CLAIMS_CACHE),
exactly what that run trained. For each run, run.json holds the FLOP it did
(experiments/run/training.py's run_flop: every training step and validation
pass, counted from the model as experiments/run/flops.py counts) and the
seconds it trained. It prints, by recipe (the seeds added up), the FLOP, the
seconds and the rate, then two floors for the whole of it:

    at this CPU's fp32 peak (cores × clock × lanes × 2 × FMA units), which no
    run reaches;
    at the best rate one run reached in that cold run, times the workers that
    ran side by side (--workers, by default the rule's for this machine).

Neither counts what a run costs beside its arithmetic (building data,
reading photographs, the harness's own tests), so the run's wall time is above
both. With --results, the cold run's results.json, its wall time and commit
are shown beside them, and the seconds each test module took in it (the
cache's module-seconds.json, experiments/harness/ordering.py). --json keeps it
all for the findings page (reports/reference/cold_arithmetic.json).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from experiments.harness.ordering import SECONDS_FILE, read_seconds
from experiments.run import flops, threads
from experiments.run.cache import default_cache_dir


def recipe(spec: dict) -> str:
    """A run's recipe in a few words, its seed left out."""
    data = re.sub(r"(reshuffle|seed) \d+", r"\1 N", spec["data"])
    return f"{spec['model']} {json.dumps(spec.get('model_args') or {}, sort_keys=True)} on {data}, {spec['epochs']} epochs"


def read_runs(cache: Path) -> list[dict]:
    """Every run.json in the cache's entries."""
    return [json.loads(path.read_text()) for path in sorted(cache.glob("*/run.json"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cache", nargs="?", type=Path, default=None, help="a run cache (default: the suite's)")
    parser.add_argument("--workers", type=int, default=None, help="workers that trained side by side")
    parser.add_argument("--top", type=int, default=15, help="recipes listed, the most arithmetic first")
    parser.add_argument("--results", type=Path, default=None, help="the cold run's results.json")
    parser.add_argument("--json", type=Path, default=None, help="also write the totals here")
    args = parser.parse_args()
    cache = args.cache or default_cache_dir()
    runs = read_runs(cache)
    counted = [run for run in runs if run.get("flop")]
    if not counted:
        print(f"{cache}: no run with a FLOP count (runs trained before run.json held one are not counted)",
              file=sys.stderr)
        return 1

    by_recipe: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for run in counted:
        row = by_recipe[recipe(run["spec"])]
        row[0] += run["flop"]
        row[1] += run["seconds"]
        row[2] += 1
    total_flop = sum(run["flop"] for run in counted)
    total_seconds = sum(run["seconds"] for run in counted)
    peak = flops.cpu_peak()
    workers = args.workers or threads.workers_for(threads.available_cores())
    best = max(run["flop"] / run["seconds"] for run in counted if run["flop"] >= 0.01 * total_flop)
    floors = {"peak_minutes": total_flop / (peak["gflops"] * 1e9) / 60,
              "best_rate_minutes": total_flop / (best * workers) / 60}

    recipes = [{"recipe": name, "runs": count, "flop": flop, "seconds": seconds}
                for name, (flop, seconds, count) in sorted(by_recipe.items(), key=lambda item: -item[1][0])]
    table = {"runs": len(counted), "flop": total_flop, "seconds_trained": total_seconds, "peak": peak,
             "best_rate": best, "workers": workers, **floors, "recipes": recipes[:args.top],
             "module_seconds": dict(sorted(read_seconds(cache / SECONDS_FILE).items(), key=lambda item: -item[1]))}
    if args.results:
        run = json.loads(args.results.read_text())["run"]
        table["cold_run"] = {"duration_s": run["duration_s"], "git_commit": run["git_commit"], "started": run["started"],
                             "workers": len(run["workers"]),
                             "threads": run["determinism"].get("tf.config.threading.intra_op_parallelism_threads")}

    print(f"{len(counted)} runs with a FLOP count in {cache} ({len(runs) - len(counted)} without)")
    print("| recipe | runs | TFLOP | seconds trained | GFLOP/s |")
    print("|---|---:|---:|---:|---:|")
    for row in table["recipes"]:
        print(f"| {row['recipe']} | {row['runs']} | {row['flop'] / 1e12:.1f} | {row['seconds']:.0f} "
              f"| {row['flop'] / row['seconds'] / 1e9:.1f} |")
    print(f"\nall: {total_flop / 1e12:.1f} TFLOP in {total_seconds:.0f} s of training, added over the workers")
    print(f"floor at this CPU's fp32 peak ({peak['gflops']:.0f} GFLOP/s, {peak['cores']} cores): "
          f"{floors['peak_minutes']:.1f} min")
    print(f"floor at the best rate one run reached ({best / 1e9:.1f} GFLOP/s) × {workers} workers: "
          f"{floors['best_rate_minutes']:.1f} min")
    if "cold_run" in table:
        print(f"the cold run (commit {table['cold_run']['git_commit'][:12]}): "
              f"{table['cold_run']['duration_s'] / 60:.1f} min of pytest")
    if args.json:
        args.json.write_text(json.dumps(table, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
