"""Every download, against a server on 127.0.0.1: whole files, nothing on failure, one line, bounded time."""

from __future__ import annotations

import time

import pytest

from experiments.data import cats_vs_dogs, datasets, downloads, weights
from experiments.data.errors import DatasetError
from tests.conftest import STALL_S

URL = "https://files.example.org/a/b.bin"
CONTENT = bytes(range(256)) * 40


def test_a_download_arrives_whole_and_once(mirror, tmp_path):
    mirror.serve(URL, CONTENT)
    target = tmp_path / "got" / "b.bin"
    assert downloads.fetch(URL, target, remedy="r") == target
    assert target.read_bytes() == CONTENT
    downloads.fetch(URL, target, remedy="r")
    assert mirror.asked_for(URL) == 1


def test_without_a_mirror_the_address_is_the_original(monkeypatch):
    monkeypatch.delenv(downloads.MIRROR_ENV, raising=False)
    assert downloads.resolve(URL) == URL
    monkeypatch.setenv(downloads.MIRROR_ENV, "http://127.0.0.1:9/")
    assert downloads.resolve(URL) == "http://127.0.0.1:9/files.example.org/a/b.bin"


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_nonsensical_stall_limit_is_refused(monkeypatch, value):
    monkeypatch.setenv(downloads.STALL_ENV, value)
    with pytest.raises(DatasetError, match=rf"\$CONVNET_CLAIMS_DOWNLOAD_STALL_S={value!r}: must be a number"):
        downloads.stall_limit()


def _prepare_photographs(monkeypatch, tmp_path):
    monkeypatch.delenv(cats_vs_dogs.ENV, raising=False)
    monkeypatch.setattr(cats_vs_dogs, "SHARED", tmp_path / "no-shared")


def _prepare_fashion(monkeypatch, tmp_path):
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian")


def _prepare_weights(monkeypatch, tmp_path):
    monkeypatch.delenv("IMAGENET_WEIGHTS_DIR", raising=False)
    monkeypatch.setattr(weights, "SHARED_WEIGHTS", tmp_path / "no-shared")


# Each fetch of the suite: the address it reads first, how a test leaves it nothing local, what it is
# called, and the variable its failure must name (where an existing copy goes).
FETCHES = {
    "photographs": (cats_vs_dogs.PETIMAGES.url, _prepare_photographs, lambda: cats_vs_dogs.locate(), "$CATS_VS_DOGS_DIR"),
    "fashion_mnist": (f"{datasets.KERAS_DATASETS}/train-images-idx3-ubyte.gz", _prepare_fashion, datasets.load_fashion_mnist,
                      "$FASHION_MNIST_DIR"),
    "mnist": (f"{datasets.KERAS_DATASETS}/mnist.npz", lambda *_: None, datasets.load_mnist, "$KERAS_HOME"),
    "imagenet_weights": (weights.IMAGENET_WEIGHTS["vgg16"].url, _prepare_weights,
                         lambda: weights.imagenet_weights("vgg16"), "$IMAGENET_WEIGHTS_DIR"),
    "elephant": (datasets.ELEPHANT_PHOTO[1], lambda *_: None, datasets.load_elephant_photo, "$KERAS_HOME"),
}


@pytest.mark.parametrize("failure", ["404", "stall", "truncate"])
@pytest.mark.parametrize("fetch", sorted(FETCHES))
def test_every_fetch_fails_in_one_line_in_bounded_time(fetch, failure, mirror, monkeypatch, tmp_path):
    url, prepare, call, variable = FETCHES[fetch]
    prepare(monkeypatch, tmp_path)
    if failure != "404":
        mirror.serve(url, CONTENT, failure=failure)
    started = time.monotonic()
    with pytest.raises(DatasetError) as raised:
        call()
    elapsed = time.monotonic() - started
    message = str(raised.value)
    why = {"404": "HTTP 404", "stall": f"no data for {STALL_S:g} s", "truncate": "truncated"}[failure]
    assert "\n" not in message and mirror.path_of(url) in message and why in message and variable in message, message
    assert elapsed < STALL_S + 10, f"{fetch} took {elapsed:.1f} s to give up on a {failure}"
    left = [p for p in (tmp_path / "keras").rglob("*") if p.is_file()] if (tmp_path / "keras").exists() else []
    assert left == [], f"{fetch} left {left} after a {failure}"
