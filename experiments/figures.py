"""Matplotlib figures as PNG bytes, drawn off-screen (Agg) so any machine can render them."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


def new_figure(width: float = 6.0, height: float = 3.0) -> Figure:
    """A figure outside pyplot's global state: nothing leaks between checks, no display is needed."""
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
