"""Dataset loaders that cannot be fooled: known places, verified content, clear errors.

Fashion-MNIST is looked for, in order, in ``$FASHION_MNIST_DIR``, in Debian's
``dataset-fashion-mnist`` package, in the Keras cache, and finally downloaded
through ``keras.datasets`` (for users with a network). Whatever the place, the
four files are verified before anything trains on them.

The checksums are SHA-256 of the *decompressed* IDX files: Debian recompresses
Zalando's archives, so the .gz bytes differ between the two while the images
and labels do not.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class DatasetError(Exception):
    """A dataset is missing or damaged; the message says which file and what to do."""


@dataclass(frozen=True)
class IdxFile:
    name: str
    sha256: str  # of the decompressed content
    shape: tuple[int, ...]


FASHION_MNIST_FILES = {
    "train_images": IdxFile("train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", (60_000, 28, 28)),
    "train_labels": IdxFile("train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", (60_000,)),
    "test_images": IdxFile("t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", (10_000, 28, 28)),
    "test_labels": IdxFile("t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", (10_000,)),
}
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
INSTALL_FASHION_MNIST = "sudo apt-get install dataset-fashion-mnist"


def keras_cache_dir(dataset: str) -> Path:
    """Where keras.datasets keeps a download: $KERAS_HOME/datasets/<name>, ~/.keras by default."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / dataset


def fashion_mnist_places() -> list[tuple[str, Path]]:
    places = []
    if os.environ.get("FASHION_MNIST_DIR"):
        places.append(("$FASHION_MNIST_DIR", Path(os.environ["FASHION_MNIST_DIR"])))
    places.append(("Debian's dataset-fashion-mnist", DEBIAN_FASHION_MNIST))
    places.append(("the Keras cache", keras_cache_dir("fashion-mnist")))
    return places


def read_idx(path: Path, expected: IdxFile) -> np.ndarray:
    """A gzipped IDX file as a uint8 array, after checking its content's SHA-256 and header."""
    try:
        with gzip.open(path, "rb") as stream:
            content = stream.read()
    except (OSError, EOFError) as error:  # a truncated or non-gzip file
        raise DatasetError(
            f"{path}: cannot be read as gzip ({error}); expected content SHA-256 {expected.sha256}. "
            f"Reinstall it ({INSTALL_FASHION_MNIST}) or delete it so that it is downloaded again."
        ) from None
    digest = hashlib.sha256(content).hexdigest()
    if digest != expected.sha256:
        raise DatasetError(
            f"{path}: content SHA-256 {digest}, expected {expected.sha256}: the file is damaged or not "
            f"Fashion-MNIST. Reinstall it ({INSTALL_FASHION_MNIST}) or delete it so that it is downloaded again."
        )
    dims = content[3]
    shape = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    if content[:3] != b"\x00\x00\x08" or shape != expected.shape:
        raise DatasetError(f"{path}: IDX header gives shape {shape}, expected {expected.shape}")
    return np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _read_fashion_mnist(directory: Path) -> dict[str, np.ndarray]:
    return {key: read_idx(directory / f.name, f) for key, f in FASHION_MNIST_FILES.items()}


def load_fashion_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train, y_train), (x_test, y_test)) as uint8: (60000, 28, 28), (60000,), (10000, 28, 28), (10000,).

    The first place that holds any of the four files is used, and must hold all
    four intact: a damaged copy is an error, never a reason to look elsewhere.
    """
    looked = []
    for label, directory in fashion_mnist_places():
        present = [f.name for f in FASHION_MNIST_FILES.values() if (directory / f.name).is_file()]
        looked.append(f"{label} ({directory})")
        if not present:
            continue
        missing = sorted({f.name for f in FASHION_MNIST_FILES.values()} - set(present))
        if missing:
            raise DatasetError(f"{directory}: holds only part of Fashion-MNIST; missing {', '.join(missing)}")
        arrays = _read_fashion_mnist(directory)
        return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])
    try:
        import keras

        keras.datasets.fashion_mnist.load_data()  # downloads into the Keras cache
    except Exception as error:  # no network, a proxy, a refused connection: all end here
        looked.append(f"a download through keras.datasets ({type(error).__name__}: {error})")
        raise DatasetError(
            "Fashion-MNIST not found. Looked in: " + "; ".join(looked) + f". Install it with: {INSTALL_FASHION_MNIST}"
        ) from None
    arrays = _read_fashion_mnist(keras_cache_dir("fashion-mnist"))
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST through keras.datasets (its cache, else a download); DatasetError when neither works."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:
        raise DatasetError(
            f"MNIST is not in the Keras cache ({keras_cache_dir('mnist.npz')}) and could not be downloaded "
            f"({type(error).__name__}: {error}); it needs a network once"
        ) from None
    if x_train.shape != (60_000, 28, 28) or x_test.shape != (10_000, 28, 28):
        raise DatasetError(f"MNIST has shapes {x_train.shape}, {x_test.shape}; expected (60000, 28, 28), (10000, 28, 28)")
    return (x_train, y_train), (x_test, y_test)


def holdout_split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held out) as scikit-learn's train_test_split(test_size, random_state) draws them.

    The book splits Fashion-MNIST with train_test_split(test_size=0.2, random_state=42):
    a permutation by RandomState(seed), the first ⌈n·fraction⌉ held out.
    """
    permutation = np.random.RandomState(seed).permutation(n)
    n_test = int(np.ceil(test_fraction * n))
    return permutation[n_test:], permutation[:n_test]


def fingerprint(*arrays: np.ndarray) -> str:
    """SHA-256 over arrays' shapes, dtypes and bytes: what a cached run was trained on."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(f"{array.shape}{array.dtype}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
