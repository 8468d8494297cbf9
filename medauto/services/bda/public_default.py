"""BDA's service-owned ``public-default`` project: usable from every account without creating it, and readable
with GetDataAutomationProject. Its configuration spells out the documented defaults a new project gets, so what
GetDataAutomationProject shows is exactly what an invocation with this project does (a unit test holds the
runtime's option parsing to that)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

PUBLIC_DEFAULT = "public-default"
_ON, _OFF = {"state": "ENABLED"}, {"state": "DISABLED"}
# A service-owned resource has no creation by the caller; a fixed time keeps the answer stable between calls.
_CREATED = datetime(2025, 3, 3, tzinfo=UTC)

_STANDARD_OUTPUT: dict[str, Any] = {
    "document": {
        "extraction": {"granularity": {"types": ["PAGE", "ELEMENT"]}, "boundingBox": _OFF},
        "generativeField": _OFF,
        "outputFormat": {"textFormat": {"types": ["MARKDOWN"]}, "additionalFileFormat": _OFF},
    },
    "image": {
        "extraction": {"category": {**_ON, "types": ["TEXT_DETECTION"]}, "boundingBox": _ON},
        "generativeField": {**_ON, "types": ["IMAGE_SUMMARY"]},
    },
    "video": {
        "extraction": {"category": {**_ON, "types": ["TEXT_DETECTION", "TRANSCRIPT"]}, "boundingBox": _ON},
        "generativeField": {**_ON, "types": ["VIDEO_SUMMARY", "CHAPTER_SUMMARY"]},
    },
    "audio": {
        "extraction": {"category": {**_ON, "types": ["TRANSCRIPT"], "typeConfiguration": {
            "transcript": {"speakerLabeling": _ON, "channelLabeling": _ON}}}},
        "generativeField": {**_ON, "types": ["AUDIO_SUMMARY"]},
    },
}


def is_public_default(arn: str) -> bool:
    return arn.rsplit("/", 1)[-1] == PUBLIC_DEFAULT


def public_default_project(arn: str, stage: str | None = None) -> dict[str, Any]:
    """The GetDataAutomationProject ``project`` shape of ``public-default`` (any stage: it has both)."""
    return {
        "projectArn": arn,
        "projectName": PUBLIC_DEFAULT,
        "projectDescription": "Service-owned project with BDA's default standard output and no blueprints.",
        "projectStage": stage or "LIVE",
        "projectType": "ASYNC",
        "creationTime": _CREATED,
        "lastModifiedTime": _CREATED,
        "status": "COMPLETED",
        "standardOutputConfiguration": _copy(_STANDARD_OUTPUT),
    }


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return list(node)
    return node
