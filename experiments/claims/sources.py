"""Where each book number was printed: the documents, each at one revision, and a number's place in one.

The notebooks of both books were re-run over the years and print other numbers
at each revision, so a number is cited with the revision that printed it, and
with what kind of text it is: a notebook's printed output, the author's prose,
the code's settings, or arithmetic done from the printed architecture. Where
the prose and the print disagree, both are kept, each with its own citation,
and the claim says which one it judges.

A document is a notebook at a commit of its repository, a book's edition (the
place is then its section), a page as it was rendered on a date, or a file of
the study notes the project grew from (named by its digest).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Tag = Literal["printed", "prose", "code", "arithmetic"]
TAGS = ("printed", "prose", "code", "arithmetic")
DocumentKind = Literal["notebook", "book", "page", "notes"]


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    title: str  # what it is, in words
    repository: str = ""  # a notebook's GitHub owner/name
    path: str = ""  # a notebook's path in it, a page's address, the notes' file
    revision: str = ""  # a notebook's commit; a notes file's digest
    date: str = ""  # of the revision, or of the edition or rendering
    remark: str = ""  # what a reader needs to know to find the number there

    @property
    def revision_short(self) -> str:
        return self.revision[:7]


@dataclass(frozen=True)
class Cite:
    """One book number's place: the document's key in DOCUMENTS, where in it, and what kind of text printed it."""

    document: str
    at: str  # a notebook's cell as Jupyter numbers it ("In [n]", or "after In [n]" for its text), a book's section
    tag: Tag
    note: str = ""  # where the number is read off, or which of a prose/print pair the claim judges

    def short(self) -> str:
        document = DOCUMENTS[self.document]
        revision = f" @{document.revision_short}" if document.revision else ""
        return f"{self.document}{revision}, {self.at}, {self.tag}"


def summary_cites(document: str, at: str) -> dict[str, Cite]:
    """The cites of a printed model.summary(), its rows and its total: one cell of one document."""
    cite = Cite(document, at, "printed")
    return {"rows": cite, "total": cite}


_HG = {"kind": "notebook", "repository": "rickiepark/hg-mldl"}


def _dlwp1(path: str, title: str) -> Document:
    """A first-edition notebook of DLwP: all of them are cited at the commit that moved them, unchanged, into
    first_edition/."""
    return Document(kind="notebook", title=f"DLwP1 notebook: {title}",
                    repository="fchollet/deep-learning-with-python-notebooks", path=f"first_edition/{path}",
                    revision="1bb759b55fc2433504525a3648154df69219556d", date="2021-06-05",
                    remark="the 2017 runs under Keras 2.0.8, moved unchanged into first_edition/ by this commit")


DOCUMENTS = MappingProxyType({
    "DLwP1 2.1 nb": _dlwp1("2.1-a-first-look-at-a-neural-network.ipynb", "a first look at a neural network"),
    "DLwP1 3.7 nb": _dlwp1("3.7-predicting-house-prices.ipynb", "predicting house prices (the book's 3.6)"),
    "DLwP1 4.4 nb": _dlwp1("4.4-overfitting-and-underfitting.ipynb", "overfitting and underfitting"),
    "DLwP1 5.1 nb": _dlwp1("5.1-introduction-to-convnets.ipynb", "introduction to convnets"),
    "DLwP1 5.2 nb": _dlwp1("5.2-using-convnets-with-small-datasets.ipynb", "convnets with small datasets"),
    "DLwP1 5.3 nb": _dlwp1("5.3-using-a-pretrained-convnet.ipynb", "using a pretrained convnet"),
    "DLwP1 5.4 nb": _dlwp1("5.4-visualizing-what-convnets-learn.ipynb", "visualising what convnets learn"),
    "DLwP1": Document("book", "F. Chollet, Deep Learning with Python, 1st ed., Manning", date="2017"),
    "DLwP2": Document("book", "F. Chollet, Deep Learning with Python, 2nd ed., Manning", date="2021"),
    "HG 8-2 (2020)": Document(title="HG notebook 8-2, the book's run", path="8-2.ipynb",
                              revision="42e3933d5dfc462beb8c36550f5f08f153d91ff0", date="2020-11-19",
                              remark="the outputs of the run of 2020-09-25 (32557a0), unchanged to this revision",
                              **_HG),
    "HG 8-2 (2024)": Document(title="HG notebook 8-2, re-run under Keras 3.4.1", path="8-2.ipynb",
                              revision="3d0b0d54c7cb540dd05524259f1e86ddf8391f4a", date="2024-08-06", **_HG),
    "HG 8-3 (2020)": Document(title="HG notebook 8-3, the book's run", path="8-3.ipynb",
                              revision="42e3933d5dfc462beb8c36550f5f08f153d91ff0", date="2020-11-19", **_HG),
    "HG 8-3 (2024)": Document(title="HG notebook 8-3, re-run under Keras 3.4.1", path="8-3.ipynb",
                              revision="82742d6f2eef130e079b0a819a587ce0c0060543", date="2024-08-06", **_HG),
    "TFT 2019": Document(title="TensorFlow 2.0 alpha tutorial: Transfer learning with a pretrained ConvNet",
                         kind="page", repository="tensorflow/docs",
                         path="site/en/r2/tutorials/images/transfer_learning.ipynb",
                         revision="0e5f70587ac39becefc9de6569befa3b4471898f", date="2019-05-20",
                         remark="TF 2.0 alpha, TFDS cats_vs_dogs split 80/10/10. The repository keeps no outputs: "
                                "the numbers are the page rendered from this notebook at "
                                "tensorflow.org/alpha/tutorials/images/transfer_learning (its last revision before "
                                "the alpha pages became beta's, 2019-06-05), read from a stored copy of that page"),
    "notes-fashion-cnn": Document("notes", "study notes: the Fashion-MNIST CNN with Keras (HG 8-1, 8-2)",
                                  path="seeds/002_ca22ed099dd42886.txt", revision="d3c86ac4a00a"),
    "notes-tfds": Document("notes", "study notes: cats_vs_dogs practice with TFDS (160×160)",
                           path="seeds/003_f6fe77870d09791c.txt", revision="28198337b254"),
})
