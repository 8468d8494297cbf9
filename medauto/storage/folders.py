"""Plain folders as buckets: each bucket name is a label for one folder anywhere on disk.

Used by ``medauto batch``, which reads and writes the user's own folders rather than buckets under the data dir.
Keys are still checked to stay inside their folder. Temporary files of writes sit next to their target (with a
prefix that listings skip), so the final rename never crosses file systems.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from medauto.storage.encryption import LocalKeyring
from medauto.storage.localfs import FolderStoreBase
from medauto.storage.objects import NoSuchBucket


class FolderObjectStore(FolderStoreBase):
    def __init__(self, folders: Mapping[str, Path], *, keyring: LocalKeyring | None = None) -> None:
        super().__init__(keyring)
        self._folders = {label: folder.resolve() for label, folder in folders.items()}

    def _bucket_dir(self, bucket: str, *, create: bool = False) -> Path:
        folder = self._folders.get(bucket)
        if folder is None:
            raise NoSuchBucket(bucket)
        if not folder.is_dir():
            if not create:
                raise NoSuchBucket(bucket)
            folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _staging_for(self, path: Path) -> Path:
        return path.parent

    def folder(self, bucket: str) -> Path:
        return self._bucket_dir(bucket)

    def create_bucket(self, bucket: str) -> None:
        self._bucket_dir(bucket, create=True)

    def bucket_exists(self, bucket: str) -> bool:
        folder = self._folders.get(bucket)
        return folder is not None and folder.is_dir()

    def path(self, bucket: str, key: str) -> str:
        """Where an object lives, as a plain path (what manifests of local runs name)."""
        return str(self._folders[bucket] / key)
