"""Vocabulary stores: importing the shipped demo releases (folder and zip), linking, metadata, atomic replacement."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from medauto.engines.text.types import Analysis, Category, Mention, Relation, Span
from medauto.engines.vocab.linker import (
    Concept,
    VocabLinker,
    link_medications,
    link_snomed,
    medication_query,
    snomed_filter,
)
from medauto.engines.vocab.manage import (
    DEMO_VERSION,
    demo_source,
    ensure_demo,
    import_release,
    list_stores,
    store_path,
)
from medauto.engines.vocab.store import VocabError, VocabImportError, fingerprint, read_meta

DX = snomed_filter("DX_NAME")
SITE = snomed_filter("SYSTEM_ORGAN_SITE")
TEST = snomed_filter("TEST_NAME")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data")
    ensure_demo(path)
    return path


@pytest.fixture(scope="module")
def rxnorm(data_dir: Path) -> VocabLinker:
    return VocabLinker.load(store_path(data_dir, "rxnorm"))


@pytest.fixture(scope="module")
def snomed(data_dir: Path) -> VocabLinker:
    return VocabLinker.load(store_path(data_dir, "snomedct"))


def codes(concepts: list[Concept]) -> list[str]:
    return [c.code for c in concepts]


def zipped(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, prefix + file.relative_to(folder).as_posix())
    return archive


def leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "vocab").glob("*.tmp"))


def test_ensure_demo_installs_both_stores_once(data_dir: Path) -> None:
    assert store_path(data_dir, "rxnorm") == data_dir / "vocab" / "rxnorm.sqlite"
    before = {kind: store_path(data_dir, kind).stat().st_mtime_ns for kind in ("rxnorm", "snomedct")}
    ensure_demo(data_dir)  # a second call leaves existing stores alone
    assert before == {kind: store_path(data_dir, kind).stat().st_mtime_ns for kind in ("rxnorm", "snomedct")}
    assert leftovers(data_dir) == []


def test_rxnorm_bare_ingredient_prefers_the_ingredient(rxnorm: VocabLinker) -> None:
    found = rxnorm.search("aspirin")
    assert found[0].code == "1191" and found[0].kind == "IN" and found[0].description == "aspirin"
    assert rxnorm.search("Metformin")[0].code == "6809"
    assert rxnorm.search("metformin hydrochloride")[0].code == "235743"  # the precise ingredient
    assert rxnorm.search("Lipitor")[0].code == "153165"
    assert rxnorm.search("HCTZ")[0].code == "5487"


def test_rxnorm_strength_and_form_prefer_the_clinical_drug(rxnorm: VocabLinker) -> None:
    found = rxnorm.search("aspirin 81 mg oral tablet")
    assert found[0].code == "243670" and found[0].kind == "SCD"
    assert found[0].description == "aspirin 81 MG Oral Tablet"
    assert rxnorm.search("aspirin 81mg PO")[0].code == "243670"
    assert rxnorm.search("lisinopril 20 mg tab")[0].code == "314077"
    assert rxnorm.search("lisinopril 10 mg")[0].code == "314076"
    assert rxnorm.search("metformin 500 mg")[0].code == "861007"
    assert rxnorm.search("irbesartan 150 mg")[0].code == "153666"  # the branded drug


def test_scores_are_ranked_bounded_and_limited(rxnorm: VocabLinker, snomed: VocabLinker) -> None:
    for linker, query in ((rxnorm, "lisinopril"), (snomed, "diabetes"), (snomed, "pain")):
        found = linker.search(query, limit=3)
        assert 1 <= len(found) <= 3
        assert all(0 < c.score <= 1 for c in found)
        assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert rxnorm.search("zzzz unknown words") == []
    assert rxnorm.search("") == []
    assert rxnorm.search("aspirin", limit=0) == []


def test_snomed_links_by_semantic_tag(snomed: VocabLinker) -> None:
    assert snomed.search("hypertension", semantic_filter=DX)[0].code == "38341003"
    assert snomed.search("HTN", semantic_filter=DX)[0].code == "38341003"
    chest_pain = snomed.search("chest pain", semantic_filter=DX)[0]
    assert (chest_pain.code, chest_pain.description, chest_pain.kind) == ("29857009", "Chest pain", "finding")
    assert snomed.search("type 2 diabetes", semantic_filter=DX)[0].code == "44054006"
    assert snomed.search("heart attack", semantic_filter=DX)[0].code == "22298006"
    assert snomed.search("shortness of breath", semantic_filter=DX)[0].code == "267036007"
    assert snomed.search("heart", semantic_filter=SITE)[0].code == "80891009"
    assert snomed.search("chest x-ray", semantic_filter=TEST)[0].code == "399208008"
    # The filter keeps other hierarchies out: "heart" as a condition is never the body structure.
    assert "80891009" not in codes(snomed.search("heart", semantic_filter=DX))
    assert all(c.kind == "body structure" for c in snomed.search("heart", semantic_filter=SITE))


def test_snomed_preferred_term_comes_from_the_language_refset(snomed: VocabLinker) -> None:
    concept = snomed.concept("44054006")
    assert concept is not None and concept.description == "Type 2 diabetes mellitus"  # not the FSN wording
    assert concept.kind == "disorder"
    assert snomed.concept("0") is None


def test_details(rxnorm: VocabLinker, snomed: VocabLinker, data_dir: Path) -> None:
    details = snomed.details()
    assert details["source"] == "SNOMED CT"
    assert details["version"] == DEMO_VERSION
    assert details["version_date"] == "20261101"
    assert details["edition"] == "Demo (GPS subset)"
    assert details["language"] == "en"
    assert details["concepts"] == "81"
    assert rxnorm.details()["source"] == "RxNorm" and rxnorm.details()["version"] == DEMO_VERSION
    assert rxnorm.details()["concepts"] == "67"
    meta = read_meta(store_path(data_dir, "rxnorm"))
    assert meta["imported_at"].endswith("Z") and meta["tokenizer"] == fingerprint()
    with sqlite3.connect(store_path(data_dir, "snomedct")) as conn:
        files = dict(conn.execute("SELECT name, sha256 FROM files"))
    assert len(files) == 3 and all(len(digest) == 64 for digest in files.values())
    listed = {row["kind"]: row for row in list_stores(data_dir)}
    assert listed["snomedct"]["edition"] == "Demo (GPS subset)" and listed["rxnorm"]["terms"] == "68"


def test_zipped_releases_import_the_same(tmp_path: Path, snomed: VocabLinker) -> None:
    archive = zipped(demo_source("snomedct"), tmp_path / "SnomedCT_Demo.zip", prefix="SnomedCT_Demo/")
    report = import_release("snomedct", archive, tmp_path / "data", "v1", edition="Demo (GPS subset)")
    assert (report.concepts, report.terms, report.version_date) == (81, 236, "20261101")
    linker = VocabLinker.load(report.store)
    for query in ("hypertension", "chest pain", "atrial fibrillation"):
        assert codes(linker.search(query, semantic_filter=DX)) == codes(snomed.search(query, semantic_filter=DX))
    # RxNorm: the version and edition come from NLM's release name when none is given.
    archive = zipped(demo_source("rxnorm"), tmp_path / "RxNorm_full_11032026.zip")
    report = import_release("rxnorm", archive, tmp_path / "data")
    assert (report.version, report.version_date, report.edition) == ("2026-11-03", "20261103", "Full Monthly Release")
    assert report.concepts == 67 and VocabLinker.load(report.store).search("aspirin")[0].code == "1191"


def test_rxnorm_keeps_only_english_current_rxnorm_atoms(tmp_path: Path) -> None:
    rows = [
        "1191|ENG||||||A1||||RXNORM|IN|1191|aspirin||N||",
        "1191|ENG||||||A2||||MTHSPL|SU|X|acetylsalicylic acid||N||",  # other source
        "1191|SPA||||||A3||||RXNORM|SY|1191|aspirina||N||",  # not English
        "1191|ENG||||||A4||||RXNORM|SY|1191|old aspirin name||O||",  # obsolete
        "1191|ENG||||||A5||||RXNORM|DF|1191|dose form row||N||",  # term type not kept
        "1191|ENG||||||A6||||RXNORM|SY|1191|ASA||N||",  # kept synonym, concept stays the IN
    ]
    release = tmp_path / "rel" / "rrf"
    release.mkdir(parents=True)
    (release / "RXNCONSO.RRF").write_text("\n".join(rows) + "\n")
    report = import_release("rxnorm", release.parent, tmp_path / "data", "test")
    assert (report.concepts, report.terms) == (1, 2)
    linker = VocabLinker.load(report.store)
    assert linker.search("acetylsalicylic acid") == [] and linker.search("aspirina") == []
    assert [(c.code, c.description, c.kind) for c in linker.search("ASA")] == [("1191", "aspirin", "IN")]


def test_snomed_skips_inactive_concepts_and_descriptions(tmp_path: Path) -> None:
    folder = tmp_path / "rf2"
    shutil.copytree(demo_source("snomedct"), folder)
    concepts = next(folder.rglob("sct2_Concept_Snapshot_*"))
    descriptions = next(folder.rglob("sct2_Description_Snapshot-en_*"))
    text = concepts.read_text().replace("29857009\t20261101\t1", "29857009\t20261101\t0")
    concepts.write_text(text)
    lines = descriptions.read_text().splitlines()
    lines = [ln.replace("\t1\t", "\t0\t", 1) if "\tHeart attack\t" in ln else ln for ln in lines]
    descriptions.write_text("\n".join(lines) + "\n")
    linker = VocabLinker.load(import_release("snomedct", folder, tmp_path / "data", "t").store)
    assert "29857009" not in codes(linker.search("chest pain", semantic_filter=DX))
    with sqlite3.connect(linker.path) as conn:
        assert conn.execute("SELECT count(*) FROM terms WHERE term = 'Heart attack'").fetchone() == (0,)
    conn.close()
    assert all(c.score < 0.9 for c in linker.search("heart attack", semantic_filter=DX))
    assert linker.details()["concepts"] == "80"


def test_malformed_release_fails_clearly_and_writes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    release = tmp_path / "rx"
    shutil.copytree(demo_source("rxnorm"), release)
    with (release / "rrf" / "RXNCONSO.RRF").open("a") as fh:
        fh.write("this is not|an RRF row\n")
    with pytest.raises(VocabImportError, match=r"RXNCONSO\.RRF line 69: not an RXNCONSO\.RRF row"):
        import_release("rxnorm", release, data_dir, "x")
    assert not store_path(data_dir, "rxnorm").exists() and leftovers(data_dir) == []

    broken = tmp_path / "rf2"
    shutil.copytree(demo_source("snomedct"), broken)
    concepts = next(broken.rglob("sct2_Concept_Snapshot_*"))
    concepts.write_text("conceptId\tstatus\n1\t2\n")
    with pytest.raises(VocabImportError, match="not an RF2 file with the header"):
        import_release("snomedct", broken, data_dir)
    assert not store_path(data_dir, "snomedct").exists() and leftovers(data_dir) == []

    with pytest.raises(VocabImportError, match="no RF2 Snapshot files"):
        import_release("snomedct", demo_source("rxnorm"), data_dir)
    with pytest.raises(VocabImportError, match="cannot tell the RxNorm version"):
        import_release("rxnorm", demo_source("rxnorm"), data_dir)
    with pytest.raises(VocabImportError, match="does not exist"):
        import_release("rxnorm", tmp_path / "missing.zip", data_dir, "x")
    with pytest.raises(VocabError, match="no vocabulary store"):
        VocabLinker.load(store_path(data_dir, "rxnorm"))


def test_reimport_replaces_atomically(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = import_release("rxnorm", demo_source("rxnorm"), data_dir, "one")
    old = VocabLinker.load(first.store)
    assert VocabLinker.load(first.store) is old  # cached while the file is unchanged
    import_release("rxnorm", demo_source("rxnorm"), data_dir, "two")
    new = VocabLinker.load(first.store)
    assert new is not old and new.details()["version"] == "two"
    assert old.search("aspirin")[0].code == "1191"  # a reader of the old store keeps working

    bad = tmp_path / "bad"
    shutil.copytree(demo_source("rxnorm"), bad)
    (bad / "rrf" / "RXNCONSO.RRF").write_text("1191|ENG|broken\n")
    with pytest.raises(VocabImportError):
        import_release("rxnorm", bad, data_dir, "three")
    assert VocabLinker.load(first.store) is new and read_meta(first.store)["version"] == "two"
    assert leftovers(data_dir) == []


def test_progress_is_reported_in_bytes(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    import_release("snomedct", demo_source("snomedct"), tmp_path, "p", lambda done, total: calls.append((done, total)))
    total = sum(p.stat().st_size for p in demo_source("snomedct").rglob("*.txt"))
    assert len(calls) > 10 and calls[-1] == (total, total)
    assert all(t == total for _, t in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_stale_tokenizer_is_reindexed_on_load(tmp_path: Path) -> None:
    store = import_release("snomedct", demo_source("snomedct"), tmp_path, "r").store
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE meta SET value = 'old' WHERE key = 'tokenizer'")
        conn.execute("UPDATE terms SET tokens = 'stale' WHERE term = 'Hypertension'")
    conn.close()
    linker = VocabLinker.load(store)
    assert read_meta(store)["tokenizer"] == fingerprint()
    assert linker.search("hypertension", semantic_filter=DX)[0].code == "38341003"


def _mention(ident: int, text: str, note: str, label: str, category: Category) -> Mention:
    begin = note.index(text)
    return Mention(ident, Span(begin, begin + len(text), text, label, category, 0.9))


def test_medication_query_and_linking(rxnorm: VocabLinker) -> None:
    note = "Takes aspirin 81 mg PO daily and Lipitor."
    med = Category.MEDICATION
    aspirin = _mention(0, "aspirin", note, "GENERIC_NAME", med)
    for n, (text, label) in enumerate((("81 mg", "DOSAGE"), ("PO", "ROUTE_OR_MODE"), ("daily", "FREQUENCY")), 1):
        aspirin.relations.append(Relation(_mention(n, text, note, label, med), label, 0.9))
    lipitor = _mention(4, "Lipitor", note, "BRAND_NAME", med)
    linked = link_medications(Analysis([lipitor, aspirin]), rxnorm)
    assert [(m.span.text, medication_query(m)) for m, _ in linked] == [
        ("aspirin", "aspirin 81 mg PO"),
        ("Lipitor", "Lipitor"),
    ]
    assert [concepts[0].code for _, concepts in linked] == ["243670", "153165"]


def test_snomed_linking_of_entities_and_sites(snomed: VocabLinker) -> None:
    note = "Chest pain, heart failure; ECG done."
    pain = _mention(0, "Chest pain", note, "DX_NAME", Category.MEDICAL_CONDITION)
    failure = _mention(1, "heart failure", note, "DX_NAME", Category.MEDICAL_CONDITION)
    heart = _mention(2, "heart", note, "SYSTEM_ORGAN_SITE", Category.ANATOMY)
    failure.relations.append(Relation(heart, "SYSTEM_ORGAN_SITE", 0.9))
    ecg = _mention(3, "ECG", note, "TEST_NAME", Category.TEST_TREATMENT_PROCEDURE)
    links = link_snomed(Analysis([ecg, failure, pain, heart]), snomed)
    assert [(link.mention.span.text, link.concepts[0].code) for link in links] == [
        ("Chest pain", "29857009"),
        ("heart failure", "84114007"),
        ("ECG", "29303009"),
    ]
    assert codes(links[1].attributes[2]) == ["80891009"]  # the site is looked up among body structures only
