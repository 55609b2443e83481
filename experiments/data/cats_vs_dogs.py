"""The book's small cats-vs-dogs set (DLwP1 5.2): where it is found, how it is built, how it is loaded.

Places, in order; the first that exists is used:

1. ``$CATS_VS_DOGS_DIR``: a folder in the book's layout, ``{train,validation,test}/{cats,dogs}/``;
2. ``../shared/datasets/cats_vs_dogs_small`` beside the project (its development copy);
3. ``$KERAS_HOME/datasets/cats_vs_dogs_small``: a set built here earlier;
4. a download of Microsoft's PetImages archive (the ``kagglecatsanddogs_5340.zip``
   that keras.io's "Image classification from scratch" and TensorFlow
   Datasets' ``cats_vs_dogs`` use, about 790 MB) into the Keras cache, from
   which the set of place 3 is built.

The build follows the book: per class, the first 1,000 usable images by number
for training, the next 500 for validation, the next 500 for test. A file is
usable when it is not empty, has the JFIF marker in its first 10 bytes (the
keras.io example's rule, which drops the archive's damaged and non-JPEG files)
and TensorFlow decodes it whole as an RGB image. Skipped files are listed in
the set's ``SOURCE.json``; its ``SHA256SUMS`` lists every file kept, and is
checked on every later load, as the development copy's is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments.data import downloads, provenance
from experiments.data.datasets import decode_image, keras_cache_dir
from experiments.data.errors import DatasetError
from experiments.paths import SHARED_DATASETS

SPLITS = {"train": 1_000, "validation": 500, "test": 500}  # images per class (DLwP1 5.2)
CLASSES = ("cats", "dogs")  # label 0, 1: alphabetical, as flow_from_directory orders them
SHARED = SHARED_DATASETS / "cats_vs_dogs_small"
BUILT_NAME = "cats_vs_dogs_small"
MANIFEST = "SHA256SUMS"
SOURCE = "SOURCE.json"
ENV = "CATS_VS_DOGS_DIR"
HELP = (f"set ${ENV} to a folder in the book's layout {{train,validation,test}}/{{cats,dogs}}/ "
        "(DLwP1 5.2 builds it from Kaggle's Dogs vs. Cats)")


@dataclass(frozen=True)
class Archive:
    """A public archive of the photographs: its address, and where each class's numbered JPEGs sit in it."""

    name: str
    url: str
    members: dict[str, str]  # class → pattern of a member's name, with the image's number as (\d+)
    terms: str


PETIMAGES = Archive(
    name="kagglecatsanddogs_5340.zip",
    url="https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip",
    members={"cats": r"PetImages/Cat/(\d+)\.jpg", "dogs": r"PetImages/Dog/(\d+)\.jpg"},
    terms="Microsoft's Kaggle Cats and Dogs Dataset (Asirra, Petfinder.com photographs): for research and education",
)


def built_dir() -> Path:
    return keras_cache_dir(BUILT_NAME)


def places() -> list[tuple[str, Path]]:
    found = []
    if os.environ.get(ENV):
        found.append((f"${ENV}", Path(os.environ[ENV])))
    found.append(("the development copy", SHARED))
    found.append(("built from the archive", built_dir()))
    return found


def locate() -> tuple[str, Path]:
    """(what the place is, the folder): the first place that exists, else the set built from a download."""
    looked = places()
    for label, place in looked:
        if place.is_dir():
            return label, place
    remedy = f"looked in {', '.join(str(p) for _, p in looked)}; {HELP}"
    archive = downloads.fetch(PETIMAGES.url, keras_cache_dir(PETIMAGES.name), remedy=remedy)
    try:
        return "built from the archive", build(archive, built_dir())
    except DatasetError:
        archive.unlink()  # damaged, or too few usable images: the next run downloads it anew
        raise


# --- building the book's set from the archive ------------------------------------------------

def _usable(content: bytes) -> str | None:
    """None when the image is usable; else why not."""
    if not content:
        return "empty file"
    if b"JFIF" not in content[:10]:
        return "no JFIF marker in the first 10 bytes"
    try:
        decode_image(content)
    except DatasetError as error:
        return str(error)
    return None


def build(archive: Path, destination: Path) -> Path:
    """The book's set at ``destination``, built from ``archive`` in a folder renamed into place when complete."""
    needed = sum(SPLITS.values())
    try:
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
            staging = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
            shutil.rmtree(staging, ignore_errors=True)
            skipped: list[dict[str, str]] = []
            sums: list[str] = []
            try:
                for cls, pattern in PETIMAGES.members.items():
                    numbered = sorted((int(m.group(1)), name) for name in names if (m := re.fullmatch(pattern, name)))
                    kept: list[tuple[int, bytes]] = []
                    for number, name in numbered:
                        content = opened.read(name)  # a damaged member fails its CRC here (BadZipFile)
                        why = _usable(content)
                        if why is None:
                            kept.append((number, content))
                        else:
                            skipped.append({"file": name, "why": why})
                        if len(kept) == needed:
                            break
                    if len(kept) < needed:
                        raise DatasetError(f"{archive}: {len(kept)} usable {cls} images, the book's split needs "
                                           f"{needed}; removed, so that the next run downloads it again")
                    start = 0
                    for split, count in SPLITS.items():
                        folder = staging / split / cls
                        folder.mkdir(parents=True)
                        for number, content in kept[start:start + count]:
                            path = folder / f"{cls[:-1]}.{number}.jpg"
                            path.write_bytes(content)
                            sums.append(f"{hashlib.sha256(content).hexdigest()}  ./{path.relative_to(staging)}")
                        start += count
                (staging / MANIFEST).write_text("\n".join(sums) + "\n")
                (staging / SOURCE).write_text(json.dumps({
                    "archive": PETIMAGES.name, "url": PETIMAGES.url, "terms": PETIMAGES.terms,
                    "archive_sha256": _sha256_file(archive), "skipped": skipped,
                    "rule": "per class by number: the first 1,000 usable images train, the next 500 validate, "
                            "the next 500 test; usable = not empty, JFIF marker in the first 10 bytes, decodes as RGB",
                }, indent=1))
                if destination.exists():  # another process finished first: its set is as good
                    return destination
                os.rename(staging, destination)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DatasetError(f"{archive}: not a readable zip archive ({error}); removed, so that the next run "
                           f"downloads it again") from None
    return destination


def _sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# --- reading a set ---------------------------------------------------------------------------

def files(directory: Path) -> tuple[dict[str, list[tuple[Path, int]]], str]:
    """({split: [(image, label)]}, manifest digest): the first N per class in name order, each verified.

    With a SHA256SUMS file beside the splits (the development copy, a built
    set), every image used must be listed in it and match. The manifest digest
    is the SHA-256 of the sorted "digest  path" lines of the images used: the
    same images give the same digest wherever they lie.
    """
    sums = {}
    if (directory / MANIFEST).is_file():
        for line in (directory / MANIFEST).read_text().splitlines():
            digest, name = line.split(maxsplit=1)
            sums[(directory / name).resolve()] = digest
    remedy = "delete the folder so that it is built again" if directory == built_dir() else "restore the file"
    splits: dict[str, list[tuple[Path, int]]] = {}
    manifest: list[str] = []
    for split, per_class in SPLITS.items():
        splits[split] = []
        for label, cls in enumerate(CLASSES):
            folder = directory / split / cls
            if not folder.is_dir():
                raise DatasetError(f"{folder}: missing; the book's layout needs {split}/{cls}/")
            images = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
            if len(images) < per_class:
                raise DatasetError(f"{folder}: {len(images)} images, the book's {split} split needs {per_class}")
            for image in images[:per_class]:
                content = image.read_bytes()
                if not content:
                    raise DatasetError(f"{image}: empty file")
                digest = hashlib.sha256(content).hexdigest()
                expected = sums.get(image.resolve())
                if sums and expected is None:
                    raise DatasetError(f"{image}: not listed in {directory / MANIFEST}; {remedy}")
                if expected is not None and digest != expected:
                    raise DatasetError(f"{image}: SHA-256 differs from {directory / MANIFEST} ({expected}); {remedy}")
                splits[split].append((image, label))
                manifest.append(f"{digest}  {split}/{cls}/{image.name}")
    return splits, hashlib.sha256("\n".join(sorted(manifest)).encode()).hexdigest()


def load_splits(size: int, cache_dir: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{split: (x (n, size, size, 3) uint8, y (n,) uint8)}, resized once and kept in ``cache_dir``.

    The cached arrays are named by a fingerprint of the files' names and sizes
    (their hashes are checked on every load) and the resolution. The place and
    the manifest digest are recorded for the run's results.
    """
    place, directory = locate()
    splits, manifest_digest = files(directory)
    provenance.record("cats_vs_dogs_small", {"place": place, "path": str(directory),
                                             "manifest_sha256": manifest_digest})
    identity = hashlib.sha256(
        "".join(f"{p.name}:{p.stat().st_size}:{label};" for pairs in splits.values() for p, label in pairs).encode()
    ).hexdigest()[:16]
    cached = cache_dir / f"cats_vs_dogs-{identity}-{size}px.npz"
    try:
        with np.load(cached) as stored:
            return {split: (stored[f"{split}_x"], stored[f"{split}_y"]) for split in SPLITS}
    except (OSError, KeyError, ValueError, EOFError):
        pass  # absent or damaged: decode again
    arrays = {
        split: (np.stack([decode_image(p.read_bytes(), size, name=p) for p, _ in pairs]),
                np.array([label for _, label in pairs], np.uint8))
        for split, pairs in splits.items()
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.npz")
    np.savez(partial, **{f"{s}_{k}": a for s, (x, y) in arrays.items() for k, a in (("x", x), ("y", y))})
    os.replace(partial, cached)
    return arrays
