"""Server-side input validation: Coral-format messages, modeled error codes, and every operation's valid input."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.validate import ParamValidator

from medauto.protocols.errors import ServiceError
from medauto.protocols.specs import SERVICE_INFO, Service, service_model
from medauto.protocols.validate import MAX_LENGTH_ERROR_CODES, _compile_pattern, validate_input
from tests.shapegen import ACCOUNT, BLUEPRINT, INVOCATION, PROFILE, PROJECT, ROLE, valid_sample

CM, RT, BDA = Service.COMPREHEND_MEDICAL, Service.BDA_RUNTIME, Service.BDA


def op(service: Service, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


def check(service: Service, operation: str, params: dict[str, Any]) -> None:
    validate_input(
        op(service, operation),
        params,
        error_code=SERVICE_INFO[service].validation_error,
        max_length_error_codes=MAX_LENGTH_ERROR_CODES[service],
    )


def fails(service: Service, operation: str, params: dict[str, Any]) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        check(service, operation, params)
    assert info.value.status == 400
    return info.value


def start_job(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "InputDataConfig": {"S3Bucket": "my-input-bucket", "S3Key": "notes/"},
        "OutputDataConfig": {"S3Bucket": "my-output-bucket"},
        "DataAccessRoleArn": ROLE,
        "LanguageCode": "en",
        "JobName": "nightly run 1",
        "ClientRequestToken": "b4c1000a-a680-4920",
    }
    params.update(overrides)
    return params


def invoke_async(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "inputConfiguration": {"s3Uri": "s3://my-bucket/in/doc.pdf"},
        "outputConfiguration": {"s3Uri": "s3://my-bucket/out"},
        "dataAutomationProfileArn": PROFILE,
        "dataAutomationConfiguration": {"dataAutomationProjectArn": PROJECT, "stage": "LIVE"},
    }
    params.update(overrides)
    return params


def create_blueprint(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"blueprintName": "lab-report_1", "type": "DOCUMENT", "schema": '{"class": "Lab"}'}
    params.update(overrides)
    return params


# ---------------------------------------------------------------------------------------------- Comprehend Medical


def test_cm_missing_required_text() -> None:
    err = fails(CM, "DetectEntitiesV2", {})
    assert err.code == "InvalidRequestException"
    assert err.message == (
        "1 validation error detected: Value null at 'text' failed to satisfy constraint: Member must not be null"
    )
    assert err.fields == {}


def test_cm_text_too_long_is_text_size_limit_exceeded() -> None:
    err = fails(CM, "DetectEntitiesV2", {"Text": "a" * 20001})
    assert err.code == "TextSizeLimitExceededException"
    assert err.message == "Text size limit exceeded: the text is 20001 characters; the limit is 20000."
    check(CM, "DetectEntitiesV2", {"Text": "é" * 20000})  # code points, not bytes


@pytest.mark.parametrize("operation", ["InferICD10CM", "InferRxNorm", "InferSNOMEDCT"])
def test_cm_ontology_text_limit_is_10000(operation: str) -> None:
    check(CM, operation, {"Text": "a" * 10000})
    err = fails(CM, operation, {"Text": "a" * 10001})
    assert err.code == "TextSizeLimitExceededException"
    assert "the limit is 10000" in err.message


def test_cm_text_too_long_without_override_map_is_a_plain_validation_error() -> None:
    with pytest.raises(ServiceError) as info:
        validate_input(op(CM, "DetectPHI"), {"Text": "a" * 20001}, error_code="InvalidRequestException")
    assert info.value.code == "InvalidRequestException"
    assert info.value.message.endswith(
        "at 'text' failed to satisfy constraint: Member must have length less than or equal to 20000"
    )


def test_cm_text_too_long_plus_another_violation_uses_the_normal_code() -> None:
    err = fails(CM, "DetectEntitiesV2", {"Text": "a" * 20001, "Extra": 1})  # unknown "Extra" is ignored
    assert err.code == "TextSizeLimitExceededException"
    with pytest.raises(ServiceError) as info:
        validate_input(
            op(CM, "DetectEntitiesV2"),
            {"Text": 5},
            error_code="InvalidRequestException",
            max_length_error_codes=MAX_LENGTH_ERROR_CODES[CM],
        )
    assert info.value.code == "InvalidRequestException"
    overrides = {"BoundedLengthString": "TextSizeLimitExceededException", "JobName": "Other"}
    with pytest.raises(ServiceError) as info:
        validate_input(
            op(CM, "StartEntitiesDetectionV2Job"),
            start_job(JobName="x" * 300, LanguageCode="fr"),
            error_code="InvalidRequestException",
            max_length_error_codes=overrides,
        )
    assert info.value.code == "InvalidRequestException"
    assert info.value.message.startswith("2 validation errors detected: ")


def test_cm_bad_job_name_pattern() -> None:
    err = fails(CM, "StartEntitiesDetectionV2Job", start_job(JobName="bad,name"))
    assert err.code == "InvalidRequestException"
    assert err.message == (
        "1 validation error detected: Value 'bad,name' at 'jobName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-%@]*)$"
    )


def test_cm_client_request_token_pattern_and_ecmascript_dollar() -> None:
    err = fails(CM, "StartPHIDetectionJob", start_job(ClientRequestToken="not a token"))
    assert "at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression" in err.message
    # ECMAScript `$` is end of input: a trailing newline does not match (Python's `$` alone would accept it).
    err = fails(CM, "StartPHIDetectionJob", start_job(ClientRequestToken="abc\n"))
    assert "clientRequestToken" in err.message
    check(CM, "StartPHIDetectionJob", start_job(ClientRequestToken="abc-123"))


@pytest.mark.parametrize(("value", "text"), [(0, "greater than or equal to 1"), (501, "less than or equal to 500")])
def test_cm_max_results_range(value: int, text: str) -> None:
    err = fails(CM, "ListEntitiesDetectionV2Jobs", {"MaxResults": value})
    assert err.message == (
        f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy constraint: "
        f"Member must have value {text}"
    )
    check(CM, "ListEntitiesDetectionV2Jobs", {"MaxResults": 1})
    check(CM, "ListEntitiesDetectionV2Jobs", {"MaxResults": 500})


def test_cm_bool_is_not_an_integer_and_types_are_checked() -> None:
    err = fails(CM, "ListPHIDetectionJobs", {"MaxResults": True})
    assert err.message.endswith("at 'maxResults' failed to satisfy constraint: Member must be of type integer")
    err = fails(CM, "ListPHIDetectionJobs", {"Filter": {"SubmitTimeAfter": "yesterday", "JobName": 7}})
    assert "Member must be of type timestamp" in err.message
    assert "Value '7' at 'filter.jobName' failed to satisfy constraint: Member must be of type string" in err.message
    check(CM, "ListPHIDetectionJobs", {"Filter": {"SubmitTimeAfter": datetime.now(UTC), "JobStatus": "COMPLETED"}})


def test_cm_bad_language_code_enum() -> None:
    err = fails(CM, "StartICD10CMInferenceJob", start_job(LanguageCode="fr"))
    assert err.message == (
        "1 validation error detected: Value 'fr' at 'languageCode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [en]"
    )


def test_cm_nested_path_is_lower_camel() -> None:
    err = fails(CM, "StartRxNormInferenceJob", start_job(InputDataConfig={"S3Bucket": "ab"}))
    assert err.message == (
        "1 validation error detected: Value 'ab' at 'inputDataConfig.s3Bucket' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3"
    )
    err = fails(CM, "StartRxNormInferenceJob", start_job(OutputDataConfig={}))
    assert "Value null at 'outputDataConfig.s3Bucket' failed to satisfy constraint: Member must not be null" in (
        err.message
    )


def test_cm_multiple_violations_counted_in_model_order() -> None:
    err = fails(
        CM,
        "StartSNOMEDCTInferenceJob",
        start_job(InputDataConfig={"S3Bucket": "ab"}, DataAccessRoleArn="role", LanguageCode="fr", KMSKey=""),
    )
    assert err.message.startswith("5 validation errors detected: Value 'ab' at 'inputDataConfig.s3Bucket' ")
    assert err.message.count("failed to satisfy constraint") == 5
    parts = err.message.split("; ")
    assert len(parts) == 5
    assert parts[1].startswith("Value 'role' at 'dataAccessRoleArn' failed to satisfy constraint: Member must have")
    assert parts[2].startswith("Value 'role' at 'dataAccessRoleArn' failed to satisfy constraint: Member must satisfy")
    assert parts[3] == (
        "Value '' at 'kMSKey' failed to satisfy constraint: Member must have length greater than or equal to 1"
    )
    assert err.fields == {}  # CM's InvalidRequestException has no fieldList


def test_cm_valid_inputs_pass() -> None:
    check(CM, "DetectEntitiesV2", {"Text": "Patient takes 40 mg aspirin daily."})
    check(CM, "DetectPHI", {"Text": "x", "Unknown": {"anything": [1, 2]}})  # unknown members are ignored
    check(CM, "DescribeEntitiesDetectionV2Job", {"JobId": "ab9887877365fe70299089371c043b96"})
    check(CM, "StartEntitiesDetectionV2Job", start_job(KMSKey="alias/medauto"))
    check(CM, "ListSNOMEDCTInferenceJobs", {"NextToken": "t", "MaxResults": 100, "Filter": {"JobName": "n"}})


# ---------------------------------------------------------------------------------------------- BDA runtime


def test_runtime_blueprint_list_limits() -> None:
    blueprints = [{"blueprintArn": BLUEPRINT, "version": "1", "stage": "LIVE"}] * 40
    check(RT, "InvokeDataAutomationAsync", invoke_async(blueprints=blueprints))
    err = fails(RT, "InvokeDataAutomationAsync", invoke_async(blueprints=[*blueprints, blueprints[0]]))
    assert err.code == "ValidationException"
    assert err.message.startswith("1 validation error detected: Value '[{blueprintArn=arn:aws:bedrock")
    assert "...' at 'blueprints' failed to satisfy constraint: Member must have length less than or equal to 40" in (
        err.message
    )
    err = fails(RT, "InvokeDataAutomationAsync", invoke_async(blueprints=[]))
    assert err.message == (
        "1 validation error detected: Value '[]' at 'blueprints' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    assert err.fields == {}  # the runtime's ValidationException carries only `message`


def test_runtime_list_element_paths_are_one_based() -> None:
    blueprints = [{"blueprintArn": BLUEPRINT}, {"blueprintArn": "arn:aws:bedrock:x"}, {"version": "1"}]
    err = fails(RT, "InvokeDataAutomationAsync", invoke_async(blueprints=blueprints))
    assert "Value 'arn:aws:bedrock:x' at 'blueprints.2.blueprintArn' failed to satisfy constraint: Member must " in (
        err.message
    )
    assert "Value null at 'blueprints.3.blueprintArn' failed to satisfy constraint: Member must not be null" in (
        err.message
    )


def test_runtime_s3_uri_pattern() -> None:
    err = fails(RT, "InvokeDataAutomationAsync", invoke_async(outputConfiguration={"s3Uri": "https://bucket/out"}))
    assert err.message.startswith(
        "1 validation error detected: Value 'https://bucket/out' at 'outputConfiguration.s3Uri' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: s3://[a-z0-9]"
    )


def test_runtime_tags_list_and_tag_key_pattern() -> None:
    tags = [{"key": f"k{i}", "value": "v"} for i in range(200)]
    check(RT, "TagResource", {"resourceARN": INVOCATION, "tags": tags})
    err = fails(RT, "TagResource", {"resourceARN": INVOCATION, "tags": [*tags, {"key": "x", "value": "y"}]})
    assert "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200" in err.message
    err = fails(RT, "UntagResource", {"resourceARN": INVOCATION, "tagKeys": ["ok", "x" * 129]})
    assert "at 'tagKeys.2' failed to satisfy constraint: Member must have length less than or equal to 128" in (
        err.message
    )


def test_runtime_map_limits_and_keys() -> None:
    context = {f"k{i}": "v" for i in range(11)}
    params = invoke_async(encryptionConfiguration={"kmsKeyId": "key-1", "kmsEncryptionContext": context})
    err = fails(RT, "InvokeDataAutomationAsync", params)
    assert (
        "at 'encryptionConfiguration.kmsEncryptionContext' failed to satisfy constraint: Member must have length "
        "less than or equal to 10"
    ) in err.message
    params = invoke_async(encryptionConfiguration={"kmsKeyId": "key-1", "kmsEncryptionContext": {" ": "v", "a": " "}})
    err = fails(RT, "InvokeDataAutomationAsync", params)
    assert err.message == (
        "2 validation errors detected: Value '{ =v, a= }' at 'encryptionConfiguration.kmsEncryptionContext' failed "
        "to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to "
        r"2000, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: "
        r".*\S.*]; Value ' ' at 'encryptionConfiguration.kmsEncryptionContext.a' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: .*\S.*"
    )


def test_runtime_union_needs_exactly_one_member() -> None:
    video: dict[str, Any] = {"segmentConfiguration": {}}
    params = invoke_async(
        inputConfiguration={"s3Uri": "s3://my-bucket/in.mp4", "assetProcessingConfiguration": {"video": video}}
    )
    err = fails(RT, "InvokeDataAutomationAsync", params)
    assert err.message == (
        "1 validation error detected: Value '{}' at 'inputConfiguration.assetProcessingConfiguration.video."
        "segmentConfiguration' failed to satisfy constraint: Member must have exactly one member set"
    )
    video = {"segmentConfiguration": {"timestampSegment": {"startTimeMillis": 0, "endTimeMillis": 300000}}}
    params["inputConfiguration"]["assetProcessingConfiguration"]["video"] = video
    check(RT, "InvokeDataAutomationAsync", params)
    video["segmentConfiguration"]["timestampSegment"]["startTimeMillis"] = -1
    err = fails(RT, "InvokeDataAutomationAsync", params)
    assert "timestampSegment.startTimeMillis' failed to satisfy constraint: Member must have value greater" in (
        err.message
    )


def test_runtime_sync_blob_input() -> None:
    params = {"inputConfiguration": {"bytes": b"%PDF-1.7"}, "dataAutomationProfileArn": PROFILE}
    check(RT, "InvokeDataAutomation", params)
    err = fails(RT, "InvokeDataAutomation", {**params, "inputConfiguration": {"bytes": "not bytes"}})
    assert "at 'inputConfiguration.bytes' failed to satisfy constraint: Member must be of type blob" in err.message


def test_runtime_valid_inputs_pass() -> None:
    check(RT, "GetDataAutomationStatus", {"invocationArn": INVOCATION})
    check(RT, "ListTagsForResource", {"resourceARN": INVOCATION})
    check(
        RT,
        "InvokeDataAutomationAsync",
        invoke_async(
            clientToken="token-1",
            notificationConfiguration={"eventBridgeConfiguration": {"eventBridgeEnabled": True}},
            tags=[{"key": "team", "value": "med auto"}],
        ),
    )


# ---------------------------------------------------------------------------------------------- BDA control plane


def test_bda_blueprint_name_pattern_is_sensitive_and_has_field_list() -> None:
    err = fails(BDA, "CreateBlueprint", create_blueprint(blueprintName="!!! ???"))
    assert err.code == "ValidationException"
    assert err.message == (
        "1 validation error detected: Value '***' at 'blueprintName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+"
    )
    assert "!!!" not in err.message
    assert err.fields == {
        "fieldList": [
            {"name": "blueprintName", "message": "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+"}
        ]
    }


def test_bda_type_enum_and_sensitive_schema() -> None:
    err = fails(BDA, "CreateBlueprint", create_blueprint(type="TEXT", schema="s" * 100001))
    assert err.message == (
        "2 validation errors detected: Value 'TEXT' at 'type' failed to satisfy constraint: Member must satisfy enum "
        "value set: [DOCUMENT, IMAGE, AUDIO, VIDEO]; Value '***' at 'schema' failed to satisfy constraint: Member "
        "must have length less than or equal to 100000"
    )
    assert [f["name"] for f in err.fields["fieldList"]] == ["type", "schema"]


def test_bda_sensitive_values_masked_in_containers() -> None:
    params: dict[str, Any] = {"libraryArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-library/abcdef123456"}
    entity = {"vocabulary": {"entityId": "e1", "phrases": [{"text": "secret words"}], "description": "d" * 301}}
    params |= {
        "entityType": "VOCABULARY",
        "operationType": "UPSERT",
        "inputConfiguration": {"inlinePayload": {"upsertEntitiesInfo": [entity] * 11}},
        "outputConfiguration": {"s3Uri": "s3://bucket/out"},
    }
    err = fails(BDA, "InvokeDataAutomationLibraryIngestionJob", params)
    assert "secret" not in err.message
    assert "Value '***' at 'inputConfiguration.inlinePayload.upsertEntitiesInfo' failed" in err.message
    assert "Value '***' at 'inputConfiguration.inlinePayload.upsertEntitiesInfo.1.vocabulary.description'" in (
        err.message
    )


def test_bda_tags_limits_and_field_list() -> None:
    arn = BLUEPRINT
    err = fails(BDA, "TagResource", {"resourceARN": arn, "tags": [{"key": "", "value": "v" * 257}]})
    assert err.fields["fieldList"] == [
        {"name": "tags.1.key", "message": "Member must have length greater than or equal to 1"},
        {"name": "tags.1.value", "message": "Member must have length less than or equal to 256"},
    ]
    err = fails(BDA, "TagResource", {"resourceARN": arn, "tags": [{"key": "k", "value": "v"}] * 201})
    assert err.fields["fieldList"] == [
        {"name": "tags", "message": "Member must have length less than or equal to 200"},
    ]
    check(BDA, "TagResource", {"resourceARN": arn, "tags": [{"key": "k", "value": ""}]})


def test_bda_cap_of_ten_listed_but_all_counted() -> None:
    tags = [{"key": "", "value": "v"}] * 12
    err = fails(BDA, "TagResource", {"resourceARN": "bad", "tags": tags})
    # 'bad' breaks both the ARN's min length and its pattern: 2 + 12 violations, the first 10 listed.
    assert err.message.startswith("14 validation errors detected: Value 'bad' at 'resourceARN' failed")
    assert err.message.count("failed to satisfy constraint") == 10
    assert len(err.fields["fieldList"]) == 10
    assert err.fields["fieldList"][-1]["name"] == "tags.8.key"


def test_bda_valid_inputs_pass() -> None:
    check(BDA, "CreateBlueprint", create_blueprint(tags=[{"key": "k", "value": "v"}], blueprintStage="DEVELOPMENT"))
    check(BDA, "GetBlueprint", {"blueprintArn": BLUEPRINT, "blueprintVersion": "1"})
    check(
        BDA,
        "ListBlueprints",
        {"maxResults": 1000, "resourceOwner": "ACCOUNT", "projectFilter": {"projectArn": PROJECT}},
    )
    check(
        BDA,
        "CreateDataAutomationProject",
        {
            "projectName": "claims",
            "projectType": "ASYNC",
            "standardOutputConfiguration": {
                "document": {
                    "extraction": {
                        "granularity": {"types": ["DOCUMENT", "PAGE", "ELEMENT", "LINE", "WORD"]},
                        "boundingBox": {"state": "ENABLED"},
                    },
                    "generativeField": {"state": "ENABLED"},
                    "outputFormat": {
                        "textFormat": {"types": ["PLAIN_TEXT", "MARKDOWN", "HTML", "CSV"]},
                        "additionalFileFormat": {"state": "ENABLED"},
                    },
                }
            },
            "customOutputConfiguration": {"blueprints": [{"blueprintArn": BLUEPRINT, "blueprintStage": "LIVE"}]},
        },
    )


def test_bda_list_max_results_range() -> None:
    err = fails(BDA, "ListDataAutomationProjects", {"maxResults": 1001})
    assert err.fields["fieldList"] == [
        {"name": "maxResults", "message": "Member must have value less than or equal to 1000"}
    ]


# ---------------------------------------------------------------------------------------------- patterns, speed


def test_patterns_must_match_the_whole_value() -> None:
    # AWS services reject a value that only partly matches, anchored pattern or not.
    fails(BDA, "CreateBlueprint", create_blueprint(blueprintName="bad name!"))
    fails(RT, "GetDataAutomationStatus", {"invocationArn": f"prefix {INVOCATION}"})
    fails(CM, "StartEntitiesDetectionV2Job", start_job(ClientRequestToken="abc def"))
    check(BDA, "CreateBlueprint", create_blueprint(blueprintName="good-name_1"))


def test_uncompilable_pattern_is_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="medauto.protocols.validate"):
        assert _compile_pattern("([unclosed") is None
    assert "does not compile" in caplog.text
    assert _compile_pattern(".*") is None  # matches everything: no check needed
    assert _compile_pattern("abc") is _compile_pattern("abc")  # cached


def test_long_values_are_truncated() -> None:
    err = fails(CM, "StartEntitiesDetectionV2Job", start_job(JobName="x" * 1000))
    assert "Value '" + "x" * 256 + "...' at 'jobName'" in err.message
    assert len(err.message) < 500


def test_detect_entities_validation_is_fast() -> None:
    operation = op(CM, "DetectEntitiesV2")
    params = {"Text": "Patient is taking 40 mg of aspirin daily for chest pain. " * 20}
    codes = MAX_LENGTH_ERROR_CODES[CM]
    validate_input(operation, params, error_code="InvalidRequestException", max_length_error_codes=codes)
    runs = 5000
    start = time.perf_counter()
    for _ in range(runs):
        validate_input(operation, params, error_code="InvalidRequestException", max_length_error_codes=codes)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} us per validation"


# ---------------------------------------------------------------------------------------------- every operation

ALL_OPERATIONS = [(s, name) for s in (CM, RT, BDA) for name in service_model(s).operation_names]


@pytest.mark.parametrize("full", [False, True], ids=["required-only", "all-members"])
@pytest.mark.parametrize(("service", "operation"), ALL_OPERATIONS, ids=[f"{s}.{o}" for s, o in ALL_OPERATIONS])
def test_generated_valid_input_passes(service: Service, operation: str, full: bool) -> None:
    model = op(service, operation)
    shape = model.input_shape
    params = {} if shape is None else valid_sample(shape, full)
    if shape is not None:
        report = ParamValidator().validate(params, shape)  # botocore agrees the input is valid
        assert not report.has_errors(), report.generate_report()
    check(service, operation, params)
    if shape is not None and shape.required_members:
        missing = dict(params)
        first = shape.required_members[0]
        del missing[first]
        err = fails(service, operation, missing)
        label = first[:1].lower() + first[1:]
        assert err.message == (
            f"1 validation error detected: Value null at '{label}' failed to satisfy constraint: "
            "Member must not be null"
        )
