"""Import an RxNorm release (``RXNCONSO.RRF`` from NLM's full, weekly or prescribable zip, or its folder).

Only RxNorm's own English atoms are kept (SAB=RXNORM, LAT=ENG, not suppressed) of the term types that name
drugs and their ingredients. Every kept atom becomes a searchable term; a concept's preferred name and kind are
those of its defining atom (IN, PIN, MIN, BN, SCD, SBD ...), never of a synonym.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from medauto.engines.vocab.store import (
    ImportReport,
    Meter,
    Progress,
    Release,
    ReleaseSource,
    StoreWriter,
    VocabImportError,
    commit_release,
)

# RXNCONSO.RRF columns (the line ends with a '|', so a split yields one empty field more).
RXCUI, LAT, RXAUI, SAB, TTY, STR, SUPPRESS = 0, 1, 7, 11, 12, 14, 16
FIELDS = 18
# Term types that define a concept, in the order a concept's preferred name is taken from, then synonyms.
DEFINING_TTYS = ("IN", "PIN", "MIN", "BN", "SCD", "SBD", "GPCK", "BPCK", "SCDC", "SBDC", "SCDF", "SBDF")
SYNONYM_TTYS = ("PSN", "SY", "TMSY")
KEPT_TTYS = frozenset(DEFINING_TTYS + SYNONYM_TTYS)
SUPPRESSED = frozenset({"O", "Y", "E"})

_CONSO = re.compile(r"(?:^|/)RXNCONSO\.RRF$", re.IGNORECASE)
# NLM names releases RxNorm_full_MMDDYYYY.zip (also _weekly_, _prescribe_, _full_prescribe_) with a
# Readme_full_MMDDYYYY.txt inside.
_RELEASE = re.compile(r"(?:RxNorm|Readme)_(full_prescribe|full|weekly|prescribe)_(\d{2})(\d{2})(\d{4})", re.IGNORECASE)
_EDITIONS = {
    "full": "Full Monthly Release",
    "full_prescribe": "Current Prescribable Content",
    "prescribe": "Current Prescribable Content",
    "weekly": "Weekly Update",
}


def _conso_file(source: ReleaseSource) -> str:
    found = sorted((n for n in source.names if _CONSO.search(n)), key=lambda n: ("/rrf/" not in f"/{n}", len(n)))
    if not found:
        raise VocabImportError(f"{source.path}: no RXNCONSO.RRF found (expected rrf/RXNCONSO.RRF in the release)")
    return found[0]


def detect_release(source: ReleaseSource) -> tuple[str, str, str] | None:
    """(version as YYYY-MM-DD, version date as YYYYMMDD, edition) from the release or Readme name."""
    for name in [source.path.name, *source.names]:
        match = _RELEASE.search(name)
        if match:
            kind, month, day, year = match.groups()
            return f"{year}-{month}-{day}", f"{year}{month}{day}", _EDITIONS[kind.lower()]
    return None


def import_rxnorm(
    source_path: Path,
    target: Path,
    version: str | None = None,
    progress: Progress | None = None,
    edition: str | None = None,
) -> ImportReport:
    """Build the RxNorm store at ``target`` from a release folder or zip. ``version`` overrides the detected one."""
    started = time.monotonic()
    with ReleaseSource(source_path) as source, StoreWriter(target) as writer:
        detected = detect_release(source)
        if version is None and detected is None:
            raise VocabImportError(
                f"{source_path}: cannot tell the RxNorm version from the release or Readme name; pass a version"
            )
        name = _conso_file(source)
        meter = Meter(source.size(name), progress)
        kept = 0
        for number, line in source.lines(name, meter):
            if not line:
                continue
            fields = line.split("|")
            if len(fields) < FIELDS or not fields[RXCUI].isdigit():
                raise VocabImportError(
                    f"{name} line {number}: not an RXNCONSO.RRF row (expected {FIELDS} '|'-separated fields "
                    f"starting with a numeric RXCUI, found {len(fields)} fields)"
                )
            if (
                fields[SAB] != "RXNORM"
                or fields[LAT] != "ENG"
                or fields[SUPPRESS] in SUPPRESSED
                or fields[TTY] not in KEPT_TTYS
            ):
                continue
            writer.add_term(fields[RXCUI], fields[STR], fields[TTY], fields[RXAUI])
            kept += 1
        meter.finish()
        if not kept:
            raise VocabImportError(f"{name}: no RxNorm atoms (SAB=RXNORM, LAT=ENG, not suppressed) to import")
        order = " ".join(f"WHEN '{tty}' THEN {rank}" for rank, tty in enumerate(DEFINING_TTYS + SYNONYM_TTYS))
        writer.execute(
            f"""INSERT INTO concepts (code, preferred, kind, active)
                SELECT code, term, term_type, 1 FROM (
                    SELECT code, term, term_type, row_number() OVER (
                        PARTITION BY code ORDER BY CASE term_type {order} ELSE 99 END, id) AS pick
                    FROM terms)
                WHERE pick = 1"""
        )
        version_label, version_date, found_edition = detected or (version or "", "", "")
        release = Release("rxnorm", "RxNorm", version or version_label, version_date, edition or found_edition)
        return commit_release(writer, release, source, source_path, target, started)
