"""Comprehend Medical batch jobs: the five job families, their records, and their S3 output layout.

Layout (as the service writes it): ``<OutputS3Key>/<AccountId>-<JobType>-<JobId>/`` holding one
``<input path>.out`` per input file (the synchronous operation's JSON) plus ``Manifest``, ``success`` and
``unprocessed`` files.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from medauto.jobs.models import CmJobStatus, JobRecord, request_fingerprint

EXPIRATION = timedelta(days=120)
FILE_LIMIT_BYTES = 40_000  # documented per-file limit of batch input


@dataclass(frozen=True)
class JobFamily:
    name: str  # operation infix, e.g. "EntitiesDetectionV2"
    kind: str  # job-store kind
    folder_type: str  # the JobType in the output folder name
    manifest_type: str  # Summary.JobType in the Manifest
    model_version: str
    text_limit: int  # per-document limit of the matching synchronous operation (bytes)


FAMILIES: dict[str, JobFamily] = {
    f.name: f
    for f in (
        JobFamily(
            "EntitiesDetectionV2",
            "comprehendmedical:EntitiesDetectionV2",
            "EntitiesDetection",
            "DetectEntitiesJob",
            "DetectEntitiesModelV20190930",
            20_000,
        ),
        JobFamily(
            "PHIDetection",
            "comprehendmedical:PHIDetection",
            "PHIDetection",
            "PHIDetection",
            "PHIModelV20190903",
            20_000,
        ),
        JobFamily(
            "ICD10CMInference",
            "comprehendmedical:ICD10CMInference",
            "ICD10CMInference",
            "ICD10CMInferenceJob",
            "ICD10CMModelV20200101",
            20_000,
        ),
        JobFamily(
            "RxNormInference",
            "comprehendmedical:RxNormInference",
            "RxNormInference",
            "RxNormInferenceJob",
            "RxNormModelV20200101",
            20_000,
        ),
        JobFamily(
            "SNOMEDCTInference",
            "comprehendmedical:SNOMEDCTInference",
            "SNOMEDCTInference",
            "SNOMEDCTInferenceJob",
            "SNOMEDCTModelV20210101",
            20_000,
        ),
    )
}
BY_KIND = {f.kind: f for f in FAMILIES.values()}

# What a job stores: everything Start received that Describe must echo, in JSON-able form.
_ECHOED = ("InputDataConfig", "OutputDataConfig", "DataAccessRoleArn", "KMSKey", "LanguageCode")


def new_job_id() -> str:
    return secrets.token_hex(16)  # 32 lower-case hex characters, as real job ids


def new_record(family: JobFamily, account_id: str, region: str, params: dict[str, Any], at: datetime) -> JobRecord:
    request = {key: params[key] for key in _ECHOED if key in params}
    if "JobName" in params:
        request["JobName"] = params["JobName"]
    return JobRecord(
        job_id=new_job_id(),
        account_id=account_id,
        region=region,
        kind=family.kind,
        status=CmJobStatus.SUBMITTED,
        submit_time=at,
        request=request,
        request_hash=request_fingerprint(request),
        name=params.get("JobName"),
        client_token=params.get("ClientRequestToken"),
    )


# The name of any job's output folder, so a job never reads the outputs of earlier jobs as its input.
JOB_FOLDER = re.compile(r"[0-9]{12}-[A-Za-z0-9]+-[0-9a-f]{32}/")


def output_base(record: JobRecord) -> str:
    """The OutputDataConfig key prefix, ending in ``/`` unless empty."""
    base: str = record.request["OutputDataConfig"].get("S3Key", "") or ""
    return base if not base or base.endswith("/") else base + "/"


def output_folder(family: JobFamily, record: JobRecord) -> str:
    """The key prefix of a job's outputs: ``<OutputS3Key>/<AccountId>-<JobType>-<JobId>/``."""
    return f"{output_base(record)}{record.account_id}-{family.folder_type}-{record.job_id}/"


def output_key(folder: str, input_prefix: str, input_key: str) -> str:
    relative = input_key[len(input_prefix) :].lstrip("/") if input_key.startswith(input_prefix) else input_key
    return f"{folder}{relative or input_key.rsplit('/', 1)[-1]}.out"


def properties(record: JobRecord) -> dict[str, Any]:
    """``ComprehendMedicalAsyncJobProperties`` for Describe and List."""
    family = BY_KIND[record.kind]
    request = record.request
    folder = output_folder(family, record)
    output = {"S3Bucket": request["OutputDataConfig"]["S3Bucket"], "S3Key": folder}
    props: dict[str, Any] = {
        "JobId": record.job_id,
        "JobName": record.name,
        "JobStatus": record.status,
        "Message": record.message,
        "SubmitTime": record.submit_time,
        "EndTime": record.end_time,
        "ExpirationTime": (record.submit_time + EXPIRATION).replace(microsecond=0),
        "InputDataConfig": request["InputDataConfig"],
        "OutputDataConfig": output,
        "LanguageCode": request.get("LanguageCode", "en"),
        "DataAccessRoleArn": request.get("DataAccessRoleArn"),
        "KMSKey": request.get("KMSKey"),
        "ModelVersion": family.model_version,
    }
    if record.status in (CmJobStatus.COMPLETED, CmJobStatus.PARTIAL_SUCCESS, CmJobStatus.STOPPED):
        props["ManifestFilePath"] = f"s3://{output['S3Bucket']}/{folder}Manifest"
    return {k: v for k, v in props.items() if v is not None}
