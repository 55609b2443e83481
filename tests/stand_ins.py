"""Stand-ins for what the suite downloads, for runs without the internet, and a plugin that accepts them.

The files are made here: the cats-vs-dogs archive in PetImages' layout, the
ImageNet weights files of the full profile's bases with random weights in the
h5 layout Keras publishes them in, an MNIST file of the published shapes, and
an elephant photograph; the weights files, the slowest to write, are written
once and kept in the run cache (``kept``). A test serves them from 127.0.0.1
under their real addresses (tests/servers.py), so every download, size and
digest check runs as it runs for a user. Only what cannot be made — the published digests — is
replaced: a run started with ``-p tests.stand_ins`` and $CONVNET_CLAIMS_STAND_INS
naming the JSON that ``serve`` wrote takes the stand-ins' digests and sizes, and
looks past the development copies beside the clone, so it uses nothing but what
is served.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from experiments.data import cats_vs_dogs, datasets, weights
from experiments.run.cache import default_cache_dir

ENV = "CONVNET_CLAIMS_STAND_INS"
BASES = ("vgg16", "vgg16_with_top", "mobilenet_v2_1.0_160")  # the full profile's, beyond the smoke profile's


def photographs_archive(per_class: int) -> bytes:
    """PetImages/{Cat,Dog}/N.jpg: textured JPEGs (cats reddish and brighter, so that they differ in grey too; dogs
    bluish), one zero-byte file a class."""
    rng = np.random.default_rng(0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for cls, tint in (("Cat", (90, 50, 50)), ("Dog", (0, 0, 40))):
            archive.writestr(f"PetImages/{cls}/0.jpg", b"")  # damaged, as the archive's Cat/666.jpg
            for number in range(1, per_class + 1):
                pixels = np.clip(rng.integers(0, 200, (48, 64, 3)) + tint, 0, 255).astype(np.uint8)
                encoded = io.BytesIO()
                Image.fromarray(pixels).save(encoded, format="JPEG", quality=80)
                archive.writestr(f"PetImages/{cls}/{number}.jpg", encoded.getvalue())
    return out.getvalue()


def random_weights_file(base: str, path: Path) -> Path:
    """``base``'s architecture (a key of weights.IMAGENET_WEIGHTS) with seeded random weights, written as
    keras.applications' own files are (the legacy h5 layout ``load_weights`` reads by a name ending in .h5).

    VGG16's kernels are He-initialised: with Keras' Glorot default a signal fades through its 13 layers
    without normalisation until its features are the same for every image, and every model on them ties.
    """
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    builds = {
        "vgg16": lambda: keras.applications.VGG16(weights=None, include_top=False),
        "vgg16_with_top": lambda: keras.applications.VGG16(weights=None),
        "mobilenet_v2_1.0_160": lambda: keras.applications.MobileNetV2((160, 160, 3), include_top=False, weights=None),
    }
    keras.utils.set_random_seed(0)
    model = builds[base]()
    if base.startswith("vgg16"):
        rng = np.random.default_rng(0)
        for layer in model.layers:
            if hasattr(layer, "kernel"):
                shape = tuple(layer.kernel.shape)  # drawn in float32: VGG16's 138 million, a few seconds sooner
                layer.kernel.assign(rng.standard_normal(shape, dtype=np.float32) * np.float32(np.sqrt(2 / np.prod(shape[:-1]))))
    with h5py.File(path, "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, model)
    return path


def kept(name: str, make: Callable[[Path], object]) -> Path:
    """The stand-in file ``name``, written by ``make`` once and kept in the run cache's folder of stand-ins, under
    the digest of this module and of the versions of what writes it: a change to either makes it anew (and drops
    the stand-ins made before it)."""
    import h5py
    import keras

    made_by = Path(__file__).read_bytes() + f"{keras.__version__} {h5py.__version__} {np.__version__}".encode()
    folder = default_cache_dir() / "stand-ins"
    path = folder / hashlib.sha256(made_by).hexdigest()[:16] / name
    if not path.is_file():
        for stale in (p for p in folder.glob("*") if p != path.parent):
            shutil.rmtree(stale, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.{os.getpid()}")
        make(partial)
        os.replace(partial, path)
    return path


def mnist_file() -> bytes:
    """keras.datasets.mnist's npz at its shapes: digit d is a bright square at a place of its own, in noise."""
    rng = np.random.default_rng(0)

    def digits(count: int) -> tuple[np.ndarray, np.ndarray]:
        labels = (np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 30, (count, 28, 28), dtype=np.uint8)
        for digit in range(10):
            row, column = divmod(digit, 4)
            images[labels == digit, 4 + 6 * row:8 + 6 * row, 2 + 6 * column:6 + 6 * column] = 255
        return images, labels

    (x_train, y_train), (x_test, y_test) = digits(60_000), digits(10_000)
    out = io.BytesIO()
    np.savez(out, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)  # served locally: not compressed
    return out.getvalue()


def elephant_photo() -> bytes:
    pixels = np.random.default_rng(0).integers(60, 200, (300, 400, 3)).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def serve(mirror, directory: Path) -> Path:
    """Every stand-in of the full profile's downloads served by ``mirror``; the JSON of their digests."""
    accepted = {"imagenet_weights": {}}
    for base in BASES:
        published = weights.IMAGENET_WEIGHTS[base]
        content = kept(published.name, lambda path, base=base: random_weights_file(base, path)).read_bytes()
        mirror.serve(published.url, content)
        digest = None if published.digest is None else hashlib.new(published.algorithm, content).hexdigest()
        accepted["imagenet_weights"][base] = {"digest": digest, "size": len(content)}
    mnist = mnist_file()
    mirror.serve(f"{datasets.KERAS_DATASETS}/mnist.npz", mnist)
    accepted["mnist_sha256"] = hashlib.sha256(mnist).hexdigest()
    mirror.serve(datasets.ELEPHANT_PHOTO[1], elephant_photo())
    mirror.serve(cats_vs_dogs.PETIMAGES.url, photographs_archive(sum(cats_vs_dogs.SPLITS.values())))
    path = directory / "stand-ins.json"
    path.write_text(json.dumps(accepted))
    return path


def pytest_configure(config) -> None:
    """In the run under test: the stand-ins' digests for the published ones, and no development copies."""
    accepted = json.loads(Path(os.environ[ENV]).read_text())
    for base, found in accepted["imagenet_weights"].items():
        weights.IMAGENET_WEIGHTS[base] = dataclasses.replace(weights.IMAGENET_WEIGHTS[base], **found)
    datasets.MNIST_SHA256 = accepted["mnist_sha256"]
    nowhere = Path(os.environ[ENV]).parent / "no development copy"
    weights.SHARED_WEIGHTS = nowhere
    cats_vs_dogs.SHARED = nowhere
