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
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

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


def _stream(source: ReleaseSource, name: str, meter: Meter, header: tuple[str, ...]) -> Iterator[list[str]]:
    """The data rows of an RF2 file after checking its header and every row's field count."""
    lines = source.lines(name, meter)
    first = next(lines, None)
    if first is None or tuple(first[1].split("\t")) != header:
        found = "an empty file" if first is None else repr(first[1][:120])
        raise VocabImportError(f"{name}: not an RF2 file with the header {' '.join(header)} (found {found})")
    for number, line in lines:
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise VocabImportError(
                f"{name} line {number}: expected {len(header)} tab-separated fields, found {len(fields)}"
            )
        yield fields


def _read_concepts(source: ReleaseSource, names: list[str], meter: Meter, writer: StoreWriter) -> None:
    sql = "INSERT OR REPLACE INTO concepts (code, active) VALUES (?, ?)"
    for name in names:
        for concept_id, _, active, _, _ in _stream(source, name, meter, CONCEPT_HEADER):
            writer.add(sql, (concept_id, int(active == "1")))


def _read_descriptions(source: ReleaseSource, names: list[str], meter: Meter, writer: StoreWriter) -> None:
    fsn_sql = "INSERT OR REPLACE INTO temp.fsn (code, term, tag) VALUES (?, ?, ?)"
    for name in names:
        for desc_id, _, active, _, concept_id, language, type_id, term, _ in _stream(
            source, name, meter, DESCRIPTION_HEADER
        ):
            if active != "1" or not language.startswith("en"):
                continue
            if type_id == FSN:
                bare, tag = semantic_tag(term)
                writer.add(fsn_sql, (concept_id, bare, tag))
                writer.add_term(concept_id, bare, "FSN", desc_id)
            elif type_id == SYNONYM:
                writer.add_term(concept_id, term, "SYN", desc_id)


def _read_languages(source: ReleaseSource, names: list[str], meter: Meter, writer: StoreWriter) -> None:
    sql = "INSERT OR REPLACE INTO temp.pref (term_id, refset) VALUES (?, ?)"
    for name in names:
        for _, _, active, _, refset, desc_id, acceptability in _stream(source, name, meter, LANGUAGE_HEADER):
            if active == "1" and acceptability == PREFERRED:
                writer.add(sql, (desc_id, refset))


def _finish(writer: StoreWriter) -> None:
    """Drop terms of inactive concepts; set each concept's semantic tag and preferred term."""
    writer.execute("DELETE FROM terms WHERE code NOT IN (SELECT code FROM concepts WHERE active = 1)")
    writer.execute(
        "UPDATE concepts SET preferred = f.term, kind = f.tag FROM temp.fsn AS f WHERE f.code = concepts.code"
    )
    counts = dict(writer.execute("SELECT refset, count(*) FROM temp.pref GROUP BY refset"))
    if counts:
        refset = next((r for r in (US_ENGLISH, GB_ENGLISH) if r in counts), max(counts, key=lambda r: counts[r]))
        writer.execute("CREATE INDEX terms_term_id ON terms (term_id)")
        writer.execute(
            "UPDATE terms SET preferred = 1 WHERE term_id IN (SELECT term_id FROM temp.pref WHERE refset = ?)",
            (refset,),
        )
        writer.execute(
            "UPDATE concepts SET preferred = t.term FROM terms AS t "
            "WHERE t.code = concepts.code AND t.term_type = 'SYN' AND t.preferred = 1"
        )
        writer.execute("DROP INDEX terms_term_id")


def import_snomed(
    source_path: Path,
    target: Path,
    version: str | None = None,
    progress: Progress | None = None,
    edition: str | None = None,
) -> ImportReport:
    """Build the SNOMED CT store at ``target`` from an RF2 release folder or zip.

    The version date comes from the file names (``..._INT_20250101.txt`` -> 20250101) and the edition from their
    namespace (INT -> International, US1000124 -> US Edition ...); ``version`` and ``edition`` override them.
    """
    started = time.monotonic()
    with ReleaseSource(source_path) as source, StoreWriter(target) as writer:
        concepts = _members(source, _CONCEPTS)
        descriptions = _members(source, _DESCRIPTIONS)
        languages = _members(source, _LANGUAGES)
        if not concepts or not descriptions:
            raise VocabImportError(
                f"{source_path}: no RF2 Snapshot files found (need sct2_Concept_Snapshot_*.txt and "
                "sct2_Description_Snapshot-en_*.txt)"
            )
        namespaces = sorted({ns for _, ns, _ in concepts}, key=lambda ns: ns.upper() == "INT")
        found_edition = edition_name(namespaces[0]) or namespaces[0]
        version_date = max(date for _, _, date in concepts)
        files = [[n for n, _, _ in group] for group in (concepts, descriptions, languages)]
        meter = Meter(sum(source.size(n) for group in files for n in group), progress)
        writer.execute("CREATE TEMP TABLE fsn (code TEXT PRIMARY KEY, term TEXT NOT NULL, tag TEXT NOT NULL)")
        writer.execute(
            "CREATE TEMP TABLE pref (term_id TEXT NOT NULL, refset TEXT NOT NULL, PRIMARY KEY (refset, term_id))"
        )
        _read_concepts(source, files[0], meter, writer)
        _read_descriptions(source, files[1], meter, writer)
        _read_languages(source, files[2], meter, writer)
        meter.finish()
        _finish(writer)
        release = Release("snomedct", "SNOMED CT", version or version_date, version_date, edition or found_edition)
        return commit_release(writer, release, source, source_path, target, started)
