"""The object store interface (buckets and keys, as S3 has them) and its in-memory implementation."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

# S3 bucket naming rules: 3-63 chars, lower-case letters, digits, dots and hyphens, letter/digit at both ends.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class StorageError(Exception):
    """Base of the errors a store raises; services map them to their modeled errors."""


class NoSuchBucket(StorageError):
    pass


class NoSuchKey(StorageError):
    pass


class InvalidName(StorageError, ValueError):
    pass


class AccessDenied(StorageError):
    pass


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    last_modified: datetime
    etag: str = ""


def check_bucket(name: str) -> str:
    if not _BUCKET.match(name) or ".." in name or re.match(r"^\d+\.\d+\.\d+\.\d+$", name):
        raise InvalidName(f"invalid bucket name {name!r}")
    return name


def check_key(key: str) -> str:
    """Keys are opaque to S3, but a key that names a parent folder must never reach a file system."""
    if not key or len(key.encode()) > 1024 or "\x00" in key:
        raise InvalidName(f"invalid object key {key!r}")
    if key.startswith("/") or any(part in (".", "..") for part in key.split("/")):
        raise InvalidName(f"object key {key!r} has a '.' or '..' segment or a leading '/'")
    return key


class ObjectStore(Protocol):
    def bucket_exists(self, bucket: str) -> bool: ...

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects under ``prefix`` in key order (raises NoSuchBucket)."""
        ...

    def get(self, bucket: str, key: str) -> bytes: ...

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
        """Write the whole object at once: readers see the old object or the new one, never a part.

        ``kms_key_id`` asks for encryption at rest; ``encryption_context`` (e.g. the job id) is bound to the
        ciphertext where the back end encrypts itself (local folders with a keyring)."""
        ...

    def exists(self, bucket: str, key: str) -> bool: ...


class InMemoryObjectStore:
    def __init__(self, buckets: tuple[str, ...] = ()) -> None:
        self._objects: dict[str, dict[str, tuple[bytes, datetime]]] = {check_bucket(b): {} for b in buckets}
        self._lock = threading.Lock()

    def create_bucket(self, bucket: str) -> None:
        with self._lock:
            self._objects.setdefault(check_bucket(bucket), {})

    def bucket_exists(self, bucket: str) -> bool:
        return bucket in self._objects

    def _bucket(self, bucket: str) -> dict[str, tuple[bytes, datetime]]:
        try:
            return self._objects[bucket]
        except KeyError:
            raise NoSuchBucket(bucket) from None

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        with self._lock:
            items = sorted(self._bucket(bucket).items())
        for key, (data, stamp) in items:
            if key.startswith(prefix):
                yield ObjectInfo(key, len(data), stamp, hashlib.md5(data).hexdigest())

    def get(self, bucket: str, key: str) -> bytes:
        try:
            return self._bucket(bucket)[key][0]
        except KeyError:
            raise NoSuchKey(f"s3://{bucket}/{key}") from None

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
        check_key(key)
        with self._lock:
            self._bucket(bucket)[key] = (bytes(data), datetime.now(UTC))

    def exists(self, bucket: str, key: str) -> bool:
        return key in self._objects.get(bucket, {})
