"""Runs one Comprehend Medical batch job: every object under the input prefix -> one ``.out`` -> manifests.

Resumable: an input whose ``.out`` already exists (written by an earlier, interrupted run) counts as done and
is not analysed again; outputs are written whole (atomic puts), so a killed worker leaves no partial file. The
existing outputs are found with one listing of the output folder, not one request per input.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from medauto.jobs.executors import Executor
from medauto.jobs.models import CmJobStatus, JobRecord
from medauto.jobs.runner import JobControl, Outcome
from medauto.services.comprehendmedical.analyzers import analyze_json, to_json
from medauto.services.comprehendmedical.jobs import (
    BY_KIND,
    FILE_LIMIT_BYTES,
    JOB_FOLDER,
    output_base,
    output_folder,
    output_key,
)
from medauto.storage.objects import NoSuchBucket, ObjectInfo, ObjectStore, StorageError

STOPPED_REASON = "The job was stopped before this file was processed."


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


class BatchJobHandler:
    def __init__(
        self,
        objects: ObjectStore,
        executor: Executor,
        profile: str,
        data_dir: str,
        chunk: int = 64,
        locate: Callable[[str, str], str] = s3_uri,
        io_threads: int = 8,
    ) -> None:
        self._objects = objects
        self._data_dir = data_dir
        self._executor = executor  # maps analyzers.analyze over texts, in other processes by default
        self._profile = profile
        self._chunk = chunk
        self._io_threads = io_threads
        self._locate = locate  # how manifests name an object (s3:// URIs; plain paths for local runs)

    def __call__(self, record: JobRecord, control: JobControl) -> Outcome:
        started = time.monotonic()
        family = BY_KIND[record.kind]
        source = record.request["InputDataConfig"]
        in_bucket, in_prefix = source["S3Bucket"], source.get("S3Key", "") or ""
        out_bucket = record.request["OutputDataConfig"]["S3Bucket"]
        folder = output_folder(family, record)
        kms = record.request.get("KMSKey")
        context = {"JobId": record.job_id}
        try:
            inputs = self._list_inputs(record, in_bucket, in_prefix, out_bucket)
        except NoSuchBucket:
            return Outcome(CmJobStatus.FAILED, f"The input bucket {in_bucket} does not exist or is not accessible.")
        except StorageError as exc:
            return Outcome(CmJobStatus.FAILED, f"Unable to list the input data: {exc}")
        if not inputs:
            return Outcome(CmJobStatus.FAILED, f"No input files found under s3://{in_bucket}/{in_prefix}.")
        done = self._existing_outputs(out_bucket, folder)

        success: list[dict[str, Any]] = []
        unprocessed: list[dict[str, str]] = []
        pending: list[tuple[str, dict[str, Any], str]] = []  # (output key, success entry, text)
        metered = 0
        stopped_at: int | None = None

        def report() -> None:
            control.heartbeat(
                {
                    "processed": len(success) + len(unprocessed),
                    "total": len(inputs),
                    "success": len(success),
                    "unprocessed": len(unprocessed),
                }
            )

        Chunk = list[tuple[str, dict[str, Any], str]]
        in_flight: tuple[Chunk, Future[list[bytes | str]]] | None = None

        # Object reads and writes overlap (S3 round trips dominate them); analysis runs in the executor.
        io = ThreadPoolExecutor(self._io_threads, thread_name_prefix="medauto-batch-io")
        background = ThreadPoolExecutor(1, thread_name_prefix="medauto-batch-map")

        def write(chunk: Chunk, future: Future[list[bytes | str]]) -> None:
            nonlocal metered
            results = future.result()

            def put(item: tuple[tuple[str, dict[str, Any], str], bytes | str]) -> None:
                (out_key, _, _), data = item
                if isinstance(data, bytes):
                    self._objects.put(
                        out_bucket,
                        out_key,
                        data,
                        kms_key_id=kms,
                        content_type="application/json",
                        encryption_context=context,
                    )

            list(io.map(put, zip(chunk, results, strict=True)))
            for (_, entry, text), data in zip(chunk, results, strict=True):
                if isinstance(data, str):  # the engine failed on this file: its reason
                    unprocessed.append({"Input": str(entry["Input"]), "Reason": data})
                    continue
                metered += len(text)
                success.append(entry)
            report()

        def launch() -> None:
            """Send the pending files to the executor, then write the previous chunk while this one runs, so
            the analysing processes never wait for this thread's reads and writes."""
            nonlocal in_flight
            chunk = list(pending)
            pending.clear()
            items = [(family.name, self._profile, self._data_dir, text) for _, _, text in chunk]
            future = background.submit(self._executor.map, analyze_json, items)
            previous, in_flight = in_flight, (chunk, future)
            if previous is not None:
                write(*previous)

        def land() -> None:
            nonlocal in_flight
            if in_flight is not None:
                previous, in_flight = in_flight, None
                write(*previous)

        def read(obj: ObjectInfo) -> tuple[str, str | None]:
            return self._read(in_bucket, obj.key, obj.size, family.text_limit)

        report()
        try:
            for start in range(0, len(inputs), self._chunk):
                if control.stop_requested():  # checked between chunks of files
                    land()
                    stopped_at = start
                    break
                todo: list[tuple[str, dict[str, Any], ObjectInfo]] = []
                for obj in inputs[start : start + self._chunk]:
                    out_key = output_key(folder, in_prefix, obj.key)
                    entry = self._entry(in_bucket, obj, out_bucket, out_key)
                    if out_key in done:
                        success.append(entry)  # written by an earlier attempt of this job
                    else:
                        todo.append((out_key, entry, obj))
                for (out_key, entry, _), (text, reason) in zip(todo, io.map(read, [t[2] for t in todo]), strict=True):
                    if reason is not None:
                        unprocessed.append({"Input": str(entry["Input"]), "Reason": reason})
                    else:
                        pending.append((out_key, entry, text))
                if pending:
                    launch()
            land()
        finally:
            background.shutdown(wait=True, cancel_futures=True)
            io.shutdown(wait=True)
        if stopped_at is not None:  # what an earlier attempt finished still counts; the rest is listed as skipped
            for obj in inputs[stopped_at:]:
                out_key = output_key(folder, in_prefix, obj.key)
                if out_key in done:
                    success.append(self._entry(in_bucket, obj, out_bucket, out_key))
                else:
                    unprocessed.append({"Input": self._locate(in_bucket, obj.key), "Reason": STOPPED_REASON})
            report()

        status = (
            CmJobStatus.STOPPED if stopped_at is not None
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

    def _list_inputs(self, record: JobRecord, in_bucket: str, in_prefix: str, out_bucket: str) -> list[ObjectInfo]:
        """Input objects, leaving out folder markers and any job's output folder under the output prefix."""
        base = output_base(record)
        own_outputs = in_bucket == out_bucket

        def is_output(key: str) -> bool:
            return own_outputs and key.startswith(base) and JOB_FOLDER.match(key, len(base)) is not None

        return [o for o in self._objects.list(in_bucket, in_prefix) if not o.key.endswith("/") and not is_output(o.key)]

    def _entry(self, in_bucket: str, obj: ObjectInfo, out_bucket: str, out_key: str) -> dict[str, Any]:
        """A ``success`` manifest entry."""
        return {
            "Input": self._locate(in_bucket, obj.key),
            "Output": self._locate(out_bucket, out_key),
            "InputSize": obj.size,
        }

    def _existing_outputs(self, bucket: str, folder: str) -> set[str]:
        try:
            return {o.key for o in self._objects.list(bucket, folder) if o.key.endswith(".out")}
        except StorageError:  # no output bucket folder yet: nothing was written
            return set()

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
            "SuccessfulFilesListLocation": self._locate(out_bucket, f"{folder}success"),
            "UnprocessedFilesListLocation": self._locate(out_bucket, f"{folder}unprocessed"),
        }

        # "Files" lists input paths as the service does; "Reasons" says why each was skipped.
        unprocessed = sorted(unprocessed, key=lambda u: u["Input"])
        skipped = {
            "Files": [u["Input"] for u in unprocessed],
            "Reasons": {u["Input"]: u["Reason"] for u in unprocessed},
        }
        done = sorted(success, key=lambda e: str(e["Input"]))  # input order, whichever attempt wrote the output
        files = (("success", {"Files": done}), ("unprocessed", skipped), ("Manifest", {"Summary": summary}))
        for name, content in files:
            self._objects.put(
                out_bucket,
                f"{folder}{name}",
                to_json(content),
                kms_key_id=kms,
                content_type="application/json",
                encryption_context={"JobId": record.job_id},
            )
