"""The claim catalogue as data: every claim of the chapters, in one place.

Checks name a claim with ``@pytest.mark.claim("<id>")``; the report reads the
words, the source and the book's numbers from here. A claim that no check of
a run reached (a run of some modules, or one stopped early) is reported as
"not checked in this run"; every claim has a check in checks/ (tests/test_catalogue.py).

Each claim's ``numbers`` holds what the source printed, in a form a check can
compare with: for an architecture claim, the rows of the book's
``model.summary()`` as ``(layer class, output shape without the batch axis,
parameters)`` and the total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Mapping

from experiments.stats import Band

Kind = Literal["exact", "property", "stochastic"]

SOURCES = MappingProxyType(
    {
        "DLwP1": "F. Chollet, Deep Learning with Python, 1st ed. (Keras 2.0.8 notebooks)",
        "DLwP2": "F. Chollet, Deep Learning with Python, 2nd ed.",
        "HG": "박해선, 혼자 공부하는 머신러닝+딥러닝, ch. 8",
        "TFT": "TensorFlow tutorial: Transfer learning and fine-tuning",
        "MLCC": "Google ML crash course, Image Classification practica",
        "notes-fashion": "study notes: visualising the Fashion-MNIST CNN",
        "notes-fashion-cnn": "study notes: the Fashion-MNIST CNN with Keras",
        "notes-tfds": "study notes: cats_vs_dogs practice with TFDS (160×160)",
        "notes-dlwp": "study notes: DLwP chapters 4–5",
        "notes-mlcc": "study notes: ML crash course image classification",
    }
)

SECTIONS = MappingProxyType(
    {
        "arch": "1. Architecture: parameter counts and output shapes",
        "geom": "2. Geometry of convolution and pooling",
        "train": "3. Training a small convnet",
        "over": "4. Overfitting, augmentation, regularisation",
        "pool": "4. Overfitting, augmentation, regularisation",
        "trans": "5. Using a pretrained convnet",
        "vis": "6. What convnets learn",
    }
)

Row = tuple[str, tuple[int, ...], int]  # (layer class, output shape, parameters)


@dataclass(frozen=True)
class Claim:
    id: str
    kind: Kind
    statement: str
    source: str  # where it was printed: book, section, [O]utput/[P]rose/[C]ode/[X] arithmetic
    book: str  # the source's number, as a person reads it
    numbers: Mapping[str, Any] = field(default_factory=dict)  # the same, for a check
    bands: Mapping[str, Band] = field(default_factory=dict)  # stochastic: band id → band of a statistic's mean
    band_reason: str = ""  # why those bands: fixed before any run, with the book's numbers in view

    def __post_init__(self) -> None:
        unlabelled = [band_id for band_id, band in self.bands.items() if not band.label]
        if unlabelled:
            raise ValueError(f"{self.id}: bands {unlabelled} need the statistic's words as their label")

    @property
    def section(self) -> str:
        return SECTIONS[self.id.split(".", 1)[0]]

    @property
    def band(self) -> str:
        if self.kind == "exact":
            return "exact match"
        if self.kind == "property":
            return "holds on every generated example"
        stated = "; ".join(f"{band.label} {band}" for band in self.bands.values())
        return f"{stated} (mean over seeds). {self.band_reason}".strip() if stated else ""

    @property
    def cited_source(self) -> str:
        """The source with each study-notes key spelled out by its subject."""
        return re.sub(r"notes-[a-z-]+", lambda m: SOURCES.get(m.group(0), m.group(0)), self.source)


_VGG16_BLOCKS_150: tuple[Row, ...] = (
    ("Conv2D", (150, 150, 64), 1_792),
    ("Conv2D", (150, 150, 64), 36_928),
    ("MaxPooling2D", (75, 75, 64), 0),
    ("Conv2D", (75, 75, 128), 73_856),
    ("Conv2D", (75, 75, 128), 147_584),
    ("MaxPooling2D", (37, 37, 128), 0),
    ("Conv2D", (37, 37, 256), 295_168),
    ("Conv2D", (37, 37, 256), 590_080),
    ("Conv2D", (37, 37, 256), 590_080),
    ("MaxPooling2D", (18, 18, 256), 0),
    ("Conv2D", (18, 18, 512), 1_180_160),
    ("Conv2D", (18, 18, 512), 2_359_808),
    ("Conv2D", (18, 18, 512), 2_359_808),
    ("MaxPooling2D", (9, 9, 512), 0),
    ("Conv2D", (9, 9, 512), 2_359_808),
    ("Conv2D", (9, 9, 512), 2_359_808),
    ("Conv2D", (9, 9, 512), 2_359_808),
    ("MaxPooling2D", (4, 4, 512), 0),
)

_CATS_DOGS_CONVNET_150: tuple[Row, ...] = (
    ("Conv2D", (148, 148, 32), 896),
    ("MaxPooling2D", (74, 74, 32), 0),
    ("Conv2D", (72, 72, 64), 18_496),
    ("MaxPooling2D", (36, 36, 64), 0),
    ("Conv2D", (34, 34, 128), 73_856),
    ("MaxPooling2D", (17, 17, 128), 0),
    ("Conv2D", (15, 15, 128), 147_584),
    ("MaxPooling2D", (7, 7, 128), 0),
    ("Flatten", (6_272,), 0),
    ("Dense", (512,), 3_211_776),
    ("Dense", (1,), 513),
)

_ARCHITECTURE = (
    Claim(
        id="arch.hg.fashion_cnn",
        kind="exact",
        statement=(
            "The Fashion-MNIST CNN — Conv2D(32,3,same,relu) → MaxPool(2) → Conv2D(64,3,same,relu) "
            "→ MaxPool(2) → Flatten → Dense(100,relu) → Dropout(0.4) → Dense(10,softmax) on "
            "28×28×1 — has the printed shapes and 333,526 parameters."
        ),
        source="HG 8-2 [O]; notes-fashion-cnn",
        book="(28,28,32) (14,14,32) (14,14,64) (7,7,64) 3136 100 10; 320 · 18,496 · 313,700 · 1,010; total 333,526",
        numbers={
            "rows": (
                ("Conv2D", (28, 28, 32), 320),
                ("MaxPooling2D", (14, 14, 32), 0),
                ("Conv2D", (14, 14, 64), 18_496),
                ("MaxPooling2D", (7, 7, 64), 0),
                ("Flatten", (3_136,), 0),
                ("Dense", (100,), 313_700),
                ("Dropout", (100,), 0),
                ("Dense", (10,), 1_010),
            ),
            "total": 333_526,
        },
    ),
    Claim(
        id="arch.dlwp1.mnist_convnet",
        kind="exact",
        statement=(
            "The MNIST convnet — Conv2D(32,3) → MaxPool(2) → Conv2D(64,3) → MaxPool(2) → "
            "Conv2D(64,3) → Flatten → Dense(64) → Dense(10), valid padding, 28×28×1 — has the "
            "printed shapes and 93,322 parameters, 55,744 of them in its conv base."
        ),
        source="DLwP1 5.1 [O]; notes-dlwp",
        book="(26,26,32) (13,13,32) (11,11,64) (5,5,64) (3,3,64) 576; 320 · 18,496 · 36,928 · 36,928 · 650; total 93,322; conv base 55,744",
        numbers={
            "rows": (
                ("Conv2D", (26, 26, 32), 320),
                ("MaxPooling2D", (13, 13, 32), 0),
                ("Conv2D", (11, 11, 64), 18_496),
                ("MaxPooling2D", (5, 5, 64), 0),
                ("Conv2D", (3, 3, 64), 36_928),
                ("Flatten", (576,), 0),
                ("Dense", (64,), 36_928),
                ("Dense", (10,), 650),
            ),
            "total": 93_322,
            "conv_base_total": 55_744,
        },
    ),
    Claim(
        id="arch.dlwp1.no_max_pool",
        kind="exact",
        statement=(
            "Without pooling, three valid 3×3 convs (32/64/64) end on a 22×22×64 map of 30,976 "
            "values; a Dense(512) on it would hold 15,860,224 parameters (\"15.8 million\")."
        ),
        source="DLwP1 5.1 [P][X]; notes-dlwp",
        book="(26,26,32) (24,24,64) (22,22,64); total 55,744; 22·22·64 = 30,976; Dense(512): 15,860,224",
        numbers={
            "rows": (
                ("Conv2D", (26, 26, 32), 320),
                ("Conv2D", (24, 24, 64), 18_496),
                ("Conv2D", (22, 22, 64), 36_928),
            ),
            "total": 55_744,
            "flat_values": 30_976,
            "dense512_params": 15_860_224,
        },
    ),
    Claim(
        id="arch.dlwp1.cats_dogs_convnet",
        kind="exact",
        statement=(
            "The cats-vs-dogs convnet — conv 32/64/128/128 (3×3 valid) each followed by "
            "MaxPool(2), Flatten, Dense(512), Dense(1,sigmoid) on 150×150×3 — has the printed "
            "shapes and 3,453,121 parameters, the same with Dropout(0.5) after Flatten."
        ),
        source="DLwP1 5.2 [O]; notes-dlwp",
        book="(148,148,32) … (7,7,128) 6272; 896 · 18,496 · 73,856 · 147,584 · 3,211,776 · 513; total 3,453,121",
        numbers={"rows": _CATS_DOGS_CONVNET_150, "total": 3_453_121},
    ),
    Claim(
        id="arch.tfds.cnn160",
        kind="exact",
        statement=(
            "The study notes' cats_vs_dogs CNN — conv 16/32/64 (3×3 same) each followed by "
            "MaxPool, Flatten, Dense(512), Dense(2,softmax) on 160×160×3 — has 13,132,322 "
            "parameters, 25,600 values after Flatten."
        ),
        source="notes-tfds [O]",
        book="448 · 4,640 · 18,496 · 13,107,712 · 1,026; total 13,132,322; Flatten 25,600",
        numbers={
            "rows": (
                ("Conv2D", (160, 160, 16), 448),
                ("MaxPooling2D", (80, 80, 16), 0),
                ("Conv2D", (80, 80, 32), 4_640),
                ("MaxPooling2D", (40, 40, 32), 0),
                ("Conv2D", (40, 40, 64), 18_496),
                ("MaxPooling2D", (20, 20, 64), 0),
                ("Flatten", (25_600,), 0),
                ("Dense", (512,), 13_107_712),
                ("Dense", (2,), 1_026),
            ),
            "total": 13_132_322,
        },
    ),
    Claim(
        id="arch.dlwp1.vgg16_base",
        kind="exact",
        statement=(
            "VGG16(include_top=False) on 150×150×3 ends on a (4,4,512) map and holds 14,714,688 "
            "parameters, block by block as in the book's summary."
        ),
        source="DLwP1 5.3 [O]; notes-dlwp",
        book="output (4,4,512); total 14,714,688",
        numbers={"rows": _VGG16_BLOCKS_150, "total": 14_714_688},
    ),
    Claim(
        id="arch.dlwp1.vgg16_head",
        kind="exact",
        statement=(
            "The VGG16 base with Flatten + Dense(256) + Dense(1) holds 16,812,353 parameters; "
            "it has 30 trainable weight tensors before the base is frozen and 4 after."
        ),
        source="DLwP1 5.3 [O]; notes-dlwp",
        book="total 16,812,353; trainable weight tensors 30 → 4",
        numbers={
            "rows": (
                ("Functional", (4, 4, 512), 14_714_688),
                ("Flatten", (8_192,), 0),
                ("Dense", (256,), 2_097_408),
                ("Dense", (1,), 257),
            ),
            "total": 16_812_353,
            "trainable_tensors_before": 30,
            "trainable_tensors_after": 4,
        },
    ),
    Claim(
        id="arch.dlwp2.mnist_convnet",
        kind="exact",
        statement="The 2nd edition's MNIST convnet (conv 32/64/128, Flatten, Dense(10)) holds 104,202 parameters.",
        source="DLwP2 ch. 8 [O]",
        book="total 104,202",
        numbers={"total": 104_202},
    ),
    Claim(
        id="arch.dlwp2.no_max_pool",
        kind="exact",
        statement="The 2nd edition's MNIST convnet without pooling holds 712,202 parameters.",
        source="DLwP2 ch. 8 [O]",
        book="total 712,202",
        numbers={"total": 712_202},
    ),
    Claim(
        id="arch.dlwp2.cats_dogs_convnet",
        kind="exact",
        statement=(
            "The 2nd edition's from-scratch cats-vs-dogs convnet at 180×180 (Rescaling, conv "
            "32/64/128/256/256 with pooling between, Flatten, Dense(1)) holds 991,041 parameters."
        ),
        source="DLwP2 ch. 8 [O]",
        book="total 991,041",
        numbers={"total": 991_041},
    ),
    Claim(
        id="arch.dlwp2.vgg16_base",
        kind="exact",
        statement="VGG16(include_top=False) on 180×180×3 ends on a (5,5,512) map.",
        source="DLwP2 ch. 8 [O]",
        book="output (5,5,512)",
        numbers={"output_shape": (5, 5, 512)},
    ),
    Claim(
        id="arch.tft.mobilenet_v2",
        kind="exact",
        statement=(
            "MobileNetV2(160×160×3, include_top=False) + GlobalAveragePooling2D + Dense(1): the "
            "base holds 2,257,984 parameters and ends on (5,5,1280); the model 2,259,265, of "
            "which 1,281 are trainable with the base frozen. The base has 155 layers, and "
            "unfreezing from layer 100 leaves 1,863,873 trainable / 395,392 non-trainable."
        ),
        source="TFT [O] (printed under Keras 2)",
        book="base 2,257,984; model 2,259,265 (1,281 trainable); (5,5,1280); 155 layers; fine_tune_at=100: 1,863,873 / 395,392",
        numbers={
            "base_total": 2_257_984,
            "feature_map": (5, 5, 1_280),
            "model_total": 2_259_265,
            "frozen_trainable": 1_281,
            "base_layers": 155,
            "fine_tune_at": 100,
            "fine_tune_trainable": 1_863_873,
            "fine_tune_non_trainable": 395_392,
        },
    ),
    Claim(
        id="arch.gap_vs_flatten",
        kind="exact",
        statement=(
            "On a (5,5,1280) map, GlobalAveragePooling2D → Dense(1) holds 1,281 parameters and "
            "Flatten → Dense(1) 32,001: GAP holds 25× fewer."
        ),
        source="notes-tfds [P]; [X]",
        book="1,281 vs 32,001 (25×)",
        numbers={"gap": 1_281, "flatten": 32_001, "ratio": 25},
    ),
)

_GEOMETRY = (
    Claim(
        id="geom.valid",
        kind="property",
        statement="With 'valid' (no) padding the output size is ⌊(n − k)/s⌋ + 1.",
        source="DLwP1 5.1.1 [P]",
        book="⌊(n − k)/s⌋ + 1",
    ),
    Claim(
        id="geom.same",
        kind="property",
        statement="With 'same' padding the output size is ⌈n/s⌉; with stride 1 the size is kept.",
        source="DLwP1 5.1.1 [P]; HG 8-1",
        book="⌈n/s⌉",
    ),
    Claim(
        id="geom.stride",
        kind="property",
        statement="A stride s downsamples width and height by a factor s.",
        source="DLwP1 5.1.1 [P]",
        book="factor s",
    ),
    Claim(
        id="geom.pool",
        kind="property",
        statement=(
            "MaxPooling2D(2) is MaxPooling2D(2, strides=2, padding='valid'): its windows do not "
            "overlap, its output is the per-channel maximum of each 2×2 block, and it halves the size."
        ),
        source="DLwP1 5.1.2 [P]; HG 8-1",
        book="2×2 windows, stride 2, halves the size",
    ),
    Claim(
        id="geom.params",
        kind="property",
        statement=(
            "A conv layer holds (k_h·k_w·c_in + 1)·c_out parameters; a dense layer (n_in + 1)·n_out."
        ),
        source="HG 8-2 [P]",
        book="(k_h·k_w·c_in + 1)·c_out; (n_in + 1)·n_out",
    ),
    Claim(
        id="geom.translation",
        kind="property",
        statement=(
            "A convolution is translation-equivariant: shifting the input shifts the feature map "
            "(away from the borders) — why patterns learned anywhere are recognised anywhere."
        ),
        source="DLwP1 5.1.1 [P]",
        book="shift in → shift out",
    ),
    Claim(
        id="geom.receptive_field",
        kind="property",
        statement=(
            "Without pooling, three 3×3 convs see only a 7×7 window of the input; with 2×2 "
            "pooling between them the window grows much faster."
        ),
        source="DLwP1 5.1.2 [P]",
        book="7×7 without pooling",
        numbers={"three_convs": 7},
    ),
    Claim(
        id="geom.rescale",
        kind="property",
        statement="x/127.5 − 1 maps [0,255] onto [−1,1]; x/255 maps it onto [0,1].",
        source="notes-tfds; HG 8-2",
        book="[−1,1]; [0,1]",
    ),
)

_TRAINING = (
    Claim(
        id="train.hg.fashion_accuracy",
        kind="stochastic",
        statement=(
            "The Fashion-MNIST CNN (48,000/12,000 split, Adam, batch 32, EarlyStopping(patience=2, "
            "restore_best_weights) + ModelCheckpoint, ≤20 epochs) reaches ~92% validation "
            "accuracy and stops early."
        ),
        source="HG 8-2 [O]; notes-fashion-cnn",
        book="val 0.9207 (best epoch 9 of 11), 0.9234 (notes); test 0.9124",
        numbers={"val_accuracy": (0.9207, 0.9234), "test_accuracy": 0.9124, "epochs_run": 11, "max_epochs": 20},
        bands={
            "val_accuracy": Band(0.910, 0.935, label="validation accuracy"),
            "test_accuracy": Band(0.900, 0.925, label="test accuracy"),
            "epochs_run": Band(high=19, label="epochs run"),
        },
        band_reason=(
            "The book printed two runs 0.3 points apart; seeds and today's kernels move such a "
            "model by a few tenths, so ±1.2 points around the book's numbers. Stopping early means "
            "fewer than the 20 epochs allowed."
        ),
    ),
    Claim(
        id="train.hg.checkpoint",
        kind="stochastic",
        statement="The checkpointed best model, reloaded, scores exactly what the restored model scores.",
        source="HG 8-2 [C]",
        book="—",
    ),
    Claim(
        id="train.hg.weights_spread",
        kind="stochastic",
        statement=(
            "Training spreads the first conv layer's weights: untrained ≈ Glorot-uniform (mean ≈ 0, "
            "std ≈ 0.083–0.085), trained std ≈ 0.23–0.27."
        ),
        source="HG 8-3 [O]; notes-fashion, notes-fashion-cnn",
        book="trained −0.038/0.275; untrained −0.0008/0.083",
        numbers={"untrained_std": 0.083, "trained_std": 0.275, "trained_std_notes": 0.23},
        bands={
            "untrained_within_bound": Band(label="untrained: largest |w| / Glorot bound √(6/(fan_in+fan_out))",
                high=1.0, exact="Glorot's uniform initialiser draws inside its bound on every seed"),
            "untrained_uniform": Band(high=0.096,
                                      label="untrained: Kolmogorov–Smirnov distance to U(−bound, bound)"),
            "spread_ratio": Band(low=2.0, label="trained std / untrained std"),
            "trained_std": Band(0.18, 0.35, label="trained std"),
        },
        band_reason=(
            "Glorot-uniform draws every weight from U(−b, b): none may exceed b, and 0.096 is the "
            "Kolmogorov–Smirnov critical distance for 288 weights at α = 0.01. \"Several times "
            "larger\" is read as at least twice (the book's ratio is 3.3); the trained std band is "
            "the book's 0.23–0.275 widened by a quarter."
        ),
    ),
    Claim(
        id="train.hg.feature_maps",
        kind="stochastic",
        statement=(
            "The functional API exposes intermediate outputs: (1,28,28,32) after conv 1, "
            "(1,14,14,64) after conv 2."
        ),
        source="HG 8-3 [O]",
        book="(1,28,28,32); (1,14,14,64)",
        numbers={"conv1": (1, 28, 28, 32), "conv2": (1, 14, 14, 64)},
    ),
    Claim(
        id="train.dlwp1.mnist",
        kind="stochastic",
        statement="The MNIST convnet, RMSprop, 5 epochs, batch 64, reaches ≈99.1% test accuracy.",
        source="DLwP1 5.1 [O][P]",
        book="printed 0.9913; prose 99.3%",
        numbers={"test_accuracy": 0.9913},
        bands={"test_accuracy": Band(0.985, 0.995, label="test accuracy")},
        band_reason="The printed 0.9913 and the prose's 99.3% both sit well inside ±0.5 points of 0.99.",
    ),
)

_OVERFITTING = (
    Claim(
        id="over.small_data",
        kind="stochastic",
        statement=(
            "A convnet trained from scratch on 2,000 images overfits: training accuracy climbs to "
            "~100% while validation accuracy stalls; validation loss bottoms out after ~5 epochs "
            "and then rises."
        ),
        source="DLwP1 5.2 [O][P]; MLCC (notes-mlcc)",
        book="val 70–72% (printed 0.7240 final, 0.7310 best); min val loss ≈ epoch 5 of 30",
        numbers={"final_val_accuracy": 0.7240, "best_val_accuracy": 0.7310, "min_val_loss_epoch": 5, "epochs": 30},
        bands={
            "train_accuracy": Band(low=0.90, label="final training accuracy"),
            "gap": Band(low=0.15, label="final training − validation accuracy"),
            "best_epoch_share": Band(high=0.5, label="epoch of minimum validation loss / epochs run"),
            "val_loss_rise": Band(low=0.05, label="final − minimum validation loss"),
        },
        band_reason=(
            "The book's curves end near 100% training and 72% validation accuracy (a gap near 0.28) with "
            "the validation loss lowest around epoch 5 of 30 and climbing after: the bands ask for each "
            "of those shapes with a wide margin — nearly fitted, a clear gap, the minimum in the first "
            "half, and a rise after it — not for the book's exact values."
        ),
    ),
    Claim(
        id="over.augmentation",
        kind="stochastic",
        statement=(
            "Random rotation/shift/shear/zoom/flip plus Dropout(0.5) stop the overfitting: "
            "training and validation curves stay close, and validation accuracy rises."
        ),
        source="DLwP1 5.2 [O][P]; DLwP2",
        book="82% prose (printed 0.8439 at epoch 100), \"a 15% relative improvement\"; DLwP2: 69.5% → 83.5% test",
        numbers={"val_accuracy": 0.82, "printed_val_accuracy": 0.8439},
        bands={
            "gap_cut": Band(low=0.10, label="train − validation gap: plain minus augmented"),
            "later_best_epoch": Band(low=5, label="epoch of minimum validation loss: augmented minus plain"),
            "accuracy_gain": Band(low=0.02, label="validation accuracy (last 5 epochs): augmented minus plain"),
        },
        band_reason=(
            "In the book the plain model's gap near 0.28 all but closes with augmentation and dropout, its "
            "validation loss keeps falling to the last of 100 epochs instead of turning at epoch 5, and "
            "validation accuracy rises ten points: the bands ask for a gap at least 0.10 smaller, a "
            "minimum at least 5 epochs later, and a rise of at least 2 points (beyond seed noise)."
        ),
    ),
    Claim(
        id="over.no_val_augmentation",
        kind="stochastic",
        statement="Validation data is never augmented: augmentation is a training-time transform only.",
        source="DLwP1 5.2 [P]",
        book="—",
    ),
    Claim(
        id="over.network_size",
        kind="stochastic",
        statement="A smaller network starts overfitting later, a bigger one sooner and worse.",
        source="DLwP1 4.4 [O][P]",
        book="IMDB: min val loss at epoch 3 (16-16), 6 (4-4), 2 (512-512)",
        numbers={"min_val_loss_epoch": {"4-4": 6, "16-16": 3, "512-512": 2}},
        bands={
            "smaller_turns_later": Band(low=1, label="epoch of minimum validation loss: 4-4 minus 16-16"),
            "larger_turns_earlier": Band(low=0.5, label="epoch of minimum validation loss: 16-16 minus 512-512"),
            "larger_ends_worse": Band(low=0.0, label="final validation loss: 512-512 minus 16-16"),
        },
        band_reason=(
            "The book's minima fall at epochs 6, 3 and 2: the smaller network turns at least an epoch later "
            "than the original, the bigger one earlier (half an epoch on average over seeds), and the bigger "
            "one ends with the higher validation loss (\"worse\")."
        ),
    ),
    Claim(
        id="over.l2",
        kind="stochastic",
        statement="L2 weight regularisation makes the model much more resistant to overfitting.",
        source="DLwP1 4.4 [O]",
        book="final val loss 0.42 (L2 0.001) vs 0.77",
        numbers={"final_val_loss": {"l2": 0.42, "plain": 0.77}},
        bands={"loss_cut": Band(low=0.05, label="final validation loss: plain minus L2(0.001)")},
        band_reason="The book's gap is 0.35; \"much more resistant\" is read as a lower final validation loss by at least 0.05.",
    ),
    Claim(
        id="over.dropout",
        kind="stochastic",
        statement="Dropout is a clear improvement over the unregularised network.",
        source="DLwP1 4.4 [O]",
        book="final val loss 0.54 vs 0.77",
        numbers={"final_val_loss": {"dropout": 0.54, "plain": 0.77}},
        bands={"loss_cut": Band(low=0.05, label="final validation loss: plain minus Dropout(0.5)")},
        band_reason="The book's gap is 0.23; \"a clear improvement\" is read as a lower final validation loss by at least 0.05.",
    ),
    Claim(
        id="over.kfold",
        kind="stochastic",
        statement=(
            "K-fold validation gives a steadier estimate than a single hold-out split when data are few."
        ),
        source="DLwP1 3.7/4.2 [O]; notes-dlwp",
        book="fold MAEs 2.08–2.91, mean 2.38 (Boston housing, k=4)",
        numbers={"fold_maes": (2.08, 2.91), "mean_mae": 2.38, "k": 4},
        bands={"spread_ratio": Band(label="spread over reshuffles: 4-fold estimate / hold-out estimate",
            high=0.8, exact="one value, computed once from every reshuffle's runs")},
        band_reason=(
            "The book shows the folds disagree (MAE 2.08 to 2.91) and averages them. \"Steadier\" is read as the "
            "standard deviation of the 4-fold estimate over 10 reshuffles of the data being at most 0.8 of that of "
            "a single 25% hold-out split over the same reshuffles (averaging four nearly independent folds would "
            "give about 0.5)."
        ),
    ),
    Claim(
        id="over.normalisation",
        kind="stochastic",
        statement=(
            "Features with very different ranges should be standardised (mean 0, std 1) before training."
        ),
        source="DLwP1 4.3 [P]; notes-dlwp",
        book="—",
        bands={"mae_ratio": Band(low=1.0, label="validation MAE: raw features / standardised features")},
        band_reason=(
            "The book gives no number: \"should be standardised\" is read as the same model and budget reaching "
            "a lower validation error on standardised features than on the raw ones, on average over seeds."
        ),
    ),
    Claim(
        id="pool.max_vs_alternatives",
        kind="stochastic",
        statement=(
            "Max pooling works better for downsampling than average pooling or strided convolution."
        ),
        source="DLwP1 5.1.2 [P]; HG 8-1",
        book="—",
        bands={
            "over_average": Band(low=0.0, label="validation accuracy: max pooling minus average pooling"),
            "over_strides": Band(low=0.0, label="validation accuracy: max pooling minus strided convolution"),
        },
        band_reason=(
            "The book gives no number, only the direction (\"tends to work better\"): the bands ask that max "
            "pooling's validation accuracy after the book's 5 epochs be, on average over seeds, at least that of "
            "each alternative trained the same way."
        ),
    ),
    Claim(
        id="pool.no_pool_is_worse",
        kind="stochastic",
        statement=(
            "The convnet without pooling learns less useful features and overfits (too many "
            "weights after it)."
        ),
        source="DLwP1 5.1.2 [P]",
        book="—",
        bands={
            "accuracy_gain": Band(low=0.0, label="validation accuracy: max pooling minus no pooling"),
            "gap_growth": Band(low=0.0, label="final training − validation accuracy: no pooling minus max pooling"),
        },
        band_reason=(
            "The book gives no number: \"learns less useful features\" is read as a validation accuracy no higher "
            "than the pooled model's, and \"overfits\" as a wider gap between training and validation accuracy, "
            "both on average over seeds after the book's 5 epochs."
        ),
    ),
)

_TRANSFER = (
    Claim(
        id="trans.feature_extraction",
        kind="stochastic",
        statement=(
            "Features from a pretrained conv base + a small dense classifier beat training from "
            "scratch by far on the small dataset, but overfit almost from the start."
        ),
        source="DLwP1 5.3 [O][P]",
        book="~90% val (printed 0.9030) vs 71%",
        numbers={"val_accuracy": 0.9030, "scratch_val_accuracy": 0.7240},
        bands={
            "over_scratch": Band(low=0.10, label="validation accuracy (last 5 epochs): extraction minus from scratch"),
            "over_random": Band(low=0.10,
                                label="validation accuracy (last 5 epochs): ImageNet weights minus random weights"),
            "gap": Band(low=0.02, label="final training − validation accuracy"),
            "crossing_share": Band(high=1 / 3,
                                   label="first epoch training accuracy passes validation accuracy / epochs"),
        },
        band_reason=(
            "The book gains 18 points over the from-scratch convnet (0.9030 vs 0.7240): \"by far\" is read as at "
            "least 10 points, and the gain must come from the pretrained weights, so the same base with random "
            "weights must fall at least 10 points short. Its training curve passes the validation curve within "
            "the first third of the 30 epochs and ends some 5 points above it: the bands ask for the crossing in "
            "the first third and a final gap of at least 2 points."
        ),
    ),
    Claim(
        id="trans.freeze",
        kind="stochastic",
        statement=(
            "conv_base.trainable = False leaves 4 trainable tensors (from 30), and the base's "
            "weights are bit-for-bit unchanged by training."
        ),
        source="DLwP1 5.3 [O]",
        book="30 → 4",
    ),
    Claim(
        id="trans.feature_extraction_aug",
        kind="stochastic",
        statement=(
            "End-to-end feature extraction with augmentation overfits far less and scores higher."
        ),
        source="DLwP1 5.3 [O][P]",
        book="~96% (peak 0.979)",
        numbers={"val_accuracy": 0.96, "peak_val_accuracy": 0.979},
        bands={
            "gap_cut": Band(low=0.02, label="final training − validation accuracy: fast extraction minus augmented"),
            "accuracy_gain": Band(low=0.01,
                                  label="validation accuracy (last 5 epochs): augmented minus fast extraction"),
        },
        band_reason=(
            "In the book the gap of fast extraction (training some 5 points above validation) turns into "
            "validation at or above training, and validation accuracy rises about 6 points (0.90 → 0.96): the "
            "bands ask for a gap at least 2 points smaller and a rise of at least 1 point."
        ),
    ),
    Claim(
        id="trans.fine_tuning",
        kind="stochastic",
        statement=(
            "Unfreezing the top block (block5) after the head is trained, with a low learning "
            "rate, adds ~1%."
        ),
        source="DLwP1 5.3 [O][P]",
        book="test 0.968; \"1% absolute\"",
        numbers={"test_accuracy": 0.968, "gain": 0.01},
        bands={"gain": Band(low=0.0, label="test accuracy: fine-tuned minus frozen")},
        band_reason=(
            "The book's gain is about 1 point of test accuracy, on the order of the noise of 1,000 test "
            "images: the band asks only for its sign (a mean gain over seeds at or above zero), and the "
            "report gives its size."
        ),
    ),
    Claim(
        id="trans.generic_lower_layers",
        kind="stochastic",
        statement=(
            "Lower layers hold generic features (edges, colours, textures), upper layers "
            "task-specific ones: on a new task that differs a lot, reuse only the lower layers."
        ),
        source="DLwP1 5.3 [P]; notes-tfds",
        book="—",
        bands={
            "lowest_over_all": Band(low=0.0,
                                    label="target validation accuracy (last 5 epochs): "
                                          "lowest block transferred minus all blocks"),
            "lowest_over_none": Band(low=0.0,
                                     label="target validation accuracy (last 5 epochs): "
                                           "lowest block transferred minus none"),
        },
        band_reason=(
            "The book gives no number, only directions: on a target unlike the source, a base cut after its "
            "lowest block (frozen, the blocks above it trained anew) does at least as well as the whole base "
            "frozen, whose upper blocks answer the source's questions; and the lowest block, being generic, "
            "does not hurt against training everything from scratch. Both bands ask for the sign only, "
            "averaged over seeds."
        ),
    ),
    Claim(
        id="trans.tft",
        kind="stochastic",
        statement=(
            "MobileNetV2 feature extraction on cats_vs_dogs reaches ≈96–97% validation accuracy, "
            "fine-tuning from layer 100 ≈98%."
        ),
        source="TFT [O]",
        book="0.9719 → 0.9875",
        numbers={"val_accuracy": 0.9719, "fine_tuned_val_accuracy": 0.9875},
        bands={
            "frozen_accuracy": Band(low=0.95, label="validation accuracy (last 5 epochs), base frozen"),
            "tuned_accuracy": Band(low=0.97, label="validation accuracy (last 5 epochs), fine-tuned from layer 100"),
            "gain": Band(low=0.005, label="validation accuracy (last 5 epochs): fine-tuned minus frozen"),
        },
        band_reason=(
            "The tutorial prints 0.9719 after 10 epochs with the base frozen and 0.9875 after 10 more with the "
            "base unfrozen from layer 100, each one epoch's accuracy on 800 validation images (about 0.6 points "
            "of noise): the bands ask for at least 0.95 and 0.97 over the last 5 epochs of each stage, and for a "
            "gain of at least half a point, a third of the printed 1.6."
        ),
    ),
    Claim(
        id="trans.label_range",
        kind="stochastic",
        statement=(
            "Labels must fit the classifier's output: 5 classes on a Dense(2) head fail "
            "(\"Received a label value of 4 which is outside the valid range of [0, 2)\") — the "
            "fix is Dense(5)."
        ),
        source="notes-tfds",
        book="—",
    ),
)

_VISUALISATION = (
    Claim(
        id="vis.activations",
        kind="stochastic",
        statement=(
            "The first layer keeps almost all of the input's information; deeper activations grow "
            "more abstract and carry less about the picture and more about the class "
            "(\"information distillation\")."
        ),
        source="DLwP1 5.4.1 [P]; MLCC (notes-mlcc)",
        book="—",
        bands={
            "first_r2": Band(low=0.9, label="R² of the image decoded linearly from the first conv layer"),
            "r2_drop": Band(high=-0.1, label="R² of the decoded image: last conv layer minus first"),
            "probe_gain": Band(low=0.05, label="class probe accuracy: last conv layer minus first"),
        },
        band_reason=(
            "Measured on the section-4 cats-vs-dogs convnet. What a layer keeps of the picture: each pixel's colour "
            "decoded by one linear map from the layer's channels at that place (maps resized to the image), fitted "
            "on 100 training images and scored by R² on 100 validation images; \"almost all\" is read as R² ≥ 0.9 "
            "for the first layer, and \"less about the picture\" as the last layer's R² at least 0.1 lower. What it "
            "holds about the class: a logistic regression on the layer's channel means, fitted on the 2,000 "
            "training images and scored on the 1,000 validation images, at least 5 points more accurate on the last "
            "layer than on the first."
        ),
    ),
    Claim(
        id="vis.sparsity",
        kind="stochastic",
        statement=(
            "The sparsity of activations grows with depth: in the first layer all filters respond "
            "to the input, in deeper layers more and more filters are blank."
        ),
        source="DLwP1 5.4.1 [P]; MLCC (notes-mlcc); DLwP2 softens it to \"almost all\"",
        book="—",
        bands={
            "first_blank": Band(high=0.10, label="blank channels after the first conv layer"),
            "blank_growth": Band(low=0.05, label="blank channels: last conv layer minus first"),
        },
        band_reason=(
            "Measured on the trained cats-vs-dogs convnet of section 4, over 200 validation images: a channel "
            "is blank on an image when its whole map is zero. \"All filters respond\" in the first layer is read "
            "as at most 10% blank (DLwP2's \"almost all\"), and \"more and more are blank\" as the last conv "
            "layer having at least 5 points more blank channels than the first."
        ),
    ),
    Claim(
        id="vis.filters",
        kind="stochastic",
        statement=(
            "Gradient ascent on the input (40 steps, step 1, L2-normalised gradient) finds a "
            "pattern each filter responds to strongly; first-layer filters encode simple edges "
            "and colours, deeper ones textures."
        ),
        source="DLwP1 5.4.2 [P]",
        book="block3_conv1 filter 0 \"polka dot\"",
        bands={
            "excited_share": Band(low=0.8,
                                  label="share of filters their ascended pattern excites more than any of 100 "
                                        "random starts"),
            "entropy_gain": Band(low=0.05, label="spectral entropy of the patterns: last conv layer minus first"),
        },
        band_reason=(
            "Measured on the first and last conv layers of the section-4 cats-vs-dogs convnet. \"Finds a pattern "
            "each filter responds to strongly\" is read as the ascended image exciting its filter more than any of "
            "100 images drawn like the ascent's start, for at least 80% of the filters (a filter that no input "
            "activates gives no gradient to climb). \"Simple\" against \"texture\" is read through the power "
            "spectrum of what the ascent added: its entropy, over the log of the number of frequencies, is 0 for a "
            "uniform colour and 1 for white noise; the last layer's patterns must score at least 0.05 higher, "
            "on average over the filters the ascent moved (a filter silent on the start gains nothing: it has no "
            "pattern to score)."
        ),
    ),
    Claim(
        id="vis.gradcam",
        kind="stochastic",
        statement=(
            "Grad-CAM (class gradient, channel-averaged, times the last conv map) localises the "
            "evidence for the predicted class in the image."
        ),
        source="DLwP1 5.4.3 [O][P]",
        book="VGG16 on the elephant photo: printed 0.909 African elephant (prose 92.5%)",
        bands={"inside_box": Band(low=0.50, label="share of the heatmap inside the object's box (25% of the canvas)")},
        band_reason=(
            "A Fashion-MNIST item (28×28) sits at a random place on a 56×56 canvas with clutter, so its box "
            "covers a quarter of the canvas: a heatmap that ignores the object puts about 25% of its mass there. "
            "\"Localises the evidence\" is read as at least twice that, on average over 500 test canvases."
        ),
    ),
    Claim(
        id="vis.trained_filters",
        kind="stochastic",
        statement=(
            "Trained first-layer kernels show structure (edge-like, signed patterns); untrained "
            "ones look flat."
        ),
        source="HG 8-3 [P]; notes-fashion",
        book="—",
        bands={
            "trained_share": Band(low=0.30, label="share of first-layer kernels with a spatial arrangement, trained"),
            "share_gain": Band(low=0.15,
                               label="share of first-layer kernels with a spatial arrangement, trained minus "
                                     "untrained"),
        },
        band_reason=(
            "A kernel has a spatial arrangement when the roughness of its neighbouring weights, horizontally or "
            "vertically, departs from that of 2,000 shuffles of its own nine weights more than 90% of the "
            "shuffles do (a ramp, a blob, a line, a checkerboard). Kernels of independent random weights, as "
            "initialised, are arranged at most 10% of the time by construction; \"show structure\" is read as at "
            "least 30% of the trained kernels, and at least 15 points above the untrained ones of the same run. "
            "(The total roughness alone would be blind to lines — a line is exactly as rough as the mean of its "
            "shuffles — and lines are what trained kernels show most, hence each direction apart. The spread of "
            "the weights, the other half of the book's picture, is train.hg.weights_spread.)"
        ),
    ),
)

CATALOGUE: tuple[Claim, ...] = (
    _ARCHITECTURE + _GEOMETRY + _TRAINING + _OVERFITTING + _TRANSFER + _VISUALISATION
)
CLAIMS: Mapping[str, Claim] = MappingProxyType({c.id: c for c in CATALOGUE})


def claim(claim_id: str) -> Claim:
    """The catalogue entry for ``claim_id``; a KeyError names close ids when it is unknown."""
    try:
        return CLAIMS[claim_id]
    except KeyError:
        prefix = claim_id.rsplit(".", 1)[0]
        near = [c for c in CLAIMS if c.startswith(prefix)]
        raise KeyError(f"unknown claim id {claim_id!r}; ids near it: {', '.join(near) or 'none'}") from None
