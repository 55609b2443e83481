"""Section 5's instruments on a pretrained base: its features computed once (fast extraction), and which of its
tensors a run's training moved. Both are measured once and kept in the run cache."""

from __future__ import annotations

import sys

import keras
import numpy as np

from experiments.instruments import architecture
from experiments.instruments.architecture import changed_tensors
from experiments.run import pretrained
from experiments.run.identity import device_kind, library_versions, model_identity
from experiments.run.measurements import measured, measured_arrays
from experiments.run.seeding import seed_everything

FEATURE_BATCH = 100


def extracted_features(profile, images, imagenet: bool, run_cache) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """DLwP1 5.3's fast extraction: every image through the frozen base once; {split: (features, labels)}.

    The random-weights base normalises each batch of FEATURE_BATCH photographs
    by its own statistics: with the initial batch-normalisation statistics
    (mean 0, variance 1) a random MobileNet's output is the same for every
    image, and a control that cannot see the images would prove nothing. The
    features are measured once per base (its identity: configuration and
    weights), images, library versions and device, and kept in the run cache.
    """
    seed_everything(0)  # the random-weights base is the same one every run
    base = pretrained.pretrained_base(profile.transfer_base, profile.transfer_size, imagenet)
    scaling = pretrained.PRETRAINED_BASES[profile.transfer_base]

    def compute() -> dict[str, np.ndarray]:
        features = {}
        for split, (x, _) in images.items():
            scaled = x * scaling.scale + scaling.offset
            if imagenet:
                features[split] = base.predict(scaled, batch_size=FEATURE_BATCH, verbose=0)
            else:
                features[split] = np.concatenate([keras.ops.convert_to_numpy(base(scaled[i:i + FEATURE_BATCH], training=True))
                                                  for i in range(0, len(x), FEATURE_BATCH)])
        return features

    features = measured_arrays(run_cache, "fast feature extraction", compute, arrays=[x for x, _ in images.values()],
                               parameters={"base": model_identity(base), "pretrained": imagenet,
                                           "scaling": [scaling.scale, scaling.offset], "batch": FEATURE_BATCH,
                                           "splits": list(images), "versions": library_versions(), "device": device_kind()},
                               code=[sys.modules[__name__]])
    return {split: (features[split], y) for split, (_, y) in images.items()}


def base_changes(run, profile, run_cache) -> list[int]:
    """[tensors below the top block, tensors from the top block on] of the run's conv base that differ in any bit
    from the published weights; measured once per run and kept in the run cache."""
    def compute() -> list[int]:
        published = pretrained.pretrained_base(profile.transfer_base, profile.transfer_size)
        top = [layer.name for layer in published.layers].index(pretrained.PRETRAINED_BASES[profile.transfer_base].top_block)
        trained = pretrained.conv_base_of(run.model())
        return [len(changed_tensors(*([w.numpy() for layer in base.layers[part] for w in layer.weights]
                                      for base in (published, trained))))
                for part in (slice(None, top), slice(top, None))]

    return measured(run_cache, "base tensors changed, below and from the top block", compute, runs=[run],
                    parameters={"base": profile.transfer_base, "size": profile.transfer_size},
                    code=[sys.modules[__name__], architecture, pretrained])
