"""Where BDA writes results, and the ``job_metadata.json`` index that points at them.

``<output s3Uri>/<invocation id>/job_metadata.json`` and, per asset and segment,
``<asset_id>/standard_output/<n>/result.json`` and ``<asset_id>/custom_output/<n>/result.json`` (only for
segments with a matched blueprint). The index is written last, so a reader who finds it finds every result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from medauto.services.bda_runtime.processing import AssetResult, Segment
from medauto.storage.objects import ObjectStore

JSON = "application/json"


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str  # no leading slash; may be empty (bucket root)

    @classmethod
    def parse(cls, uri: str) -> S3Location:
        if not uri.startswith("s3://"):
            raise ValueError(f"{uri} is not an s3:// URI")
        bucket, _, key = uri[5:].partition("/")
        return cls(bucket, key)

    def child(self, *parts: str) -> S3Location:
        base = self.key.rstrip("/")
        tail = "/".join(p.strip("/") for p in parts)
        return S3Location(self.bucket, f"{base}/{tail}" if base else tail)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def write_results(
    objects: ObjectStore,
    output: S3Location,
    job_id: str,
    source: S3Location | None,
    result: AssetResult,
    kms_key_id: str | None = None,
) -> S3Location:
    """Write every segment's results, then the index; returns the index's location."""
    root = output.child(job_id)
    asset = "0"
    objects.put(root.bucket, root.child(asset, ".s3_access_check").key, b"", kms_key_id=kms_key_id)
    segments: list[dict[str, Any]] = []
    for index, segment in enumerate(result.segments):
        standard = root.child(asset, "standard_output", str(index), "result.json")
        _link_files(objects, segment, root.child(asset, "standard_output", str(index), "assets"), kms_key_id)
        objects.put(standard.bucket, standard.key, _dump(segment.standard), kms_key_id=kms_key_id, content_type=JSON)
        entry: dict[str, Any] = {"standard_output_path": standard.uri}
        if segment.custom is not None:
            custom = root.child(asset, "custom_output", str(index), "result.json")
            objects.put(custom.bucket, custom.key, _dump(segment.custom), kms_key_id=kms_key_id, content_type=JSON)
            entry["custom_output_path"] = custom.uri
        if segment.custom_status is not None:
            entry["custom_output_status"] = segment.custom_status
        segments.append(entry)
    asset_entry: dict[str, Any] = {"asset_id": 0}
    if source is not None:
        asset_entry["asset_input_path"] = {"s3_bucket": source.bucket, "s3_key": source.key}
    asset_entry["segment_metadata"] = segments
    metadata = {
        "job_id": job_id,
        "job_status": "PROCESSED",
        "semantic_modality": result.modality.value,
        "output_metadata": [asset_entry],
    }
    index_location = root.child("job_metadata.json")
    objects.put(index_location.bucket, index_location.key, _dump(metadata), kms_key_id=kms_key_id, content_type=JSON)
    return index_location


def _link_files(objects: ObjectStore, segment: Segment, folder: S3Location, kms_key_id: str | None) -> None:
    """Write the segment's additional files and point the standard output's tables at their CSV."""
    tables = [e for e in segment.standard.get("elements", []) if e["type"] == "TABLE"]
    for name, data, content_type in segment.files:
        where = folder.child(name)
        objects.put(where.bucket, where.key, data, kms_key_id=kms_key_id, content_type=content_type)
        if name.startswith("table_") and name.endswith(".csv"):
            n = int(name[len("table_") : -len(".csv")])
            if n < len(tables):
                tables[n]["csv_s3_uri"] = where.uri


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
