"""A training run's recipe, as the catalogue writes it beside its claim (TrainSpec).

Nothing here imports TensorFlow, so that the catalogue, which holds each
claim's recipes, loads without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TrainSpec:
    model: str  # a builder of experiments.run.models or experiments.run.pretrained
    data: str  # the name of the data the run is given, e.g. "fashion_mnist/book_split"
    loss: str
    epochs: int
    batch_size: int
    seed: int
    model_args: dict[str, Any] = field(default_factory=dict)
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: the optimiser's default, as the books leave it
    metrics: tuple[str, ...] = ("accuracy",)
    early_stopping_patience: int | None = None  # with restore_best_weights=True, as HG 8-2
    checkpoint: bool = False  # ModelCheckpoint(save_best_only=True) of the best model
    start_from: TrainSpec | None = None  # a run whose final weights this one starts from (fine-tuning)
    start_from_layers: int | None = None  # with start_from: take only its first n layers' weights (transfer)
    validation_freq: int = 1  # validate after every n-th epoch only (Keras' validation_freq)

    def build(self):
        """The model its builder makes of ``model_args`` (a keras.Model)."""
        from experiments.run import models, pretrained

        builder = getattr(models, self.model, None) or getattr(pretrained, self.model)
        return builder(**self.model_args)
