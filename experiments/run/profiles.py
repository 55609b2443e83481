"""The scales the suite runs at: one code path, different sizes.

smoke: a CPU, offline, minutes; every departure from the book is recorded.
full:  the books' settings (BOOK), for GPU runners with a network.
tiny:  the full profile's code paths (VGG16, the tutorial's MobileNetV2, MNIST,
       the elephant) at toy sizes, one epoch on a few images: it proves that
       every check of the full profile reaches a verdict, and its verdicts
       measure nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, kw_only=True)
class BookSettings:
    """The books' own settings of the runs the suite repeats; a profile departs from one only where it says so."""

    cats_size: int = 150  # side of the cats-vs-dogs images (DLwP1 5.2's target_size)
    small_data_epochs: int = 30  # the plain convnet (DLwP1 5.2)
    augmented_epochs: int = 100  # the convnet with augmentation and dropout (DLwP1 5.2)
    augmentation_interpolation: str = "bilinear"  # how ImageDataGenerator resampled
    cats_images: int | None = None  # at most this many photographs per split, half of each class; None: all of them
    transfer_base: str = "vgg16"  # the pretrained base of section 5 (DLwP1 5.3)
    transfer_size: int = 150  # side of its input images
    augmented_extraction_epochs: int = 100  # end-to-end extraction with augmentation (DLwP1 5.3)
    fine_tuning_epochs: int = 100  # DLwP1 5.3
    tutorial_size: int = 160  # side of trans.tft's images (TFT's IMG_SIZE)
    tutorial_epochs: int = 10  # each of trans.tft's two stages (TFT)
    vgg16_pattern_size: int = 150  # side of vis.filters' patterns on VGG16 (DLwP1 5.4.2)
    vgg16_pattern_filters: int = 64  # filters per layer they are found for (the book draws the first 64)
    mnist_images: tuple[int, int] | None = None  # (training, test) images of train.dlwp1.mnist; None: all 60,000 and 10,000
    mnist_epochs: int = 5  # DLwP1 5.1
    kfold_curve_epochs: int = 500  # each fold of the K-fold loop that chooses the budget (DLwP1 3.7)
    notes_cnn_epochs: int = 10  # the study notes' 160-px CNN on cats_vs_dogs


BOOK = BookSettings()


@dataclass(frozen=True, kw_only=True)
class Profile(BookSettings):
    name: str
    seeds: int  # default number of seeds a stochastic claim is judged over
    hypothesis_examples: int  # examples per property
    hypothesis_derandomize: bool  # the same examples every run, for comparable nightly results
    # The suite's own choices, which the books do not make:
    tutorial_mobilenet_v2: bool = True  # run TFT's own experiment (trans.tft): its ImageNet weights need a download
    similar_transfer_target: bool = True  # trans.generic_lower_layers: also lend the base to a target like its source
    lower_layers_epochs: tuple[int, int] = (5, 20)  # trans.generic_lower_layers (the book trains nothing): source, target
    # train.dlwp1.convnet_vs_dense on section 4's Fashion-MNIST convnets (pool.*), which are trained anyway, instead
    # of MNIST, a download that costs the claim its own convnets
    mnist_stand_in: bool = False
    # over.kfold_epochs: four folds a seed, each 500 epochs of single-example steps, too small to use a CPU's
    # arithmetic: more steps than all of the smoke profile's other runs
    kfold_curve: bool = True
    # over.notes_cnn_stall: the notes' CNN, 13 million parameters at the tutorial's 160 px
    notes_cnn: bool = True
    purpose: str = ""  # what its verdicts are for, where that is not the claims themselves

    def departs(self, *settings: str) -> bool:
        """Whether this profile sets any of the book's ``settings`` otherwise than the book."""
        return any(getattr(self, setting) != getattr(BOOK, setting) for setting in settings)

    def describe(self) -> str:
        return (
            f"{self.name}: {self.seeds} seeds per stochastic claim, "
            f"{self.hypothesis_examples} Hypothesis examples per property"
            + (" (derandomised)" if self.hypothesis_derandomize else "")
            + (f"; {self.purpose}" if self.purpose else "")
        )


PROFILES = MappingProxyType(
    {
        "smoke": Profile(name="smoke", seeds=3, hypothesis_examples=30, hypothesis_derandomize=True,
                         cats_size=64, small_data_epochs=60, augmentation_interpolation="nearest",
                         transfer_base="mobilenet_0.25", transfer_size=96, augmented_extraction_epochs=30,
                         fine_tuning_epochs=15, tutorial_mobilenet_v2=False, similar_transfer_target=False,
                         mnist_stand_in=True, kfold_curve=False, notes_cnn=False),
        "full": Profile(name="full", seeds=5, hypothesis_examples=200, hypothesis_derandomize=False),
        # 48 px: the smallest side the section-4 convnet's four conv-and-pool blocks leave a feature map of. The
        # runs a negative control is compared with train for a few epochs, so that they move off their start.
        "tiny": Profile(name="tiny", seeds=2, hypothesis_examples=5, hypothesis_derandomize=True,
                        cats_size=48, small_data_epochs=1, augmented_epochs=1, transfer_size=48,
                        augmented_extraction_epochs=3, fine_tuning_epochs=1, tutorial_size=48, tutorial_epochs=1,
                        vgg16_pattern_size=48, vgg16_pattern_filters=4, mnist_images=(600, 100), mnist_epochs=1,
                        lower_layers_epochs=(1, 3), cats_images=200, kfold_curve_epochs=13, notes_cnn_epochs=5,
                        purpose="the full profile's code paths at toy sizes: its verdicts say only that each check "
                                "ran to one, not whether a claim holds"),
    }
)
DEFAULT_PROFILE = "smoke"
