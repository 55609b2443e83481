"""Dataset loaders that cannot be fooled: known places, verified content, clear errors.

Fashion-MNIST is looked for, in order, in ``$FASHION_MNIST_DIR``, in Debian's
``dataset-fashion-mnist`` package, in the Keras cache, and finally downloaded
from Keras' address into that cache (for users with a network). Whatever the
place, the four files are verified before anything trains on them. MNIST and
the Grad-CAM photograph come from the Keras cache or a download; every
download goes through experiments.data.downloads (a time limit, never a partial
file). The book's cats-vs-dogs set is experiments.data.cats_vs_dogs.

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

from experiments.data import downloads, provenance
from experiments.data.errors import DatasetError

KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets"  # keras.datasets' address


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
    """The copies looked at before the Keras cache, which a download completes."""
    places = []
    if os.environ.get("FASHION_MNIST_DIR"):
        places.append(("$FASHION_MNIST_DIR", Path(os.environ["FASHION_MNIST_DIR"])))
    places.append(("Debian's dataset-fashion-mnist", DEBIAN_FASHION_MNIST))
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
    The Keras cache comes last; what it lacks is downloaded into it.
    """
    for label, directory in fashion_mnist_places():
        present = [f.name for f in FASHION_MNIST_FILES.values() if (directory / f.name).is_file()]
        if not present:
            continue
        missing = sorted({f.name for f in FASHION_MNIST_FILES.values()} - set(present))
        if missing:
            raise DatasetError(f"{directory}: holds only part of Fashion-MNIST; missing {', '.join(missing)}")
        break
    else:
        label, directory = "the Keras cache", keras_cache_dir("fashion-mnist")
        remedy = f"install it with {INSTALL_FASHION_MNIST}, or set $FASHION_MNIST_DIR to a folder with the four files"
        for f in FASHION_MNIST_FILES.values():
            downloads.fetch(f"{KERAS_DATASETS}/{f.name}", directory / f.name, remedy=remedy)
    arrays = _read_fashion_mnist(directory)
    provenance.record("fashion_mnist", {"place": label, "path": str(directory),
                                        "verified": "content SHA-256 of the four files"})
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # keras.datasets.mnist's file_hash


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST's mnist.npz from the Keras cache, else downloaded there, verified against Keras' SHA-256."""
    path = keras_cache_dir("mnist.npz")
    downloads.fetch(f"{KERAS_DATASETS}/mnist.npz", path,
                    remedy=f"put Keras' mnist.npz at {path} ($KERAS_HOME sets the folder)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MNIST_SHA256:
        raise DatasetError(f"{path}: SHA-256 {digest}, Keras publishes {MNIST_SHA256}: damaged or not MNIST; "
                           f"delete it so that it is downloaded again")
    with np.load(path, allow_pickle=False) as stored:
        x_train, y_train, x_test, y_test = (stored[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    if x_train.shape != (60_000, 28, 28) or x_test.shape != (10_000, 28, 28):
        raise DatasetError(f"MNIST has shapes {x_train.shape}, {x_test.shape}; expected (60000, 28, 28), (10000, 28, 28)")
    provenance.record("mnist", {"place": "the Keras cache", "path": str(path), "sha256": digest})
    return (x_train, y_train), (x_test, y_test)


def load_diabetes() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's diabetes data, unscaled: features (442, 10) and scores (442,), from inside its wheel (offline).

    Efron et al. (2004), "Least angle regression": age, sex, body-mass index,
    blood pressure and six blood serum measurements of 442 patients, and a
    measure of disease progression one year later.
    """
    from sklearn.datasets import load_diabetes as bundled_diabetes

    x, y = bundled_diabetes(return_X_y=True, scaled=False)
    if x.shape != (442, 10) or y.shape != (442,):
        raise DatasetError(f"scikit-learn's diabetes data has shapes {x.shape}, {y.shape}; expected (442, 10), (442,)")
    return x, y


# --- images ----------------------------------------------------------------------------------

def decode_image(content: bytes, size: int | None = None, name: object = "image") -> np.ndarray:
    """An encoded image as (h, w, 3) uint8, RGB; resized bilinearly to (size, size) when asked (no aspect kept,
    as the book's target_size). DatasetError naming ``name`` when TensorFlow cannot decode it whole."""
    import tensorflow as tf

    try:
        image = tf.io.decode_image(content, channels=3, expand_animations=False)
    except tf.errors.InvalidArgumentError as error:
        raise DatasetError(f"{name}: not a readable image ({error.message.splitlines()[0]})") from None
    if size is None:
        return image.numpy()
    resized = tf.image.resize(image, (size, size), method="bilinear")
    return np.clip(np.round(resized.numpy()), 0, 255).astype(np.uint8)


# --- a photograph for Grad-CAM (DLwP1 5.4.3) ----------------------------------------------------

# The book's Creative-Commons photograph of African elephants has no stable address; Keras' own
# Grad-CAM example uses this one of the same scene.
ELEPHANT_PHOTO = ("african_elephant.jpg", "https://i.imgur.com/Bvro0YD.png")


def load_elephant_photo(size: int = 224) -> np.ndarray:
    """The photograph as (size, size, 3) uint8, from the Keras cache or downloaded there."""
    name, url = ELEPHANT_PHOTO
    path = downloads.fetch(url, keras_cache_dir(name), remedy=f"put the photograph at {keras_cache_dir(name)} ($KERAS_HOME sets the folder)")
    return decode_image(path.read_bytes(), size, name=path)
