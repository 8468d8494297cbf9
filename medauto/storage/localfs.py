"""The embedded default object store: each bucket is a folder under ``<data_dir>/buckets``.

Names are validated as S3 does and every resolved path is checked to stay inside its bucket folder, so no key
can reach outside. Writes go to a temporary file in ``<root>/.staging`` (outside every bucket, on the same file
system) and are renamed into place: a killed writer never leaves anything in a bucket. With a keyring, objects
written with a KMS key id are sealed (AES-256-GCM, see encryption.py) and opened again transparently on reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from medauto.storage.encryption import DecryptionError, LocalKeyring, is_sealed
from medauto.storage.objects import InvalidName, NoSuchBucket, NoSuchKey, ObjectInfo, check_bucket, check_key

# Temporary files of unfinished writes, kept outside the buckets ("." cannot start a bucket name).
_PARTIAL = ".medauto-partial-"
_STAGING = ".staging"
_ORPHAN_SECONDS = 3600


class FolderStoreBase:
    """Objects as files under one folder per bucket; subclasses say where a bucket's folder and staging area are."""

    def __init__(self, keyring: LocalKeyring | None = None) -> None:
        self.keyring = keyring

    def _bucket_dir(self, bucket: str, *, create: bool = False) -> Path:
        raise NotImplementedError

    def _staging_for(self, path: Path) -> Path:
        """A folder on the same file system as ``path`` for the temporary file of a write."""
        raise NotImplementedError

    def _path(self, bucket: str, key: str, *, create: bool = False) -> Path:
        folder = self._bucket_dir(bucket, create=create)
        path = (folder / check_key(key)).resolve()
        if folder not in path.parents:
            raise InvalidName(f"object key {key!r} leaves its bucket")
        return path

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        folder = self._bucket_dir(bucket)
        # Walk only the deepest folder the prefix names; filter the rest by string prefix, as S3 does.
        start = folder / prefix.rsplit("/", 1)[0] if "/" in prefix else folder
        if not start.resolve().is_relative_to(folder) or not start.is_dir():
            return
        keys: list[tuple[str, Path]] = []
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames.sort()
            for name in filenames:
                if name.startswith(_PARTIAL):
                    continue
                path = Path(dirpath) / name
                key = path.relative_to(folder).as_posix()
                if key.startswith(prefix):
                    keys.append((key, path))
        for key, path in sorted(keys):
            stat = path.stat()
            yield ObjectInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def get(self, bucket: str, key: str) -> bytes:
        path = self._path(bucket, key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NoSuchKey(f"s3://{bucket}/{key}") from None
        if is_sealed(data):
            if self.keyring is None:
                raise DecryptionError(f"s3://{bucket}/{key} is encrypted and no local key is configured")
            return self.keyring.open(data)
        return data

    def put(
        self,
        bucket: str,
        key: str,
        data: bytes,
        *,
        kms_key_id: str | None = None,
        content_type: str = "application/octet-stream",
        encryption_context: dict[str, str] | None = None,
    ) -> None:
        path = self._path(bucket, key, create=True)
        if kms_key_id and self.keyring is not None:
            data = self.keyring.seal(data, kms_key_id, encryption_context)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_PARTIAL, dir=self._staging_for(path))
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def exists(self, bucket: str, key: str) -> bool:
        try:
            return self._path(bucket, key).is_file()
        except (NoSuchBucket, InvalidName):
            return False

    def etag(self, bucket: str, key: str) -> str:
        return hashlib.md5(self.get(bucket, key)).hexdigest()


class LocalFolderObjectStore(FolderStoreBase):
    def __init__(self, root: Path, *, create_buckets: bool = True, keyring: LocalKeyring | None = None) -> None:
        super().__init__(keyring)
        self._root = root.resolve()
        self._root.mkdir(parents=True, exist_ok=True)
        self._staging = self._root / _STAGING
        self._staging.mkdir(exist_ok=True)
        self._create_buckets = create_buckets
        self._sweep_orphans()

    def _sweep_orphans(self) -> None:
        """Remove staging files of writers that died (older than an hour: no live write takes that long)."""
        cutoff = time.time() - _ORPHAN_SECONDS
        for path in self._staging.glob(f"{_PARTIAL}*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def _bucket_dir(self, bucket: str, *, create: bool = False) -> Path:
        folder = self._root / check_bucket(bucket)
        if not folder.is_dir():
            if create and self._create_buckets:
                folder.mkdir(parents=True, exist_ok=True)
            else:
                raise NoSuchBucket(bucket)
        return folder

    def _staging_for(self, path: Path) -> Path:
        return self._staging

    def create_bucket(self, bucket: str) -> None:
        (self._root / check_bucket(bucket)).mkdir(parents=True, exist_ok=True)

    def bucket_exists(self, bucket: str) -> bool:
        try:
            return (self._root / check_bucket(bucket)).is_dir()
        except InvalidName:
            return False
