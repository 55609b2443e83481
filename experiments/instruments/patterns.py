"""What a filter responds to, by gradient ascent on the input (DLwP1 5.4.2), and how complex that is.

The book's recipe: start from a grey image with a little noise, and 40 times
move the image by one step along the gradient of the filter's mean
activation, the gradient divided by its root mean square. The book's images
run 0–255 and its step is 1; the models here read [0, 1], so the step is 1/255
and the start is 0.5 ± 10/255, the same moves relative to the input's range.
"""

from __future__ import annotations

import base64
import sys

import keras
import numpy as np
import tensorflow as tf

from experiments import figures
from experiments.run.measurements import measured

STEPS = 40
STEP = 1 / 255


def starting_images(count: int, size: int, seed: int, value_range: float = 1.0) -> np.ndarray:
    """DLwP1 5.4.2's start, np.random.random(...) * 20 + 128 on 0–255, for pixels on [0, value_range]."""
    return ((np.random.default_rng(seed).random((count, size, size, 3)) * 20 + 128) / 255 * value_range).astype("float32")


def filter_responses(model: keras.Model, layer: str, images: np.ndarray) -> np.ndarray:
    """(n, filters): each filter's mean activation over the positions of ``layer``'s map, per image."""
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    return keras.ops.convert_to_numpy(keras.ops.mean(probe(images), axis=(1, 2)))


def ascend(model: keras.Model, layer: str, start: np.ndarray, value_range: float = 1.0) -> np.ndarray:
    """Image b of ``start`` ascended for filter b of ``layer`` (every filter at once, one per image).

    Pixels run on [0, value_range]: the step is value_range / 255, the book's 1 on 0–255.
    """
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    filters = start.shape[0]
    pick = tf.one_hot(tf.range(filters), probe.output.shape[-1])  # (b, channels): filter b for image b
    images = tf.Variable(start)
    for _ in range(STEPS):
        with tf.GradientTape() as tape:
            maps = probe(images, training=False)  # (b, h, w, channels)
            objective = tf.reduce_sum(tf.reduce_mean(maps, axis=(1, 2)) * pick)  # Σ_b mean activation of filter b
        gradients = tape.gradient(objective, images)
        rms = tf.sqrt(tf.reduce_mean(tf.square(gradients), axis=(1, 2, 3), keepdims=True)) + 1e-5
        images.assign_add(STEP * value_range * gradients / rms)
    return images.numpy()


def spectral_entropy(patterns: np.ndarray) -> np.ndarray:
    """(n, h, w, 3) → per pattern, the entropy of its power spectrum (colour channels summed), over log(h·w).

    0 for a single frequency (a uniform colour is all at frequency 0); 1 for
    power spread evenly over every frequency, as in white noise.
    """
    power = np.sum(np.abs(np.fft.fft2(patterns, axes=(1, 2))) ** 2, axis=-1).reshape(len(patterns), -1)
    share = power / np.maximum(power.sum(axis=1, keepdims=True), 1e-30)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.sum(np.where(share > 0, share * np.log(share), 0.0), axis=1)
    return entropy / np.log(power.shape[1])


def pattern_entropy(start: np.ndarray, ascended: np.ndarray) -> np.ndarray:
    """The spectral entropy of what the ascent added, for each filter it moved (fewer than len(start) when some
    filter was silent on its start: the ascent adds nothing to it, and that nothing is not a uniform colour's
    pattern of entropy 0)."""
    moved = np.any(ascended != start, axis=(1, 2, 3))
    return spectral_entropy(ascended[moved] - start[moved])


def gradient_ascent(model, layers: dict[str, str], size: int, seed: int, label: str, random_starts: int,
                    value_range: float = 1.0, filters: int | None = None, draw: bool = False) -> dict:
    """For {depth: layer name} (first and last), by the id of vis.filters' band for each: the share of filters
    whose ascended pattern beats every one of ``random_starts`` random starts, and the last layer's mean spectral entropy minus the
    first's, over the filters the ascent moved ("ascent"). Then the same for the control: each start moved as
    far as its ascent moved it, in a random direction ("control"). With what to record: "measures"
    [[quantity, value]] and "figures" [[title, PNG in base64, caption]]."""
    entropies: dict[str, dict[str, np.ndarray]] = {"ascent": {}, "random step": {}}
    beaten: dict[str, list[bool]] = {"ascent": [], "random step": []}
    measures, drawn = [], []
    rng = np.random.default_rng(2_000 + seed)
    for depth, layer in layers.items():
        count = model.get_layer(layer).filters if filters is None else min(filters, model.get_layer(layer).filters)
        start = starting_images(count, size, seed=seed, value_range=value_range)
        ascended = ascend(model, layer, start, value_range=value_range)
        step = ascended - start
        direction = rng.standard_normal(start.shape).astype("float32")
        norms = np.sqrt(np.sum(step ** 2, axis=(1, 2, 3), keepdims=True) / np.sum(direction ** 2, axis=(1, 2, 3), keepdims=True))
        moved_at_random = start + direction * norms  # as far as the ascent went, nowhere in particular
        silent = np.diagonal(filter_responses(model, layer, start))[:count] == 0  # no gradient to climb
        random = filter_responses(
            model, layer, starting_images(random_starts, size, seed=1_000 + seed, value_range=value_range))
        for way, images in (("ascent", ascended), ("random step", moved_at_random)):
            own = np.diagonal(filter_responses(model, layer, images))[:count]  # filter b on its image b
            beaten[way].extend(own > random.max(axis=0)[:count])
            entropies[way][depth] = pattern_entropy(start, images)  # silent filters have no pattern to score
        wins = np.array(beaten["ascent"][-count:])
        measures.append([f"{label}, {depth}: filters silent on the grey start; of the others, the share whose "
                         f"pattern beats every random start",
                         [float(silent.mean()), float(np.mean(wins[~silent])) if (~silent).any() else None]])
        measures.append([f"{label}, {depth}: spectral entropy of the patterns of the filters the ascent moved (mean)",
                         float(entropies["ascent"][depth].mean()) if len(entropies["ascent"][depth]) else None])
        if draw:
            shown = np.clip(0.5 + step[:16] / value_range * 3, 0, 1)  # what the ascent added
            drawn.append([f"Filter patterns, {depth} ({label})",
                          base64.b64encode(figures.png_bytes(figures.image_grid(shown, 2, 8, size=1.0))).decode("ascii"),
                          f"What 40 steps of gradient ascent added to a grey start for the first 16 filters of the "
                          f"{depth} ({layer}), contrast ×3."])
    first, last = layers
    ascent, control = ({"excited_share": [float(np.mean(beaten[way]))],
                        "entropy_gain": [float(entropies[way][last].mean() - entropies[way][first].mean())]}
                       for way in ("ascent", "random step"))
    return {"ascent": ascent, "control": control, "measures": measures, "figures": drawn}


def measured_ascent(run_cache, model, identity: dict, **ascent_arguments) -> dict:
    """gradient_ascent of ``model`` (which ``identity`` names: {"runs": [its run]} or its weights), measured once
    and kept in the run cache."""
    identity = dict(identity)
    runs = identity.pop("runs", [])
    names = [layer.name for layer in model.layers]
    # A layer by its place in the model: Keras numbers the names of a rebuilt model by what the process built before.
    places = {depth: names.index(name) for depth, name in ascent_arguments["layers"].items()}
    return measured(run_cache, "gradient ascent", lambda: gradient_ascent(model, **ascent_arguments), runs=runs,
                    parameters={**identity, **ascent_arguments, "layers": places}, code=[sys.modules[__name__]])
