"""Training throughput of HG 8-2's Fashion-MNIST CNN on this machine: the book's fit beside the suite's.

    .venv/bin/python benchmarks/throughput.py [--images 16000] [--rounds 5]

Each setting trains the same model from the same seed (op determinism on, as
in the suite) on the same arrays, batch 32, Adam, validating on a quarter as
many held-out images after the epoch as HG 8-2 does (48,000 / 12,000): one
short warm-up epoch (tracing), then one timed epoch of --images images. The
rate is training images per second of the whole epoch, validation included.
The settings take turns for --rounds rounds and each reports its median,
since one epoch's rate varies by a third from run to run on a shared 2-core
machine. "book" is the chapter's plain model.fit on NumPy arrays; "suite" is
what experiments.training runs, which learns the same weights
(tests/test_training_runs.py); the rest show each of its parts, and XLA.
"""

from __future__ import annotations

import argparse
import statistics
import time

from experiments import data, models
from experiments.training import COMPILE_OPTIONS, FIT_OPTIONS, seed_everything

SETTINGS = {  # name: (compile options, fit options)
    "book: model.fit on NumPy arrays": ({}, {}),
    "suite: experiments.training": (COMPILE_OPTIONS, FIT_OPTIONS),
    "steps_per_execution=32 only": ({"steps_per_execution": 32}, {}),
    "validation_batch_size=1024 only": ({}, {"validation_batch_size": 1024}),
    "suite + jit_compile=True (XLA)": ({**COMPILE_OPTIONS, "jit_compile": True}, FIT_OPTIONS),
}


def images_per_second(x, y, images: int, compile_options: dict, fit_options: dict) -> float:
    held_out = slice(len(x) - images // 4, len(x))
    seed_everything(0)
    model = models.fashion_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], **compile_options)
    model.fit(x[:3_200], y[:3_200], batch_size=32, epochs=1, verbose=0,  # tracing and warm-up
              validation_data=(x[held_out][:800], y[held_out][:800]), **fit_options)
    started = time.monotonic()
    model.fit(x[:images], y[:images], batch_size=32, epochs=1, verbose=0,
              validation_data=(x[held_out], y[held_out]), **fit_options)
    return images / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=16_000, help="images in the timed epoch")
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per setting, taken in turns")
    args = parser.parse_args()
    (x, y), _ = data.load_fashion_mnist()
    x = (x.reshape(-1, 28, 28, 1) / 255.0).astype("float32")
    rates: dict[str, list[float]] = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for name, (compile_options, fit_options) in SETTINGS.items():
            rates[name].append(images_per_second(x, y, args.images, compile_options, fit_options))
    book = statistics.median(next(iter(rates.values())))
    print("| setting | images/s, median (min–max) | × book |")
    print("|---|---|---|")
    for name, measured in rates.items():
        median = statistics.median(measured)
        print(f"| {name} | {median:,.0f} ({min(measured):,.0f}–{max(measured):,.0f}) | {median / book:.2f} |")


if __name__ == "__main__":
    main()
