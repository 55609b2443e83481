"""The book's set built from a small archive in PetImages' layout, served from 127.0.0.1."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from experiments.data import cats_vs_dogs, provenance
from experiments.data.errors import DatasetError

SMALL = {"train": 3, "validation": 2, "test": 1}  # per class: 6 usable images needed
NEEDED = sum(SMALL.values())


def jpeg(shade: int, size=(20, 24)) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.full((*size, 3), shade, np.uint8)).save(out, format="JPEG")  # PIL writes a JFIF header
    return out.getvalue()


def png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.full((20, 24, 3), shade, np.uint8)).save(out, format="PNG")
    return out.getvalue()


DAMAGED = {  # member → why the build must skip it
    "PetImages/Cat/1.jpg": b"",  # zero bytes, as the archive's Cat/666.jpg
    "PetImages/Cat/4.jpg": png(50),  # not a JPEG, named .jpg
    "PetImages/Dog/2.jpg": jpeg(220)[:200],  # a JFIF header, then cut short
}


def petimages(per_class: int = NEEDED + 2, damaged: dict[str, bytes] = DAMAGED) -> bytes:
    """A zip in the archive's layout: numbered JPEGs per class (cats dark, dogs light), a few damaged, extras."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for cls, shade in (("Cat", 30), ("Dog", 220)):
            for number in range(per_class + 1):
                name = f"PetImages/{cls}/{number}.jpg"
                archive.writestr(name, damaged.get(name, jpeg(shade + number)))
            archive.writestr(f"PetImages/{cls}/Thumbs.db", b"not an image")
        archive.writestr("readme[1].txt", b"the archive's own files")
    return out.getvalue()


@pytest.fixture
def nothing_local(monkeypatch, tmp_path, mirror):
    monkeypatch.setattr(cats_vs_dogs, "SPLITS", SMALL)
    monkeypatch.delenv(cats_vs_dogs.ENV, raising=False)
    monkeypatch.setattr(cats_vs_dogs, "SHARED", tmp_path / "no-shared")
    return mirror


def test_the_books_layout_is_built_with_the_damaged_files_skipped_and_listed(nothing_local, tmp_path):
    nothing_local.serve(cats_vs_dogs.PETIMAGES.url, petimages())
    arrays = cats_vs_dogs.load_splits(16, tmp_path / "resized")
    built = cats_vs_dogs.built_dir()
    assert {split: x.shape[0] for split, (x, _) in arrays.items()} == {s: 2 * n for s, n in SMALL.items()}
    # by number, the damaged ones left out: cats 0 2 3 5 6 7 | dogs 0 1 3 4 5 6
    assert sorted(p.name for p in (built / "train" / "cats").iterdir()) == ["cat.0.jpg", "cat.2.jpg", "cat.3.jpg"]
    assert sorted(p.name for p in (built / "validation" / "cats").iterdir()) == ["cat.5.jpg", "cat.6.jpg"]
    assert sorted(p.name for p in (built / "test" / "dogs").iterdir()) == ["dog.6.jpg"]
    source = json.loads((built / cats_vs_dogs.SOURCE).read_text())
    assert {s["file"] for s in source["skipped"]} == set(DAMAGED)
    assert len((built / cats_vs_dogs.MANIFEST).read_text().splitlines()) == 2 * NEEDED
    x, y = arrays["train"]
    assert y.tolist() == [0, 0, 0, 1, 1, 1] and x[:3].max() < 60 and x[3:].min() > 190
    used = provenance.used()["cats_vs_dogs_small"]
    assert used["place"] == "built from the archive" and used["path"] == str(built)
    assert not list(built.parent.glob(".*partial*")), "a staging folder was left behind"


def test_a_second_run_downloads_nothing_and_verifies_the_manifest(nothing_local, tmp_path):
    nothing_local.serve(cats_vs_dogs.PETIMAGES.url, petimages())
    cats_vs_dogs.load_splits(16, tmp_path / "resized")
    cats_vs_dogs.load_splits(16, tmp_path / "resized")
    assert nothing_local.asked_for(cats_vs_dogs.PETIMAGES.url) == 1
    victim = cats_vs_dogs.built_dir() / "train" / "dogs" / "dog.1.jpg"
    victim.write_bytes(jpeg(10))  # a readable image, but not the one built
    with pytest.raises(DatasetError, match=r"dog\.1\.jpg: SHA-256 differs from .*SHA256SUMS.*delete the folder"):
        cats_vs_dogs.load_splits(16, tmp_path / "resized")


def test_too_few_usable_images_is_refused_and_the_archive_removed(nothing_local, tmp_path):
    nothing_local.serve(cats_vs_dogs.PETIMAGES.url, petimages(per_class=NEEDED - 1))
    with pytest.raises(DatasetError, match=rf"usable cats images, the book's split needs {NEEDED}; removed"):
        cats_vs_dogs.locate()
    assert not cats_vs_dogs.built_dir().exists()
    assert not (cats_vs_dogs.built_dir().parent / cats_vs_dogs.PETIMAGES.name).exists()


def test_an_archive_cut_short_is_refused_in_one_line(nothing_local, tmp_path):
    whole = petimages()
    nothing_local.serve(cats_vs_dogs.PETIMAGES.url, whole[: len(whole) * 2 // 3])  # the server sends what it has
    with pytest.raises(DatasetError) as raised:
        cats_vs_dogs.locate()
    assert "not a readable zip archive" in str(raised.value) and "\n" not in str(raised.value)
    assert not cats_vs_dogs.built_dir().exists()
