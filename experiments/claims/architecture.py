"""Section 1: parameter counts and output shapes, each as the book's model.summary() printed it."""

from __future__ import annotations

from experiments.claims.base import Claim, Row
from experiments.claims.controls import KnownFailure
from experiments.claims.sources import Cite, summary_cites

VGG16_BLOCKS_150: tuple[Row, ...] = (
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

CATS_DOGS_CONVNET_150: tuple[Row, ...] = (
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

ENTRIES = (
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
        cites=summary_cites("HG 8-2 (2020)", "In [7]"),
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
        cites=summary_cites("DLwP1 5.1 nb", "In [5]")
        | {"conv_base_total": Cite("DLwP1 5.1 nb", "In [3]", "printed")},
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
        cites=summary_cites("DLwP1", "§5.1.2")
        | {"flat_values": Cite("DLwP1", "§5.1.2", "prose", "22 × 22 × 64 = 30,976 coefficients per sample"),
           "dense512_params": Cite("DLwP1", "§5.1.2", "arithmetic",
                                   "the prose's \"15.8 million parameters\", worked out")},
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
        cites=summary_cites("DLwP1 5.2 nb", "In [11]"),
        numbers={"rows": CATS_DOGS_CONVNET_150, "total": 3_453_121},
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
        cites=summary_cites("notes-tfds", "model.summary()"),
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
        cites=summary_cites("DLwP1 5.3 nb", "In [3]"),
        numbers={"rows": VGG16_BLOCKS_150, "total": 14_714_688},
    ),
    Claim(
        id="arch.dlwp1.vgg16_head",
        kind="exact",
        statement=(
            "The VGG16 base with Flatten + Dense(256) + Dense(1) holds 16,812,353 parameters; "
            "it has 30 trainable weight tensors before the base is frozen and 4 after. The frozen base's summary "
            "counts 0 trainable and 14,714,688 non-trainable parameters; with block5 unfrozen for fine-tuning, "
            "its three convolutions' 7,079,424 are trainable and 7,635,264 are not."
        ),
        source="DLwP1 5.3 [O][X]; notes-dlwp",
        book="total 16,812,353; trainable weight tensors 30 → 4; base frozen 0 / 14,714,688; block5 unfrozen "
             "7,079,424 / 7,635,264",
        cites=summary_cites("DLwP1 5.3 nb", "In [9]")
        | {"trainable_tensors_before": Cite("DLwP1 5.3 nb", "In [10]", "printed"),
           "trainable_tensors_after": Cite("DLwP1 5.3 nb", "In [12]", "printed"),
           "frozen_split": Cite("DLwP1 5.3 nb", "In [17]", "printed", "conv_base.summary() after freezing"),
           "block5_split": Cite("DLwP1 5.3 nb", "In [17], In [18]", "arithmetic",
                                "block5_conv1–3's rows of that summary, unfrozen by the loop of In [18]")},
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
            "frozen_split": (0, 14_714_688),
            "block5_split": (7_079_424, 7_635_264),
        },
    ),
    Claim(
        id="arch.dlwp2.mnist_convnet",
        kind="exact",
        statement="The 2nd edition's MNIST convnet (conv 32/64/128, Flatten, Dense(10)) holds 104,202 parameters.",
        source="DLwP2 ch. 8 [O]",
        book="total 104,202",
        cites={"total": Cite("DLwP2", "§8.1", "printed")},
        numbers={"total": 104_202},
    ),
    Claim(
        id="arch.dlwp2.no_max_pool",
        kind="exact",
        statement="The 2nd edition's MNIST convnet without pooling holds 712,202 parameters.",
        source="DLwP2 ch. 8 [O]",
        book="total 712,202",
        cites={"total": Cite("DLwP2", "§8.1.2", "printed")},
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
        cites={"total": Cite("DLwP2", "§8.2.3", "printed")},
        numbers={"total": 991_041},
    ),
    Claim(
        id="arch.dlwp2.vgg16_base",
        kind="exact",
        statement="VGG16(include_top=False) on 180×180×3 ends on a (5,5,512) map.",
        source="DLwP2 ch. 8 [O]",
        book="output (5,5,512)",
        cites={"output_shape": Cite("DLwP2", "§8.3.1, conv_base.summary()", "printed")},
        numbers={"output_shape": (5, 5, 512)},
    ),
    Claim(
        id="arch.tft.mobilenet_v2",
        kind="exact",
        known_failure=KnownFailure(
            cause=(
                "Today's MobileNetV2 base has one layer fewer than the tutorial printed, under Keras 2 (tf-keras) "
                "and Keras 3 alike (checked beside it): the drift arose between the revision that printed these "
                "numbers and today's Keras 2, not with Keras 3. The printed fine-tuning split is what "
                "fine_tune_at=99 gives today (checked beside it): the layer that is gone stood before index 100, "
                "so fine_tune_at=100 now also freezes block_11_expand_BN. The 2019 summary lists it: Conv1_pad, "
                "a ZeroPadding2D before Conv1, which today's Conv1 does without."
            ),
            rows=("layers in the base", "fine_tune_at=100: trainable, non-trainable",
                  "fine_tune_at=100: trainable variables"),
            tests=("test_mobilenet_v2_layer_count", "test_mobilenet_v2_fine_tune_split[tutorial-100]",
                   "test_mobilenet_v2_trainable_variables[tutorial-100]"),
        ),
        statement=(
            "MobileNetV2(160×160×3, include_top=False) + GlobalAveragePooling2D + Dense(1): the "
            "base holds 2,257,984 parameters and ends on (5,5,1280); the model 2,259,265, of "
            "which 1,281 are trainable with the base frozen. The base has 155 layers, and "
            "unfreezing from layer 100 leaves 1,863,873 trainable / 395,392 non-trainable, in 58 "
            "trainable variables where the frozen model has 2."
        ),
        source="TFT [O] (the 2019 version, TF 2.0 alpha)",
        book="base 2,257,984; model 2,259,265 (1,281 trainable); (5,5,1280); 155 layers; fine_tune_at=100: "
             "1,863,873 / 395,392; trainable variables 2 → 58",
        cites={key: Cite("TFT 2019", at, "printed") for key, at in (
            ("base_total", "base_model.summary()"), ("feature_map", "feature_batch.shape"),
            ("model_total", "model.summary(), frozen"), ("frozen_trainable", "model.summary(), frozen"),
            ("base_layers", "len(base_model.layers)"), ("fine_tune_trainable", "model.summary(), fine-tuning"),
            ("fine_tune_non_trainable", "model.summary(), fine-tuning"),
            ("frozen_variables", "len(model.trainable_variables), frozen"),
            ("fine_tune_variables", "len(model.trainable_variables), fine-tuning"))}
        | {"fine_tune_at": Cite("TFT 2019", "Un-freeze the top layers", "code")},
        numbers={"base_total": 2_257_984, "feature_map": (5, 5, 1_280), "model_total": 2_259_265,
                 "frozen_trainable": 1_281, "base_layers": 155, "fine_tune_at": 100, "fine_tune_trainable": 1_863_873,
                 "fine_tune_non_trainable": 395_392, "frozen_variables": 2, "fine_tune_variables": 58},
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
        cites={"gap": Cite("notes-tfds", "the GAP head", "arithmetic", "1,280 × 1 + 1"),
               "flatten": Cite("notes-tfds", "the Flatten head", "arithmetic", "(5·5·1,280) × 1 + 1"),
               "ratio": Cite("notes-tfds", "the GAP head", "arithmetic", "32,001 / 1,281; the notes say only that GAP "
                                                                          "is better than Flatten")},
        numbers={"gap": 1_281, "flatten": 32_001, "ratio": 25},
    ),
)
