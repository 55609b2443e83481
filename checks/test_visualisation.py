"""Section 6: what convnets learn, measured on the models trained in the earlier sections."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import figures, probes
from experiments.claims import claim
from experiments.stats import judge

SPARSITY_IMAGES = 200  # validation images the activations are measured on


@pytest.mark.slow
@pytest.mark.claim("vis.sparsity")
def test_sparsity_grows_with_depth(plain_runs, cats_vs_dogs, evidence) -> None:
    the_claim = claim("vis.sparsity")
    first_name, growth_name = the_claim.bands
    images = cats_vs_dogs["validation"][0][:SPARSITY_IMAGES]
    blank, zeros = {}, {}
    for run in plain_runs:
        layers = probes.conv_activations(run.model(), images)  # conv 1..4 of the cats-vs-dogs convnet
        blank[run.spec.seed] = [probes.blank_channel_fraction(a) for a in layers]
        zeros[run.spec.seed] = [probes.zero_fraction(a) for a in layers]
        evidence.measure(f"seed {run.spec.seed}: blank channels, conv 1 → {len(layers)}", blank[run.spec.seed])
        evidence.measure(f"seed {run.spec.seed}: zero activations, conv 1 → {len(layers)}", zeros[run.spec.seed])
    judgements = [
        judge(first_name, [b[0] for b in blank.values()], the_claim.bands[first_name]),
        judge(growth_name, [b[-1] - b[0] for b in blank.values()], the_claim.bands[growth_name]),
    ]
    for judgement in judgements:
        evidence.judged(judgement)
    mean_blank = np.mean(list(blank.values()), axis=0)
    mean_zeros = np.mean(list(zeros.values()), axis=0)
    evidence.measure("blank channels per conv layer, mean over seeds", mean_blank.round(3).tolist())
    evidence.measure("zero activations per conv layer, mean over seeds", mean_zeros.round(3).tolist())
    if np.any(np.diff(mean_blank) < 0) or np.any(np.diff(mean_zeros) < 0):
        evidence.note("The growth is not monotonic layer by layer: the band compares only the first and the last "
                      "conv layer, and a reader should look at the per-layer means above.")

    figure = figures.new_figure(7, 3)
    for axis, (title, values) in zip(figure.subplots(1, 2), (("blank channels", blank), ("zero activations", zeros))):
        for seed, per_layer in values.items():
            axis.plot(np.arange(1, len(per_layer) + 1), per_layer, "o-", label=f"seed {seed}")
        axis.set_xlabel("conv layer")
        axis.set_title(title, fontsize=10)
    axis.legend(fontsize=8)
    evidence.figure("Sparsity by depth", figure,
                    f"Cats-vs-dogs convnet of section 4, {SPARSITY_IMAGES} validation images; conv layers only (after "
                    "ReLU): pooling keeps the maximum of each window, so it adds no zeros of its own.")
    failed = [j.describe() for j in judgements if not j.holds]
    assert not failed, "vis.sparsity: " + "; ".join(failed)
