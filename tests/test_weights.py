"""Pretrained weights: found in the known places, verified, and never replaced silently."""

from __future__ import annotations

import hashlib

import keras
import pytest

from experiments.data import weights
from experiments.data.weights import WeightsError, WeightsFile
from experiments.run import pretrained

CONTENT = b"pretend these are weights"
FAKE = WeightsFile("fake_no_top.h5", hashlib.sha256(CONTENT).hexdigest(), "https://example.invalid/fake_no_top.h5",
                   size=len(CONTENT))


@pytest.fixture
def places(tmp_path, monkeypatch, mirror):
    """Three empty places in the loader's order, the fake file known as base "fake", and a host that has nothing."""
    first, shared, cache = tmp_path / "env", tmp_path / "shared", tmp_path / "keras" / "models"
    for place in (first, shared, cache):
        place.mkdir(parents=True)
    monkeypatch.setenv("IMAGENET_WEIGHTS_DIR", str(first))
    monkeypatch.setattr(weights, "SHARED_WEIGHTS", shared)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setitem(weights.IMAGENET_WEIGHTS, "fake", FAKE)
    return first, shared, cache


def test_the_first_place_holding_the_file_is_used(places):
    first, shared, _ = places
    (shared / FAKE.name).write_bytes(CONTENT)
    assert weights.imagenet_weights("fake") == shared / FAKE.name
    (first / FAKE.name).write_bytes(CONTENT)
    assert weights.imagenet_weights("fake") == first / FAKE.name


def test_a_truncated_file_is_named_with_its_size(places):
    first, shared, _ = places
    (first / FAKE.name).write_bytes(CONTENT[:5])
    (shared / FAKE.name).write_bytes(CONTENT)  # a good copy further on is not a licence to go on
    with pytest.raises(WeightsError, match=rf"{first / FAKE.name}: 5 bytes, the published file has 25.*delete it"):
        weights.imagenet_weights("fake")


def test_an_altered_file_is_named_with_its_digest(places):
    _, _, cache = places
    (cache / FAKE.name).write_bytes(CONTENT.upper())
    with pytest.raises(WeightsError, match=rf"{cache / FAKE.name}: SHA256 [0-9a-f]{{64}}, the published file's is {FAKE.digest}"):
        weights.imagenet_weights("fake")


def test_a_file_keras_publishes_no_digest_for_is_held_to_its_size(places, monkeypatch):
    first, _, _ = places
    monkeypatch.setitem(weights.IMAGENET_WEIGHTS, "sized", WeightsFile(FAKE.name, None, FAKE.url, size=len(CONTENT)))
    (first / FAKE.name).write_bytes(CONTENT.upper())  # another file of the same size passes: nothing else is published
    assert weights.imagenet_weights("sized") == first / FAKE.name
    (first / FAKE.name).write_bytes(CONTENT[:-1])
    with pytest.raises(WeightsError, match=rf"{first / FAKE.name}: 24 bytes, the published file has 25"):
        weights.imagenet_weights("sized")


def tiny_base() -> keras.Model:
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])


def test_a_verified_file_keras_cannot_read_is_named_not_replaced(places):
    first, _, _ = places
    (first / FAKE.name).write_bytes(CONTENT)  # the published size and digest, but no HDF5 file
    with pytest.raises(WeightsError, match=rf"{first / FAKE.name}: Keras cannot read it as fake's weights .*delete it"):
        pretrained.with_imagenet_weights(tiny_base, "fake", pretrained=True)
    assert pretrained.with_imagenet_weights(tiny_base, "fake", pretrained=False).count_params() == 3  # random, when asked


def test_a_size_the_architecture_refuses_is_not_called_a_bad_file():
    with pytest.raises(ValueError, match="32") as error:
        pretrained.pretrained_base("mobilenet_0.25", 16)
    assert not isinstance(error.value, WeightsError)


def test_missing_everywhere_and_offline_says_where_it_looked(places):
    with pytest.raises(WeightsError) as error:
        weights.imagenet_weights("fake")
    message = str(error.value)
    assert "fake_no_top.h5: not in $IMAGENET_WEIGHTS_DIR" in message
    assert "and the download of http://127.0.0.1:" in message and "/example.invalid/fake_no_top.h5 failed: HTTP 404" in message


def test_a_download_lands_in_the_keras_cache_and_is_verified(places, mirror):
    _, _, cache = places
    mirror.serve(FAKE.url, CONTENT)
    assert weights.imagenet_weights("fake") == cache / FAKE.name
    mirror.serve(FAKE.url, CONTENT[:-1] + b"?")
    (cache / FAKE.name).unlink()
    with pytest.raises(WeightsError, match=rf"{cache / FAKE.name}: SHA256 [0-9a-f]{{64}}, the published file's is"):
        weights.imagenet_weights("fake")


def test_an_unknown_base_is_refused():
    with pytest.raises(ValueError, match="no ImageNet weights known for 'resnet'; known: mobilenet_0.25, mobilenet_v2_1.0_160, vgg16, vgg16_with_top"):
        weights.imagenet_weights("resnet")


def test_the_offline_mobilenet_weights_are_the_published_ones():
    """The smoke profile's base: Keras' own file, as ../shared/datasets/imagenet_weights holds it."""
    path = weights.imagenet_weights("mobilenet_0.25")
    assert path.stat().st_size == 2_108_140
