"""Object store on any S3 API (AWS S3, SeaweedFS, MinIO, Ceph) through boto3.

Credentials come from the usual AWS environment variables / profiles; ``endpoint_url`` points elsewhere than
AWS. With a KMS key, writes ask for SSE-KMS, as Comprehend Medical and BDA do for encrypted outputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from medauto.storage.objects import AccessDenied, NoSuchBucket, NoSuchKey, ObjectInfo, StorageError, check_key

_MISSING_BUCKET = {"NoSuchBucket"}
_MISSING_KEY = {"NoSuchKey", "404", "NotFound"}
_DENIED = {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"}


def _translate(error: Exception, bucket: str, key: str = "") -> StorageError:
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        where = f"s3://{bucket}/{key}" if key else f"s3://{bucket}"
        if code in _MISSING_BUCKET:
            return NoSuchBucket(bucket)
        if code in _MISSING_KEY:
            return NoSuchKey(where)
        if code in _DENIED:
            return AccessDenied(f"{where}: {code}")
        return StorageError(f"{where}: {code}: {error}")
    return StorageError(f"s3://{bucket}/{key}: {error}")


class S3ObjectStore:
    def __init__(self, endpoint_url: str | None = None, region: str | None = None, client: Any = None) -> None:
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url,
                region_name=region,
                config=Config(retries={"max_attempts": 4, "mode": "standard"}, s3={"addressing_style": "path"}),
            )
        self._s3 = client

    def bucket_exists(self, bucket: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_bucket(Bucket=bucket)
            return True
        except ClientError:
            return False

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield ObjectInfo(
                        item["Key"], int(item["Size"]), item["LastModified"], str(item.get("ETag", "")).strip('"')
                    )
        except (ClientError, BotoCoreError) as exc:
            raise _translate(exc, bucket) from exc

    def get(self, bucket: str, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            body: bytes = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            return body
        except (ClientError, BotoCoreError) as exc:
            raise _translate(exc, bucket, key) from exc

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
        from botocore.exceptions import BotoCoreError, ClientError

        check_key(key)
        extra: dict[str, str] = {}
        # The encryption context is not sent: S3-compatible servers differ in whether they accept one.
        if kms_key_id:
            extra = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key_id}
        try:
            self._s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type, **extra)
        except (ClientError, BotoCoreError) as exc:
            raise _translate(exc, bucket, key) from exc

    def exists(self, bucket: str, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_object(Bucket=bucket, Key=key)
            return True
        except ClientError:
            return False
