"""The catalogue in experiments/claims/ against the spec, ../shared/CLAIMS.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments.claims import CATALOGUE, CLAIMS, SOURCES

SPEC = Path(__file__).resolve().parents[2] / "shared" / "CLAIMS.md"


# The claims of the spec's last table, which names none ("ids are the catalogue's to choose"): the first words of
# its row → the catalogue's id.
ADDED = {
    "the small convnet beats chapter 2's densely connected network": "train.dlwp1.convnet_vs_dense",
    "with the conv base frozen the model's summary shows": "arch.dlwp1.vgg16_head",
    "while fine-tuning, the validation loss gets worse": "trans.fine_tuning_loss",
    "the first layer's activation for one 150×150 photograph": "vis.first_activation",
    "the elephant photograph's next classes after African elephant": "vis.elephant_runners_up",
    "TFT fine-tuning: the trainable variables grow": "arch.tft.mobilenet_v2",
    "TFT: validation accuracy sits above training accuracy early": "trans.tft_val_above_train",
    "the bigger IMDB network's training loss falls to about zero": "over.bigger_fits_fast",
    "K-fold on Boston housing: the validation MAE stops improving": "over.kfold_epochs",
    "the study notes' 160-px CNN: validation accuracy stalls": "over.notes_cnn_stall",
}


def spec_ids() -> list[str]:
    """The ids in the first column of CLAIMS.md's tables (`arch.dlwp2.*` stands for several)."""
    return re.findall(r"^\| ([a-z0-9_]+\.[a-z0-9_.*]+) \|", SPEC.read_text(), flags=re.MULTILINE)


@pytest.mark.skipif(not SPEC.is_file(), reason=f"the claim catalogue's spec is not beside the project ({SPEC})")
def test_every_claim_of_the_spec_is_in_the_catalogue():
    ids = spec_ids()
    assert len(ids) > 40
    for claim_id in ids:
        if claim_id.endswith(".*"):
            assert any(c.startswith(claim_id[:-1]) for c in CLAIMS), f"{claim_id}: no claim in the catalogue"
        else:
            assert claim_id in CLAIMS, f"{claim_id}: in CLAIMS.md, missing from experiments/claims/"
    unlisted = [c for c in CLAIMS if c not in ids and not any(i.endswith(".*") and c.startswith(i[:-1]) for i in ids)]
    assert set(unlisted) <= set(ADDED.values()), f"in the catalogue, not in CLAIMS.md: {set(unlisted) - set(ADDED.values())}"
    rows = re.findall(r"^\| (.+?) \|", SPEC.read_text(), flags=re.MULTILINE)
    for words, claim_id in ADDED.items():
        assert any(row.startswith(words) for row in rows), f"{claim_id}: no row of CLAIMS.md begins {words!r}"
        assert claim_id in CLAIMS, f"{claim_id}: encodes a row of CLAIMS.md, missing from experiments/claims/"


def test_catalogue_is_well_formed():
    assert len(CLAIMS) == len(CATALOGUE)  # ids are unique
    for entry in CATALOGUE:
        assert entry.statement and entry.source and entry.book, entry.id
        assert entry.kind in {"exact", "property", "stochastic"}, entry.id
        assert entry.section, entry.id
        assert "notes-" not in entry.cited_source, f"{entry.id}: a study-notes key with no subject in SOURCES"
        if entry.bands:
            assert entry.kind == "stochastic" and entry.band_reason, f"{entry.id}: a band needs its reason"
    assert set(SOURCES) >= {"DLwP1", "DLwP2", "HG", "TFT", "MLCC"}


def test_no_check_names_a_band_by_its_position_or_its_words():
    """Checks index a claim's bands by id: unpacking or iterating them ties a statistic to the catalogue's order."""
    import ast

    labels = {band.label for entry in CATALOGUE for band in entry.bands.values()}
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "checks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr == "bands" \
                    and isinstance(node.targets[0], ast.Tuple):
                found.append(f"{path.name}:{node.lineno}: unpacks .bands")
            if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Call) \
                    and getattr(node.iter.func, "id", "") == "zip" and any(
                        isinstance(a, ast.Attribute) and a.attr == "bands" for a in node.iter.args):
                found.append(f"{path.name}:{node.lineno}: zips .bands with values by position")
            if isinstance(node, ast.Constant) and node.value in labels:
                found.append(f"{path.name}:{node.lineno}: types the label {node.value!r}")
    assert found == []


def test_every_claim_has_a_check(pytester: pytest.Pytester):
    """Each claim of the catalogue is named by @pytest.mark.claim on at least one test in checks/."""
    checks = Path(__file__).resolve().parents[1] / "checks"
    items, _ = pytester.inline_genitems(str(checks), "-p", "no:cacheprovider")
    checked = {item.get_closest_marker("claim").args[0] for item in items if item.get_closest_marker("claim")}
    assert len(items) > 40  # collected, not lost to an import error
    assert [c.id for c in CATALOGUE if c.id not in checked] == []


def test_a_judged_statistic_carries_the_book_value_worked_out_for_it():
    """The book's number sits on the row of the statistic it belongs to, worked out from the claim's numbers."""
    from experiments.claims import claim
    from experiments.judge.evidence import Evidence

    l2 = claim("over.l2")
    evidence = Evidence(l2)
    evidence.judge_bands({"loss_cut": [0.2, 0.3, 0.25]})
    book = l2.numbers["final_val_loss"]
    assert evidence.measured[0]["book"] == pytest.approx(book["plain"] - book["l2"])
    assert evidence.judge_band("loss_cut", [0.2], book=0.5).statistic and evidence.measured[-1]["book"] == 0.5
    for entry in CATALOGUE:
        assert set(entry.at_book) <= set(entry.bands), entry.id
        for band_id in entry.at_book:
            assert entry.book_value(band_id) is not None, f"{entry.id}: {band_id}"


def returned_keys(function, module) -> set[str]:
    """The keys of the dict literals ``function`` returns, read from its source. A function it returns the value of,
    or unpacks into its dict (``**call(...)``), adds the keys that one returns: a function of ``module``, or of a
    module ``module`` imports."""
    import ast
    import inspect
    import textwrap

    def called(call: ast.expr):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            return getattr(module, call.func.id)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
            return getattr(getattr(module, call.func.value.id), call.func.attr)
        return None

    keys: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function)))):
        if not isinstance(node, ast.Return):
            continue
        if called(node.value) is not None:
            inner = called(node.value)
            keys |= returned_keys(inner, inspect.getmodule(inner))
            continue
        if not isinstance(node.value, ast.Dict):
            keys.add(f"(not a dict literal at line {node.lineno})")
            continue
        for key, value in zip(node.value.keys, node.value.values):
            if key is None and called(value) is not None:
                keys |= returned_keys(called(value), inspect.getmodule(called(value)))
            elif isinstance(key, ast.Constant):
                keys.add(key.value)
            else:
                keys.add(f"(not a literal key at line {node.lineno})")
    return keys


def test_each_claims_statistics_return_exactly_its_bands():
    """The tie between a claim and its statistics is read off the code, before any run: its statistics function
    returns a dict whose literal keys are its band ids, no more and no fewer."""
    import inspect

    for entry in CATALOGUE:
        if not entry.bands:
            assert entry.statistics is None, f"{entry.id}: statistics without bands"
            continue
        module = inspect.getmodule(entry.statistics)
        assert module.__name__.startswith("experiments.claims."), f"{entry.id}: statistics outside the catalogue"
        assert returned_keys(entry.statistics, module) == set(entry.bands), entry.id


def test_statistics_of_the_wrong_keys_are_caught():
    from experiments.claims import pooling

    def stray(runs):
        return {"over_average": runs, "over_stride": runs}

    assert returned_keys(stray, pooling) == {"over_average", "over_stride"} != set(CLAIMS["pool.max_vs_alternatives"].bands)


def test_checks_hold_no_recipe():
    """A run's recipe lives beside its claim in experiments/claims/: no check writes a TrainSpec of its own."""
    checks = Path(__file__).resolve().parents[1] / "checks"
    found = [f"{path.name}:{number}" for path in sorted(checks.glob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if "TrainSpec(" in line]
    assert found == []


def test_the_catalogue_loads_without_tensorflow():
    import subprocess
    import sys

    code = ("import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"
            "from experiments.claims import CATALOGUE; print(len(CATALOGUE))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) == len(CATALOGUE)
