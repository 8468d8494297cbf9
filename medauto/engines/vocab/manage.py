"""Vocabulary stores under ``<data_dir>/vocab``: import a release, install the shipped demo, list what is there."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from medauto.engines.vocab.rxnorm import import_rxnorm
from medauto.engines.vocab.snomed import import_snomed
from medauto.engines.vocab.store import ImportReport, Progress, VocabError, VocabImportError, read_meta

Kind = Literal["rxnorm", "snomedct"]
KINDS: tuple[Kind, ...] = get_args(Kind)
DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_VERSION = "medauto-demo-2026-11"
DEMO_EDITIONS: dict[Kind, str] = {"rxnorm": "Demo (RxNorm subset)", "snomedct": "Demo (GPS subset)"}


def vocab_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "vocab"


def store_path(data_dir: Path, kind: Kind) -> Path:
    """Where the store of ``kind`` lives: ``<data_dir>/vocab/<kind>.sqlite``."""
    return vocab_dir(data_dir) / f"{_checked(kind)}.sqlite"


def demo_source(kind: Kind) -> Path:
    """The shipped demo release of ``kind`` (same formats as the official releases)."""
    return DEMO_DIR / _checked(kind)


def _checked(kind: str) -> Kind:
    if kind not in KINDS:
        raise VocabError(f"unknown vocabulary kind {kind!r}; known: {', '.join(KINDS)}")
    return kind


def import_release(
    kind: Kind,
    source: Path,
    data_dir: Path,
    version: str | None = None,
    progress: Progress | None = None,
    *,
    edition: str | None = None,
) -> ImportReport:
    """Import a release folder or zip into ``<data_dir>/vocab/<kind>.sqlite``, replacing any store atomically.

    ``progress(done_bytes, total_bytes)`` is called while the release files are read. ``version`` (and
    ``edition``) override what the release names tell; RxNorm needs ``version`` when its names tell nothing.
    Raises ``VocabImportError`` (nothing is written) when the release cannot be read.
    """
    target = store_path(data_dir, kind)
    importer = import_rxnorm if kind == "rxnorm" else import_snomed
    return importer(Path(source), target, version, progress, edition)


def ensure_demo(data_dir: Path) -> None:
    """Import the shipped demo of every kind that has no store yet (a user's own import is never replaced)."""
    for kind in KINDS:
        if not store_path(data_dir, kind).is_file():
            import_release(kind, demo_source(kind), data_dir, DEMO_VERSION, edition=DEMO_EDITIONS[kind])


def list_stores(data_dir: Path) -> list[dict[str, str]]:
    """One row per installed store: kind, path, source, version, version_date, edition, language, imported_at,
    concepts, terms (``medauto vocab list``). A store that cannot be read is listed with its error."""
    rows = []
    for kind in KINDS:
        path = store_path(data_dir, kind)
        if not path.is_file():
            continue
        try:
            meta = read_meta(path)
        except VocabError as exc:
            rows.append({"kind": kind, "path": str(path), "error": str(exc)})
            continue
        keys = ("source", "version", "version_date", "edition", "language", "imported_at", "concepts", "terms")
        rows.append({"kind": kind, "path": str(path), **{k: meta.get(k, "") for k in keys}})
    return rows


__all__ = [
    "DEMO_VERSION",
    "KINDS",
    "ImportReport",
    "Kind",
    "VocabError",
    "VocabImportError",
    "demo_source",
    "ensure_demo",
    "import_release",
    "list_stores",
    "store_path",
]
