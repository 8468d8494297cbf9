"""One ObjectStore over several: each bucket name is served by the store it was given to.

Lets a job read from one back end and write to another (a local folder in, an S3 bucket out, or the reverse).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from medauto.storage.objects import NoSuchBucket, ObjectInfo, ObjectStore


class RoutedObjectStore:
    def __init__(self, routes: Mapping[str, ObjectStore]) -> None:
        self._routes = dict(routes)

    def _store(self, bucket: str) -> ObjectStore:
        try:
            return self._routes[bucket]
        except KeyError:
            raise NoSuchBucket(bucket) from None

    def bucket_exists(self, bucket: str) -> bool:
        return bucket in self._routes and self._routes[bucket].bucket_exists(bucket)

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        return self._store(bucket).list(bucket, prefix)

    def get(self, bucket: str, key: str) -> bytes:
        return self._store(bucket).get(bucket, key)

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
        self._store(bucket).put(
            bucket, key, data, kms_key_id=kms_key_id, content_type=content_type, encryption_context=encryption_context
        )

    def exists(self, bucket: str, key: str) -> bool:
        return bucket in self._routes and self._routes[bucket].exists(bucket, key)
