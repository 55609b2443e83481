"""ImageNet weights for the pretrained bases: from known places, verified before any model uses them.

A base called "pretrained" must carry the published weights and nothing else:
a file that is missing, truncated or altered stops the run with a line that
names it and says what to do; the suite never falls back to random weights.

The file is looked for, in order, in ``$IMAGENET_WEIGHTS_DIR``, in the offline
copy in ``../shared/datasets/imagenet_weights``, in the Keras cache
(``$KERAS_HOME/models``), and finally downloaded from Keras' own address into
that cache (for users with a network).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from experiments.data import downloads
from experiments.data.errors import DatasetError
from experiments.paths import SHARED_DATASETS

KERAS_WEIGHTS = "https://storage.googleapis.com/tensorflow/keras-applications"
SHARED_WEIGHTS = SHARED_DATASETS / "imagenet_weights"


class WeightsError(DatasetError):
    """Pretrained weights are missing or damaged; the message names the file and what to do."""


@dataclass(frozen=True)
class WeightsFile:
    name: str
    digest: str | None  # as Keras publishes it: SHA-256 (64 hex digits) or MD5 (32); None where it publishes none
    url: str
    size: int | None = None  # bytes, where known: a truncated download fails here first

    @property
    def algorithm(self) -> str:
        """The digest's algorithm; asked only of a file with a digest."""
        return "sha256" if len(self.digest) == 64 else "md5"


IMAGENET_WEIGHTS = {
    # keras.applications.MobileNet(alpha=0.25, include_top=False, weights="imagenet"); 218,544 parameters.
    "mobilenet_0.25": WeightsFile(
        "mobilenet_2_5_224_tf_no_top.h5",
        "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
        f"{KERAS_WEIGHTS}/mobilenet/mobilenet_2_5_224_tf_no_top.h5",
        size=2_108_140,
    ),
    # keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights="imagenet"), as
    # TFT loads it. Keras publishes no digest for MobileNetV2's files, only their size (its download log
    # prints 9406464/9406464): a truncated file is refused here, a damaged one when Keras reads it.
    "mobilenet_v2_1.0_160": WeightsFile(
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5",
        None,
        f"{KERAS_WEIGHTS}/mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5",
        size=9_406_464,
    ),
    # keras.applications.VGG16(include_top=False, weights="imagenet"): Keras publishes an MD5 for it.
    "vgg16": WeightsFile(
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "6d6bbae143d832006294945121d1f1fc",
        f"{KERAS_WEIGHTS}/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    # keras.applications.VGG16(weights="imagenet") with its classifier, for Grad-CAM (DLwP1 5.4.3).
    "vgg16_with_top": WeightsFile(
        "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        "64373286793e3c8b2b4e3219cbf3544b",
        f"{KERAS_WEIGHTS}/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        size=553_467_096,
    ),
}


def keras_models_dir() -> Path:
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models"


def weights_places() -> list[tuple[str, Path]]:
    places = []
    if os.environ.get("IMAGENET_WEIGHTS_DIR"):
        places.append(("$IMAGENET_WEIGHTS_DIR", Path(os.environ["IMAGENET_WEIGHTS_DIR"])))
    places.append(("the offline copy", SHARED_WEIGHTS))
    places.append(("the Keras cache", keras_models_dir()))
    return places


def verify(path: Path, expected: WeightsFile) -> Path:
    """``path`` if its size and digest are the published ones; a WeightsError naming it otherwise."""
    remedy = (f"delete it so that it is downloaded again from {expected.url}, or put the published file "
              f"in $IMAGENET_WEIGHTS_DIR")
    size = path.stat().st_size
    if expected.size is not None and size != expected.size:
        raise WeightsError(f"{path}: {size:,} bytes, the published file has {expected.size:,}: truncated or "
                           f"not {expected.name}; {remedy}")
    if expected.digest is None:
        return path
    digest = hashlib.new(expected.algorithm, path.read_bytes()).hexdigest()
    if digest != expected.digest:
        raise WeightsError(f"{path}: {expected.algorithm.upper()} {digest}, the published file's is "
                           f"{expected.digest}: damaged or altered; {remedy}")
    return path


def imagenet_weights(base: str) -> Path:
    """The verified ImageNet weights file of ``base`` (a key of IMAGENET_WEIGHTS).

    The first place that holds the file decides: a damaged file there is an
    error, not a reason to look further.
    """
    if base not in IMAGENET_WEIGHTS:
        raise ValueError(f"no ImageNet weights known for {base!r}; known: {', '.join(IMAGENET_WEIGHTS)}")
    expected = IMAGENET_WEIGHTS[base]
    places = weights_places()
    for _, directory in places:
        if (directory / expected.name).is_file():
            return verify(directory / expected.name, expected)
    looked = ", ".join(f"{label} ({directory})" for label, directory in places)
    try:
        downloaded = downloads.fetch(expected.url, keras_models_dir() / expected.name,
                                     remedy="put the file in $IMAGENET_WEIGHTS_DIR")
    except downloads.DownloadError as error:
        raise WeightsError(f"{expected.name}: not in {looked}, and the {error}") from None
    return verify(downloaded, expected)
