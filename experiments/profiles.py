"""The two scales the suite runs at: one code path, different sizes.

smoke: a CPU, offline, minutes; every departure from the book is recorded.
full:  book scale, for GPU runners with a network.
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

    def describe(self) -> str:
        return (
            f"{self.name}: {self.seeds} seeds per stochastic claim, "
            f"{self.hypothesis_examples} Hypothesis examples per property"
            + (" (derandomised)" if self.hypothesis_derandomize else "")
        )


PROFILES = MappingProxyType(
    {
        "smoke": Profile("smoke", seeds=3, hypothesis_examples=30, hypothesis_derandomize=True,
                         cats_size=64, small_data_epochs=60, augmented_epochs=100, augmentation_interpolation="nearest",
                         transfer_base="mobilenet_0.25", transfer_size=96,
                         augmented_extraction_epochs=30, fine_tuning_epochs=15, tutorial_mobilenet_v2=False,
                         similar_transfer_target=False),
        "full": Profile("full", seeds=5, hypothesis_examples=200, hypothesis_derandomize=False,
                        cats_size=150, small_data_epochs=30, augmented_epochs=100, augmentation_interpolation="bilinear",
                        transfer_base="vgg16", transfer_size=150,
                        augmented_extraction_epochs=100, fine_tuning_epochs=100, tutorial_mobilenet_v2=True,
                        similar_transfer_target=True),
    }
)
DEFAULT_PROFILE = "smoke"
