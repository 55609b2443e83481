"""train(spec) → Run: one seeded, deterministic training run, served from the cache when it can be.

The cache key is the run's behaviour (experiments/run/identity.py); the run's
files (initial, final and best weights, its history) are one cache entry.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import keras
import numpy as np

from experiments.claims.recipe import TrainSpec
from experiments.data.arrays import Arrays
from experiments.run import flops, ledger
from experiments.run.cache import MANIFEST, RunCache
from experiments.run.fitting import FIT_OPTIONS, fit, initial_model
from experiments.run.identity import cache_key
from experiments.run.measurements import measured


@dataclass
class Run:
    spec: TrainSpec
    history: dict[str, list[float]]
    seconds: float  # training time when it was trained (not when it was read back)
    entry: Path  # the cache entry holding its files
    from_cache: bool
    final_weights: str = "final"  # the file its model's final weights come from ("initial": untrained(run))

    @property
    def epochs_run(self) -> int:
        return len(self.history.get("loss", []))

    @property
    def best_epoch(self) -> int:
        """1-based epoch of the lowest validation loss: the weights EarlyStopping restores."""
        if self.spec.validation_freq != 1:
            raise ValueError(f"{self.spec.model} on {self.spec.data} was validated every "
                             f"{self.spec.validation_freq} epochs: its validation curve has no epoch-by-epoch minimum")
        return int(np.argmin(self.history["val_loss"])) + 1

    def model(self, weights: str = "final") -> keras.Model:
        """The model with its 'final' (restored best) or 'initial' (untrained) weights."""
        model = self.spec.build()
        model.load_weights(self.entry / f"{self.final_weights if weights == 'final' else weights}.weights.h5")
        return model

    @property
    def weights_digest(self) -> str:
        """The SHA-256 of the file its model's final weights come from, as its cache entry's manifest holds it."""
        manifest = json.loads((self.entry / MANIFEST).read_text())
        return manifest["files"][f"{self.final_weights}.weights.h5"]

    @property
    def checkpoint(self) -> Path:
        return self.entry / "best-model.keras"


def mean_epoch_seconds(runs: list[Run]) -> float:
    """Mean training time of an epoch over ``runs``, as measured when they were trained."""
    return float(np.mean([run.seconds / run.epochs_run for run in runs]))


def untrained(run: Run, arrays: Arrays | None = None, cache: RunCache | None = None) -> Run:
    """``run`` as training received it, for a negative control: its initial weights in the place of its final ones.

    Nothing is trained. With ``arrays``, its history is one row, the untrained
    model evaluated on them (as after an epoch that changed nothing), so that
    the statistics of a training curve apply to it; without, it has none. With
    ``cache``, that evaluation is measured once per run and arrays and kept there.
    """
    before = dataclasses.replace(run, history={}, seconds=0.0, final_weights="initial")
    if arrays is None:
        return before

    def evaluate() -> dict[str, list[float]]:
        model = before.model()
        model.compile(loss=run.spec.loss, metrics=list(run.spec.metrics))
        history: dict[str, list[float]] = {}
        for prefix, x, y in (("", arrays.x_train, arrays.y_train), ("val_", arrays.x_val, arrays.y_val)):
            scores = model.evaluate(x, y, batch_size=FIT_OPTIONS["validation_batch_size"], verbose=0, return_dict=True)
            history |= {prefix + name: [float(value)] for name, value in scores.items()}
        return history

    if cache is None:
        return dataclasses.replace(before, history=evaluate())
    history = measured(cache, "untrained evaluation", evaluate, runs=[before],
                       parameters={"arrays": arrays.fingerprint}, code=[sys.modules[__name__]])
    return dataclasses.replace(before, history=history)


def run_flop(model: keras.Model, arrays: Arrays, history: dict[str, list[float]]) -> int | None:
    """The arithmetic a run did, as experiments/run/flops.py counts it: its training steps over every epoch it
    ran and its validation passes; None for a model the count cannot read (benchmarks/cold_arithmetic.py adds
    them up)."""
    try:
        step, forward = flops.training_flops(model), flops.forward_flops(model)
    except (AttributeError, ValueError):
        return None
    validations = len(history.get("val_loss", []))
    return step * len(arrays.x_train) * len(history.get("loss", [])) + forward * len(arrays.x_val) * validations


def run_name(spec: TrainSpec) -> str:
    """A run in a few words, for the ledger: its model, its data, its seed, and whether it continues another."""
    start = f", from {spec.start_from.model}" if spec.start_from is not None else ""
    return f"{spec.model} on {spec.data}, seed {spec.seed}{start}"


def train_all(specs: list[TrainSpec], arrays: Arrays, cache: RunCache, say: Callable[[str], None] | None = None,
              start_arrays: Arrays | None = None) -> list[Run]:
    """The runs of ``specs``, in their order, as ``train`` gives each. Each time, the next run that no other
    process is training is taken (or, when all are, the first, waiting for it). Two workers that need the same
    seeds then train them side by side, where asking in order would keep one waiting for every run the other
    trains."""
    keys = [cache_key(spec, arrays, start_arrays) for spec in specs]
    pending, runs = list(range(len(specs))), {}
    while pending:
        chosen = next((i for i in pending if not cache.busy(keys[i])), pending[0])
        runs[chosen] = train(specs[chosen], arrays, cache, say, start_arrays)
        pending.remove(chosen)
    return [runs[i] for i in range(len(specs))]


def train(spec: TrainSpec, arrays: Arrays, cache: RunCache, say: Callable[[str], None] | None = None,
          start_arrays: Arrays | None = None) -> Run:
    """The run of ``spec`` on ``arrays``: read from the cache, or trained and stored there.

    ``say``, when given, receives a few progress lines while a run trains. A
    spec with ``start_from`` first gets that run (trained if need be) and starts
    from its final weights; that run trains on ``start_arrays`` (another task's
    data, for transfer) or else on ``arrays`` (fine-tuning).
    """
    start = None
    if spec.start_from is not None:
        start = train(spec.start_from, start_arrays if start_arrays is not None else arrays, cache, say)
    key = cache_key(spec, arrays, start_arrays)
    with cache.lock(key):
        entry = cache.get(key)
        if entry is not None:
            meta = json.loads((entry / "run.json").read_text())
            ledger.record(key, run_name(spec), entry, trained=False)
            return Run(spec, meta["history"], meta["seconds"], entry, from_cache=True)
        with tempfile.TemporaryDirectory() as scratch:
            workdir = Path(scratch)
            model = initial_model(spec, start.entry / "final.weights.h5" if start is not None else None)
            history, seconds = fit(spec, model, arrays, workdir, say)
            (workdir / "run.json").write_text(json.dumps({"spec": dataclasses.asdict(spec), "history": history,
                                                          "seconds": seconds, "flop": run_flop(model, arrays, history)}))
            entry = cache.put(key, {p.name: p for p in workdir.iterdir()})
        ledger.record(key, run_name(spec), entry, trained=True)
        return Run(spec, history, seconds, entry, from_cache=False)
