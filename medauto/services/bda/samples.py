"""Service-owned sample blueprints (resourceOwner SERVICE), read from the extraction engine's sample schemas.

Each ``medauto/engines/extraction/samples/<short_name>.json`` is one blueprint schema; it is published as
``arn:aws:bedrock:<region>:aws:blueprint/bedrock-data-automation-public-<short-name>`` in every region.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from medauto.services.bda.arns import SERVICE_ACCOUNT, Kind, build_arn

SAMPLES_PACKAGE = "medauto.engines.extraction.samples"
SAMPLE_PREFIX = "bedrock-data-automation-public-"
# Samples ship with the code, so their timestamps are a fixed publication date rather than start-up time.
PUBLISHED = datetime(2025, 3, 3, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SampleBlueprint:
    resource_id: str  # also its name, e.g. bedrock-data-automation-public-invoice
    schema: str
    type: str = "DOCUMENT"

    def arn(self, region: str) -> str:
        return build_arn(region, SERVICE_ACCOUNT, Kind.BLUEPRINT, self.resource_id)


@functools.cache
def sample_blueprints() -> dict[str, SampleBlueprint]:
    """The samples by resource id, in name order; empty when the samples package is absent."""
    try:
        folder = resources.files(SAMPLES_PACKAGE)
        files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    found: dict[str, SampleBlueprint] = {}
    for file in files:
        short = file.name.removesuffix(".json").replace("_", "-").lower()
        sample = SampleBlueprint(SAMPLE_PREFIX + short, file.read_text(encoding="utf-8"))
        found[sample.resource_id] = sample
    return found


def sample_blueprint(resource_id: str) -> SampleBlueprint | None:
    return sample_blueprints().get(resource_id)
