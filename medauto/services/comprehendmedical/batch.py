"""Runs one Comprehend Medical batch job: every object under the input prefix -> one ``.out`` -> manifests.

Resumable: an input whose ``.out`` already exists (written by an earlier, interrupted run) counts as done and
is not analysed again; outputs are written whole (atomic puts), so a killed worker leaves no partial file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from medauto.jobs.models import CmJobStatus, JobRecord
from medauto.jobs.runner import JobControl, Outcome
from medauto.services.comprehendmedical.jobs import BY_KIND, FILE_LIMIT_BYTES, Analyzer, output_folder, output_key
from medauto.storage.objects import NoSuchBucket, ObjectStore, StorageError


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str).encode()


class BatchJobHandler:
    def __init__(self, objects: ObjectStore, analyzers: Mapping[str, Analyzer]) -> None:
        self._objects = objects
        self._analyzers = analyzers  # by family name

    def __call__(self, record: JobRecord, control: JobControl) -> Outcome:
        started = time.monotonic()
        family = BY_KIND[record.kind]
        analyze = self._analyzers[family.name]
        source = record.request["InputDataConfig"]
        target = record.request["OutputDataConfig"]
        in_bucket, in_prefix = source["S3Bucket"], source.get("S3Key", "") or ""
        out_bucket = target["S3Bucket"]
        folder = output_folder(family, record)
        kms = record.request.get("KMSKey")
        try:
            inputs = [
                o for o in self._objects.list(in_bucket, in_prefix)
                # Never read our own outputs back when they live under the input prefix.
                if not o.key.endswith("/") and not (in_bucket == out_bucket and o.key.startswith(folder))
            ]  # fmt: skip
        except NoSuchBucket:
            return Outcome(CmJobStatus.FAILED, f"The input bucket {in_bucket} does not exist or is not accessible.")
        except StorageError as exc:
            return Outcome(CmJobStatus.FAILED, f"Unable to list the input data: {exc}")
        if not inputs:
            return Outcome(CmJobStatus.FAILED, f"No input files found under s3://{in_bucket}/{in_prefix}.")

        success: list[dict[str, Any]] = []
        unprocessed: list[dict[str, str]] = []
        metered = 0
        stopped = False
        for done, obj in enumerate(inputs):
            if control.stop_requested():
                stopped = True
                break
            out_key = output_key(folder, in_prefix, obj.key)
            entry = {
                "Input": f"s3://{in_bucket}/{obj.key}",
                "Output": f"s3://{out_bucket}/{out_key}",
                "InputSize": obj.size,
            }
            if self._objects.exists(out_bucket, out_key):
                success.append(entry)  # written by an earlier attempt of this job
                continue
            reason = self._check_size(obj.size)
            text = ""
            if reason is None:
                try:
                    text = self._objects.get(in_bucket, obj.key).decode("utf-8")
                except UnicodeDecodeError:
                    reason = "The file is not valid UTF-8 text."
                except StorageError as exc:
                    reason = f"The file could not be read: {exc}"
            if reason is None and len(text.encode("utf-8")) > family.text_limit:
                reason = f"The text is longer than {family.text_limit} bytes."
            if reason is None and not text.strip():
                reason = "The file holds no text."
            if reason is not None:
                unprocessed.append({"Input": str(entry["Input"]), "Reason": reason})
                continue
            self._objects.put(
                out_bucket, out_key, _json(analyze(text)), kms_key_id=kms, content_type="application/json"
            )
            metered += len(text)
            success.append(entry)
            control.heartbeat({"processed": done + 1, "total": len(inputs)})

        status = (
            CmJobStatus.STOPPED if stopped
            else CmJobStatus.FAILED if not success
            else CmJobStatus.PARTIAL_SUCCESS if unprocessed
            else CmJobStatus.COMPLETED
        )  # fmt: skip
        self._write_manifests(record, folder, status, inputs, success, unprocessed, metered, started)
        message = None
        if status is CmJobStatus.PARTIAL_SUCCESS:
            message = f"{len(unprocessed)} of {len(inputs)} files could not be processed; see {folder}unprocessed."
        elif status is CmJobStatus.FAILED:
            message = f"None of the {len(inputs)} input files could be processed; see {folder}unprocessed."
        return Outcome(status, message, {"success": len(success), "unprocessed": len(unprocessed)})

    @staticmethod
    def _check_size(size: int) -> str | None:
        if size == 0:
            return "The file is empty."
        if size > FILE_LIMIT_BYTES:
            return f"The file is larger than the {FILE_LIMIT_BYTES}-byte limit for batch input."
        return None

    def _write_manifests(
        self,
        record: JobRecord,
        folder: str,
        status: str,
        inputs: list[Any],
        success: list[dict[str, Any]],
        unprocessed: list[dict[str, str]],
        metered: int,
        started: float,
    ) -> None:
        family = BY_KIND[record.kind]
        source = record.request["InputDataConfig"]
        out_bucket = record.request["OutputDataConfig"]["S3Bucket"]
        kms = record.request.get("KMSKey")
        summary = {
            "Status": str(status),
            "JobType": family.manifest_type,
            "InputDataConfiguration": {"Bucket": source["S3Bucket"], "Path": source.get("S3Key", "")},
            "OutputDataConfiguration": {"Bucket": out_bucket, "Path": folder},
            "InputFileCount": len(inputs),
            "TotalMeteredCharacters": metered,
            "UnprocessedFilesCount": len(unprocessed),
            "SuccessFilesCount": len(success),
            "TotalDurationSeconds": round(time.monotonic() - started),
            "SuccessfulFilesListLocation": f"s3://{out_bucket}/{folder}success",
            "UnprocessedFilesListLocation": f"s3://{out_bucket}/{folder}unprocessed",
        }
        self._objects.put(out_bucket, f"{folder}success", _json({"Files": success}), kms_key_id=kms)
        # "Files" lists input paths as the service does; "Reasons" says why each was skipped.
        skipped = {
            "Files": [u["Input"] for u in unprocessed],
            "Reasons": {u["Input"]: u["Reason"] for u in unprocessed},
        }
        self._objects.put(out_bucket, f"{folder}unprocessed", _json(skipped), kms_key_id=kms)
        self._objects.put(out_bucket, f"{folder}Manifest", _json({"Summary": summary}), kms_key_id=kms)
