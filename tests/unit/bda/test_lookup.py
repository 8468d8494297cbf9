"""The runtime's view of the control plane: projects and blueprints by ARN, samples included."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from medauto.services.bda import records
from medauto.services.bda.lookup import find_blueprint, find_project
from medauto.services.bda.samples import sample_blueprints
from medauto.services.bda.views import resource_arn
from medauto.storage.resources import InMemoryResourceStore, Resource, modify

ACCOUNT, REGION = "111122223333", "us-east-1"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SCHEMA = json.dumps({"class": "Note", "description": "d", "type": "object", "properties": {}})


def test_find_project_by_arn_and_stage() -> None:
    store = InMemoryResourceStore()
    config = {"document": {"generativeField": {"state": "ENABLED"}}}
    params = {"projectName": "claims", "projectStage": "DEVELOPMENT", "standardOutputConfiguration": config}
    project = records.new_project(ACCOUNT, REGION, params, T0)
    store.insert(project)
    arn = resource_arn(project)
    assert arn == f"arn:aws:bedrock:{REGION}:{ACCOUNT}:data-automation-project/{project.resource_id}"
    found = find_project(store, ACCOUNT, arn, "DEVELOPMENT")
    assert found is not None
    assert (found["projectName"], found["projectStage"], found["status"]) == ("claims", "DEVELOPMENT", "COMPLETED")
    assert found["standardOutputConfiguration"] == config
    assert find_project(store, ACCOUNT, arn, "LIVE") is None
    assert find_project(store, "999988887777", arn, "DEVELOPMENT") is None  # another account sees nothing


def test_find_blueprint_stage_version_and_samples() -> None:
    store = InMemoryResourceStore()
    blueprint = records.new_blueprint(ACCOUNT, REGION, "notes", "DOCUMENT", SCHEMA, None, T0)
    store.insert(blueprint)
    arn = resource_arn(blueprint)

    def snapshot(current: Resource) -> Resource:
        return records.with_new_version(current, "LIVE", T0)[0]

    modify(store, ACCOUNT, REGION, blueprint.kind, blueprint.resource_id, snapshot)
    head = find_blueprint(store, ACCOUNT, arn, None, None)
    assert head is not None and head["blueprintStage"] == "LIVE" and "blueprintVersion" not in head
    version = find_blueprint(store, ACCOUNT, arn, "1", None)
    assert version is not None and (version["blueprintVersion"], version["schema"]) == ("1", SCHEMA)
    assert find_blueprint(store, ACCOUNT, arn, "2", None) is None
    assert find_blueprint(store, ACCOUNT, arn, None, "DEVELOPMENT") is None

    assert sample_blueprints(), "the extraction engine's sample schemas are missing"
    name = next(iter(sample_blueprints()))
    sample = find_blueprint(store, ACCOUNT, f"arn:aws:bedrock:{REGION}:aws:blueprint/{name}", None, "LIVE")
    assert sample is not None and sample["blueprintName"] == name and json.loads(sample["schema"])["properties"]
