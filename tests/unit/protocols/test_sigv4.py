"""SigV4 verification, with botocore's own signers as the oracle (no network)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from medauto.protocols.errors import ServiceError
from medauto.protocols.messages import HttpRequest
from medauto.protocols.sigv4 import (
    AuthorizationHeader,
    AuthResult,
    Credential,
    SigV4Verifier,
    parse_authorization,
)

ENDPOINT = "http://127.0.0.1:4566"
SIGNED_AT = datetime.datetime(2026, 11, 23, 12, 0, 0)
NOW = SIGNED_AT.replace(tzinfo=datetime.UTC).timestamp()
CREDENTIALS = {
    "test": Credential("test", "test", "000000000000"),
    "AKIDEXAMPLE": Credential("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "123456789012"),
}
BLUEPRINT_PATH = "/blueprints/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ablueprint%2Fabcdef012345/"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details."
)


@pytest.fixture(autouse=True)
def _fixed_signing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: SIGNED_AT)


def verifier(now: float = NOW, **kwargs: Any) -> SigV4Verifier:
    return SigV4Verifier(CREDENTIALS, clock=lambda: now, **kwargs)


def json_request(
    target: str = "ComprehendMedical_20181030.DetectEntitiesV2", body: bytes = b'{"Text": "aspirin"}'
) -> AWSRequest:
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    return AWSRequest(method="POST", url=ENDPOINT + "/", headers=headers, data=body)


def sign(
    request: AWSRequest,
    service: str = "comprehendmedical",
    region: str = "us-east-1",
    key: str = "test",
    secret: str = "test",
    token: str | None = None,
) -> AWSRequest:
    SigV4Auth(Credentials(key, secret, token), service, region).add_auth(request)
    return request


def to_http(request: AWSRequest, **extra_headers: str) -> HttpRequest:
    """What the server sees: raw path/query from the prepared URL, lower-case headers, body bytes."""
    prepared = request.prepare()
    url = urlsplit(prepared.url)
    headers = {name.lower(): value for name, value in prepared.headers.items()}
    headers.setdefault("host", url.netloc)
    headers.update({name.lower().replace("_", "-"): value for name, value in extra_headers.items()})
    body = prepared.body or b""
    return HttpRequest(
        prepared.method, url.path or "/", url.query, headers, body if isinstance(body, bytes) else body.encode()
    )


def rejected(request: HttpRequest, sig_verifier: SigV4Verifier | None = None) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        (sig_verifier or verifier()).verify(request)
    assert info.value.status == 403
    return info.value


# ---------------------------------------------------------------- accepted requests


def test_json_rpc_post_root() -> None:
    http = to_http(sign(json_request()))
    assert parse_authorization(http.headers["authorization"]) == AuthorizationHeader(
        "test", "20261123", "us-east-1", "comprehendmedical",
        ("content-type", "host", "x-amz-date", "x-amz-target"), http.headers["authorization"][-64:],
    )  # fmt: skip
    assert verifier().verify(http) == AuthResult("test", "000000000000", "us-east-1", "comprehendmedical")


def test_bda_runtime_target_any_region_and_real_looking_key() -> None:
    request = json_request("AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync", b"{}")
    http = to_http(sign(request, "bedrock", "eu-west-3", "AKIDEXAMPLE", CREDENTIALS["AKIDEXAMPLE"].secret_key))
    assert verifier().verify(http) == AuthResult("AKIDEXAMPLE", "123456789012", "eu-west-3", "bedrock")


def test_rpcv2_cbor_path_with_accept_and_smithy_protocol() -> None:
    headers = {"smithy-protocol": "rpc-v2-cbor", "Accept": "application/cbor", "Content-Type": "application/cbor"}
    url = ENDPOINT + "/service/ComprehendMedical_20181030/operation/DetectEntitiesV2"
    http = to_http(sign(AWSRequest("POST", url, headers, data=b"\xa1\x64Text\x67aspirin")))
    auth = parse_authorization(http.headers["authorization"])
    assert auth is not None
    assert auth.signed_headers == ("accept", "content-type", "host", "smithy-protocol", "x-amz-date")
    assert verifier().verify(http).signing_name == "comprehendmedical"


def test_rest_json_percent_encoded_arn_and_query_in_url() -> None:
    url = ENDPOINT + BLUEPRINT_PATH + "?blueprintVersion=1"
    request = AWSRequest("POST", url, {"Content-Type": "application/json"}, data=b"{}")
    http = to_http(sign(request, "bedrock"))
    assert http.path == BLUEPRINT_PATH
    assert http.query_string == "blueprintVersion=1"
    assert verifier().verify(http) == AuthResult("test", "000000000000", "us-east-1", "bedrock")


def test_rest_json_query_params_encoded_by_botocore() -> None:
    # botocore signs params with quote(safe='-_.~') but sends them with urlencode (quote_plus): both must agree.
    params = {"blueprintVersion": "1", "z key": "a b+c/d~é", "a": ""}
    request = AWSRequest("DELETE", ENDPOINT + BLUEPRINT_PATH, {}, params=params)
    http = to_http(sign(request, "bedrock"))
    assert "+" in http.query_string
    assert verifier().verify(http).signing_name == "bedrock"


def test_path_is_normalized_like_botocore() -> None:
    request = AWSRequest("POST", ENDPOINT + "/a/./b//c/../d/", {"Content-Type": "application/json"}, data=b"{}")
    http = to_http(sign(request, "bedrock"))
    assert http.path == "/a/./b//c/../d/"
    verifier().verify(http)


def test_session_token_is_signed_and_accepted() -> None:
    http = to_http(sign(json_request(), token="FwoGZXIvYXdzEXAMPLETOKEN"))
    assert http.headers["x-amz-security-token"] == "FwoGZXIvYXdzEXAMPLETOKEN"
    auth = parse_authorization(http.headers["authorization"])
    assert auth is not None and "x-amz-security-token" in auth.signed_headers
    assert verifier().verify(http).access_key == "test"
    tampered = dataclasses.replace(http, headers={**http.headers, "x-amz-security-token": "other"})
    assert rejected(tampered).code == "InvalidSignatureException"


def test_headers_added_after_signing_are_ignored() -> None:
    http = to_http(
        sign(json_request()),
        amz_sdk_invocation_id="a1b2c3d4-0000-4000-8000-000000000000",
        amz_sdk_request="attempt=1; max=3",
        user_agent="Botocore/1.44.5 md/test",
        x_amzn_trace_id="Root=1-00000000-000000000000000000000000",
    )
    assert verifier().verify(http).region == "us-east-1"


def test_signed_header_whitespace_is_canonicalized() -> None:
    http = to_http(sign(json_request()))
    spaced = dataclasses.replace(http, headers={**http.headers, "content-type": "  application/x-amz-json-1.1  "})
    assert verifier().verify(spaced).access_key == "test"


def test_date_header_fallback_when_no_x_amz_date() -> None:
    request = json_request()
    request.headers["Date"] = "Thu, 01 Jan 1970 00:00:00 GMT"  # botocore rewrites it to the signing time
    http = to_http(sign(request))
    assert "x-amz-date" not in http.headers
    assert http.headers["date"] == "Mon, 23 Nov 2026 12:00:00 -0000"  # naive in email.utils terms: UTC
    assert verifier().verify(http).signing_name == "comprehendmedical"


def test_unsigned_payload_header_is_used_literally() -> None:
    request = json_request()
    request.url = "https://127.0.0.1:4566/"
    request.context["payload_signing_enabled"] = False
    http = to_http(sign(request))
    assert http.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert verifier().verify(dataclasses.replace(http, body=b'{"Text": "changed"}')).access_key == "test"


def test_content_sha256_header_must_match_body() -> None:
    import hashlib

    request = json_request()
    request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(request.body).hexdigest()
    http = to_http(sign(request))
    assert verifier().verify(http).access_key == "test"
    error = rejected(dataclasses.replace(http, body=b'{"Text": "changed"}'))
    assert error.code == "InvalidSignatureException"
    assert "x-amz-content-sha256" in error.message


def test_signing_keys_are_cached_per_scope() -> None:
    sig_verifier = verifier()
    for _ in range(3):
        sig_verifier.verify(to_http(sign(json_request())))
    sig_verifier.verify(to_http(sign(json_request(), region="eu-central-1")))
    assert len(sig_verifier._keys) == 2


# ---------------------------------------------------------------- rejected requests


def test_missing_authorization() -> None:
    http = to_http(json_request())
    error = rejected(http)
    assert (error.code, error.message) == ("MissingAuthenticationTokenException", "Missing Authentication Token")
    assert rejected(dataclasses.replace(http, headers={**http.headers, "authorization": "  "})).code == (
        "MissingAuthenticationTokenException"
    )


def test_unknown_access_key() -> None:
    error = rejected(to_http(sign(json_request(), key="AKIAUNKNOWN")))
    assert error.code == "UnrecognizedClientException"
    assert error.message == "The security token included in the request is invalid."


def test_wrong_secret() -> None:
    error = rejected(to_http(sign(json_request(), secret="not-the-secret")))
    assert (error.code, error.message) == ("InvalidSignatureException", MISMATCH)


def test_tampered_body() -> None:
    http = to_http(sign(json_request()))
    error = rejected(dataclasses.replace(http, body=b'{"Text": "ibuprofen"}'))
    assert (error.code, error.message) == ("InvalidSignatureException", MISMATCH)


def test_tampered_signed_header_path_query_and_method() -> None:
    http = to_http(
        sign(AWSRequest("POST", ENDPOINT + BLUEPRINT_PATH + "?blueprintVersion=1", {}, data=b"{}"), "bedrock")
    )
    variants = [
        dataclasses.replace(http, headers={**http.headers, "host": "evil.example:4566"}),
        dataclasses.replace(http, path=BLUEPRINT_PATH.replace("abcdef", "fedcba")),
        dataclasses.replace(http, query_string="blueprintVersion=2"),
        dataclasses.replace(http, method="PUT"),
    ]
    for variant in variants:
        assert rejected(variant).message == MISMATCH
    target = to_http(sign(json_request()))
    swapped = dataclasses.replace(
        target, headers={**target.headers, "x-amz-target": "ComprehendMedical_20181030.DetectPHI"}
    )
    assert rejected(swapped).code == "InvalidSignatureException"


def test_non_ascii_signature_is_a_mismatch_not_a_crash() -> None:
    http = to_http(sign(json_request()))
    bad = http.headers["authorization"][:-64] + "é" * 64
    assert rejected(dataclasses.replace(http, headers={**http.headers, "authorization": bad})).message == MISMATCH


def test_undecodable_text_is_a_mismatch_not_a_crash() -> None:
    http = to_http(sign(AWSRequest("GET", ENDPOINT + "/?a=1", {})))
    for variant in (
        dataclasses.replace(http, query_string="a=\udcff"),
        dataclasses.replace(http, path="/\udcff"),
        dataclasses.replace(http, headers={**http.headers, "host": "\udcff"}),
    ):
        assert rejected(variant).message == MISMATCH


def test_clock_skew_past() -> None:
    http = to_http(sign(json_request()))
    error = rejected(http, verifier(NOW + 901))
    assert error.code == "InvalidSignatureException"
    assert error.message == (
        "Signature expired: 20261123T120000Z is now earlier than 20261123T120001Z (20261123T121501Z - 15 min.)"
    )
    assert verifier(NOW + 900).verify(http).access_key == "test"


def test_clock_skew_future() -> None:
    http = to_http(sign(json_request()))
    error = rejected(http, verifier(NOW - 7200))
    assert error.code == "InvalidSignatureException"
    assert error.message == (
        "Signature not yet current: 20261123T120000Z is still later than 20261123T101500Z (20261123T100000Z + 15 min.)"
    )
    assert verifier(NOW - 900).verify(http).access_key == "test"


def test_custom_skew_window() -> None:
    http = to_http(sign(json_request()))
    error = rejected(http, verifier(NOW + 120, max_skew_seconds=90))
    assert error.message.endswith("(20261123T120200Z - 90 sec.)")


def test_missing_signature_parameter() -> None:
    http = to_http(sign(json_request()))
    value = http.headers["authorization"].rsplit(", Signature=", 1)[0]
    error = rejected(dataclasses.replace(http, headers={**http.headers, "authorization": value}))
    assert error.code == "IncompleteSignatureException"
    assert error.message == f"Authorization header requires 'Signature' parameter. Authorization={value}"
    assert parse_authorization(value) is None


def test_garbage_authorization_lists_everything_missing() -> None:
    http = to_http(json_request(), authorization="Bearer abc")
    error = rejected(http)
    assert error.code == "IncompleteSignatureException"
    assert error.message == (
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=Bearer abc"
    )


def test_missing_x_amz_date() -> None:
    http = to_http(sign(json_request()))
    headers = {k: v for k, v in http.headers.items() if k != "x-amz-date"}
    error = rejected(dataclasses.replace(http, headers=headers))
    assert error.code == "IncompleteSignatureException"
    assert error.message.startswith("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date'")


def test_malformed_x_amz_date() -> None:
    http = to_http(sign(json_request()))
    error = rejected(dataclasses.replace(http, headers={**http.headers, "x-amz-date": "2026-11-23T12:00:00Z"}))
    assert error.code == "IncompleteSignatureException"
    assert "ISO8601 Long Format" in error.message


def test_scope_date_must_match_x_amz_date() -> None:
    http = to_http(sign(json_request()))
    error = rejected(dataclasses.replace(http, headers={**http.headers, "x-amz-date": "20261124T000100Z"}))
    assert error.code == "IncompleteSignatureException"
    assert error.message == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'20261123' != '20261124', from '20261124T000100Z'."
    )


def test_unsupported_algorithm_and_bad_credential_scope() -> None:
    http = to_http(sign(json_request()))
    value = http.headers["authorization"]
    error = rejected(
        dataclasses.replace(http, headers={**http.headers, "authorization": "AWS4-HMAC-SHA512" + value[16:]})
    )
    assert error.code == "IncompleteSignatureException"
    assert error.message.startswith("Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.")
    wrong_end = value.replace("/aws4_request", "/aws5_request")
    error = rejected(dataclasses.replace(http, headers={**http.headers, "authorization": wrong_end}))
    assert error.code == "IncompleteSignatureException"
    assert "valid terminator: 'aws4_request', not 'aws5_request'" in error.message
    short = value.replace("/us-east-1/comprehendmedical", "")
    error = rejected(dataclasses.replace(http, headers={**http.headers, "authorization": short}))
    assert error.code == "IncompleteSignatureException"
    assert "Credential should be of the form" in error.message


@pytest.mark.parametrize(
    "value",
    ["", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=x",
     "Basic dXNlcjpwYXNz", "AWS4-HMAC-SHA256 ,,,===", "\x00\udcff"],
)  # fmt: skip
def test_parse_authorization_rejects_malformed(value: str) -> None:
    assert parse_authorization(value) is None


def test_parse_authorization_tolerates_missing_spaces_and_order() -> None:
    value = (
        "AWS4-HMAC-SHA256 Signature=ab12,SignedHeaders=Host;X-Amz-Date,Credential=AK/20261123/r/bedrock/aws4_request"
    )
    assert parse_authorization(value) == AuthorizationHeader(
        "AK", "20261123", "r", "bedrock", ("host", "x-amz-date"), "ab12"
    )


# ---------------------------------------------------------------- presigned URLs


def presign(
    url: str, service: str = "bedrock", expires: int = 300, method: str = "GET", token: str | None = None
) -> HttpRequest:
    request = AWSRequest(method, url, {})
    SigV4QueryAuth(Credentials("test", "test", token), service, "us-west-2", expires=expires).add_auth(request)
    assert "authorization" not in {name.lower() for name in request.headers}
    return to_http(request)


def test_presigned_url_accepted() -> None:
    http = presign(ENDPOINT + BLUEPRINT_PATH + "?blueprintVersion=1", token="SESSIONTOKEN")
    assert "X-Amz-Signature=" in http.query_string and "X-Amz-Security-Token=SESSIONTOKEN" in http.query_string
    assert verifier(NOW + 299).verify(http) == AuthResult("test", "000000000000", "us-west-2", "bedrock")


def test_presigned_url_tampered_and_expired() -> None:
    http = presign(ENDPOINT + BLUEPRINT_PATH + "?blueprintVersion=1")
    tampered = dataclasses.replace(
        http, query_string=http.query_string.replace("blueprintVersion=1", "blueprintVersion=9")
    )
    assert rejected(tampered).message == MISMATCH
    error = rejected(http, verifier(NOW + 301))
    assert error.code == "InvalidSignatureException"
    assert error.message == (
        "Signature expired: 20261123T120000Z is now earlier than 20261123T120001Z (20261123T120501Z - 5 min.)"
    )
    assert rejected(http, verifier(NOW - 901)).message.startswith("Signature not yet current: 20261123T120000Z")


def test_presigned_url_unsigned_payload_convention() -> None:
    # What S3-style/other SDK presigners send: the canonical payload is the literal UNSIGNED-PAYLOAD.
    import hashlib
    import hmac

    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261123%2Fus-east-1%2Fbedrock%2Faws4_request"
        "&X-Amz-Date=20261123T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
    )
    canonical = f"POST\n/\n{query}\nhost:localhost\n\nhost\nUNSIGNED-PAYLOAD"
    scope = "20261123/us-east-1/bedrock/aws4_request"
    sts = f"AWS4-HMAC-SHA256\n20261123T120000Z\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = b"AWS4test"
    for part in ("20261123", "us-east-1", "bedrock", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    http = HttpRequest("POST", "/", f"{query}&X-Amz-Signature={signature}", {"host": "localhost"}, b"anything")
    assert verifier().verify(http).signing_name == "bedrock"


def test_presigned_url_incomplete_parameters() -> None:
    http = presign(ENDPOINT + "/")
    without_credential = "&".join(p for p in http.query_string.split("&") if not p.startswith("X-Amz-Credential="))
    error = rejected(dataclasses.replace(http, query_string=without_credential))
    assert error.code == "IncompleteSignatureException"
    assert error.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters."
    )
    for bad_expires in ("604801", "%C2%B2", "-1", "9" * 5000):
        query = http.query_string.replace("X-Amz-Expires=300", f"X-Amz-Expires={bad_expires}")
        assert rejected(dataclasses.replace(http, query_string=query)).code == "IncompleteSignatureException"
    bad_alg = http.query_string.replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=HMAC")
    assert "Unsupported AWS 'algorithm'" in rejected(dataclasses.replace(http, query_string=bad_alg)).message


# ---------------------------------------------------------------- what real botocore clients send


class _Captured(Exception):
    def __init__(self, request: Any) -> None:
        super().__init__("captured")
        self.request = request


def _capture(request: Any, **_: Any) -> None:
    raise _Captured(request)


def client_request(service: str, operation: str, **params: Any) -> HttpRequest:
    import botocore.session

    session = botocore.session.get_session()
    client = session.create_client(
        service, "us-east-1", endpoint_url=ENDPOINT, aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.meta.events.register("before-send", _capture)
    with pytest.raises(_Captured) as info:
        getattr(client, operation)(**params)
    sent = info.value.request
    url = urlsplit(sent.url)
    headers = {name.lower(): (v.decode() if isinstance(v, bytes) else v) for name, v in sent.headers.items()}
    headers.setdefault("host", url.netloc)
    body = sent.body or b""
    return HttpRequest(sent.method, url.path, url.query, headers, body if isinstance(body, bytes) else body.encode())


@pytest.mark.parametrize(
    ("service", "operation", "params", "signing_name"),
    [
        ("comprehendmedical", "detect_entities_v2", {"Text": "aspirin 81 mg"}, "comprehendmedical"),
        ("bedrock-data-automation", "delete_blueprint",
         {"blueprintArn": "arn:aws:bedrock:us-east-1:123456789012:blueprint/abc def+1", "blueprintVersion": "1 +~"},
         "bedrock"),
        ("bedrock-data-automation-runtime", "get_data_automation_status",
         {"invocationArn": "arn:aws:bedrock:us-east-1:123456789012:data-automation-invocation/x"}, "bedrock"),
    ],
)  # fmt: skip
def test_real_botocore_clients(service: str, operation: str, params: dict[str, Any], signing_name: str) -> None:
    http = client_request(service, operation, **params)
    result = verifier().verify(http)  # the autouse fixture pins the signing time
    assert result == AuthResult("test", "000000000000", "us-east-1", signing_name)
    assert rejected(dataclasses.replace(http, body=http.body + b" ")).code == "InvalidSignatureException"
