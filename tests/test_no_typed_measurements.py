"""No string or comment of the checks or the catalogue holds a number a run measured: those live in results.json.

The scan reads every string literal (with the literal parts of f-strings) and
every comment of checks/*.py and experiments/claims/*.py, and finds its
decimals, percentages and integers of two or more significant digits. A
number is allowed by its place, never by its value:

- the catalogue's words of a claim (its statement, source, book, numbers and
  band labels) are where the book's numbers stand; a claim's band reason, the
  cause of its known failure and the words of its control may use that claim's
  own book numbers and band edges, and the reasoning listed in DERIVED;
- the prose of a section (its check module and its claims module) may cite
  the book numbers of the section's claims and the settings the section's run
  at: the books' and the profiles' settings (experiments/run/profiles.py) and
  the section's own constants (``EPOCHS = 80`` in experiments/claims/evaluation.py);
- a fact of the data or of a source that no run measures, listed in FACTS
  with what it is (MNIST's 60,000 training images, 8-bit pixels' 255);
- a section of a source ("DLwP1 5.3", "HG 8-3", "4.4 [O]");
- a setting written as code writes it: an argument of a call (``Dense(512)``,
  ``Dropout(0.5)``, ``RMSprop(1e-5)``), a keyword (``fine_tune_at=100``), a
  size ``28×28`` or a shape ``(n, 28, 28, 1)``.

Anything else is a number typed into prose, which goes stale the day a run
moves it or a setting changes: interpolate it from where it lives. The proof
that the places let no measurement through: every per-seed value of the
reference run, typed into its own section's check, comment or reason, is caught.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

import experiments.claims as catalogue
from experiments.claims import CATALOGUE, CLAIMS
from experiments.run.profiles import BOOK, PROFILES

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [*sorted((ROOT / "checks").glob("*.py")), *sorted((ROOT / "experiments" / "claims").glob("*.py"))]
NUMBER = re.compile(r"(?<![\w.,])[+\-−±]?(\d+(?:\.\d+)?e[-+]?\d+|\d+\.\d+|\d+%|[1-9]\d*(?:,\d{3})+|[1-9]\d+)(?![\w,.]\d|\w)")
SECTION = re.compile(r"(DLwP\d|HG|TFT|section|ch\.)\s*\d+([.-]\d+)*$|\d+\.\d+\.\d+$")
AS_CODE = re.compile(  # a setting as code writes it, around the number at {n}
    r"\w\([^()]*{n}[^()]*\)"  # an argument of a call: Dense(512), Dropout(0.5), Conv2D(64, 3)
    r"|\w={n}"  # a keyword: fine_tune_at=100
    r"|{n}×|×{n}"  # a size: 28×28, 150×150×3
    r"|\((?:[\dn?, ]+, )?{n}(?:, [\dn?, ]+)?,?\)"  # a shape: (n, 28, 28, 1), (3136,)
)
WORDS = ("statement", "source", "book", "numbers", "cites", "label")  # the catalogue's place for the book's numbers
CITING = ("Cite", "Document", "_dlwp1", "summary_cites")  # where a source and a number's place in it are written (claims/sources.py)
REASONS = ("band_reason", "cause", "words")  # a claim's reasoning: its own book numbers and band edges

# Numbers worked out from the book's or stated by a source, where no run measures them: (claim id or scanned
# file, number) → how it follows. A claim's values at the book (Claim.book_value) need no entry: they are found.
DERIVED = {
    ("trans.tft", "0.35"): "√(0.97 · 0.03 / 2,326), the binomial sd of one epoch's accuracy on the 2019 validation split",
    ("trans.tft", "10%"): "the 2019 tutorial's validation share of TFDS cats_vs_dogs (SPLIT_WEIGHTS = (8, 1, 1))",
    ("train.hg.weights_spread", "288"): "the first kernel's weights, 3 × 3 × 1 × 32",
    ("train.hg.weights_spread", "0.01"): "the significance level of the Kolmogorov–Smirnov test",
    ("train.hg.fashion_accuracy", "1.2"): "the half-width of the band around the book's accuracies, in points",
    ("train.hg.fashion_accuracy", "0.3"): "the book's two printed runs apart, 0.9207 against 0.9236, in points",
    ("over.small_data", "0.28"): "the book's training accuracy near 1 less its validation accuracy, 0.7240",
    ("over.augmentation", "0.28"): "the book's training accuracy near 1 less its validation accuracy, 0.7240",
    ("train.dlwp1.mnist", "0.5"): "the band's half-width, in points",
    ("train.dlwp1.mnist", "0.99"): "the band's centre",
    ("over.kfold", "0.5"): "1/√4: the spread of the mean of four independent folds against one",
    ("over.kfold", "25%"): "one of 4 folds, held out",
    ("vis.gradcam", "25%"): "the object's box, a quarter of the canvas",
    ("vis.trained_filters", "90%"): "the permutation test's level",
    ("vis.trained_filters", "10%"): "the share of random kernels the test calls arranged, by construction",
    ("trans.feature_extraction_aug", "0.90"): "the book's fast-extraction validation accuracy, rounded",
    ("trans.tft", "800"): "the tutorial's validation images, 1,000 less the 200 it sets aside",
    ("checks/test_tutorial.py", "800"): "the tutorial's validation images, 1,000 less the 200 it sets aside",
    ("checks/test_tutorial.py", "200"): "the tutorial's test images",
    ("checks/test_transfer.py", "12"): "MobileNet's depthwise-separable blocks 12 and 13, its last stage",
    ("checks/test_transfer.py", "40"): "ImageDataGenerator's rotation_range in DLwP1 5.2",
    ("checks/test_transfer.py", "0.2"): "its shift, shear and zoom ranges",
    ("checks/test_evaluation.py", "25%"): "one of 4 folds, held out",
    ("checks/test_geometry.py", "28"): "the side of a 28×28 image",
    ("checks/test_geometry.py", "32"): "the channels of the MNIST convnet's first conv",
    ("checks/test_regularisation.py", "49"): "IMDB's 25,000 reviews in batches of 512",
    ("experiments/claims/regularisation.py", "49"): "IMDB's 25,000 reviews in batches of 512",
    ("checks/test_training.py", "0.5"): "HG 8-3's colour scale of the kernels, vmin −0.5, vmax 0.5",
    ("checks/test_visualisation.py", "0.5"): "HG 8-3's colour scale of the kernels, vmin −0.5, vmax 0.5",
    ("checks/test_visualisation.py", "32"): "the kernels of the Fashion-MNIST CNN's first conv",
    ("checks/test_visualisation.py", "16"): "the channels DLwP1 5.4.1 draws first",
    ("experiments/claims/evaluation.py", "2.5"): "the diabetes target's lowest value, over 10 (25)",
    ("experiments/claims/evaluation.py", "34.6"): "its highest, over 10 (346)",
    ("experiments/claims/evaluation.py", "50"): "Boston's highest price, in $1,000s",
}
# Facts of the data, the models and the sources, which no run measures: number → what it is.
FACTS = {
    "2019": "the year of the TensorFlow 2.0 alpha tutorial the catalogue cites",
    "2,326": "the 2019 tutorial's validation images, a tenth of TFDS cats_vs_dogs' 23,262",
    "60,000": "MNIST's and Fashion-MNIST's training images",
    "10,000": "their test images; IMDB's vocabulary of the book's multi-hot vectors",
    "48,000": "HG 8-2's training split of Fashion-MNIST's 60,000",
    "12,000": "HG 8-2's validation split",
    "36,000": "Fashion-MNIST's training images of its six garment classes",
    "25,000": "IMDB's training reviews",
    "784": "pixels of a 28×28 image",
    "255": "the largest 8-bit pixel value",
    "127.5": "half of 255, MobileNet's input scaling",
    "442": "patients in scikit-learn's diabetes data",
    "506": "houses in the Boston housing data",
    "13": "Boston housing's features",
    "97": "the diabetes data's lowest total cholesterol",
    "301": "its highest",
    "2,000": "the book's cats-vs-dogs training photographs",
    "1,000": "its validation and test photographs; the tutorial's filtered validation images",
    "553": "MB of VGG16's ImageNet weights with its classifier",
    "58": "MB of VGG16's ImageNet weights without it",
    "386": "ImageNet's African elephant class",
    "2.0": "Keras 2.0.8, the first edition's notebooks' version",
    "0.25": "MobileNet's width multiplier alpha of the offline base",
}


def _value(text: str) -> float:
    text = text.replace("−", "-").replace(",", "").lstrip("+±")
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def _places_of(text: str) -> int:
    """Decimal places a number is written with, as a fraction: "0.90" 2, "25%" 2, "99.3%" 3, "1e-4" 4, "3.5e-4" 5."""
    digits = text.rstrip("%").replace(",", "")
    mantissa, _, exponent = digits.partition("e")
    places = max(0, len(mantissa.partition(".")[2]) - int(exponent or 0))
    return places + (2 if text.endswith("%") else 0)


def _numbers_of(*values, printed: bool = False) -> set[tuple[float, int]]:
    """Every number in ``values`` (numbers, texts, nested containers) with the places it is written with, by size
    and as a percentage of a fraction. A ``printed`` number held as a float (the book's 0.7240 as 0.724) may be
    written to the four places a notebook prints."""
    found: set[tuple[float, int]] = set()

    def add(value: float, places: int) -> None:
        found.add((abs(round(value, 6)), places))
        if abs(value) >= 1e-3:  # below a thousandth, a rate (RMSprop(2e-5)), never written as a percentage
            found.add((abs(round(value * 100, 6)), max(places - 2, 0)))

    def walk(value) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float)):
            places = 0 if float(value).is_integer() else _places_of(repr(float(value)))
            add(float(value), max(places, 4) if printed and places else places)  # a count is printed without places
        elif isinstance(value, str):
            for m in NUMBER.finditer(value):
                add(_value(m.group(0)), _places_of(m.group(0)))
        elif isinstance(value, dict):
            walk(list(value.values()))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(list(values))
    return found


def _allows(numbers: set[tuple[float, int]], number: str) -> bool:
    """Whether ``number`` as typed is one of ``numbers``: equal, and written with no more places than it is (or two,
    as a band edge 0.1 is written 0.10). A measurement typed to three places is not a setting of 0.02 or 1."""
    value, places = abs(round(_value(number), 6)), _places_of(number)
    return any(v == value and places <= max(p, 2) for v, p in numbers)


def _own_numbers(claim_id: str) -> set[float]:
    claim = CLAIMS[claim_id]
    return (_numbers_of(claim.numbers, printed=True)
            | _numbers_of(claim.book, claim.statement, [(b.low, b.high) for b in claim.bands.values()]))


def _at_book(claim_id: str) -> list[float]:
    """A claim's statistics worked out from the book's numbers (a gap, a gain), at full precision."""
    claim = CLAIMS[claim_id]
    values = [claim.book_value(band_id) for band_id in claim.at_book]
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _typed_as(number: str, values: list[float]) -> bool:
    """Whether ``number`` is one of ``values`` rounded to the places it is typed with, or as points of it."""
    places = _places_of(number) - (2 if number.endswith("%") else 0)
    typed = _value(number) * (100 if number.endswith("%") else 1)
    return any(round(abs(v) * scale, places) == typed for v in values for scale in (1, 100))


def _sections() -> dict[str, object]:
    """Section name (the claims module's, its check module's without ``test_``) → its claims module."""
    return {name: module for name, module in vars(catalogue).items()
            if getattr(module, "__name__", "").startswith("experiments.claims.") and hasattr(module, "ENTRIES")}


def _constants(module) -> set[float]:
    """The numbers a section's claims module writes outside its Claims: the settings of its recipes."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    in_claims = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and getattr(node.func, "id", None) == "Claim" for sub in ast.walk(node)}
    return _numbers_of([node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                        and isinstance(node.value, (int, float)) and id(node) not in in_claims])


def _section_numbers(path: Path) -> tuple[set[tuple[float, int]], set[tuple[float, int]]]:
    """What the prose of ``path``'s section may cite: (the settings it runs at, its claims' book numbers)."""
    settings = _numbers_of([vars(p) for p in (BOOK, *PROFILES.values())])
    module = _sections().get(path.stem.removeprefix("test_"))
    if module is None:
        return settings, set()
    return settings | _constants(module), set().union(*(_own_numbers(c.id) for c in module.ENTRIES))


def _places(tree: ast.Module) -> dict[tuple[int, int], tuple[str, str | None]]:
    """(line, column) of each string constant in the catalogue → (its field, its claim's id)."""
    places: dict[tuple[int, int], tuple[str, str | None]] = {}

    def mark(node: ast.AST, field: str, claim_id: str | None) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                places.setdefault((sub.lineno, sub.col_offset), (field, claim_id))
            elif isinstance(sub, ast.JoinedStr):
                for part in sub.values:
                    if isinstance(part, ast.Constant):
                        places.setdefault((part.lineno, part.col_offset), (field, claim_id))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Claim":
            keywords = {kw.arg: kw.value for kw in node.keywords}
            claim_id = keywords["id"].value if isinstance(keywords.get("id"), ast.Constant) else None
            for field, value in keywords.items():
                if field in WORDS or field == "bands":
                    mark(value, "words", claim_id)
            for field, value in keywords.items():
                if field not in WORDS:
                    mark(value, "reason", claim_id)  # band_reason, a known failure's cause, a control's words
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in CITING:
            mark(node, "words", None)
    return places


def _texts(path: Path):
    """(line, text, its place) of every string literal and comment; strings cut where tokenize cuts them."""
    source = path.read_text(encoding="utf-8")
    places = _places(ast.parse(source))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string, ("comment", None)
        elif token.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)):
            yield token.start[0], token.string, places.get(token.start, ("code", None))


def typed_measurements(paths=None) -> list[str]:
    found = []
    for path in paths or SCANNED:
        settings, book = _section_numbers(path)
        statement = {}  # the place of the string a tokenize piece belongs to: a piece of an implicit join keeps it
        for line, text, place in _texts(path):
            field, claim_id = place
            if field == "code" and statement.get("line") == line - 1 and statement.get("open"):
                field, claim_id = statement["place"]
            statement = {"line": line, "open": not text.rstrip().endswith((")", "]", "}")), "place": (field, claim_id)}
            if field == "words":
                continue
            own = _own_numbers(claim_id) if claim_id else set()
            for match in NUMBER.finditer(text):
                number = match.group(0).lstrip("+−-±")
                before = text[max(0, match.start() - 12):match.end()]
                where = claim_id or str(path.relative_to(ROOT))
                if SECTION.search(before) or (where, number) in DERIVED or number in FACTS:
                    continue
                if re.search(AS_CODE.pattern.replace("{n}", re.escape(number)), text):
                    continue
                if _allows(settings, number) or _allows(own if field == "reason" else book, number):
                    continue
                if field == "reason" and _typed_as(number, _at_book(claim_id)):
                    continue
                found.append(f"{path.relative_to(ROOT)}:{line}: {number} in …{text[max(0, match.start() - 50):match.end() + 20]}…")
    return found


def test_no_measured_number_is_typed_into_a_check_or_the_catalogue():
    assert typed_measurements() == []


def test_every_derived_number_and_fact_is_still_written_where_it_is_allowed():
    """An entry of DERIVED or FACTS whose number no longer stands in its place would let the next one through."""
    texts = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in SCANNED}
    everything = "\n".join(texts.values())
    stale = [(where, number) for where, number in DERIVED
             if number not in (texts.get(where) or everything)]
    stale += [number for number in FACTS if not re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d,])", everything)]
    assert stale == []


def test_the_scan_finds_a_typed_measurement(tmp_path, monkeypatch):
    check = tmp_path / "test_typed.py"
    check.write_text('REASON = "validation accuracy stays below fast extraction\'s (0.822 against 0.842)"\n'
                     '# the plain convnet turns 76 epochs earlier, at 19%\n')
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert [f.split(": ")[1].split(" in")[0] for f in typed_measurements([check])] == ["0.822", "0.842", "76", "19%"]


def _per_seed_values() -> list[tuple[str, float]]:
    reference = json.loads((ROOT / "reports" / "reference" / "smoke.json").read_text())
    return [(claim["id"], value) for claim in reference["claims"] for m in claim["measured"]
            for value in m.get("per_seed", []) if isinstance(value, (int, float))]


def _as_typed(value: float) -> str:
    """A per-seed value as a person would type it into prose: an integer as it is, a share to three places, a
    value below a thousandth to three significant digits ("1.38e-05")."""
    if float(value).is_integer():
        return f"{value:g}"
    return f"{value:.3g}" if abs(value) < 1e-3 else f"{value:.3f}"


@pytest.mark.parametrize("where", ["check", "comment", "reason"])
def test_every_per_seed_value_of_the_reference_run_typed_anywhere_is_caught(tmp_path, monkeypatch, where):
    """Each judged per-seed value of reports/reference/smoke.json, typed into its own section's check message,
    comment or band reason — where the section's book numbers and settings are allowed — is found. Integers the
    scan cannot tell from a setting or a book number are left out: those of one digit, which it does not read, and
    those equal to a setting the section runs at or a number its books print (10 epochs run reads as the profile's 10
    epochs as readily as a measurement, a best epoch of 82 as the book's 82%)."""
    section = {c.id: name for name, module in _sections().items() for c in module.ENTRIES}

    def reads_as_a_setting(claim_id: str, value: float) -> bool:
        settings, book = _section_numbers(ROOT / "checks" / f"test_{section[claim_id]}.py")
        return float(value).is_integer() and (abs(value) < 10 or _allows(settings | book, f"{value:g}"))

    values = [(claim_id, value) for claim_id, value in _per_seed_values() if not reads_as_a_setting(claim_id, value)]
    assert len(values) > 200
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    missed = []
    for claim_id, value in values:
        typed = _as_typed(value)
        line = {"check": f'MESSAGE = f"the gap is {typed} on this seed"\n',
                "comment": f"# measured {typed} here\n",
                "reason": f'C = Claim(id="{claim_id}", band_reason="the runs give {typed} on a seed")\n'}[where]
        path = (tmp_path / "experiments" / "claims" / f"{section[claim_id]}.py" if where == "reason"
                else tmp_path / "checks" / f"test_{section[claim_id]}.py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(line)
        if not typed_measurements([path]):
            missed.append((claim_id, typed))
    assert missed == []


def test_a_reason_may_cite_its_own_claims_book_numbers_but_not_anothers():
    path = ROOT / "experiments" / "claims" / "training.py"
    assert any("0.9913" in line for line in path.read_text().splitlines())  # the MNIST reason cites its own
    found = "".join(typed_measurements())  # one scan of the tree, not one per claim
    assert all(c.id not in found for c in CATALOGUE)
