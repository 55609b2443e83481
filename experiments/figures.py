"""Matplotlib figures as PNG bytes, drawn off-screen (Agg) so any machine can render them."""

from __future__ import annotations

import io
import textwrap

import numpy as np
from matplotlib.figure import Figure


def new_figure(width: float = 6.0, height: float = 3.0) -> Figure:
    """A figure outside pyplot's global state: nothing leaks between checks, no display is needed."""
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def training_curves(histories: dict[str, dict[str, list[float]]], metrics: tuple[str, ...] = ("loss", "accuracy")) -> Figure:
    """The book's plots, one panel per metric: training solid, validation dashed, one colour per run."""
    figure = new_figure(4.2 * len(metrics), 3.2)
    for axis, metric in zip(figure.subplots(1, len(metrics), squeeze=False)[0], metrics):
        for colour, (label, history) in enumerate(histories.items()):
            epochs = range(1, len(history[metric]) + 1)
            axis.plot(epochs, history[metric], color=f"C{colour}", label=f"{label} training")
            axis.plot(epochs, history[f"val_{metric}"], color=f"C{colour}", linestyle="--", label=f"{label} validation")
        axis.set_xlabel("epoch")
        axis.set_title(metric)
    axis.legend(fontsize=7)
    return figure


def histograms(samples: dict[str, np.ndarray], xlabel: str) -> Figure:
    figure = new_figure(5.5, 3.0)
    axis = figure.subplots()
    for label, values in samples.items():
        axis.hist(values.ravel(), bins=40, alpha=0.6, label=label)
    axis.set_xlabel(xlabel)
    axis.set_ylabel("count")
    axis.legend(fontsize=8)
    return figure


def image_grid(images: np.ndarray, rows: int, columns: int, vmin: float | None = None, vmax: float | None = None,
               cmap: str = "viridis", size: float = 0.7) -> Figure:
    """images (n, h, w) in a rows × columns grid, no axes, as the chapters draw kernels and feature maps."""
    figure = new_figure(columns * size, rows * size)
    for axis, image in zip(figure.subplots(rows, columns, squeeze=False).ravel(), images):
        axis.imshow(image, vmin=vmin, vmax=vmax, cmap=cmap)
        axis.axis("off")
    return figure


def curves(series: dict[str, list[tuple[np.ndarray, np.ndarray]]], ylabel: str, log_scale: bool = False,
           mark: tuple[float, str] | None = None) -> Figure:
    """Curves (epochs, values) of several series, one colour per series and one line per seed; ``mark``: a
    vertical line at an epoch, with its label."""
    figure = new_figure(5.5, 3.2)
    axis = figure.subplots()
    for colour, (label, per_seed) in enumerate(series.items()):
        for seed, (x, y) in enumerate(per_seed):
            axis.plot(x, y, color=f"C{colour}", linewidth=1, label=label if seed == 0 else None)
    if mark is not None:
        axis.axvline(mark[0], color="grey", linestyle="--", linewidth=1, label=mark[1])
    axis.set_xlabel("epoch")
    axis.set_ylabel(ylabel)
    if log_scale:  # a loss near zero: its dips are orders of magnitude apart
        axis.set_yscale("log")
    axis.legend(fontsize=7)
    return figure


def curves_by_variant(runs: dict[str, list[dict[str, list[float]]]], metric: str = "val_loss",
                      log_scale: bool = False) -> Figure:
    """One metric's curve for every seed of every variant: one colour per variant, as DLwP1 4.4 compares them."""
    return curves({variant: [(range(1, len(history[metric]) + 1), history[metric]) for history in histories]
                   for variant, histories in runs.items()}, metric.replace("_", " "), log_scale)


def chapter_arc(stages: list[str], per_seed: list[list[float]], book: list[float], title: str) -> Figure:
    """A chapter's progression: each stage's seeds as points and their mean as a bar, the book's number as a mark."""
    figure = new_figure(6.4, 3.0)
    axis = figure.subplots()
    positions = np.arange(len(stages))
    axis.bar(positions, [np.mean(values) for values in per_seed], 0.55, color="C0", alpha=0.35, label="here: mean")
    for position, values in zip(positions, per_seed):
        axis.scatter(np.full(len(values), position), values, color="C0", s=14, zorder=3)
    axis.scatter(positions, book, marker="_", s=900, linewidths=2.5, color="C3", zorder=4, label="book")
    axis.set_xticks(positions, [textwrap.fill(stage, 16) for stage in stages], fontsize=8)
    low = min(min(min(v) for v in per_seed), min(book))
    axis.set_ylim(max(0.0, low - 0.05), 1.0)
    axis.set_ylabel("accuracy")
    axis.set_title(title, fontsize=9)
    axis.legend(fontsize=7, loc="upper left")
    return figure


def estimates_over_reshuffles(series: dict[str, np.ndarray], ylabel: str) -> Figure:
    """Several estimates of one quantity, one marker style each, along the reshuffles of the data."""
    figure = new_figure(5, 2.6)
    axis = figure.subplots()
    for marker, (label, values) in zip("os^v", series.items()):
        axis.plot(range(len(values)), values, marker, label=label)
    axis.set_xlabel("reshuffle")
    axis.set_ylabel(ylabel)
    axis.legend(fontsize=8)
    return figure


def per_layer_curves(panels: dict[str, dict[int, list[float]]]) -> Figure:
    """One panel per measure, one line per seed, conv layers along the x axis."""
    figure = new_figure(3.5 * len(panels), 3)
    for axis, (title, values) in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels.items()):
        for seed, per_layer in values.items():
            axis.plot(np.arange(1, len(per_layer) + 1), per_layer, "o-", label=f"seed {seed}")
        axis.set_xlabel("conv layer")
        axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8)
    return figure


def heatmap_overlays(images: np.ndarray, heatmaps: np.ndarray, boxes: np.ndarray | None = None) -> Figure:
    """Each heatmap over its image (n, h, w[, c]), stretched to the image; ``boxes`` (top, left, bottom, right) in white."""
    from matplotlib.patches import Rectangle

    figure = new_figure(8, 2.2) if len(images) > 1 else new_figure(3, 3)
    for index, (axis, image, heat) in enumerate(zip(figure.subplots(1, len(images), squeeze=False)[0], images, heatmaps)):
        height, width = image.shape[:2]
        axis.imshow(image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image,
                    cmap="gray" if image.ndim == 2 or image.shape[-1] == 1 else None)
        axis.imshow(heat, cmap="jet", alpha=0.45, extent=(-0.5, width - 0.5, height - 0.5, -0.5))
        if boxes is not None:
            top, left, bottom, right = boxes[index]
            axis.add_patch(Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=False, color="white"))
        axis.axis("off")
    return figure
