"""BDA control-plane ARNs: building them in the caller's namespace and reading them back."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Resource types as they appear in ARNs (and as store kinds)."""

    BLUEPRINT = "blueprint"
    PROJECT = "data-automation-project"
    OPTIMIZATION = "blueprint-optimization-invocation"
    LIBRARY = "data-automation-library"
    INGESTION_JOB = "data-automation-library-ingestion-job"


SERVICE_ACCOUNT = "aws"  # the account of service-owned (sample) resources
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-cn|-us-gov|-iso|-iso-[a-z])?):bedrock:(?P<region>[a-zA-Z0-9-]*):"
    r"(?P<account>aws|[0-9]{12}):(?P<kind>[a-z-]+)/(?P<id>[a-zA-Z0-9_-]+)"
)


@dataclass(frozen=True, slots=True)
class ParsedArn:
    partition: str
    region: str
    account_id: str
    kind: str
    resource_id: str

    @property
    def service_owned(self) -> bool:
        return self.account_id == SERVICE_ACCOUNT


def new_resource_id() -> str:
    """12 lower-case hex characters, like the ids BDA hands out (e.g. ``74337e86aff6``)."""
    return secrets.token_hex(6)


def build_arn(region: str, account_id: str, kind: str, resource_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:bedrock:{region}:{account_id}:{kind}/{resource_id}"


def parse_arn(arn: str) -> ParsedArn | None:
    """The parts of a bedrock ARN, or None when ``arn`` is not one."""
    match = _ARN.fullmatch(arn)
    if match is None:
        return None
    return ParsedArn(match["partition"], match["region"], match["account"], match["kind"], match["id"])
