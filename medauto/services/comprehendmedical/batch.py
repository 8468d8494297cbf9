"""Runs one Comprehend Medical batch job: every object under the input prefix -> one ``.out`` -> manifests.

Resumable: an input whose ``.out`` already exists (written by an earlier, interrupted run) counts as done and
is not analysed again; outputs are written whole (atomic puts), so a killed worker leaves no partial file.
"""

from __future__ import annotations

import json
import time
from typing import Any

from medauto.jobs.executors import Executor
from medauto.jobs.models import CmJobStatus, JobRecord
from medauto.jobs.runner import JobControl, Outcome
from medauto.services.comprehendmedical.analyzers import analyze
from medauto.services.comprehendmedical.jobs import BY_KIND, FILE_LIMIT_BYTES, output_folder, output_key
from medauto.storage.objects import NoSuchBucket, ObjectStore, StorageError


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str).encode()


class BatchJobHandler:
    def __init__(self, objects: ObjectStore, executor: Executor, profile: str, data_dir: str, chunk: int = 32) -> None:
        self._objects = objects
        self._data_dir = data_dir
        self._executor = executor  # maps analyzers.analyze over texts, in other processes by default
        self._profile = profile
        self._chunk = chunk

    def __call__(self, record: JobRecord, control: JobControl) -> Outcome:
        started = time.monotonic()
        family = BY_KIND[record.kind]
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
        pending: list[tuple[str, dict[str, Any], str]] = []  # (output key, success entry, text)
        metered = 0
        stopped = False

        def flush() -> None:
            nonlocal metered
            results = self._executor.map(
                analyze, [(family.name, self._profile, self._data_dir, text) for _, _, text in pending]
            )
            for (out_key, entry, text), result in zip(pending, results, strict=True):
                self._objects.put(out_bucket, out_key, _json(result), kms_key_id=kms, content_type="application/json")
                metered += len(text)
                success.append(entry)
            pending.clear()
            control.heartbeat({"processed": len(success) + len(unprocessed), "total": len(inputs)})

        for obj in inputs:
            if len(pending) >= self._chunk:
                flush()
            if not pending and control.stop_requested():  # checked between chunks of files
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
            text, reason = self._read(in_bucket, obj.key, obj.size, family.text_limit)
            if reason is not None:
                unprocessed.append({"Input": str(entry["Input"]), "Reason": reason})
                continue
            pending.append((out_key, entry, text))
        if pending and not stopped:
            flush()

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

    def _read(self, bucket: str, key: str, size: int, limit: int) -> tuple[str, str | None]:
        """The file's text, or the reason it cannot be processed."""
        reason = self._check_size(size)
        if reason is not None:
            return "", reason
        try:
            text = self._objects.get(bucket, key).decode("utf-8")
        except UnicodeDecodeError:
            return "", "The file is not valid UTF-8 text."
        except StorageError as exc:
            return "", f"The file could not be read: {exc}"
        if len(text.encode("utf-8")) > limit:
            return "", f"The text is longer than {limit} bytes."
        if not text.strip():
            return "", "The file holds no text."
        return text, None

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
