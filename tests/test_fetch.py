"""The fetch before the clock: every file of a profile, each asked for once, and a missing one said, not fatal."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.data import datasets
from experiments.data.errors import DatasetError
from experiments.harness import fetch
from experiments.run.profiles import PROFILES
from tests import stand_ins


def test_the_full_profile_needs_what_its_checks_read():
    assert [need.what for need in fetch.needs(PROFILES["full"])] == [
        "Fashion-MNIST", "cats-vs-dogs photographs", "MNIST", "ImageNet weights vgg16",
        "ImageNet weights vgg16_with_top", "elephant photograph", "ImageNet weights mobilenet_v2_1.0_160"]
    smoke = {need.what: need.required for need in fetch.needs(PROFILES["smoke"])}
    assert smoke == {"Fashion-MNIST": True, "cats-vs-dogs photographs": True, "MNIST": False,
                     "ImageNet weights mobilenet_0.25": True}


def test_a_file_is_downloaded_through_the_mirror_once_and_then_found_in_place(mirror):
    photo = stand_ins.elephant_photo()
    mirror.serve(datasets.ELEPHANT_PHOTO[1], photo)
    (elephant,) = [need for need in fetch.needs(PROFILES["full"]) if need.what == "elephant photograph"]
    assert elephant.present() is None
    said = []
    fetch.fetch_all_of([elephant], said.append)
    assert elephant.present() is not None and elephant.present().read_bytes() == photo
    fetch.fetch_all_of([elephant], said.append)
    assert mirror.asked_for(datasets.ELEPHANT_PHOTO[1]) == 1
    assert said == [f"verified elephant photograph: {elephant.present()}"] * 2


def test_every_need_is_tried_and_only_the_required_ones_count_as_missing():
    def failing(why):
        def fetch_it():
            raise DatasetError(why)
        return fetch_it

    tried = []
    needs = [fetch.Need("first", "u", lambda: None, failing("no first")),
             fetch.Need("optional", "u", lambda: None, failing("no optional"), required=False),
             fetch.Need("last", "u", lambda: None, lambda: tried.append("last"))]
    said = []
    assert fetch.fetch_all_of(needs, said.append) == ["first: no first"]
    assert tried == ["last"]
    assert said == ["MISSING first: no first", "missing (optional here) optional: no optional",
                    "verified last: in place"]


def test_a_damaged_download_is_an_error_of_its_file_only(mirror):
    """A truncated MNIST stops MNIST, and the command goes on to the next file."""
    mirror.serve(f"{datasets.KERAS_DATASETS}/mnist.npz", np.arange(10).tobytes())
    (mnist,) = [need for need in fetch.needs(PROFILES["full"]) if need.what == "MNIST"]
    with pytest.raises(DatasetError, match="SHA-256"):
        mnist.fetch()
