"""One builder per model the chapters train from scratch, written as the books write them.

Shapes in the comments are (height, width, channels) without the batch axis,
for the default arguments. The pretrained bases and the models built on them
are experiments/run/pretrained.py's.
"""

from __future__ import annotations

import keras
from keras import layers


def fashion_cnn() -> keras.Model:
    """혼자 공부하는 머신러닝+딥러닝 8-2: the Fashion-MNIST CNN."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),  # (28, 28, 32)
            layers.MaxPooling2D(2),  # (14, 14, 32)
            layers.Conv2D(64, 3, padding="same", activation="relu"),  # (14, 14, 64)
            layers.MaxPooling2D(2),  # (7, 7, 64)
            layers.Flatten(),  # (3136,)
            layers.Dense(100, activation="relu"),  # (100,)
            layers.Dropout(0.4),
            layers.Dense(10, activation="softmax"),  # (10,)
        ],
        name="fashion_cnn",
    )


def housing_regressor(features: int = 13) -> keras.Model:
    """DLwP1 3.6's build_model for Boston housing: two Dense(64) and one linear output."""
    return keras.Sequential(
        [
            keras.Input((features,)),
            layers.Dense(64, activation="relu"),  # (64,)
            layers.Dense(64, activation="relu"),  # (64,)
            layers.Dense(1),  # (1,): a price, no activation
        ],
        name="housing_regressor",
    )


def dense_network(inputs: int = 10_000, units: int = 16, classes: int = 1, l2: float = 0.0,
                  dropout: float = 0.0) -> keras.Model:
    """DLwP1 3.4/4.4's IMDB network: two Dense(units, relu) and the output, and 4.4's cures for its overfitting.

    ``l2`` puts an L2(l2) penalty on both hidden layers' kernels; ``dropout``
    puts Dropout(dropout) after each of them. One sigmoid unit for IMDB's two
    classes, a softmax over ``classes`` otherwise.
    """
    regulariser = keras.regularizers.L2(l2) if l2 else None

    def hidden() -> list[layers.Layer]:
        return [layers.Dense(units, activation="relu", kernel_regularizer=regulariser),  # (units,)
                *([layers.Dropout(dropout)] if dropout else [])]

    return keras.Sequential(
        [
            keras.Input((inputs,)),
            *hidden(),
            *hidden(),
            layers.Dense(classes, activation="sigmoid" if classes == 1 else "softmax"),  # (classes,)
        ],
        name=f"dense_{units}_{units}",
    )


def mnist_dense() -> keras.Model:
    """DLwP1 2.1: the first network, Dense(512, relu) on the 784 pixels and a 10-way softmax.

    The book flattens the images itself, to (60000, 28 * 28); Flatten does the same inside the model, so that it
    takes the convnet's (28, 28, 1) arrays.
    """
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),  # (784,)
            layers.Dense(512, activation="relu"),  # (512,)
            layers.Dense(10, activation="softmax"),  # (10,)
        ],
        name="mnist_dense",
    )


DOWNSAMPLING = ("max", "average", "strides", "none")


def mnist_convnet(downsampling: str = "max", classifier: bool = True) -> keras.Model:
    """DLwP1 5.1: the MNIST convnet, and the alternatives to its max pooling that 5.1.2 weighs.

    ``downsampling`` replaces its two MaxPooling2D(2): "average" by
    AveragePooling2D(2), "strides" by strides=2 in the conv layer before,
    "none" leaves them out; with ``classifier=False`` that is the book's
    "model_no_max_pool".
    """
    if downsampling not in DOWNSAMPLING:
        raise ValueError(f"downsampling must be one of {DOWNSAMPLING}, not {downsampling!r}")
    poolings = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D}

    def conv(filters: int, downsample: bool) -> layers.Layer:
        return layers.Conv2D(filters, 3, strides=2 if downsample and downsampling == "strides" else 1, activation="relu")

    def pool() -> list[layers.Layer]:  # a new layer at each place: a Sequential must not reuse one
        return [poolings[downsampling](2)] if downsampling in poolings else []

    stack = [
        keras.Input((28, 28, 1)),
        conv(32, downsample=True),  # (26, 26, 32); strides: (13, 13, 32)
        *pool(),  # (13, 13, 32)
        conv(64, downsample=True),  # (11, 11, 64); strides: (6, 6, 64); none: (24, 24, 64)
        *pool(),  # (5, 5, 64)
        conv(64, downsample=False),  # (3, 3, 64); strides: (4, 4, 64); none: (22, 22, 64)
    ]
    if classifier:
        stack += [
            layers.Flatten(),  # (576,)
            layers.Dense(64, activation="relu"),  # (64,)
            layers.Dense(10, activation="softmax"),  # (10,)
        ]
    names = {"max": "mnist_convnet", "none": "mnist_no_max_pool"}
    return keras.Sequential(stack, name=names.get(downsampling, f"mnist_convnet_{downsampling}"))


def mnist_convnet_v2(pooling: bool = True) -> keras.Model:
    """DLwP2 ch. 8: the functional MNIST convnet (conv 32/64/128), with or without pooling."""
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)  # (26, 26, 32)
    if pooling:
        x = layers.MaxPooling2D(2)(x)  # (13, 13, 32)
    x = layers.Conv2D(64, 3, activation="relu")(x)  # (11, 11, 64); no pooling: (24, 24, 64)
    if pooling:
        x = layers.MaxPooling2D(2)(x)  # (5, 5, 64)
    x = layers.Conv2D(128, 3, activation="relu")(x)  # (3, 3, 128); no pooling: (22, 22, 128)
    x = layers.Flatten()(x)  # (1152,); no pooling: (61952,)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="mnist_convnet_v2" if pooling else "mnist_no_max_pool_v2")


def book_augmentation(interpolation: str = "bilinear") -> list[layers.Layer]:
    """DLwP1 5.2's ImageDataGenerator settings as preprocessing layers, active only in training.

    rotation_range=40 (degrees), width/height_shift_range=0.2, zoom_range=0.2,
    horizontal_flip=True, fill_mode='nearest'. Its shear_range=0.2 is 0.2 *degrees*
    in ImageDataGenerator, too small to matter, and is left out. ImageDataGenerator
    resampled once, bilinearly, for all its transforms together; these layers
    resample once each, three times in a row.
    """
    return [
        layers.RandomRotation(40 / 360, fill_mode="nearest", interpolation=interpolation),
        layers.RandomTranslation(0.2, 0.2, fill_mode="nearest", interpolation=interpolation),
        layers.RandomZoom(0.2, fill_mode="nearest", interpolation=interpolation),
        layers.RandomFlip("horizontal"),
    ]


def cats_dogs_convnet(size: int = 150, dropout: bool = False, augment: bool = False,
                      interpolation: str = "bilinear") -> keras.Model:
    """DLwP1 5.2: the from-scratch cats-vs-dogs convnet.

    ``dropout=True`` adds Dropout(0.5) after Flatten; ``augment=True`` puts the
    book's augmentation in front, as layers that only act while training,
    resampling with ``interpolation``.
    """
    return keras.Sequential(
        [
            keras.Input((size, size, 3)),
            *(book_augmentation(interpolation) if augment else []),
            layers.Conv2D(32, 3, activation="relu"),  # (148, 148, 32)
            layers.MaxPooling2D(2),  # (74, 74, 32)
            layers.Conv2D(64, 3, activation="relu"),  # (72, 72, 64)
            layers.MaxPooling2D(2),  # (36, 36, 64)
            layers.Conv2D(128, 3, activation="relu"),  # (34, 34, 128)
            layers.MaxPooling2D(2),  # (17, 17, 128)
            layers.Conv2D(128, 3, activation="relu"),  # (15, 15, 128)
            layers.MaxPooling2D(2),  # (7, 7, 128)
            layers.Flatten(),  # (6272,)
            *([layers.Dropout(0.5)] if dropout else []),
            layers.Dense(512, activation="relu"),  # (512,)
            layers.Dense(1, activation="sigmoid"),  # (1,)
        ],
        name="cats_dogs_convnet",
    )


def cats_dogs_convnet_v2(size: int = 180) -> keras.Model:
    """DLwP2 ch. 8: the from-scratch cats-vs-dogs convnet, rescaling inside the model."""
    inputs = keras.Input((size, size, 3))
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(32, 3, activation="relu")(x)  # (178, 178, 32)
    x = layers.MaxPooling2D(2)(x)  # (89, 89, 32)
    x = layers.Conv2D(64, 3, activation="relu")(x)  # (87, 87, 64)
    x = layers.MaxPooling2D(2)(x)  # (43, 43, 64)
    x = layers.Conv2D(128, 3, activation="relu")(x)  # (41, 41, 128)
    x = layers.MaxPooling2D(2)(x)  # (20, 20, 128)
    x = layers.Conv2D(256, 3, activation="relu")(x)  # (18, 18, 256)
    x = layers.MaxPooling2D(2)(x)  # (9, 9, 256)
    x = layers.Conv2D(256, 3, activation="relu")(x)  # (7, 7, 256)
    x = layers.Flatten()(x)  # (12544,)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="cats_dogs_convnet_v2")


def tfds_cnn(size: int = 160, classes: int = 2) -> keras.Model:
    """Study notes (TFDS cats_vs_dogs): three 'same' convs with pooling and a softmax over ``classes``."""
    return keras.Sequential(
        [
            keras.Input((size, size, 3)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),  # (160, 160, 16)
            layers.MaxPooling2D(),  # (80, 80, 16)
            layers.Conv2D(32, 3, padding="same", activation="relu"),  # (80, 80, 32)
            layers.MaxPooling2D(),  # (40, 40, 32)
            layers.Conv2D(64, 3, padding="same", activation="relu"),  # (40, 40, 64)
            layers.MaxPooling2D(),  # (20, 20, 64)
            layers.Flatten(),  # (25600,)
            layers.Dense(512, activation="relu"),  # (512,)
            layers.Dense(classes, activation="softmax"),  # (2,)
        ],
        name="tfds_cnn",
    )


def block_convnet(classes: int = 10, frozen_blocks: int = 0) -> keras.Model:
    """Three conv blocks under a small head, for Fashion-MNIST (trans.generic_lower_layers).

    Block b (0, 1, 2) is Conv2D + MaxPooling2D, layers 2b and 2b + 1; the
    lowest ``frozen_blocks`` are frozen, for a run that takes them from a base
    trained on other classes (TrainSpec.start_from_layers).
    """
    blocks = [
        [layers.Conv2D(filters, 3, padding="same", activation="relu"), layers.MaxPooling2D(2)]
        for filters in (32, 64, 128)  # (28, 28, 32) → (14, 14, 32); (14, 14, 64) → (7, 7, 64); (7, 7, 128) → (3, 3, 128)
    ]
    for block in blocks[:frozen_blocks]:
        for layer in block:
            layer.trainable = False
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            *(layer for block in blocks for layer in block),  # (3, 3, 128)
            layers.Flatten(),  # (1152,)
            layers.Dense(64, activation="relu"),  # (64,)
            layers.Dense(classes, activation="softmax"),  # (classes,)
        ],
        name="block_convnet",
    )


def canvas_convnet(size: int = 56, classes: int = 10) -> keras.Model:
    """A small convnet for Fashion-MNIST items placed anywhere on a size×size canvas (vis.gradcam).

    Global average pooling instead of Flatten, so that an item is recognised
    wherever it sits; its last conv layer, "last_conv", is where Grad-CAM looks.
    """
    return keras.Sequential(
        [
            keras.Input((size, size, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),  # (56, 56, 32)
            layers.MaxPooling2D(2),  # (28, 28, 32)
            layers.Conv2D(32, 3, padding="same", activation="relu"),  # (28, 28, 32)
            layers.MaxPooling2D(2),  # (14, 14, 32)
            layers.Conv2D(64, 3, padding="same", activation="relu", name="last_conv"),  # (14, 14, 64)
            layers.GlobalAveragePooling2D(),  # (64,)
            layers.Dense(classes, activation="softmax"),  # (10,)
        ],
        name="canvas_convnet",
    )


def feature_head(feature_shape: tuple[int, int, int], reduce: str) -> keras.Model:
    """A Dense(1) classifier on a feature map, reduced by 'gap' (GlobalAveragePooling2D) or 'flatten'."""
    reducers = {"gap": layers.GlobalAveragePooling2D, "flatten": layers.Flatten}
    if reduce not in reducers:
        raise ValueError(f"reduce must be one of {sorted(reducers)}, not {reduce!r}")
    return keras.Sequential(
        [keras.Input(feature_shape), reducers[reduce](), layers.Dense(1)], name=f"{reduce}_head"
    )
