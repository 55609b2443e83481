"""The cats-vs-dogs loader on small folders made here: layout, sizes, damage, the resize cache."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from experiments import data

SMALL = {"train": 2, "validation": 1, "test": 1}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A book-layout folder with SMALL images per class, and the loader pointed at it."""
    monkeypatch.setattr(data, "CATS_VS_DOGS_SPLITS", SMALL)
    root = tmp_path / "cats_vs_dogs"
    for split, count in SMALL.items():
        for label, cls in enumerate(data.CATS_VS_DOGS_CLASSES):
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
    arrays = data.load_cats_vs_dogs(16, tmp_path / "cache")
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
    x, _ = data.load_cats_vs_dogs(16, tmp_path / "cache")["train"]
    assert x.shape == (4, 16, 16, 3)
    assert np.all(x[3] == 200)


def test_second_load_reads_the_resized_cache(folder, tmp_path, monkeypatch):
    first = data.load_cats_vs_dogs(16, tmp_path / "cache")

    def no_decoding(path, size):
        raise AssertionError("decoded again")

    monkeypatch.setattr(data, "_decode", no_decoding)
    again = data.load_cats_vs_dogs(16, tmp_path / "cache")
    np.testing.assert_array_equal(first["test"][0], again["test"][0])


def test_damaged_resize_cache_is_rebuilt(folder, tmp_path):
    data.load_cats_vs_dogs(16, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("*.npz")
    cached.write_bytes(b"not an npz")
    assert data.load_cats_vs_dogs(16, tmp_path / "cache")["train"][0].shape == (4, 16, 16, 3)


def test_missing_class_folder_is_named(folder, tmp_path):
    for image in (folder / "validation" / "dogs").iterdir():
        image.unlink()
    (folder / "validation" / "dogs").rmdir()
    with pytest.raises(data.DatasetError, match=f"{folder / 'validation' / 'dogs'}: missing"):
        data.load_cats_vs_dogs(16, tmp_path / "cache")


def test_too_few_images_is_named(folder, tmp_path):
    (folder / "train" / "cats" / "cat.1.jpg").unlink()
    with pytest.raises(data.DatasetError, match=f"{folder / 'train' / 'cats'}: 1 images, the book's train split needs 2"):
        data.load_cats_vs_dogs(16, tmp_path / "cache")


def test_empty_image_is_named(folder, tmp_path):
    (folder / "test" / "dogs" / "dog.0.jpg").write_bytes(b"")
    with pytest.raises(data.DatasetError, match="dog.0.jpg: empty file"):
        data.load_cats_vs_dogs(16, tmp_path / "cache")


def test_unreadable_image_is_named(folder, tmp_path):
    (folder / "train" / "dogs" / "dog.1.jpg").write_bytes(b"this is not a JPEG")
    with pytest.raises(data.DatasetError, match="dog.1.jpg: not a readable image"):
        data.load_cats_vs_dogs(16, tmp_path / "cache")


def test_checksum_mismatch_is_named(folder, tmp_path):
    write_sums(folder)
    victim = folder / "train" / "cats" / "cat.0.jpg"
    victim.write_bytes(victim.read_bytes()[:-10])
    with pytest.raises(data.DatasetError, match="cat.0.jpg: SHA-256 differs from"):
        data.load_cats_vs_dogs(16, tmp_path / "cache")


def test_missing_everywhere(monkeypatch, tmp_path):
    monkeypatch.setenv("CATS_VS_DOGS_DIR", str(tmp_path / "nothing"))
    monkeypatch.setattr(data, "SHARED_CATS_VS_DOGS", tmp_path / "shared")
    with pytest.raises(data.DatasetError, match="cats vs dogs not found in .*nothing, .*shared; set \\$CATS_VS_DOGS_DIR"):
        data.cats_vs_dogs_dir()
