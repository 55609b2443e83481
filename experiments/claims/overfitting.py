"""Section 4: overfitting on small data, and its cures: augmentation, dropout, size, L2, K-fold, pooling."""

from __future__ import annotations

from experiments.claims.base import UNTRAINED, Claim, KnownFailure
from experiments.stats import Band


ENTRIES = (
    Claim(
        id="over.small_data",
        kind="stochastic",
        control="The second model of the section, with augmentation and Dropout(0.5), which the book shows does not overfit.",
        statement=(
            "A convnet trained from scratch on 2,000 images overfits: training accuracy climbs to "
            "~100% while validation accuracy stalls; validation loss bottoms out after ~5 epochs "
            "and then rises."
        ),
        source="DLwP1 5.2 [O][P]; MLCC (notes-mlcc)",
        book="val 70–72% (printed 0.7240 final, 0.7310 best); min val loss ≈ epoch 5 of 30",
        numbers={"final_val_accuracy": 0.7240, "best_val_accuracy": 0.7310, "min_val_loss_epoch": 5, "epochs": 30},
        bands={
            "train_accuracy": Band(low=0.90, label="final training accuracy"),
            "gap": Band(low=0.15, label="final training − validation accuracy"),
            "best_epoch_share": Band(high=0.5, label="epoch of minimum validation loss / epochs run"),
            "val_loss_rise": Band(low=0.05, label="final − minimum validation loss"),
        },
        at_book={"best_epoch_share": lambda n: n["min_val_loss_epoch"] / n["epochs"]},
        band_reason=(
            "The book's curves end near 100% training and 72% validation accuracy (a gap near 0.28) with "
            "the validation loss lowest around epoch 5 of 30 and climbing after: the bands ask for each "
            "of those shapes with a wide margin — nearly fitted, a clear gap, the minimum in the first "
            "half, and a rise after it — not for the book's exact values."
        ),
    ),
    Claim(
        id="over.augmentation",
        kind="stochastic",
        control="The plain convnet in the place of the augmented one: with neither augmentation nor dropout every difference is that of a run with itself.",
        statement=(
            "Random rotation/shift/shear/zoom/flip plus Dropout(0.5) stop the overfitting: "
            "training and validation curves stay close, and validation accuracy rises."
        ),
        source="DLwP1 5.2 [O][P]; DLwP2",
        book="82% prose (printed 0.8439 at epoch 100), \"a 15% relative improvement\"; DLwP2: 69.5% → 83.5% test",
        numbers={"val_accuracy": 0.82, "printed_val_accuracy": 0.8439},
        bands={
            "gap_cut": Band(low=0.10, label="train − validation gap: plain minus augmented"),
            "later_best_epoch": Band(low=5, label="epoch of minimum validation loss: augmented minus plain"),
            "accuracy_gain": Band(low=0.02, label="validation accuracy (last 5 epochs): augmented minus plain"),
        },
        band_reason=(
            "In the book the plain model's gap near 0.28 all but closes with augmentation and dropout, its "
            "validation loss keeps falling to the last of 100 epochs instead of turning at epoch 5, and "
            "validation accuracy rises ten points: the bands ask for a gap at least 0.10 smaller, a "
            "minimum at least 5 epochs later, and a rise of at least 2 points (beyond seed noise)."
        ),
    ),
    Claim(
        id="over.no_val_augmentation",
        kind="stochastic",
        no_control="Equalities checked exactly, not bands: nothing to hold a control to.",
        statement="Validation data is never augmented: augmentation is a training-time transform only.",
        source="DLwP1 5.2 [P]",
        book="—",
    ),
    Claim(
        id="over.network_size",
        kind="stochastic",
        control="The original 16-16 network in the place of the smaller and of the bigger one: with no change of size nothing turns earlier or later.",
        statement="A smaller network starts overfitting later, a bigger one sooner and worse.",
        source="DLwP1 4.4 [O][P]",
        book="IMDB: min val loss at epoch 3 (16-16), 6 (4-4), 2 (512-512)",
        numbers={"min_val_loss_epoch": {"4-4": 6, "16-16": 3, "512-512": 2}},
        bands={
            "smaller_turns_later": Band(low=1, label="epoch of minimum validation loss: 4-4 minus 16-16"),
            "larger_turns_earlier": Band(low=0.5, label="epoch of minimum validation loss: 16-16 minus 512-512"),
            "larger_ends_worse": Band(low=0.0, label="final validation loss: 512-512 minus 16-16"),
        },
        at_book={"smaller_turns_later": lambda n: n["min_val_loss_epoch"]["4-4"] - n["min_val_loss_epoch"]["16-16"],
                 "larger_turns_earlier": lambda n: n["min_val_loss_epoch"]["16-16"] - n["min_val_loss_epoch"]["512-512"]},
        band_reason=(
            "The book's minima fall at epochs 6, 3 and 2: the smaller network turns at least an epoch later "
            "than the original, the bigger one earlier (half an epoch on average over seeds), and the bigger "
            "one ends with the higher validation loss (\"worse\")."
        ),
    ),
    Claim(
        id="over.l2",
        kind="stochastic",
        control="The unregularised network in the place of the L2 one: without the penalty there is no cut.",
        statement="L2 weight regularisation makes the model much more resistant to overfitting.",
        source="DLwP1 4.4 [O]",
        book="final val loss 0.42 (L2 0.001) vs 0.77",
        numbers={"final_val_loss": {"l2": 0.42, "plain": 0.77}},
        bands={"loss_cut": Band(low=0.05, label="final validation loss: plain minus L2(0.001)")},
        at_book={"loss_cut": lambda n: n["final_val_loss"]["plain"] - n["final_val_loss"]["l2"]},
        band_reason="The book's gap is 0.35; \"much more resistant\" is read as a lower final validation loss by at least 0.05.",
    ),
    Claim(
        id="over.dropout",
        kind="stochastic",
        control="The network without dropout in the place of the one with it: without dropout there is no cut.",
        statement="Dropout is a clear improvement over the unregularised network.",
        source="DLwP1 4.4 [O]",
        book="final val loss 0.54 vs 0.77",
        numbers={"final_val_loss": {"dropout": 0.54, "plain": 0.77}},
        bands={"loss_cut": Band(low=0.05, label="final validation loss: plain minus Dropout(0.5)")},
        at_book={"loss_cut": lambda n: n["final_val_loss"]["plain"] - n["final_val_loss"]["dropout"]},
        band_reason="The book's gap is 0.23; \"a clear improvement\" is read as a lower final validation loss by at least 0.05.",
    ),
    Claim(
        id="over.kfold",
        kind="stochastic",
        control="The hold-out estimate in the place of the 4-fold mean: without averaging over folds it is no steadier than itself.",
        statement=(
            "K-fold validation gives a steadier estimate than a single hold-out split when data are few."
        ),
        source="DLwP1 3.7/4.2 [O]; notes-dlwp",
        book="fold MAEs 2.08–2.91, mean 2.38 (Boston housing, k=4)",
        numbers={"fold_maes": (2.08, 2.91), "mean_mae": 2.38, "k": 4},
        bands={"spread_ratio": Band(label="spread over reshuffles: 4-fold estimate / hold-out estimate",
            high=0.8, exact="one value, computed once from every reshuffle's runs")},
        band_reason=(
            "The book shows the folds disagree (MAE 2.08 to 2.91) and averages them. \"Steadier\" is read as the "
            "standard deviation of the 4-fold estimate over 10 reshuffles of the data being at most 0.8 of that of "
            "a single 25% hold-out split over the same reshuffles (averaging four nearly independent folds would "
            "give about 0.5)."
        ),
    ),
    Claim(
        id="over.normalisation",
        kind="stochastic",
        control=f"On standardised features, each seed's model {UNTRAINED}, in the place of the trained one: a model that learnt nothing errs more than one trained on the raw features.",
        statement=(
            "Features with very different ranges should be standardised (mean 0, std 1) before training."
        ),
        source="DLwP1 4.3 [P]; notes-dlwp",
        book="—",
        bands={"mae_ratio": Band(low=1.0, label="validation MAE: raw features / standardised features")},
        band_reason=(
            "The book gives no number: \"should be standardised\" is read as the same model and budget reaching "
            "a lower validation error on standardised features than on the raw ones, on average over seeds."
        ),
    ),
    Claim(
        id="pool.max_vs_alternatives",
        kind="stochastic",
        control=f"The max-pooling convnet {UNTRAINED}, in the place of the trained one: it must lose to every alternative.",
        statement=(
            "Max pooling works better for downsampling than average pooling or strided convolution."
        ),
        source="DLwP1 5.1.2 [P]; HG 8-1",
        book="—",
        bands={
            "over_average": Band(low=0.0, label="validation accuracy: max pooling minus average pooling"),
            "over_strides": Band(low=0.0, label="validation accuracy: max pooling minus strided convolution"),
        },
        band_reason=(
            "The book gives no number, only the direction (\"tends to work better\"): the bands ask that max "
            "pooling's validation accuracy after the book's 5 epochs be, on average over seeds, at least that of "
            "each alternative trained the same way."
        ),
    ),
    Claim(
        id="pool.no_pool_is_worse",
        kind="stochastic",
        known_failure=KnownFailure(cause=(
            "Half of the claim does not reproduce at the book's budget: without pooling the model does overfit more, "
            "but its classifier on the full 22×22 maps (about two million parameters) also scores higher on "
            "validation after 5 epochs. The book argues from the receptive field and never trains this model; on "
            "28×28 Fashion-MNIST items the unpooled features are not less useful within 5 epochs."
        )),
        control=f"The max-pooling convnet {UNTRAINED}, in the place of the trained one: it must lose to the unpooled one.",
        statement=(
            "The convnet without pooling learns less useful features and overfits (too many "
            "weights after it)."
        ),
        source="DLwP1 5.1.2 [P]",
        book="—",
        bands={
            "accuracy_gain": Band(low=0.0, label="validation accuracy: max pooling minus no pooling"),
            "gap_growth": Band(low=0.0, label="final training − validation accuracy: no pooling minus max pooling"),
        },
        band_reason=(
            "The book gives no number: \"learns less useful features\" is read as a validation accuracy no higher "
            "than the pooled model's, and \"overfits\" as a wider gap between training and validation accuracy, "
            "both on average over seeds after the book's 5 epochs."
        ),
    ),
)
