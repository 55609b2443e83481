"""How training scales with the cores it is given, and the layout experiments/run/threads.py's rule chooses.

    .venv/bin/python benchmarks/scaling.py [--run 0] [--steps 100] [--repetitions 3] [--json PATH]

One heavy run of the smoke profile (experiments.harness.heavy_runs; by default
the plain section-4 convnet) trains in child processes. Each child is pinned to
a set of cores (os.sched_setaffinity, as taskset does) and given its intra- and
inter-op threads. Layouts:

    1 core:   one process of 1 thread;
    n cores:  one process of n threads (a single process, TensorFlow's default);
              the rule's workers × threads, side by side;
              as many workers, each of n threads (what `-n` gave before the rule).

where n is every core this process may use. The children of a layout start
their timed steps together. The measure is the training throughput of the
whole layout, in epochs of the book's 2,000 images per minute: the sum, over
its processes, of each one's rate. Each layout is repeated, the layouts taking
turns, and the median and range are shown, because this machine's cores are
shared with other work.

Each child also prints a digest of its weights after the same steps from the
same seed. Children with equal intra-op threads must agree, and children with
other counts differ. That is why a run's key holds its intra-op threads
(experiments/run/identity.py).

Then the rule's choice for 1, 2, 4, 8 and 16 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from experiments.run import threads

ROOT = Path(__file__).resolve().parent.parent


def child(run_index: int, steps: int) -> None:
    """Set up the run, say "ready", wait for "go", time ``steps`` steps, print seconds per epoch and a digest."""
    threads.set_threads(int(os.environ[threads.THREADS_ENV]))
    from experiments.harness.heavy_runs import TRAIN_IMAGES, _batch, _compiled, heavy_runs
    from experiments.run.fitting import epoch_batches, fit_drawn

    run = heavy_runs("smoke")[run_index]
    model = _compiled(run, run.size, seed=0)
    x, y = _batch(run.size, run.batch_size * steps)
    batches = epoch_batches(x, y, run.batch_size, shuffle=True)
    fit_drawn(model, batches.take(2), epochs=1)  # tracing
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    fit_drawn(model, batches, epochs=1)
    per_step = (time.perf_counter() - started) / steps
    digest = hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights())).hexdigest()[:16]
    print(json.dumps({"seconds_per_epoch": per_step * TRAIN_IMAGES / run.batch_size, "weights": digest,
                      "name": run.name}), flush=True)


def layouts(cores: list[int]) -> list[dict]:
    """The layouts timed on ``cores``: (name, cores each process is pinned to, processes, threads each)."""
    n = len(cores)
    found = [{"name": "1 core: 1 process × 1 thread", "cores": cores[:1], "processes": 1, "threads": 1}]
    if n > 1:
        workers = threads.workers_for(n)
        each = threads.threads_for(n, workers)
        found.append({"name": f"{n} cores: 1 process × {n} threads", "cores": cores, "processes": 1, "threads": n})
        found.append({"name": f"{n} cores: {workers} processes × {each} threads (the rule)", "cores": cores,
                      "processes": workers, "threads": each})
        if each != n:
            found.append({"name": f"{n} cores: {workers} processes × {n} threads (before the rule)", "cores": cores,
                          "processes": workers, "threads": n})
    return found


def timed(layout: dict, run_index: int, steps: int) -> list[dict]:
    """One go of ``layout``: its children started together; what each printed."""
    environment = os.environ | {threads.THREADS_ENV: str(layout["threads"]), "TF_CPP_MIN_LOG_LEVEL": "2"}
    children = [subprocess.Popen([sys.executable, __file__, "--child", "--run", str(run_index), "--steps", str(steps)],
                                 cwd=ROOT, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                 preexec_fn=lambda: os.sched_setaffinity(0, layout["cores"]))
                for _ in range(layout["processes"])]
    for process in children:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{layout['name']}: a child failed before its timed steps")
    for process in children:
        process.stdin.write("go\n")
        process.stdin.flush()
    printed = [json.loads(process.communicate()[0]) for process in children]
    if any(process.returncode for process in children):
        raise RuntimeError(f"{layout['name']}: a child failed")
    return printed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=int, default=0, help="which of the smoke profile's heavy runs (default 0)")
    parser.add_argument("--steps", type=int, default=100, help="timed training steps per child (default 100)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the table here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.run, args.steps)
        return 0

    cores = sorted(os.sched_getaffinity(0))
    chosen = layouts(cores)
    rates: dict[str, list[float]] = {layout["name"]: [] for layout in chosen}
    digests: dict[int, set[str]] = {}
    name = ""
    for repetition in range(args.repetitions):
        for layout in chosen if repetition % 2 == 0 else chosen[::-1]:
            printed = timed(layout, args.run, args.steps)
            rates[layout["name"]].append(sum(60 / child["seconds_per_epoch"] for child in printed))
            digests.setdefault(layout["threads"], set()).update(child["weights"] for child in printed)
            name = printed[0]["name"]
    table = {"run": name, "steps": args.steps, "repetitions": args.repetitions, "cores": len(cores),
             "layouts": [{**layout, "epochs_per_minute": rates[layout["name"]],
                          "median": statistics.median(rates[layout["name"]])} for layout in chosen],
             "weights_by_intra_op_threads": {str(t): sorted(found) for t, found in sorted(digests.items())},
             "rule": [{"cores": c, "workers": threads.workers_for(c),
                       "threads": threads.threads_for(c, threads.workers_for(c))} for c in (1, 2, 4, 8, 16)]}

    print(f"{name}: training throughput, epochs of 2,000 images a minute, {args.repetitions} goes of {args.steps} steps")
    print("| layout | median | range |")
    print("|---|---:|---:|")
    for layout in table["layouts"]:
        print(f"| {layout['name']} | {layout['median']:.1f} | "
              f"{min(layout['epochs_per_minute']):.1f}–{max(layout['epochs_per_minute']):.1f} |")
    print("\nweights after the same steps, by intra-op threads:",
          "; ".join(f"{t}: {', '.join(found)}" for t, found in table["weights_by_intra_op_threads"].items()))
    print("\n| cores | workers | threads each |")
    print("|---:|---:|---:|")
    for row in table["rule"]:
        print(f"| {row['cores']} | {row['workers']} | {row['threads']} |")
    if args.json:
        args.json.write_text(json.dumps(table, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
