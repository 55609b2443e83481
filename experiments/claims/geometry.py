"""Section 2: the arithmetic of convolution and pooling, checked as properties on generated examples."""

from __future__ import annotations

from experiments.claims.base import Claim
from experiments.claims.sources import Cite

ENTRIES = (
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
        cites={"three_convs": Cite("DLwP1", "§5.1.2", "prose", "a 7 × 7 window of the input after three 3 × 3 convolutions")},
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
