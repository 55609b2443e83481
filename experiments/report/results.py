"""From per-test records to per-claim verdicts: the content of results.json.

A claim may be checked by several tests (one per layer table, one per
property). Its verdict is the most serious of theirs, in the order of
`VERDICTS`; every test's message stays attached, so the report shows which
part held and which did not. A claim whose checks reproduced it except for
some skipped ones is "partly checked", never "reproduced": its message names
the part not checked.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Mapping

from experiments.claims import CATALOGUE, Claim
from experiments.claims.sources import DOCUMENTS

SCHEMA_VERSION = 1

# Most serious first: one broken check outweighs passing ones, and a check its seeds cannot decide
# outweighs one they do (experiments/judge/stats.py: a band straddled by its interval is inconclusive).
VERDICTS = ("error", "not_reproduced", "known_not_reproduced", "inconclusive", "partly_checked", "reproduced", "skipped",
            "not_encoded")

VERDICT_LABELS = {
    "reproduced": "reproduced",
    "not_reproduced": "not reproduced",
    "known_not_reproduced": "known not to reproduce",
    "inconclusive": "inconclusive",
    "partly_checked": "partly checked",
    "not_encoded": "not checked in this run",
    "skipped": "skipped",
    "error": "error",
}


def claim_verdict(test_verdicts: Iterable[str]) -> str:
    found = set(test_verdicts)
    if found == {"reproduced", "skipped"}:
        return "partly_checked"
    for verdict in VERDICTS:
        if verdict in found:
            return verdict
    return "not_encoded"


def not_checked(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """The skipped parts of a claim whose other checks ran: each skipped test's name, and why."""
    return [f"{r['test'].split('::')[-1]}: {r['message']}" for r in records if r["verdict"] == "skipped"]


def book_numbers(claim: Claim) -> list[dict[str, Any]]:
    """Each book number of ``claim`` with where it was printed: a row each in the report and FINDINGS. A printed
    summary's rows are shown by their count: the measured rows beside them show them one by one."""
    numbers = claim.numbers
    return [{"number": key, "value": f"{len(numbers[key])} layers" if key == "rows" else numbers[key],
             "source": cite.short(), "tag": cite.tag, "note": cite.note} for key, cite in claim.cites.items()]


def claim_entry(claim: Claim, records: list[Mapping[str, Any]]) -> dict[str, Any]:
    """One claim's entry in results.json, from the records of the tests that check it."""
    control, known = claim.control, claim.known_failure
    verdict = claim_verdict(r["verdict"] for r in records)
    return {
        "id": claim.id,
        "section": claim.section,
        "kind": claim.kind,
        "statement": claim.statement,
        "source": claim.cited_source,
        "book": claim.book,
        "book_numbers": book_numbers(claim),
        "band": claim.band,
        "band_reason": claim.band_reason,
        "control": control.words if control else "",
        "control_kind": control.kind if control else "",
        "control_principal": control.principal if control else "",
        "no_control": claim.no_control,
        "alongside": [a.words for a in claim.alongside],
        "known_failure": known.cause if known else "",
        "known_failure_parts": list(known.bands or known.rows) if known else [],
        "verdict": verdict,
        "not_checked": not_checked(records) if verdict == "partly_checked" else [],
        # what a control or a comparison alongside also holds, beside the claim's runs: "also without training: …"
        "qualifiers": list(dict.fromkeys(q for r in records for q in r.get("qualifiers", []))),
        "duration_s": round(sum(r["duration_s"] for r in records), 3),
        "measured": [dict(m, test=r["test"]) for r in records for m in r["measured"]],
        "figures": [f for r in records for f in r["figures"]],
        "departures": list(dict.fromkeys(d for r in records for d in r["departures"])),
        "short_departures": list(dict.fromkeys(d for r in records for d in r.get("short_departures", []))),
        "tests": [
            {k: r[k] for k in ("test", "verdict", "message", "duration_s", "notes")} for r in records
        ],
    }


def build_results(run: Mapping[str, Any], records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """results.json: the run, then every claim of the catalogue in catalogue order."""
    by_claim: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        by_claim.setdefault(record["claim"], []).append(record)
    return {
        "schema_version": SCHEMA_VERSION,
        "run": dict(run),
        "documents": {key: asdict(document) for key, document in DOCUMENTS.items()},
        "claims": [claim_entry(c, by_claim.get(c.id, [])) for c in CATALOGUE],
    }


def verdict_counts(claims: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(VERDICTS, 0)
    for entry in claims:
        counts[entry["verdict"]] += 1
    return counts


class ResultsError(Exception):
    """results.json cannot be rendered: missing, unreadable, or of another schema."""


def load_results(path: Path) -> dict[str, Any]:
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(f"{path}: not a readable results.json ({error})") from None
    version = results.get("schema_version") if isinstance(results, dict) else None
    if version != SCHEMA_VERSION:
        raise ResultsError(
            f"{path}: schema version {version!r}, this renderer reads version {SCHEMA_VERSION}; "
            "re-run the suite or use the version of convnet-claims that wrote it"
        )
    return results
