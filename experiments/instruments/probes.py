"""Measurements on trained models: what their intermediate layers do with an input."""

from __future__ import annotations

import sys

import keras
import numpy as np

from experiments.run.measurements import measured


def conv_activation_model(model: keras.Model) -> keras.Model:
    """A model whose outputs are those of every Conv2D layer of ``model`` (after its activation).

    Built with the functional API, as the chapters build their activation
    models; a model read back from weights offers ``model.inputs`` only.
    """
    return keras.Model(model.inputs, [layer.output for layer in model.layers if isinstance(layer, keras.layers.Conv2D)])


def _predict_each_layer(probe: keras.Model, images: np.ndarray, batch_size: int) -> list[np.ndarray]:
    activations = probe.predict(images, batch_size=batch_size, verbose=0)
    return [np.asarray(a) for a in (activations if isinstance(activations, list) else [activations])]


def conv_activations(model: keras.Model, images: np.ndarray, batch_size: int = 50) -> list[np.ndarray]:
    """The output of every Conv2D layer (after its activation) for ``images``: one (n, h, w, c) array each."""
    return _predict_each_layer(conv_activation_model(model), images, batch_size)


def conv_channel_means(model: keras.Model, images: np.ndarray, chunk: int = 250, batch_size: int = 50) -> list[np.ndarray]:
    """Each Conv2D layer's channel means (n, c) for ``images``, a chunk at a time so the maps never all sit in memory.

    One activation model serves every chunk (a model per chunk would be traced once per chunk).
    """
    probe = conv_activation_model(model)
    parts = [[maps.mean(axis=(1, 2)) for maps in _predict_each_layer(probe, images[i:i + chunk], batch_size)]
             for i in range(0, len(images), chunk)]
    return [np.concatenate(layer) for layer in zip(*parts)]


def without_relu(model: keras.Model) -> keras.Model:
    """``model``, changed in place: the ReLU of every conv layer taken away (the same weights, linear maps), so
    that no map is ever exactly zero and no channel is blank at any depth."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.activation = keras.activations.linear
    return model


def blank_channel_fraction(maps: np.ndarray) -> float:
    """Share of (image, channel) pairs whose whole map is zero: the blank squares of the book's grids."""
    return float(np.mean(np.all(maps == 0, axis=(1, 2))))


def zero_fraction(maps: np.ndarray) -> float:
    """Share of activations that are exactly zero."""
    return float(np.mean(maps == 0))


def roughness(kernels: np.ndarray) -> np.ndarray:
    """(..., k, k) kernels → (..., 2): summed squared differences of horizontal and of vertical neighbours."""
    return np.stack([np.sum(np.diff(kernels, axis=-1) ** 2, axis=(-2, -1)),
                     np.sum(np.diff(kernels, axis=-2) ** 2, axis=(-2, -1))], axis=-1)


def arranged(kernels: np.ndarray, shuffles: int = 2000, seed: int = 0, tail: float = 0.10) -> np.ndarray:
    """(n, k, k) → for each kernel, whether its weights' arrangement is one a shuffle of them rarely gives.

    Shuffling a kernel's own weights keeps their values and destroys their
    arrangement. The kernel's horizontal and vertical roughness are each put
    in standard units of its shuffles'; the larger departure is compared with
    the same over the shuffles, and the top ``tail`` counts as arranged. So a
    kernel of independent random weights is arranged with probability at most
    ``tail``, while a smooth blob, a ramp, a line (rough across, smooth along)
    or a checkerboard is arranged.
    """
    rng = np.random.default_rng(seed)
    n, k, _ = kernels.shape
    flat = kernels.reshape(n, k * k)
    shuffled = rng.permuted(np.repeat(flat[:, None, :], shuffles, axis=1), axis=2).reshape(n, shuffles, k, k)
    null = roughness(shuffled)  # (n, shuffles, 2)
    centre, scale = null.mean(axis=1, keepdims=True), null.std(axis=1, keepdims=True) + 1e-12
    null_departure = np.max(np.abs(null - centre) / scale, axis=-1)  # (n, shuffles)
    departure = np.max(np.abs(roughness(kernels)[:, None, :] - centre) / scale, axis=-1)[:, 0]  # (n,)
    return departure > np.quantile(null_departure, 1 - tail, axis=1)


def _pixel_design(maps: np.ndarray, size: int) -> np.ndarray:
    """(n, h, w, c) maps resized (bilinear) to size×size → one row per pixel: its c channels and a 1."""
    import tensorflow as tf

    resized = tf.image.resize(maps, (size, size), method="bilinear").numpy().reshape(-1, maps.shape[-1])
    return np.hstack([resized, np.ones((len(resized), 1), resized.dtype)])


def decoding_r2(fit_maps: np.ndarray, fit_images: np.ndarray, test_maps: np.ndarray, test_images: np.ndarray) -> float:
    """How much of the picture a layer keeps: R² of each pixel's colour decoded from the layer's channels at its place.

    One linear map (least squares, with a bias) from channels to colours, shared by
    every pixel, fitted on ``fit_*`` and scored on ``test_*``.
    """
    size, channels = fit_images.shape[1], fit_images.shape[-1]
    coefficients, *_ = np.linalg.lstsq(_pixel_design(fit_maps, size), fit_images.reshape(-1, channels), rcond=None)
    predicted = _pixel_design(test_maps, size) @ coefficients
    truth = test_images.reshape(-1, channels)
    return float(1 - np.sum((truth - predicted) ** 2) / np.sum((truth - truth.mean(axis=0)) ** 2))


def class_probe_accuracy(fit_means: np.ndarray, fit_labels: np.ndarray, test_means: np.ndarray, test_labels: np.ndarray) -> float:
    """How much a layer holds about the class: a logistic regression on its channel means (n, c), scored on ``test_*``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    probe.fit(fit_means, fit_labels)
    return float(probe.score(test_means, test_labels))


def sparsity(model: keras.Model, images: np.ndarray) -> list[list[float]]:
    """[blank-channel share per conv layer, zero-activation share per conv layer] of ``model`` on ``images``."""
    layers = conv_activations(model, images)  # every conv layer, after its activation
    return [[blank_channel_fraction(a) for a in layers], [zero_fraction(a) for a in layers]]


def measured_sparsity(run_cache, run, images: np.ndarray, without: bool = False) -> list[list[float]]:
    """sparsity of the run's model, or (``without``) of the same model with its conv layers' ReLUs taken away;
    measured once per run, variant and these images, and kept in the run cache."""
    def compute() -> list[list[float]]:
        return sparsity(without_relu(run.model()) if without else run.model(), images)

    return measured(run_cache, "sparsity by layer", compute, runs=[run], arrays=[images],
                    parameters={"without_relu": without}, code=[sys.modules[__name__]])


def what_layers_keep(model: keras.Model, fit: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                     decoder_images: int) -> list[list[float]]:
    """[R² of the decoded image per conv layer, class probe accuracy per conv layer] of ``model``.

    The decoder is fitted on the first ``decoder_images`` of ``fit`` and scored on as many of ``test``; the probe
    uses all of both.
    """
    (x_fit, y_fit), (x_test, y_test) = fit, test
    fit_layers = conv_activations(model, x_fit[:decoder_images])
    test_layers = conv_activations(model, x_test[:decoder_images])
    picture = [decoding_r2(f, x_fit[:decoder_images], t, x_test[:decoder_images]) for f, t in zip(fit_layers, test_layers)]
    probe = [class_probe_accuracy(f, y_fit, t, y_test)
             for f, t in zip(conv_channel_means(model, x_fit), conv_channel_means(model, x_test))]
    return [picture, probe]


def measured_distillation(run_cache, run, fit: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                          decoder_images: int) -> list[list[float]]:
    """what_layers_keep of the run's model, measured once per run and these images, and kept in the run cache."""
    return measured(run_cache, "information distillation", lambda: what_layers_keep(run.model(), fit, test, decoder_images),
                    runs=[run], arrays=[*fit, *test], parameters={"decoder_images": decoder_images},
                    code=[sys.modules[__name__]])


def first_kernels(model: keras.Model) -> np.ndarray:
    """The first conv layer's kernels as (filters, 3, 3): HG 8-3's conv_weights[:, :, 0, i]."""
    return np.moveaxis(model.layers[0].get_weights()[0][:, :, 0, :], -1, 0)
