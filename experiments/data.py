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


def fingerprint(*arrays: np.ndarray) -> str:
    """SHA-256 over arrays' shapes, dtypes and bytes: what a cached run was trained on."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(f"{array.shape}{array.dtype}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


# --- the book's small cats-vs-dogs set -----------------------------------------------------

CATS_VS_DOGS_SPLITS = {"train": 1_000, "validation": 500, "test": 500}  # images per class (DLwP1 5.2)
CATS_VS_DOGS_CLASSES = ("cats", "dogs")  # label 0, 1: alphabetical, as flow_from_directory orders them
SHARED_CATS_VS_DOGS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "cats_vs_dogs_small"
CATS_VS_DOGS_HELP = (
    "set $CATS_VS_DOGS_DIR to a folder in the book's layout {train,validation,test}/{cats,dogs}/ "
    "(DLwP1 5.2 builds it from Kaggle's Dogs vs. Cats)"
)


def cats_vs_dogs_dir() -> Path:
    """$CATS_VS_DOGS_DIR, else the offline copy in ../shared/datasets beside the project."""
    places = []
    if os.environ.get("CATS_VS_DOGS_DIR"):
        places.append(Path(os.environ["CATS_VS_DOGS_DIR"]))
    places.append(SHARED_CATS_VS_DOGS)
    for place in places:
        if place.is_dir():
            return place
    raise DatasetError(f"cats vs dogs not found in {', '.join(map(str, places))}; {CATS_VS_DOGS_HELP}")


def cats_vs_dogs_files(directory: Path) -> dict[str, list[tuple[Path, int]]]:
    """(image, label) per split, the first N per class in name order, after checking the layout and sizes.

    With a SHA256SUMS file beside the splits (as in ../shared/datasets), every
    image used is checked against it.
    """
    sums = {}
    if (directory / "SHA256SUMS").is_file():
        for line in (directory / "SHA256SUMS").read_text().splitlines():
            digest, name = line.split(maxsplit=1)
            sums[(directory / name).resolve()] = digest
    splits: dict[str, list[tuple[Path, int]]] = {}
    for split, per_class in CATS_VS_DOGS_SPLITS.items():
        splits[split] = []
        for label, cls in enumerate(CATS_VS_DOGS_CLASSES):
            folder = directory / split / cls
            if not folder.is_dir():
                raise DatasetError(f"{folder}: missing; the book's layout needs {split}/{cls}/")
            images = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
            if len(images) < per_class:
                raise DatasetError(f"{folder}: {len(images)} images, the book's {split} split needs {per_class}")
            for image in images[:per_class]:
                if image.stat().st_size == 0:
                    raise DatasetError(f"{image}: empty file")
                expected = sums.get(image.resolve())
                if sums and expected is None:
                    raise DatasetError(f"{image}: not listed in {directory / 'SHA256SUMS'}")
                if expected is not None and hashlib.sha256(image.read_bytes()).hexdigest() != expected:
                    raise DatasetError(f"{image}: SHA-256 differs from {directory / 'SHA256SUMS'} ({expected})")
                splits[split].append((image, label))
    return splits


def _decode(path: Path, size: int) -> np.ndarray:
    """One image as (size, size, 3) uint8: decoded, RGB, resized bilinearly (no aspect kept, as the book's target_size)."""
    import tensorflow as tf

    try:
        image = tf.io.decode_image(tf.io.read_file(str(path)), channels=3, expand_animations=False)
    except tf.errors.InvalidArgumentError as error:
        raise DatasetError(f"{path}: not a readable image ({error.message.splitlines()[0]})") from None
    resized = tf.image.resize(image, (size, size), method="bilinear")
    return np.clip(np.round(resized.numpy()), 0, 255).astype(np.uint8)


def load_cats_vs_dogs(size: int, cache_dir: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{split: (x (n, size, size, 3) uint8, y (n,) uint8)}, resized once and kept in ``cache_dir``.

    The cached arrays are named by a fingerprint of the files' names and sizes
    (their hashes are checked on every load) and the resolution.
    """
    directory = cats_vs_dogs_dir()
    splits = cats_vs_dogs_files(directory)
    identity = hashlib.sha256(
        "".join(f"{p.name}:{p.stat().st_size}:{label};" for files in splits.values() for p, label in files).encode()
    ).hexdigest()[:16]
    cached = cache_dir / f"cats_vs_dogs-{identity}-{size}px.npz"
    try:
        with np.load(cached) as stored:
            return {split: (stored[f"{split}_x"], stored[f"{split}_y"]) for split in CATS_VS_DOGS_SPLITS}
    except (OSError, KeyError, ValueError, EOFError):
        pass  # absent or damaged: decode again
    arrays = {
        split: (np.stack([_decode(p, size) for p, _ in files]), np.array([label for _, label in files], np.uint8))
        for split, files in splits.items()
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.npz")
    np.savez(partial, **{f"{s}_{k}": a for s, (x, y) in arrays.items() for k, a in (("x", x), ("y", y))})
    os.replace(partial, cached)
    return arrays


# --- a photograph for Grad-CAM (DLwP1 5.4.3) ----------------------------------------------------

# The book's Creative-Commons photograph of African elephants has no stable address; Keras' own
# Grad-CAM example uses this one of the same scene.
ELEPHANT_PHOTO = ("african_elephant.jpg", "https://i.imgur.com/Bvro0YD.png")


def load_elephant_photo(size: int = 224) -> np.ndarray:
    """The photograph as (size, size, 3) uint8, from the Keras cache or downloaded; DatasetError when neither works."""
    import keras

    name, url = ELEPHANT_PHOTO
    try:
        path = Path(keras.utils.get_file(name, url))
    except Exception as error:
        raise DatasetError(f"{name} is not in the Keras cache ({keras_cache_dir(name)}) and could not be downloaded "
                           f"from {url} ({type(error).__name__}: {error}); it needs a network once") from None
    return _decode(path, size)
