"""Every book number of the catalogue names its source at a revision, and what kind of text printed it."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from experiments.claims import CATALOGUE
from experiments.claims.sources import DOCUMENTS, TAGS

SHARED = Path(__file__).resolve().parents[2] / "shared"
COMMIT = re.compile(r"[0-9a-f]{40}")
SECTION = re.compile(r"§\d+(\.\d+)*")
CITED = [(c.id, key, cite) for c in CATALOGUE for key, cite in c.cites.items()]


@pytest.mark.parametrize(("claim_id", "key", "cite"), CITED, ids=[f"{c}:{k}" for c, k, _ in CITED])
def test_each_book_number_has_a_source_at_a_revision(claim_id, key, cite) -> None:
    assert cite.document in DOCUMENTS, f"{claim_id} {key}: no document {cite.document!r}"
    assert cite.tag in TAGS, f"{claim_id} {key}: tag {cite.tag!r} is none of {TAGS}"
    document = DOCUMENTS[cite.document]
    if document.kind == "book":
        assert SECTION.search(cite.at), f"{claim_id} {key}: a book is cited by its section, not {cite.at!r}"
        assert document.date, f"{cite.document}: a book names its edition's year"
    elif document.kind in ("notebook", "page"):
        assert document.repository and document.path, f"{cite.document}: a notebook names its repository and path"
        assert COMMIT.fullmatch(document.revision), f"{cite.document}: revision {document.revision!r} is not a commit"
        assert document.date, f"{cite.document}: a revision names its date"
    else:
        assert document.path and document.revision, f"{cite.document}: study notes name their file and its digest"
    assert cite.at, f"{claim_id} {key}: where in {cite.document} is the number?"


def test_a_book_number_without_a_source_is_refused() -> None:
    cited = next(c for c in CATALOGUE if c.numbers)
    uncited = dict(cited.cites)
    uncited.pop(next(iter(uncited)))
    with pytest.raises(ValueError, match="every book number names its source"):
        dataclasses.replace(cited, cites=uncited)


def test_a_prose_reading_is_kept_beside_the_print_it_differs_from() -> None:
    """Where the prose and the print disagree both are kept: the prose's key names its printed twin."""
    for entry in CATALOGUE:
        for key, cite in entry.cites.items():
            if key.endswith("_prose"):
                twin = key.removesuffix("_prose")
                assert cite.tag == "prose", f"{entry.id} {key}: tagged {cite.tag}"
                assert entry.cites.get(twin) and entry.cites[twin].tag == "printed", (
                    f"{entry.id} {key}: no printed {twin} beside it")


def test_every_document_is_cited() -> None:
    cited = {cite.document for _, _, cite in CITED}
    assert set(DOCUMENTS) == cited, f"documents no number cites: {sorted(set(DOCUMENTS) - cited)}"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the study notes are not beside this checkout")
def test_study_notes_are_cited_by_the_digest_of_the_file_read() -> None:
    for key, document in DOCUMENTS.items():
        if document.kind == "notes":
            digest = hashlib.sha256((SHARED / document.path).read_bytes()).hexdigest()
            assert digest.startswith(document.revision), f"{key}: {document.path} has changed since it was cited"
