"""Import a SNOMED CT RF2 release (International Edition, a national edition, or a folder of Snapshot files).

Read, from the Snapshot files: ``sct2_Concept_Snapshot_*`` (which concepts are active),
``sct2_Description_Snapshot-en*`` (fully specified names, whose trailing "(tag)" is the semantic tag, and
synonyms) and, when present, ``der2_cRefset_LanguageSnapshot-en*`` (which synonym is preferred: US English if
the release has it, else GB English, else the largest language refset). Files are streamed; nothing is held in
memory but the current batch.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from medauto.engines.vocab.store import ImportReport, Meter, Progress, ReleaseSource, StoreWriter, VocabImportError

FSN = "900000000000003001"
SYNONYM = "900000000000013009"
PREFERRED = "900000000000548007"
US_ENGLISH = "900000000000509007"
GB_ENGLISH = "900000000000508004"

CONCEPT_HEADER = ("id", "effectiveTime", "active", "moduleId", "definitionStatusId")
DESCRIPTION_HEADER = (
    "id",
    "effectiveTime",
    "active",
    "moduleId",
    "conceptId",
    "languageCode",
    "typeId",
    "term",
    "caseSignificanceId",
)
LANGUAGE_HEADER = ("id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "acceptabilityId")

_RF2 = r"_([A-Za-z0-9]+)_(\d{8})\.txt$"
_CONCEPTS = re.compile(r"^sct2_Concept_Snapshot" + _RF2)
_DESCRIPTIONS = re.compile(r"^sct2_Description_Snapshot-en(?:-[A-Za-z]+)?" + _RF2)
_LANGUAGES = re.compile(r"^der2_cRefset_LanguageSnapshot-en(?:-[A-Za-z]+)?" + _RF2)
_TAG = re.compile(r"\s*\(([^()]+)\)\s*$")
# The release's namespace token -> edition name ("INT", "US1000124", "GB1000000", "AU1000036" ...).
_EDITIONS = {
    "INT": "International",
    "US": "US Edition",
    "GB": "UK Edition",
    "UK": "UK Edition",
    "AU": "Australian Edition",
    "CA": "Canadian Edition",
    "IE": "Irish Edition",
    "NZ": "New Zealand Edition",
    "SE": "Swedish Edition",
    "DK": "Danish Edition",
    "NL": "Netherlands Edition",
    "BE": "Belgian Edition",
    "NO": "Norwegian Edition",
    "CH": "Swiss Edition",
    "ES": "Spanish Edition",
    "EE": "Estonian Edition",
}


def semantic_tag(fsn: str) -> tuple[str, str]:
    """("Heart structure", "body structure") from "Heart structure (body structure)"; no tag -> ("...", "")."""
    match = _TAG.search(fsn)
    return (fsn[: match.start()], match.group(1).strip().lower()) if match else (fsn, "")


def edition_name(namespace: str) -> str | None:
    if namespace.upper() == "INT":
        return _EDITIONS["INT"]
    return _EDITIONS.get(re.sub(r"\d.*$", "", namespace).upper())


def _members(source: ReleaseSource, pattern: re.Pattern[str]) -> list[tuple[str, str, str]]:
    """(name, namespace, date) of the Snapshot members matching ``pattern``."""
    out = []
    for name in source.names:
        match = pattern.search(PurePosixPath(name).name)
        if match:
            out.append((name, match.group(1), match.group(2)))
    return sorted(out)


