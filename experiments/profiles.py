"""The scales the suite runs at: one code path, different sizes.

smoke: a CPU, offline, minutes; every departure from the book is recorded.
full:  book scale, for GPU runners with a network.
tiny:  the full profile's code paths (VGG16, the tutorial's MobileNetV2, MNIST,
       the elephant) at toy sizes, one epoch on a few images: it proves that
       every check of the full profile reaches a verdict, and its verdicts
       measure nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Profile:
    name: str
    seeds: int  # default number of seeds a stochastic claim is judged over
    hypothesis_examples: int  # examples per property
    hypothesis_derandomize: bool  # the same examples every run, for comparable nightly results
    cats_size: int  # side of the cats-vs-dogs images (the book: 150)
    small_data_epochs: int  # the plain convnet (the book: 30)
    augmented_epochs: int  # the convnet with augmentation and dropout (the book: 100)
    augmentation_interpolation: str  # how its augmentation layers resample (ImageDataGenerator: bilinear)
    transfer_base: str  # the pretrained base of section 5 (the book: VGG16)
    transfer_size: int  # side of its input images (the book: 150)
    augmented_extraction_epochs: int  # end-to-end extraction with augmentation (the book: 100)
    fine_tuning_epochs: int  # the book: 100
    tutorial_mobilenet_v2: bool  # run TFT's own experiment (trans.tft): its ImageNet weights need a download
    similar_transfer_target: bool  # trans.generic_lower_layers: also lend the base to a target like its source, reported beside
    tutorial_size: int  # side of trans.tft's images (TFT's IMG_SIZE: 160)
    tutorial_epochs: int  # each of trans.tft's two stages (TFT: 10)
    vgg16_pattern_size: int  # side of vis.filters' patterns on VGG16 (the book: 150)
    vgg16_pattern_filters: int  # filters per layer they are found for (the book draws the first 64)
    mnist_images: tuple[int, int] | None  # (training, test) images of train.dlwp1.mnist; None: all 60,000 and 10,000
    mnist_epochs: int  # the book: 5
    lower_layers_epochs: tuple[int, int]  # trans.generic_lower_layers (the book trains nothing): source, target
    cats_images: int | None = None  # at most this many photographs per split, half of each class; None: the book's
    purpose: str = ""  # what its verdicts are for, where that is not the claims themselves

    def describe(self) -> str:
        return (
            f"{self.name}: {self.seeds} seeds per stochastic claim, "
            f"{self.hypothesis_examples} Hypothesis examples per property"
            + (" (derandomised)" if self.hypothesis_derandomize else "")
            + (f"; {self.purpose}" if self.purpose else "")
        )


# What the full profile runs beyond the smoke profile's checks, at its own sizes (the books').
BOOK_SIZES = dict(tutorial_size=160, tutorial_epochs=10, vgg16_pattern_size=150, vgg16_pattern_filters=64,
                  mnist_images=None, mnist_epochs=5)


PROFILES = MappingProxyType(
    {
        "smoke": Profile("smoke", seeds=3, hypothesis_examples=30, hypothesis_derandomize=True,
                         cats_size=64, small_data_epochs=60, augmented_epochs=100, augmentation_interpolation="nearest",
                         transfer_base="mobilenet_0.25", transfer_size=96,
                         augmented_extraction_epochs=30, fine_tuning_epochs=15, tutorial_mobilenet_v2=False,
                         similar_transfer_target=False, lower_layers_epochs=(5, 20), **BOOK_SIZES),
        "full": Profile("full", seeds=5, hypothesis_examples=200, hypothesis_derandomize=False,
                        cats_size=150, small_data_epochs=30, augmented_epochs=100, augmentation_interpolation="bilinear",
                        transfer_base="vgg16", transfer_size=150,
                        augmented_extraction_epochs=100, fine_tuning_epochs=100, tutorial_mobilenet_v2=True,
                        similar_transfer_target=True, lower_layers_epochs=(5, 20), **BOOK_SIZES),
        # 48 px: the smallest side the section-4 convnet's four conv-and-pool blocks leave a feature map of. The
        # runs a negative control is compared with train for a few epochs, so that they move off their start.
        "tiny": Profile("tiny", seeds=2, hypothesis_examples=5, hypothesis_derandomize=True,
                        cats_size=48, small_data_epochs=1, augmented_epochs=1, augmentation_interpolation="bilinear",
                        transfer_base="vgg16", transfer_size=48,
                        augmented_extraction_epochs=3, fine_tuning_epochs=1, tutorial_mobilenet_v2=True,
                        similar_transfer_target=True, tutorial_size=48, tutorial_epochs=1, vgg16_pattern_size=48,
                        vgg16_pattern_filters=4, mnist_images=(600, 100), mnist_epochs=1, lower_layers_epochs=(1, 3),
                        cats_images=200,
                        purpose="the full profile's code paths at toy sizes: its verdicts say only that each check "
                                "ran to one, not whether a claim holds"),
    }
)
DEFAULT_PROFILE = "smoke"
