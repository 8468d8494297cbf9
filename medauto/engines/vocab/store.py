"""Local vocabulary stores (one SQLite file per vocabulary) and streaming reads of release files.

A store (``<data_dir>/vocab/<kind>.sqlite``) holds:

- ``meta(key, value)``: source, kind, version, version_date, edition, language, imported_at, format, tokenizer,
  concept and term counts;
- ``files(name, size, sha256)``: every release file read, with its checksum;
- ``concepts(code, preferred, kind, active)``: ``kind`` is the RxNorm term type (IN, SCD ...) or the SNOMED CT
  semantic tag (disorder, body structure ...);
- ``terms(id, code, term, term_type, term_id, preferred, tokens, key, norm)``: every name indexed for a concept,
  its normalised words (``icd10cm.tokens``), their set as a lookup key, and the length of its TF-IDF vector;
- ``term_index`` (FTS5 over ``terms.tokens``) and ``token_df(token, df)``: the inverted index the linker
  queries, so a search never loads the vocabulary into memory.

A store is built in a temporary file beside its target and renamed over it only when complete: readers see the
old store or the new one, never half of either, and a failed import leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import secrets
import shutil
import sqlite3
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from medauto.engines.text.icd10cm import _FILLER as _ICD_FILLER
from medauto.engines.text.icd10cm import _FILLER_WEIGHT, _SYNONYMS, tokens

Progress = Callable[[int, int], None]
FORMAT = "1"  # bump when the schema changes; older stores must be imported again
# Words that carry little meaning in these vocabularies ("Heart structure", "Hypertensive disorder").
FILLER = _ICD_FILLER | frozenset({"structure", "disorder", "finding", "procedure", "entire", "region"})
FILLER_WEIGHT = _FILLER_WEIGHT
_BATCH = 20_000
_PAGE = 50_000


class VocabError(Exception):
    """A vocabulary store is missing, unreadable or from an incompatible medauto version."""


class VocabImportError(VocabError):
    """A release could not be imported (wrong layout, malformed row ...); no store was written."""


@dataclass(frozen=True, slots=True)
class FileRecord:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: str
    store: Path
    source: Path
    version: str
    version_date: str
    edition: str
    language: str
    concepts: int
    terms: int
    files: tuple[FileRecord, ...]
    seconds: float


def fingerprint() -> str:
    """Identifies the token normalisation and weights baked into a store; a change triggers a re-index."""
    spec = repr((FORMAT, sorted(_SYNONYMS.items()), sorted(FILLER), FILLER_WEIGHT, tokens("Kidneys, renal-HTN")))
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


def weight(token: str, df: int, n_terms: int) -> float:
    idf = math.log(1 + n_terms / max(df, 1))
    return idf * FILLER_WEIGHT if token in FILLER else idf


def vector_norm(toks: Iterable[str], df: dict[str, int], n_terms: int) -> float:
    counts = Counter(toks)
    return math.sqrt(sum((c * weight(t, df.get(t, 1), n_terms)) ** 2 for t, c in counts.items())) or 1.0


_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -65536;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE concepts (
    code TEXT PRIMARY KEY, preferred TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE terms (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, term TEXT NOT NULL, term_type TEXT NOT NULL,
    term_id TEXT NOT NULL DEFAULT '', preferred INTEGER NOT NULL DEFAULT 0, tokens TEXT NOT NULL,
    key TEXT NOT NULL, norm REAL NOT NULL DEFAULT 1.0
);
"""
_INSERT_TERM = "INSERT INTO terms (code, term, term_type, term_id, preferred, tokens, key) VALUES (?, ?, ?, ?, ?, ?, ?)"


def token_key(toks: Iterable[str]) -> str:
    """The set of a term's tokens as one string: equal for "chest pain" and "pain in chest"."""
    return " ".join(sorted(set(toks) - FILLER))


def build_index(conn: sqlite3.Connection) -> None:
    """(Re)build the inverted index, document frequencies and vector norms from ``terms.tokens``."""
    conn.executescript(
        """
        DROP TABLE IF EXISTS term_index;
        DROP TABLE IF EXISTS token_df;
        CREATE INDEX IF NOT EXISTS terms_code ON terms (code);
        CREATE INDEX IF NOT EXISTS terms_key ON terms (key);
        CREATE VIRTUAL TABLE term_index USING fts5 (tokens, content='terms', content_rowid='id', detail='column');
        INSERT INTO term_index (term_index) VALUES ('rebuild');
        CREATE VIRTUAL TABLE temp.term_vocab USING fts5vocab (main, 'term_index', 'row');
        CREATE TABLE token_df (token TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO token_df SELECT term, doc FROM temp.term_vocab;
        DROP TABLE temp.term_vocab;
        """
    )
    n_terms = conn.execute("SELECT count(*) FROM terms").fetchone()[0]
    df: dict[str, int] = dict(conn.execute("SELECT token, df FROM token_df"))
    last = 0
    while rows := conn.execute(
        "SELECT id, tokens FROM terms WHERE id > ? ORDER BY id LIMIT ?", (last, _PAGE)
    ).fetchall():
        conn.executemany(
            "UPDATE terms SET norm = ? WHERE id = ?", [(vector_norm(t.split(), df, n_terms), i) for i, t in rows]
        )
        conn.commit()
        last = rows[-1][0]
    conn.execute("ANALYZE")


def _replace(tmp: Path, target: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    with contextlib.suppress(OSError):  # not every file system lets a directory be fsynced
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _temp_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


class StoreWriter:
    """Builds a store in a temporary file; ``commit`` renames it over ``target``, anything else removes it."""

    def __init__(self, target: Path, batch: int = _BATCH) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.tmp = _temp_beside(target)
        self.conn = sqlite3.connect(self.tmp)
        self.conn.executescript(_SCHEMA)
        self._batch = batch
        self._pending: dict[str, list[tuple[Any, ...]]] = {}
        self._done = False

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self.abort()

    def add(self, sql: str, row: tuple[Any, ...]) -> None:
        """Queue ``row`` for ``sql``; queued rows are written and committed in batches."""
        rows = self._pending.setdefault(sql, [])
        rows.append(row)
        if len(rows) >= self._batch:
            self._flush(sql)

    def add_term(self, code: str, term: str, term_type: str, term_id: str = "", preferred: bool = False) -> None:
        toks = tokens(term)
        if toks:
            self.add(_INSERT_TERM, (code, term, term_type, term_id, int(preferred), " ".join(toks), token_key(toks)))

    def _flush(self, sql: str) -> None:
        rows = self._pending.pop(sql, [])
        if rows:
            self.conn.executemany(sql, rows)
            self.conn.commit()

    def flush(self) -> None:
        for sql in list(self._pending):
            self._flush(sql)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        self.flush()
        rows = self.conn.execute(sql, params).fetchall()
        self.conn.commit()
        return rows

    def commit(self, meta: dict[str, str], files: Iterable[FileRecord]) -> tuple[int, int]:
        """Index, record metadata, and atomically replace the target. Returns (concepts, terms)."""
        self.flush()
        concepts = self.conn.execute("SELECT count(*) FROM concepts WHERE active = 1").fetchone()[0]
        terms = self.conn.execute("SELECT count(*) FROM terms").fetchone()[0]
        if not concepts or not terms:
            raise VocabImportError(f"no usable concepts were found for {self.target.name}")
        build_index(self.conn)
        values = {**meta, "format": FORMAT, "tokenizer": fingerprint(), "concepts": str(concepts), "terms": str(terms)}
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(values.items()))
        self.conn.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?)", [(f.name, f.size, f.sha256) for f in files]
        )
        self.conn.commit()
        self.conn.close()
        _replace(self.tmp, self.target)
        self._done = True
        return concepts, terms

    def abort(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        self.tmp.unlink(missing_ok=True)
        self._done = True


@dataclass(frozen=True, slots=True)
class Release:
    """What one imported release is, as recorded in the store's metadata and reported to the user."""

    kind: str  # "rxnorm" | "snomedct"
    source: str  # display name, e.g. "RxNorm"
    version: str
    version_date: str
    edition: str


def commit_release(
    writer: StoreWriter, release: Release, source: ReleaseSource, source_path: Path, target: Path, started: float
) -> ImportReport:
    """Record the release's metadata, atomically publish the store, and report what was imported."""
    meta = {
        "kind": release.kind,
        "source": release.source,
        "version": release.version,
        "version_date": release.version_date,
        "edition": release.edition,
        "language": "en",
        "imported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "release": source_path.name,
    }
    concepts, terms = writer.commit(meta, source.records)
    return ImportReport(
        release.kind,
        target,
        source_path,
        release.version,
        release.version_date,
        release.edition,
        "en",
        concepts,
        terms,
        tuple(source.records),
        round(time.monotonic() - started, 3),
    )


def connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def read_meta(path: Path) -> dict[str, str]:
    try:
        conn = connect_readonly(path)
        try:
            return dict(conn.execute("SELECT key, value FROM meta"))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise VocabError(f"{path} is not a medauto vocabulary store: {exc}") from None


def reindex(path: Path) -> None:
    """Re-normalise every term of the store at ``path`` with the current tokenizer (atomically)."""
    tmp = _temp_beside(path)
    try:
        shutil.copyfile(path, tmp)
        conn = sqlite3.connect(tmp)
        try:
            conn.create_function("medauto_tokens", 1, lambda s: " ".join(tokens(s or "")), deterministic=True)
            conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            conn.create_function("medauto_key", 1, lambda s: token_key((s or "").split()), deterministic=True)
            conn.execute("UPDATE terms SET tokens = medauto_tokens(term)")
            conn.execute("UPDATE terms SET key = medauto_key(tokens)")
            conn.execute("DELETE FROM terms WHERE tokens = ''")
            conn.commit()
            build_index(conn)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('tokenizer', ?)", (fingerprint(),))
            conn.commit()
        finally:
            conn.close()
        _replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Meter:
    """Counts bytes read across a release's files and reports them to ``progress`` about 100 times."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = max(total, 0)
        self.done = 0
        self._progress = progress
        self._step = max(1, min(1 << 20, self.total // 100))
        self._next = self._step

    def advance(self, n: int) -> None:
        self.done += n
        if self._progress is not None and self.done >= self._next:
            self._next = self.done + self._step
            self._progress(min(self.done, self.total), self.total)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress(self.total, self.total)


class ReleaseSource:
    """A release as a folder or a zip file: member names (POSIX, relative), sizes and line streams."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._files: dict[str, Path] = {}
        if path.is_dir():
            self._files = {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*")) if p.is_file()}
            names = list(self._files)
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            names = [info.filename for info in self._zip.infolist() if not info.is_dir()]
        elif not path.exists():
            raise VocabImportError(f"{path} does not exist")
        else:
            raise VocabImportError(f"{path} is neither a folder nor a zip file")
        self.names = [n for n in names if "__MACOSX/" not in n and not PurePosixPath(n).name.startswith("._")]
        self.records: list[FileRecord] = []

    def __enter__(self) -> ReleaseSource:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def size(self, name: str) -> int:
        if self._zip is not None:
            return self._zip.getinfo(name).file_size
        return self._files[name].stat().st_size

    def _open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name)
        return self._files[name].open("rb")

    def lines(self, name: str, meter: Meter) -> Iterator[tuple[int, str]]:
        """(line number, text without line end) of member ``name``; its size and SHA-256 land in ``records``."""
        digest = hashlib.sha256()
        size = 0
        with self._open(name) as fh:
            for number, raw in enumerate(fh, 1):
                digest.update(raw)
                size += len(raw)
                meter.advance(len(raw))
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise VocabImportError(f"{name} line {number}: not UTF-8 text ({exc.reason})") from None
                yield number, (text.lstrip("\ufeff") if number == 1 else text).rstrip("\r\n")
        self.records.append(FileRecord(name, size, digest.hexdigest()))
