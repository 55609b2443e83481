"""The cats-vs-dogs loader on small folders made here: layout, sizes, damage, the resize cache, the places."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from experiments.data import cats_vs_dogs, datasets, provenance

SMALL = {"train": 2, "validation": 1, "test": 1}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A book-layout folder with SMALL images per class, and the loader pointed at it."""
    monkeypatch.setattr(cats_vs_dogs, "SPLITS", SMALL)
    root = tmp_path / "cats_vs_dogs"
    for split, count in SMALL.items():
        for label, cls in enumerate(cats_vs_dogs.CLASSES):
            (root / split / cls).mkdir(parents=True)
            for i in range(count):
                pixels = np.full((30 + i, 40, 3), 200 * label, np.uint8)
                Image.fromarray(pixels).save(root / split / cls / f"{cls[:-1]}.{i}.jpg")
    monkeypatch.setenv("CATS_VS_DOGS_DIR", str(root))
    return root


def write_sums(root):
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  ./{p.relative_to(root)}" for p in sorted(root.rglob("*.jpg"))]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def test_loads_resized_uint8_with_labels(folder, tmp_path):
    arrays = cats_vs_dogs.load_splits(16, tmp_path / "cache")
    x, y = arrays["train"]
    assert x.shape == (4, 16, 16, 3) and x.dtype == np.uint8
    assert y.tolist() == [0, 0, 1, 1]
    assert x[:2].max() < 30 and x[2:].min() > 170  # cats dark, dogs light, as drawn


@pytest.mark.parametrize("mode", ["L", "RGBA"])
def test_grey_and_transparent_photographs_load_as_rgb_at_the_size_asked(folder, tmp_path, mode):
    """As flow_from_directory's color_mode='rgb': one channel repeated, an alpha channel dropped, any size resized."""
    odd = folder / "train" / "dogs" / "dog.1.png"
    Image.new(mode, (23, 57), 200 if mode == "L" else (200, 200, 200, 90)).save(odd)
    (folder / "train" / "dogs" / "dog.1.jpg").unlink()
    x, _ = cats_vs_dogs.load_splits(16, tmp_path / "cache")["train"]
    assert x.shape == (4, 16, 16, 3)
    assert np.all(x[3] == 200)


def test_second_load_reads_the_resized_cache(folder, tmp_path, monkeypatch):
    first = cats_vs_dogs.load_splits(16, tmp_path / "cache")

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again")

    monkeypatch.setattr(cats_vs_dogs, "decode_image", no_decoding)
    again = cats_vs_dogs.load_splits(16, tmp_path / "cache")
    np.testing.assert_array_equal(first["test"][0], again["test"][0])


def test_damaged_resize_cache_is_rebuilt(folder, tmp_path):
    cats_vs_dogs.load_splits(16, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("*.npz")
    cached.write_bytes(b"not an npz")
    assert cats_vs_dogs.load_splits(16, tmp_path / "cache")["train"][0].shape == (4, 16, 16, 3)


def test_missing_class_folder_is_named(folder, tmp_path):
    for image in (folder / "validation" / "dogs").iterdir():
        image.unlink()
    (folder / "validation" / "dogs").rmdir()
    with pytest.raises(datasets.DatasetError, match=f"{folder / 'validation' / 'dogs'}: missing"):
        cats_vs_dogs.load_splits(16, tmp_path / "cache")


def test_too_few_images_is_named(folder, tmp_path):
    (folder / "train" / "cats" / "cat.1.jpg").unlink()
    with pytest.raises(datasets.DatasetError, match=f"{folder / 'train' / 'cats'}: 1 images, the book's train split needs 2"):
        cats_vs_dogs.load_splits(16, tmp_path / "cache")


def test_empty_image_is_named(folder, tmp_path):
    (folder / "test" / "dogs" / "dog.0.jpg").write_bytes(b"")
    with pytest.raises(datasets.DatasetError, match="dog.0.jpg: empty file"):
        cats_vs_dogs.load_splits(16, tmp_path / "cache")


def test_unreadable_image_is_named(folder, tmp_path):
    (folder / "train" / "dogs" / "dog.1.jpg").write_bytes(b"this is not a JPEG")
    with pytest.raises(datasets.DatasetError, match="dog.1.jpg: not a readable image"):
        cats_vs_dogs.load_splits(16, tmp_path / "cache")


def test_checksum_mismatch_is_named(folder, tmp_path):
    write_sums(folder)
    victim = folder / "train" / "cats" / "cat.0.jpg"
    victim.write_bytes(victim.read_bytes()[:-10])
    with pytest.raises(datasets.DatasetError, match="cat.0.jpg: SHA-256 differs from"):
        cats_vs_dogs.load_splits(16, tmp_path / "cache")


def test_the_place_and_the_manifest_are_recorded(folder, tmp_path):
    cats_vs_dogs.load_splits(16, tmp_path / "cache")
    first = provenance.used()["cats_vs_dogs_small"]
    assert first["place"] == "$CATS_VS_DOGS_DIR" and first["path"] == str(folder)
    victim = folder / "train" / "cats" / "cat.0.jpg"
    Image.fromarray(np.full((30, 40, 3), 90, np.uint8)).save(victim)  # another photograph, the same name
    cats_vs_dogs.load_splits(16, tmp_path / "cache")
    assert provenance.used()["cats_vs_dogs_small"]["manifest_sha256"] != first["manifest_sha256"]


def test_the_places_in_order(monkeypatch, tmp_path):
    monkeypatch.setenv("CATS_VS_DOGS_DIR", str(tmp_path / "env"))
    monkeypatch.setattr(cats_vs_dogs, "SHARED", tmp_path / "shared")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    built = tmp_path / "keras" / "datasets" / "cats_vs_dogs_small"
    assert [p for _, p in cats_vs_dogs.places()] == [tmp_path / "env", tmp_path / "shared", built]
    for place in (built, tmp_path / "shared", tmp_path / "env"):  # each, once it exists, wins over those after it
        place.mkdir(parents=True)
        assert cats_vs_dogs.locate()[1] == place
