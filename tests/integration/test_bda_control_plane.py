"""The BDA control plane through boto3 against a real server: blueprints, versions, stages, projects, tags,
samples, pagination, idempotency and the modeled errors; resources survive a restart (SQLite store)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, start_server, stop_server
from tests.integration.bda_helpers import control_plane_server, error_of, unique

pytestmark = pytest.mark.integration

ACCOUNT, OTHER = "123456789012", "210987654321"
CREDENTIALS = f"test:test:{ACCOUNT},other:other:{OTHER}"
BLUEPRINT_ARN = re.compile(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:blueprint/[0-9a-f]{{12}}")
PROJECT_ARN = re.compile(rf"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-project/[0-9a-f]{{12}}")
STANDARD = {"document": {"extraction": {"granularity": {"types": ["PAGE"]}, "boundingBox": {"state": "ENABLED"}}}}


def schema(label: str = "Discharge Summary", *fields: str) -> str:
    props = {
        name: {"type": "string", "inferenceType": "explicit", "instruction": f"The {name}"}
        for name in (fields or ("patient_name",))
    }
    return json.dumps({"class": label, "description": "d", "type": "object", "properties": props})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bda-control")


@pytest.fixture(scope="module")
def bda_server(data_dir: Path) -> Iterator[Server]:
    yield from control_plane_server(data_dir, CREDENTIALS)


@pytest.fixture(scope="module")
def bda(bda_server: Server) -> Any:
    return bda_server.client("bedrock-data-automation")


def new_blueprint(bda: Any, **extra: Any) -> dict[str, Any]:
    params = {"blueprintName": unique("bp"), "type": "DOCUMENT", "schema": schema(), **extra}
    response = bda.create_blueprint(**params)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    blueprint: dict[str, Any] = response["blueprint"]
    return blueprint


def test_blueprint_lifecycle(bda: Any) -> None:
    created = new_blueprint(bda, blueprintName=unique("claims"))
    arn = created["blueprintArn"]
    assert BLUEPRINT_ARN.fullmatch(arn)
    assert created["blueprintStage"] == "LIVE" and "blueprintVersion" not in created
    assert created["schema"] == schema() and created["type"] == "DOCUMENT"
    assert created["creationTime"] == created["lastModifiedTime"]

    got = bda.get_blueprint(blueprintArn=arn)["blueprint"]
    assert {k: got[k] for k in ("blueprintName", "schema", "creationTime")} == {
        k: created[k] for k in ("blueprintName", "schema", "creationTime")
    }

    updated = bda.update_blueprint(blueprintArn=arn, schema=schema("Discharge", "a", "b"))["blueprint"]
    assert json.loads(updated["schema"])["properties"].keys() == {"a", "b"}
    assert updated["lastModifiedTime"] > created["lastModifiedTime"]
    assert updated["creationTime"] == created["creationTime"]

    assert bda.delete_blueprint(blueprintArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    code, status, message, _ = error_of(bda.get_blueprint, blueprintArn=arn)
    assert (code, status, message) == ("ResourceNotFoundException", 404, f"Blueprint {arn} was not found.")
    assert error_of(bda.delete_blueprint, blueprintArn=arn)[:2] == ("ResourceNotFoundException", 404)


def test_stages_and_versions(bda: Any) -> None:
    created = new_blueprint(bda, blueprintStage="DEVELOPMENT")
    arn = created["blueprintArn"]
    assert created["blueprintStage"] == "DEVELOPMENT"
    code, status, message, _ = error_of(bda.get_blueprint, blueprintArn=arn, blueprintStage="LIVE")
    assert (code, status, message) == ("ResourceNotFoundException", 404, f"Blueprint {arn} has no stage LIVE.")

    assert bda.copy_blueprint_stage(blueprintArn=arn, sourceStage="DEVELOPMENT", targetStage="LIVE")
    live = bda.get_blueprint(blueprintArn=arn, blueprintStage="LIVE")["blueprint"]
    assert (live["blueprintStage"], live["schema"]) == ("LIVE", created["schema"])
    # Stages change independently.
    bda.update_blueprint(blueprintArn=arn, blueprintStage="DEVELOPMENT", schema=schema("Next", "x"))
    assert bda.get_blueprint(blueprintArn=arn, blueprintStage="LIVE")["blueprint"]["schema"] == created["schema"]
    code, status, _, response = error_of(
        bda.copy_blueprint_stage, blueprintArn=arn, sourceStage="LIVE", targetStage="LIVE"
    )
    assert (code, status) == ("ValidationException", 400)
    assert response["fieldList"] == [
        {"name": "targetStage", "message": "sourceStage and targetStage are both LIVE; they must differ."}
    ]

    first = bda.create_blueprint_version(blueprintArn=arn)
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (first["blueprint"]["blueprintVersion"], first["blueprint"]["schema"]) == ("1", schema("Next", "x"))
    bda.update_blueprint(blueprintArn=arn, blueprintStage="DEVELOPMENT", schema=schema("Later", "y"))
    second = bda.create_blueprint_version(blueprintArn=arn)["blueprint"]
    assert second["blueprintVersion"] == "2"
    v1 = bda.get_blueprint(blueprintArn=arn, blueprintVersion="1")["blueprint"]
    assert (v1["blueprintVersion"], v1["schema"]) == ("1", schema("Next", "x"))

    listed = bda.list_blueprints(blueprintArn=arn, blueprintStageFilter="ALL")["blueprints"]
    assert [(b["blueprintStage"], b.get("blueprintVersion")) for b in listed] == [
        ("DEVELOPMENT", None),
        ("LIVE", None),
        ("DEVELOPMENT", "1"),
        ("DEVELOPMENT", "2"),
    ]

    bda.delete_blueprint(blueprintArn=arn, blueprintVersion="1")  # deletes the version only
    code, status, message, _ = error_of(bda.get_blueprint, blueprintArn=arn, blueprintVersion="1")
    assert (code, status, message) == ("ResourceNotFoundException", 404, f"Blueprint {arn} has no version 1.")
    assert bda.get_blueprint(blueprintArn=arn, blueprintVersion="2")["blueprint"]["blueprintVersion"] == "2"
    assert bda.create_blueprint_version(blueprintArn=arn)["blueprint"]["blueprintVersion"] == "3"  # never reused
    assert error_of(bda.delete_blueprint, blueprintArn=arn, blueprintVersion="1")[:2] == (
        "ResourceNotFoundException",
        404,
    )


def test_schema_and_name_errors(bda: Any) -> None:
    name = unique("dup")
    new_blueprint(bda, blueprintName=name)
    code, status, message, _ = error_of(bda.create_blueprint, blueprintName=name, type="DOCUMENT", schema=schema())
    assert (code, status, message) == ("ConflictException", 409, f"A blueprint named {name} already exists.")

    bad = json.dumps({"class": "X", "type": "object", "properties": {"total": {"$ref": "#/definitions/Money"}}})
    code, status, message, response = error_of(
        bda.create_blueprint, blueprintName=unique("bad"), type="DOCUMENT", schema=bad
    )
    assert (code, status) == ("ValidationException", 400)
    expected = 'Invalid blueprint schema: properties.total.$ref: refers to an unknown definition "Money"'
    assert message == expected and response["fieldList"] == [{"name": "schema", "message": expected}]
    code, _, message, _ = error_of(bda.create_blueprint, blueprintName=unique("bad"), type="DOCUMENT", schema="{")
    assert code == "ValidationException" and message.startswith("Invalid blueprint schema: schema: not valid JSON")
    arn = new_blueprint(bda)["blueprintArn"]
    leafless = schema().replace('"type": "string", ', "")
    code, _, message, _ = error_of(bda.update_blueprint, blueprintArn=arn, schema=leafless)
    assert code == "ValidationException" and "properties.patient_name: has no type" in message


def test_idempotent_creates(bda: Any) -> None:
    token = uuid.uuid4().hex + "abc"  # clientToken needs at least 33 characters
    params = {"blueprintName": unique("idem"), "type": "DOCUMENT", "schema": schema(), "clientToken": token}
    first = bda.create_blueprint(**params)["blueprint"]
    again = bda.create_blueprint(**params)["blueprint"]
    assert again == first
    code, status, message, _ = error_of(bda.create_blueprint, **{**params, "schema": schema("Other")})
    assert (code, status) == ("ConflictException", 409) and token in message

    version_token = uuid.uuid4().hex + "v01"
    one = bda.create_blueprint_version(blueprintArn=first["blueprintArn"], clientToken=version_token)["blueprint"]
    two = bda.create_blueprint_version(blueprintArn=first["blueprintArn"], clientToken=version_token)["blueprint"]
    assert one["blueprintVersion"] == two["blueprintVersion"] == "1"

    project = {"projectName": unique("idem"), "standardOutputConfiguration": STANDARD, "clientToken": token}
    made = bda.create_data_automation_project(**project)
    assert bda.create_data_automation_project(**project)["projectArn"] == made["projectArn"]
    code, status, _, _ = error_of(bda.create_data_automation_project, **{**project, "projectDescription": "changed"})
    assert (code, status) == ("ConflictException", 409)


def test_projects(bda: Any) -> None:
    blueprint = new_blueprint(bda)
    name = unique("intake")
    custom = {"blueprints": [{"blueprintArn": blueprint["blueprintArn"], "blueprintStage": "LIVE"}]}
    created = bda.create_data_automation_project(
        projectName=name,
        projectDescription="Intake forms",
        projectStage="DEVELOPMENT",
        standardOutputConfiguration=STANDARD,
        customOutputConfiguration=custom,
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    arn = created["projectArn"]
    assert PROJECT_ARN.fullmatch(arn) and created["projectStage"] == "DEVELOPMENT"
    assert created["status"] in ("IN_PROGRESS", "COMPLETED")

    project = bda.get_data_automation_project(projectArn=arn)["project"]
    assert (project["projectName"], project["projectStage"], project["status"]) == (name, "DEVELOPMENT", "COMPLETED")
    assert project["standardOutputConfiguration"] == STANDARD and project["customOutputConfiguration"] == custom
    assert (project["projectType"], project["projectDescription"]) == ("ASYNC", "Intake forms")
    code, status, message, _ = error_of(bda.get_data_automation_project, projectArn=arn, projectStage="LIVE")
    assert (code, status, message) == (
        "ResourceNotFoundException",
        404,
        f"Data automation project {arn} has no LIVE stage.",
    )

    # Updating the LIVE stage creates it; DEVELOPMENT keeps its own configuration.
    live = {"image": {"generativeField": {"state": "ENABLED", "types": ["IMAGE_SUMMARY"]}}}
    answer = bda.update_data_automation_project(projectArn=arn, projectStage="LIVE", standardOutputConfiguration=live)
    assert (answer["projectArn"], answer["projectStage"]) == (arn, "LIVE")
    assert (
        bda.get_data_automation_project(projectArn=arn, projectStage="LIVE")["project"]["standardOutputConfiguration"]
        == live
    )
    dev = bda.get_data_automation_project(projectArn=arn, projectStage="DEVELOPMENT")["project"]
    assert dev["standardOutputConfiguration"] == STANDARD

    used = bda.list_blueprints(projectFilter={"projectArn": arn, "projectStage": "DEVELOPMENT"})["blueprints"]
    assert [b["blueprintArn"] for b in used] == [blueprint["blueprintArn"]]
    users = bda.list_data_automation_projects(
        blueprintFilter={"blueprintArn": blueprint["blueprintArn"]}, projectStageFilter="ALL"
    )["projects"]
    assert [(p["projectArn"], p["projectStage"], p["projectName"]) for p in users] == [(arn, "DEVELOPMENT", name)]

    code, status, message, _ = error_of(
        bda.create_data_automation_project, projectName=name, standardOutputConfiguration=STANDARD
    )
    assert (code, status, message) == (
        "ConflictException",
        409,
        f"A data automation project named {name} already exists.",
    )
    ghost = blueprint["blueprintArn"][:-12] + "0" * 12
    code, status, message, response = error_of(
        bda.create_data_automation_project,
        projectName=unique("ghost"),
        standardOutputConfiguration=STANDARD,
        customOutputConfiguration={"blueprints": [{"blueprintArn": ghost}]},
    )
    assert (code, status, message) == ("ValidationException", 400, f"Blueprint {ghost} does not exist.")
    assert response["fieldList"][0]["name"] == "customOutputConfiguration.blueprints[0].blueprintArn"

    deleted = bda.delete_data_automation_project(projectArn=arn)
    assert deleted["projectArn"] == arn
    assert error_of(bda.get_data_automation_project, projectArn=arn)[:2] == ("ResourceNotFoundException", 404)


def test_pagination_is_complete_and_stable(bda_server: Server) -> None:
    # A fresh account, so nothing else in the server shows up in its lists.
    other = bda_server.client("bedrock-data-automation", key="other", secret="other")
    made = [
        other.create_blueprint(blueprintName=f"page-{i}", type="DOCUMENT", schema=schema())["blueprint"]
        for i in range(7)
    ]
    arns = [b["blueprintArn"] for b in made]
    assert all(f":{OTHER}:blueprint/" in arn for arn in arns)
    pages, token = [], None
    while True:
        kwargs = {"maxResults": 3, **({"nextToken": token} if token else {})}
        response = other.list_blueprints(**kwargs)
        pages.append([b["blueprintArn"] for b in response["blueprints"]])
        token = response.get("nextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [a for p in pages for a in p] == arns  # creation order, nothing twice or missing
    assert [
        b["blueprintName"] for b in other.get_paginator("list_blueprints").paginate().build_full_result()["blueprints"]
    ] == [f"page-{i}" for i in range(7)]
    # With ALL, each blueprint lists once per stage; pages still cut exactly at maxResults.
    other.copy_blueprint_stage(blueprintArn=arns[0], sourceStage="LIVE", targetStage="DEVELOPMENT")
    rows = other.list_blueprints(blueprintStageFilter="ALL", maxResults=1)
    assert len(rows["blueprints"]) == 1 and rows["nextToken"]
    rest = other.list_blueprints(blueprintStageFilter="ALL", nextToken=rows["nextToken"], maxResults=100)["blueprints"]
    assert [(b["blueprintArn"], b["blueprintStage"]) for b in [*rows["blueprints"], *rest]][:3] == [
        (arns[0], "DEVELOPMENT"),
        (arns[0], "LIVE"),
        (arns[1], "LIVE"),
    ]
    assert [b["blueprintArn"] for b in other.list_blueprints(blueprintStageFilter="DEVELOPMENT")["blueprints"]] == [
        arns[0]
    ]
    code, status, _, _ = error_of(other.list_blueprints, nextToken="garbage")
    assert (code, status) == ("ValidationException", 400)
    # The default account cannot see (or tag) the other account's blueprints.
    mine = bda_server.client("bedrock-data-automation")
    assert error_of(mine.get_blueprint, blueprintArn=arns[0])[:2] == ("ResourceNotFoundException", 404)
    assert error_of(mine.list_tags_for_resource, resourceARN=arns[0])[:2] == ("ResourceNotFoundException", 404)


def test_tags(bda: Any) -> None:
    blueprint = new_blueprint(bda, tags=[{"key": "team", "value": "coding"}])
    arn = blueprint["blueprintArn"]
    assert bda.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "team", "value": "coding"}]
    bda.tag_resource(resourceARN=arn, tags=[{"key": "env", "value": "dev"}, {"key": "team", "value": "claims"}])
    assert bda.list_tags_for_resource(resourceARN=arn)["tags"] == [
        {"key": "team", "value": "claims"},
        {"key": "env", "value": "dev"},
    ]
    bda.untag_resource(resourceARN=arn, tagKeys=["team", "absent"])
    assert bda.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "env", "value": "dev"}]

    many = [{"key": f"k{i}", "value": "v"} for i in range(200)]
    code, status, message, _ = error_of(bda.tag_resource, resourceARN=arn, tags=many)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert message == "A resource can have at most 200 tags; this request would leave 201."
    code, status, _, _ = error_of(bda.tag_resource, resourceARN=arn, tags=[{"key": "aws:owner", "value": "x"}])
    assert (code, status) == ("ValidationException", 400)

    project = bda.create_data_automation_project(
        projectName=unique("tagged"), standardOutputConfiguration=STANDARD, tags=[{"key": "a", "value": "1"}]
    )
    assert bda.list_tags_for_resource(resourceARN=project["projectArn"])["tags"] == [{"key": "a", "value": "1"}]
    missing = arn[:-12] + "f" * 12
    code, status, message, _ = error_of(bda.tag_resource, resourceARN=missing, tags=[{"key": "a", "value": "1"}])
    assert (code, status, message) == ("ResourceNotFoundException", 404, f"Blueprint {missing} was not found.")


def test_service_samples(bda: Any) -> None:
    listed = bda.list_blueprints(resourceOwner="SERVICE")["blueprints"]
    names = {b["blueprintName"] for b in listed}
    for short in (
        "invoice",
        "receipt",
        "bank-statement",
        "pay-stub",
        "us-driver-license",
        "lab-report",
        "prescription",
    ):
        assert f"bedrock-data-automation-public-{short}" in names
    invoice = next(b for b in listed if b["blueprintName"].endswith("-invoice"))
    assert invoice["blueprintArn"] == "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-invoice"
    got = bda.get_blueprint(blueprintArn=invoice["blueprintArn"])["blueprint"]
    assert json.loads(got["schema"])["class"] == "Invoice" and got["type"] == "DOCUMENT"
    assert all(
        not b["blueprintName"].startswith("bedrock-data-automation-public-")
        for b in bda.list_blueprints()["blueprints"]
    )

    for call, extra in (
        (bda.update_blueprint, {"schema": schema()}),
        (bda.delete_blueprint, {}),
        (bda.create_blueprint_version, {}),
    ):
        code, status, message, _ = error_of(call, blueprintArn=invoice["blueprintArn"], **extra)
        assert (code, status) == ("AccessDeniedException", 403) and "service-owned sample" in message
    unknown = "arn:aws:bedrock:us-east-1:aws:blueprint/bedrock-data-automation-public-nothing"
    assert error_of(bda.get_blueprint, blueprintArn=unknown)[:2] == ("ResourceNotFoundException", 404)

    # Projects may use samples; ListBlueprints with a project filter shows them.
    project = bda.create_data_automation_project(
        projectName=unique("uses-sample"),
        standardOutputConfiguration=STANDARD,
        customOutputConfiguration={"blueprints": [{"blueprintArn": invoice["blueprintArn"]}]},
    )
    used = bda.list_blueprints(projectFilter={"projectArn": project["projectArn"]}, resourceOwner="SERVICE")
    assert [b["blueprintArn"] for b in used["blueprints"]] == [invoice["blueprintArn"]]


def test_postgresql_store_end_to_end(tmp_path: Path) -> None:
    """The same operations on the PostgreSQL store, shared by two servers (a fresh account per run)."""
    import random

    from tests.stores import fresh_postgres

    dsn = fresh_postgres()  # tables kept: the run uses an account of its own
    account = str(random.randrange(10**11, 10**12))
    args = ("--store", dsn, "--credentials", f"pg:pg:{account}", "--job-threads", "0")
    one, two = start_server(tmp_path / "one", *args), start_server(tmp_path / "two", *args)
    try:
        first = one.client("bedrock-data-automation", key="pg", secret="pg")
        second = two.client("bedrock-data-automation", key="pg", secret="pg")
        token = uuid.uuid4().hex + "pg0"
        params = {"blueprintName": "pg-bp", "type": "DOCUMENT", "schema": schema(), "clientToken": token}
        created = first.create_blueprint(**params)["blueprint"]
        assert f":{account}:blueprint/" in created["blueprintArn"]
        assert second.create_blueprint(**params)["blueprint"] == created  # replayed from the shared store
        assert error_of(second.create_blueprint, **{**params, "clientToken": uuid.uuid4().hex + "pg1"})[:2] == (
            "ConflictException",
            409,
        )
        second.tag_resource(resourceARN=created["blueprintArn"], tags=[{"key": "db", "value": "pg"}])
        assert first.list_tags_for_resource(resourceARN=created["blueprintArn"])["tags"] == [
            {"key": "db", "value": "pg"}
        ]
        project = first.create_data_automation_project(
            projectName="pg-project",
            standardOutputConfiguration=STANDARD,
            customOutputConfiguration={"blueprints": [{"blueprintArn": created["blueprintArn"]}]},
        )
        listed = second.list_data_automation_projects()["projects"]
        assert [p["projectArn"] for p in listed] == [project["projectArn"]]
        assert [b["blueprintName"] for b in second.list_blueprints()["blueprints"]] == ["pg-bp"]
    finally:
        stop_server(one)
        stop_server(two)


def test_libraries(bda_server: Server) -> None:
    client = bda_server.client("bedrock-data-automation", key="other", secret="other")
    name = unique("vocab")
    made = client.create_data_automation_library(libraryName=name, libraryDescription="Drug names")
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 201 and made["status"] == "ACTIVE"
    arn = made["libraryArn"]
    assert re.fullmatch(rf"arn:aws:bedrock:us-east-1:{OTHER}:data-automation-library/[0-9a-f]{{12}}", arn)
    library = client.get_data_automation_library(libraryArn=arn)["library"]
    assert (library["libraryName"], library["libraryDescription"], library["status"]) == (name, "Drug names", "ACTIVE")
    client.update_data_automation_library(libraryArn=arn, libraryDescription="Brand and generic drug names")
    assert client.get_data_automation_library(libraryArn=arn)["library"]["libraryDescription"].startswith("Brand")
    code, status, _, _ = error_of(client.create_data_automation_library, libraryName=name)
    assert (code, status) == ("ConflictException", 409)
    client.tag_resource(resourceARN=arn, tags=[{"key": "kind", "value": "vocabulary"}])
    assert client.list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "kind", "value": "vocabulary"}]

    project = client.create_data_automation_project(
        projectName=unique("with-library"),
        standardOutputConfiguration=STANDARD,
        dataAutomationLibraryConfiguration={"libraries": [{"libraryArn": arn}]},
    )
    linked = client.list_data_automation_libraries(projectFilter={"projectArn": project["projectArn"]})["libraries"]
    assert [item["libraryArn"] for item in linked] == [arn]
    users = client.list_data_automation_projects(libraryFilter={"libraryArn": arn})["projects"]
    assert [p["projectArn"] for p in users] == [project["projectArn"]]
    assert arn in [item["libraryArn"] for item in client.list_data_automation_libraries()["libraries"]]
    code, status, message, _ = error_of(client.delete_data_automation_library, libraryArn=arn)
    assert (code, status) == ("ConflictException", 409) and project["projectArn"] in message

    client.delete_data_automation_project(projectArn=project["projectArn"])
    code, status, _, response = error_of(
        client.list_data_automation_libraries, projectFilter={"projectArn": project["projectArn"]}
    )
    assert (code, status, response["fieldList"][0]["name"]) == ("ValidationException", 400, "projectFilter.projectArn")
    assert client.delete_data_automation_library(libraryArn=arn)["status"] == "DELETING"
    assert error_of(client.get_data_automation_library, libraryArn=arn)[:2] == ("ResourceNotFoundException", 404)
    code, _, message, _ = error_of(
        client.create_data_automation_project,
        projectName=unique("ghost-library"),
        standardOutputConfiguration=STANDARD,
        dataAutomationLibraryConfiguration={"libraries": [{"libraryArn": arn}]},
    )
    assert (code, message) == ("ValidationException", f"Data automation library {arn} does not exist.")


# Last in the module: it stops the module's server.
def test_resources_survive_a_restart(data_dir: Path, bda: Any, bda_server: Server) -> None:
    blueprint = new_blueprint(bda, tags=[{"key": "keep", "value": "yes"}])
    stop_server(bda_server)
    again = start_server(data_dir, "--credentials", CREDENTIALS, "--job-threads", "0")
    try:
        client = again.client("bedrock-data-automation")
        assert (
            client.get_blueprint(blueprintArn=blueprint["blueprintArn"])["blueprint"]["schema"] == blueprint["schema"]
        )
        assert client.list_tags_for_resource(resourceARN=blueprint["blueprintArn"])["tags"] == [
            {"key": "keep", "value": "yes"}
        ]
    finally:
        stop_server(again)
