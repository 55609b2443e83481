"""Training throughput of HG 8-2's Fashion-MNIST CNN on this machine: the book's fit beside the suite's.

    .venv/bin/python benchmarks/throughput.py [--images 12000] [--rounds 8] [--epochs 1]

Each setting trains the same model from the same seed (op determinism on, as
in the suite) on the same arrays, batch 32, Adam, validating on a quarter as
many held-out images after the epoch as HG 8-2 does (48,000 / 12,000): one
short warm-up epoch (tracing), then one timed fit of --epochs epochs (default
one) of --images images. The rate is training images per second of the whole
fit, validation included. The suite draws a fit's batches in one pass before
its first epoch, which a one-epoch fit pays in full and a run of 20 spreads
thin: --epochs 5 shows the rate nearer a run's.
The settings take turns for --rounds rounds. On the shared 2-core machine an
epoch runs in one of two states: with both cores (process CPU time / wall
time near 1.5) or capped near one core's worth (near 1.0), where every
setting trains about 3,100 images/s whatever it does. The cap comes and goes
between epochs, not with the setting, and pulls every ratio towards 1; so
each setting reports its best round (as timeit reports its best: noise only
slows a run down), the median of all rounds, and how many rounds ran capped.
"book" is the chapter's plain model.fit on NumPy arrays; "suite" is
what experiments.run.training runs, which learns the same weights
(tests/test_training_runs.py); the rest show each of its parts, and XLA.
Keras compiles with XLA only when TensorFlow's op determinism is off (with it
on, jit_compile=True warns and runs without XLA), so the XLA setting alone
runs without op determinism, and the script checks that XLA is in use.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from typing import Callable

from tensorflow.python.framework.config import (
    disable_op_determinism,  # the public API can only enable it
)

from experiments.data import datasets
from experiments.run import models
from experiments.run.fitting import COMPILE_OPTIONS, books_fit, suite_fit
from experiments.run.seeding import seed_everything

SETTINGS = {  # name: (compile options, fit, op determinism)
    "book: model.fit on NumPy arrays": ({}, books_fit, True),
    "suite: experiments.run.training": (COMPILE_OPTIONS, suite_fit, True),
    "steps_per_execution=32 only": ({"steps_per_execution": 32}, books_fit, True),
    "validation_batch_size=1024 only": ({}, functools.partial(books_fit, validation_batch_size=1024), True),
    "epoch's batches drawn once only": ({}, functools.partial(suite_fit, validation_batch_size=None), True),
    "suite + XLA, without op determinism": ({**COMPILE_OPTIONS, "jit_compile": True}, suite_fit, False),
}


CAPPED_CPU_SHARE = 1.25  # process CPU seconds per wall second below which a round ran on one core's worth


def timed_epoch(x, y, images: int, epochs: int, compile_options: dict, fit: Callable,
                deterministic: bool) -> tuple[float, float]:
    """(training images per second, process CPU seconds per wall second) of one timed fit of ``epochs`` epochs."""
    held_out = slice(len(x) - images // 4, len(x))
    seed_everything(0)
    if not deterministic:
        disable_op_determinism()
    model = models.fashion_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], **compile_options)
    asked = compile_options.get("jit_compile", False)
    if model.jit_compile != asked:  # Keras falls back to no XLA with only a warning
        raise RuntimeError(f"jit_compile={asked} asked, Keras runs jit_compile={model.jit_compile}")
    fit(model, x[:3_200], y[:3_200], batch_size=32, epochs=1,  # tracing and warm-up
        validation_data=(x[held_out][:800], y[held_out][:800]))
    wall, cpu = time.monotonic(), time.process_time()
    fit(model, x[:images], y[:images], batch_size=32, epochs=epochs, validation_data=(x[held_out], y[held_out]))
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    return images * epochs / wall, cpu / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=12_000, help="training images in each epoch of the timed fit")
    parser.add_argument("--rounds", type=int, default=8, help="timed fits per setting, taken in turns")
    parser.add_argument("--epochs", type=int, default=1, help="epochs of each timed fit")
    args = parser.parse_args()
    (x, y), _ = datasets.load_fashion_mnist()
    x = (x.reshape(-1, 28, 28, 1) / 255.0).astype("float32")
    epochs: dict[str, list[tuple[float, float]]] = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for name, settings in SETTINGS.items():
            epochs[name].append(timed_epoch(x, y, args.images, args.epochs, *settings))
    book_best = max(rate for rate, _ in next(iter(epochs.values())))
    book_median = statistics.median(rate for rate, _ in next(iter(epochs.values())))
    print("| setting | images/s, best | × book | images/s, median | × book | rounds capped |")
    print("|---|---|---|---|---|---|")
    for name, measured in epochs.items():
        rates = [rate for rate, _ in measured]
        best, median = max(rates), statistics.median(rates)
        capped = sum(share < CAPPED_CPU_SHARE for _, share in measured)
        print(f"| {name} | {best:,.0f} | {best / book_best:.2f} | {median:,.0f} | {median / book_median:.2f} "
              f"| {capped} of {len(measured)} |")


if __name__ == "__main__":
    main()
