"""The Fashion-MNIST loader: where it looks, what it refuses, and the book's split."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from experiments.data import datasets, provenance
from experiments.data.arrays import fingerprint

REAL_COPY = datasets.DEBIAN_FASHION_MNIST  # read before any test points the loader elsewhere
needs_debian_copy = pytest.mark.skipif(
    not all((REAL_COPY / f.name).is_file() for f in datasets.FASHION_MNIST_FILES.values()),
    reason=f"needs Debian's dataset-fashion-mnist ({datasets.INSTALL_FASHION_MNIST})",
)


@pytest.fixture
def nowhere(tmp_path, monkeypatch, mirror):
    """No Fashion-MNIST anywhere: no Debian copy, an empty Keras cache, and a download host that has nothing."""
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "debian")
    return tmp_path


@pytest.fixture
def copy_dir(nowhere, monkeypatch) -> Path:
    """A copy of the real files in $FASHION_MNIST_DIR, for damaging."""
    target = nowhere / "copy"
    target.mkdir()
    for f in datasets.FASHION_MNIST_FILES.values():
        shutil.copyfile(REAL_COPY / f.name, target / f.name)
    monkeypatch.setenv("FASHION_MNIST_DIR", str(target))
    return target


def test_missing_everywhere_names_the_download_and_the_fix(nowhere, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_DIR", str(nowhere / "env"))
    with pytest.raises(datasets.DatasetError) as raised:
        datasets.load_fashion_mnist()
    message = str(raised.value)
    assert "tf-keras-datasets/train-images-idx3-ubyte.gz failed: HTTP 404" in message
    assert datasets.INSTALL_FASHION_MNIST in message and "$FASHION_MNIST_DIR" in message


@needs_debian_copy
def test_a_download_fills_the_keras_cache_and_is_verified(nowhere, mirror):
    for f in datasets.FASHION_MNIST_FILES.values():
        mirror.serve(f"{datasets.KERAS_DATASETS}/{f.name}", (REAL_COPY / f.name).read_bytes())
    (x_train, _), _ = datasets.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28)
    assert provenance.used()["fashion_mnist"]["place"] == "the Keras cache"
    datasets.load_fashion_mnist()
    assert len(mirror.requests) == 4  # the second load read the cache


def test_mnist_is_verified_against_keras_digest(mirror, tmp_path):
    mirror.serve(f"{datasets.KERAS_DATASETS}/mnist.npz", b"not MNIST")
    with pytest.raises(datasets.DatasetError, match=f"mnist.npz: SHA-256 [0-9a-f]{{64}}, Keras publishes {datasets.MNIST_SHA256}"):
        datasets.load_mnist()


@needs_debian_copy
def test_loads_uint8_arrays_of_the_published_shapes(copy_dir):
    (x_train, y_train), (x_test, y_test) = datasets.load_fashion_mnist()
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    assert y_train[0] == 9  # the ankle boot of HG 8-3


@needs_debian_copy
def test_truncated_file_is_named_with_its_checksum(copy_dir):
    victim = copy_dir / "train-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:100_000])
    with pytest.raises(datasets.DatasetError, match=f"{victim}.*{datasets.FASHION_MNIST_FILES['train_images'].sha256}"):
        datasets.load_fashion_mnist()


@needs_debian_copy
def test_altered_content_is_named_with_its_checksum(copy_dir):
    victim = copy_dir / "train-labels-idx1-ubyte.gz"
    labels = bytearray(gzip.decompress(victim.read_bytes()))
    labels[8] = (labels[8] + 1) % 10  # one label changed
    victim.write_bytes(gzip.compress(bytes(labels)))
    with pytest.raises(datasets.DatasetError, match=f"{victim}: content SHA-256 .*expected {datasets.FASHION_MNIST_FILES['train_labels'].sha256}"):
        datasets.load_fashion_mnist()


@needs_debian_copy
def test_partial_copy_is_refused_not_skipped(copy_dir):
    (copy_dir / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(datasets.DatasetError, match="missing t10k-labels-idx1-ubyte.gz"):
        datasets.load_fashion_mnist()


def test_diabetes_is_unscaled():
    x, y = datasets.load_diabetes()
    assert x.shape == (442, 10) and y.shape == (442,)
    assert x[:, 1].min() == 1 and x[:, 1].max() == 2  # sex, coded 1 and 2: the raw values, not standardised


def test_fingerprint_sees_a_changed_value():
    a = np.zeros((4, 3), "uint8")
    b = a.copy()
    b[2, 1] = 1
    assert fingerprint(a) == fingerprint(a.copy()) != fingerprint(b)
