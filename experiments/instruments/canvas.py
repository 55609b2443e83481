"""Objects at known places: Fashion-MNIST items on larger, cluttered canvases, to test localisation.

Grad-CAM's claim is that its heatmap falls on the evidence for the class. With
the object pasted at a known place, "falls on" becomes a number: the share of
the heatmap inside the object's box.
"""

from __future__ import annotations

import numpy as np


def place_on_canvas(items: np.ndarray, size: int, seed: int, clutter: int = 4,
                    clutter_side: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(n, h, w) items in [0, 1] → canvases (n, size, size, 1) float32 and boxes (n, 4) as (top, left, bottom, right).

    Each canvas first gets ``clutter`` square patches cut from other items at
    random places (so ink alone does not give the object away), then its item
    at a random place on top (the brighter pixel wins, so the item stays whole).
    """
    rng = np.random.default_rng(seed)
    n, h, w = items.shape
    canvases = np.zeros((n, size, size), np.float32)
    for i in range(n):
        for _ in range(clutter):
            source = items[rng.integers(n)]
            r, c = rng.integers(0, h - clutter_side + 1), rng.integers(0, w - clutter_side + 1)
            top, left = rng.integers(0, size - clutter_side + 1, size=2)
            canvases[i, top:top + clutter_side, left:left + clutter_side] = source[r:r + clutter_side, c:c + clutter_side]
    tops, lefts = rng.integers(0, size - h + 1, size=n), rng.integers(0, size - w + 1, size=n)
    for i, (top, left) in enumerate(zip(tops, lefts)):
        window = canvases[i, top:top + h, left:left + w]
        np.maximum(window, items[i], out=window)
    boxes = np.stack([tops, lefts, tops + h, lefts + w], axis=1)
    return canvases[..., None], boxes
