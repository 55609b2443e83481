"""The pretrained bases of section 5 and the models the chapters build on them.

VGG16 (DLwP1 5.3), the TensorFlow tutorial's MobileNetV2, and the offline
MobileNet (alpha 0.25), from `keras.applications`; ``weights=None`` builds
them without any download (enough for counting), and a base called pretrained
is given its verified ImageNet weights (experiments/data/weights.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import keras
from keras import layers

from experiments.data.weights import WeightsError, imagenet_weights
from experiments.run.models import book_augmentation
from experiments.run.profiles import BOOK


def vgg16_base(size: int = 150, weights: str | None = None) -> keras.Model:
    """DLwP1 5.3: VGG16's convolutional base; 150×150 → (4, 4, 512), 180×180 → (5, 5, 512)."""
    return keras.applications.VGG16(weights=weights, include_top=False, input_shape=(size, size, 3))


def vgg16_classifier(base: keras.Model) -> keras.Model:
    """DLwP1 5.3: the conv base with a densely connected classifier on top."""
    return keras.Sequential(
        [
            keras.Input(base.input_shape[1:]),
            base,  # (4, 4, 512)
            layers.Flatten(),  # (8192,)
            layers.Dense(256, activation="relu"),  # (256,)
            layers.Dense(1, activation="sigmoid"),  # (1,)
        ],
        name="vgg16_classifier",
    )


TFT_SIZE = BOOK.tutorial_size  # the TensorFlow tutorial's IMG_SIZE
TO_MINUS_ONE_ONE = (2.0, -1.0)  # pixels in [0, 1] → [-1, 1], what the MobileNets' preprocess_input gives them


def mobilenet_v2_base(size: int = TFT_SIZE, weights: str | None = None) -> keras.Model:
    """TFT: MobileNetV2 without its top; 160×160 → (5, 5, 1280)."""
    return keras.applications.MobileNetV2(input_shape=(size, size, 3), include_top=False, weights=weights)


def mobilenet_v2_classifier(base: keras.Model) -> keras.Model:
    """TFT's model: flips and rotations → [-1, 1] → base (in inference mode) → GAP → Dropout(0.2) → Dense(1).

    Pixels come in [0, 1]; the tutorial feeds [0, 255] to preprocess_input, which
    maps both to [-1, 1]. Its Dense(1) emits a logit for a loss built with
    from_logits=True; here a sigmoid follows it for the suite's binary
    cross-entropy, which Keras computes from that same logit.
    """
    inputs = keras.Input(base.input_shape[1:])  # (160, 160, 3)
    x = layers.RandomFlip("horizontal")(inputs)
    x = layers.RandomRotation(0.2)(x)
    x = layers.Rescaling(*TO_MINUS_ONE_ONE)(x)
    x = base(x, training=False)  # (5, 5, 1280)
    x = layers.GlobalAveragePooling2D()(x)  # (1280,)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)  # (1,)
    return keras.Model(inputs, outputs, name="mobilenet_v2_classifier")


def unfreeze_from(base: keras.Model, fine_tune_at: int) -> None:
    """TFT's fine-tuning: the whole base trainable, then every layer before ``fine_tune_at`` frozen again."""
    base.trainable = True
    for layer in base.layers[:fine_tune_at]:
        layer.trainable = False


def tft_classifier(size: int = TFT_SIZE, fine_tune_at: int | None = None, pretrained: bool = True) -> keras.Model:
    """TFT's trained model on its ImageNet MobileNetV2 (IMG_SIZE 160): frozen, or unfrozen from layer
    ``fine_tune_at``. Its weights are those Keras gives the 160-px base; without the top they fit any size."""
    base = with_imagenet_weights(lambda: mobilenet_v2_base(size), "mobilenet_v2_1.0_160", pretrained)
    base.trainable = False
    if fine_tune_at is not None:
        unfreeze_from(base, fine_tune_at)
    return mobilenet_v2_classifier(base)


def unfreeze_top_block(base: keras.Model, name: str) -> None:
    """DLwP1 5.3's fine-tuning: base ``name`` of PRETRAINED_BASES trainable from its top block's first layer on."""
    unfreeze_from(base, [layer.name for layer in base.layers].index(PRETRAINED_BASES[name].top_block))


@dataclass(frozen=True)
class PretrainedBase:
    """A base of section 5: its builder, the input its weights expect, the block fine-tuning unfreezes."""

    build: Callable[[int], keras.Model]  # size → the no-top base, with random weights
    scale: float  # pixels in [0, 1] → scale · x + offset is what the base reads
    offset: float
    top_block: str  # the first layer of the top block (DLwP1 5.3: block5_conv1)


PRETRAINED_BASES = {
    # DLwP1 5.3 feeds VGG16 pixels in [0, 1] (rescale=1./255), not Keras' caffe preprocessing: kept as printed.
    "vgg16": PretrainedBase(vgg16_base, 1.0, 0.0, "block5_conv1"),
    # MobileNet reads [-1, 1]. Its top block is the last stage, at the lowest resolution, as block5
    # is VGG16's: depthwise-separable blocks 12 and 13.
    "mobilenet_0.25": PretrainedBase(
        lambda size: keras.applications.MobileNet(input_shape=(size, size, 3), alpha=0.25, include_top=False,
                                                  weights=None),
        *TO_MINUS_ONE_ONE, "conv_dw_12",
    ),
}


def with_imagenet_weights(build: Callable[[], keras.Model], weights: str, pretrained: bool) -> keras.Model:
    """``build()`` with the verified file ``weights`` (a key of IMAGENET_WEIGHTS) loaded into it, as
    keras.applications loads a weights path; random weights only when asked for. A file Keras cannot
    read stops the run with its name; an error of the architecture itself (a size it refuses) is its own."""
    model = build()
    if not pretrained:
        return model
    path = imagenet_weights(weights)
    try:
        model.load_weights(str(path))
    except (OSError, ValueError) as error:  # h5py cannot open it, or its arrays do not fit the architecture
        raise WeightsError(f"{path}: Keras cannot read it as {weights}'s weights ({type(error).__name__}: "
                           f"{str(error).splitlines()[0]}); delete it so that it is downloaded again, or put the "
                           f"published file in $IMAGENET_WEIGHTS_DIR") from None
    return model


def pretrained_base(base: str, size: int, pretrained: bool = True) -> keras.Model:
    """The no-top ``base`` with its verified ImageNet weights, or random ones when ``pretrained=False``."""
    return with_imagenet_weights(lambda: PRETRAINED_BASES[base].build(size), base, pretrained)


def extraction_head(feature_shape: tuple[int, int, int]) -> keras.Model:
    """DLwP1 5.3's classifier for fast feature extraction, on features computed once by the base."""
    return keras.Sequential(
        [
            keras.Input(tuple(feature_shape)),  # (4, 4, 512) for VGG16 at 150 px
            layers.Flatten(),  # (8192,)
            layers.Dense(256, activation="relu"),  # (256,)
            layers.Dropout(0.5),
            layers.Dense(1, activation="sigmoid"),  # (1,)
        ],
        name="extraction_head",
    )


def pretrained_classifier(base: str, size: int, augment: bool = False, fine_tune: bool = False,
                          pretrained: bool = True) -> keras.Model:
    """DLwP1 5.3's end-to-end model: (augmentation) → base → Flatten → Dense(256) → Dense(1).

    The base is frozen; ``fine_tune=True`` unfreezes its top block, as the book
    unfreezes block5. The base runs in inference mode, so batch normalisation
    (MobileNet) keeps its ImageNet statistics even where it is unfrozen, as TFT does.
    """
    spec = PRETRAINED_BASES[base]
    conv_base = pretrained_base(base, size, pretrained)
    conv_base.trainable = False
    if fine_tune:
        unfreeze_top_block(conv_base, base)
    inputs = keras.Input((size, size, 3))
    x = inputs
    for augmentation in book_augmentation() if augment else []:
        x = augmentation(x)
    x = layers.Rescaling(spec.scale, spec.offset)(x)
    x = conv_base(x, training=False)  # (4, 4, 512) for VGG16 at 150 px; (3, 3, 256) for MobileNet at 96
    x = layers.Flatten()(x)
    x = layers.Dense(256, activation="relu")(x)  # (256,)
    outputs = layers.Dense(1, activation="sigmoid")(x)  # (1,)
    return keras.Model(inputs, outputs, name=f"{base}_classifier")


def conv_base_of(model: keras.Model) -> keras.Model:
    """The pretrained base inside a pretrained_classifier model: its one layer that is a model itself."""
    (base,) = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    return base
