"""Every file a profile's checks read, fetched and verified before the checks run.

    python -m experiments.harness.fetch --profile full

The nightly workflow runs it in a job of its own, with its own time limit,
before the timed shards, and keeps what it fetched in a cache every shard
restores. Each file is first looked for in its places (a verified copy is not
asked for again), else downloaded — from $CONVNET_CLAIMS_MIRROR where that is
set — and verified as the checks verify it. Every file is tried, whatever
failed before it; the exit status is 1 when a file the profile cannot do
without is missing, 0 otherwise (a missing optional file is said, and its
check skips).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from experiments.data import cats_vs_dogs, datasets, downloads, weights
from experiments.data.errors import DatasetError
from experiments.run.profiles import PROFILES, Profile


@dataclass(frozen=True)
class Need:
    """A file (or set) a profile's checks read: where it comes from, where a copy already is, how to fetch it."""

    what: str
    url: str
    present: Callable[[], Path | None]  # a local copy, looked for without any download; None when there is none
    fetch: Callable[[], object]  # the checks' own loader: finds, downloads and verifies
    required: bool = True  # False: a check skips without it, at this profile


def _first_file(paths: list[Path]) -> Path | None:
    return next((path for path in paths if path.is_file()), None)


def _photographs() -> Path:
    _, directory = cats_vs_dogs.locate()
    cats_vs_dogs.files(directory)  # every photograph against its SHA256SUMS
    return directory


def _imagenet(base: str) -> Need:
    published = weights.IMAGENET_WEIGHTS[base]
    return Need(f"ImageNet weights {base}", published.url,
                lambda: _first_file([directory / published.name for _, directory in weights.weights_places()]),
                functools.partial(weights.imagenet_weights, base))


def needs(profile: Profile) -> list[Need]:
    """What ``profile``'s checks read, in the order they would first ask for it."""
    elephant, elephant_url = datasets.ELEPHANT_PHOTO
    found = [
        Need("Fashion-MNIST", f"{datasets.KERAS_DATASETS}/{datasets.FASHION_MNIST_FILES['train_images'].name}",
             lambda: next((d for _, d in datasets.fashion_mnist_places()
                           if all((d / f.name).is_file() for f in datasets.FASHION_MNIST_FILES.values())), None),
             datasets.load_fashion_mnist),
        Need("cats-vs-dogs photographs", cats_vs_dogs.PETIMAGES.url,
             lambda: next((place for _, place in cats_vs_dogs.places() if place.is_dir()), None), _photographs),
        Need("MNIST", f"{datasets.KERAS_DATASETS}/mnist.npz",
             lambda: _first_file([datasets.keras_cache_dir("mnist.npz")]), datasets.load_mnist,
             required=profile.name != "smoke"),  # the smoke profile skips train.dlwp1.mnist without it
        _imagenet(profile.transfer_base),
    ]
    if profile.transfer_base == "vgg16":  # DLwP1 5.4 on VGG16 itself: vis.filters, vis.gradcam's elephants
        found += [_imagenet("vgg16_with_top"),
                  Need("elephant photograph", elephant_url, lambda: _first_file([datasets.keras_cache_dir(elephant)]),
                       datasets.load_elephant_photo)]
    if profile.tutorial_mobilenet_v2:
        found.append(_imagenet("mobilenet_v2_1.0_160"))
    return found


def fetch_all_of(wanted: list[Need], say: Callable[[str], None] = print) -> list[str]:
    """Fetch and verify each of ``wanted``, whatever failed before it; the failures of the required ones."""
    missing = []
    for need in wanted:
        try:
            need.fetch()
        except DatasetError as error:  # a download, a digest, a damaged archive: DownloadError, WeightsError
            say(f"{'MISSING' if need.required else 'missing (optional here)'} {need.what}: {error}")
            if need.required:
                missing.append(f"{need.what}: {error}")
            continue
        say(f"verified {need.what}: {need.present() or 'in place'}")
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.harness.fetch", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    args = parser.parse_args(argv)
    mirror = os.environ.get(downloads.MIRROR_ENV)
    print(f"fetching the {args.profile} profile's files" + (f" from the mirror {mirror}" if mirror else ""))
    missing = fetch_all_of(needs(PROFILES[args.profile]))
    print(f"{len(missing)} required file(s) missing" if missing else "every required file is here and verified")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
