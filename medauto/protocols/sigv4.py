"""Server-side AWS SigV4 verification (``Authorization`` header and presigned-URL query auth).

The canonical request is rebuilt as botocore's ``SigV4Auth`` builds it (``botocore/auth.py``); every failure is a
403 ``ServiceError`` carrying the code and message AWS JSON services use.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_plus

from medauto.protocols.errors import ServiceError
from medauto.protocols.messages import HttpRequest

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_PRESIGN_EXPIRES = 604800  # one week, as AWS enforces
_QUERY_SAFE = "-_.~"
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
_SCOPE_DATE = re.compile(r"\d{8}")
_STAMP = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")
_KEY_CACHE_SIZE = 128
_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details."
)
_PRESIGN_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")


@dataclass(frozen=True)
class Credential:
    access_key: str
    secret_key: str
    account_id: str


@dataclass(frozen=True)
class AuthResult:
    access_key: str
    account_id: str
    region: str
    signing_name: str  # the <service> part of the credential scope, e.g. "comprehendmedical" or "bedrock"


@dataclass(frozen=True)
class AuthorizationHeader:
    """A parsed ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`` value."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def _forbidden(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 403)


def _incomplete(message: str) -> ServiceError:
    return _forbidden("IncompleteSignatureException", message)


def _build(credential: str, signed_headers: str, signature: str) -> AuthorizationHeader | str:
    """Check ``<access key>/<yyyymmdd>/<region>/<service>/aws4_request``; the parsed value or a problem message."""
    parts = credential.rsplit("/", 4)
    if len(parts) == 5 and parts[4] != "aws4_request":
        return f"Credential should be scoped with a valid terminator: 'aws4_request', not '{parts[4]}'."
    if len(parts) != 5 or not all(parts) or not _SCOPE_DATE.fullmatch(parts[1]):
        expected = "<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request"
        return f"Credential should be of the form '{expected}', not '{credential}'."
    names = tuple(name.strip().lower() for name in signed_headers.split(";") if name.strip())
    return AuthorizationHeader(parts[0], parts[1], parts[2], parts[3], names, signature.strip())


def _parse_header(value: str) -> AuthorizationHeader | list[str]:
    """The parsed header, or the AWS-style problems that make it incomplete."""
    algorithm, _, rest = value.strip().partition(" ")
    params: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, val = part.strip().partition("=")
        if sep:
            params.setdefault(key.strip(), val.strip())
    required = ("Credential", "Signature", "SignedHeaders")
    if missing := [f"Authorization header requires '{name}' parameter." for name in required if not params.get(name)]:
        return missing
    if algorithm != ALGORITHM:
        return [f"Unsupported AWS 'algorithm': '{algorithm}'."]
    parsed = _build(params["Credential"], params["SignedHeaders"], params["Signature"])
    return [parsed] if isinstance(parsed, str) else parsed


def parse_authorization(value: str) -> AuthorizationHeader | None:
    """Parse a SigV4 ``Authorization`` header value; ``None`` if absent, malformed or not SigV4. Never raises."""
    try:
        parsed = _parse_header(value) if value else None
    except Exception:  # defensive: header values are attacker-controlled
        return None
    return parsed if isinstance(parsed, AuthorizationHeader) else None


def _timestamp_epoch(stamp: str) -> int | None:
    match = _STAMP.fullmatch(stamp)  # much faster than strptime; datetime() still validates the ranges
    if match is None:
        return None
    year, month, day, hour, minute, second = map(int, match.groups())
    try:
        return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())
    except ValueError:
        return None


def _format(epoch: int) -> str:
    return time.strftime(TIMESTAMP_FORMAT, time.gmtime(epoch))


def _span(seconds: int) -> str:
    return f"{seconds // 60} min." if seconds % 60 == 0 else f"{seconds} sec."


def _header_timestamp(request: HttpRequest) -> str | None:
    """``X-Amz-Date`` as sent, else the ``Date`` header converted to the SigV4 format (botocore signs that)."""
    if "x-amz-date" in request.headers:
        return request.headers["x-amz-date"].strip()
    if "date" not in request.headers:
        return None
    try:
        parsed = parsedate_to_datetime(request.headers["date"])
    except (TypeError, ValueError):
        return request.headers["date"]  # rejected later as a bad format
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def _query_pairs(query_string: str) -> list[tuple[str, str]]:
    pairs = []
    for part in query_string.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote_plus(key), unquote_plus(value)))
    return pairs


def _canonical_query(pairs: list[tuple[str, str]], skip: str = "") -> str:
    encoded = sorted((quote(k, safe=_QUERY_SAFE), quote(v, safe=_QUERY_SAFE)) for k, v in pairs if k != skip)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _canonical_path(path: str) -> str:
    """botocore ``normalize_url_path``: drop empty and ``.`` segments, resolve ``..``, keep a trailing slash."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    normalized = "/" + "/".join(segments) + ("/" if segments and path.endswith("/") else "")
    return quote(normalized, safe="/~")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


class SigV4Verifier:
    """Verifies SigV4-signed requests against a fixed set of credentials; accepts any region in the scope."""

    def __init__(
        self, credentials: Mapping[str, Credential], max_skew_seconds: int = 900, clock: Callable[[], float] = time.time
    ) -> None:
        self._credentials = credentials
        self._max_skew = max_skew_seconds
        self._clock = clock
        self._keys: dict[tuple[str, str, str, str], bytes] = {}

    def verify(self, request: HttpRequest) -> AuthResult:
        """The caller's identity, or a 403 ``ServiceError`` explaining why the request is not authenticated."""
        try:
            return self._verify(request)
        except UnicodeError:  # e.g. lone surrogates from a lenient decoder: no SDK could have signed that
            raise _forbidden("InvalidSignatureException", _MISMATCH) from None

    def _verify(self, request: HttpRequest) -> AuthResult:
        value = request.headers.get("authorization", "").strip()
        if not value:
            pairs = _query_pairs(request.query_string)
            if any(key in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature") for key, _ in pairs):
                return self._verify_presigned(request, pairs)
            raise _forbidden("MissingAuthenticationTokenException", "Missing Authentication Token")
        parsed = _parse_header(value)
        problems = [] if isinstance(parsed, AuthorizationHeader) else parsed
        stamp = _header_timestamp(request)
        if stamp is None:
            problems.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        if problems or stamp is None or not isinstance(parsed, AuthorizationHeader):
            raise _incomplete(" ".join(problems) + f" Authorization={value}")
        query = _canonical_query(_query_pairs(request.query_string))
        return self._check(request, parsed, stamp, query, expires=None)

    def _verify_presigned(self, request: HttpRequest, pairs: list[tuple[str, str]]) -> AuthResult:
        params: dict[str, str] = {}
        for key, val in pairs:
            params.setdefault(key, val)
        for name in (*_PRESIGN_PARAMS, "X-Amz-Signature"):
            if not params.get(name):
                raise _incomplete(
                    f"AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."
                )
        if params["X-Amz-Algorithm"] != ALGORITHM:
            raise _incomplete(f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'.")
        raw_expires = params["X-Amz-Expires"]
        expires = int(raw_expires) if raw_expires.isascii() and raw_expires.isdigit() and len(raw_expires) < 8 else -1
        if not 0 <= expires <= MAX_PRESIGN_EXPIRES:
            raise _incomplete(f"X-Amz-Expires must be an integer between 0 and {MAX_PRESIGN_EXPIRES} (one week).")
        parsed = _build(params["X-Amz-Credential"], params["X-Amz-SignedHeaders"], params["X-Amz-Signature"])
        if isinstance(parsed, str):
            raise _incomplete(parsed)
        query = _canonical_query(pairs, skip="X-Amz-Signature")
        return self._check(request, parsed, params["X-Amz-Date"], query, expires=expires)

    def _check(
        self, request: HttpRequest, auth: AuthorizationHeader, stamp: str, query: str, expires: int | None
    ) -> AuthResult:
        epoch = _timestamp_epoch(stamp)
        if epoch is None:
            raise _incomplete(f"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", not '{stamp}'.")
        if stamp[:8] != auth.date:
            raise _incomplete(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                f"'{auth.date}' != '{stamp[:8]}', from '{stamp}'."
            )
        credential = self._credentials.get(auth.access_key)
        if credential is None:
            raise _forbidden("UnrecognizedClientException", "The security token included in the request is invalid.")
        self._check_time(epoch, stamp, expires)

        declared = request.headers.get("x-amz-content-sha256")
        if declared is not None:
            if _HEX_SHA256.fullmatch(declared) and declared != hashlib.sha256(request.body).hexdigest():
                message = "The provided 'x-amz-content-sha256' header does not match what was computed."
                raise _forbidden("InvalidSignatureException", message)
            payloads = [declared]
        elif expires is None:
            payloads = [hashlib.sha256(request.body).hexdigest()]
        else:  # presigned: AWS convention is UNSIGNED-PAYLOAD; botocore's generic SigV4QueryAuth hashes the body
            payloads = [UNSIGNED_PAYLOAD, hashlib.sha256(request.body).hexdigest()]

        headers = "".join(f"{name}:{' '.join(request.headers.get(name, '').split())}\n" for name in auth.signed_headers)
        head = "\n".join(
            (request.method.upper(), _canonical_path(request.path), query, headers, ";".join(auth.signed_headers))
        )
        scope = f"{auth.date}/{auth.region}/{auth.service}/aws4_request"
        key = self._signing_key(credential.secret_key, auth.date, auth.region, auth.service)
        given = auth.signature.encode("utf-8", "backslashreplace")
        for payload in payloads:
            digest = hashlib.sha256(f"{head}\n{payload}".encode()).hexdigest()
            expected = hmac.new(key, f"{ALGORITHM}\n{stamp}\n{scope}\n{digest}".encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected.encode("ascii"), given):
                return AuthResult(credential.access_key, credential.account_id, auth.region, auth.service)
        raise _forbidden("InvalidSignatureException", _MISMATCH)

    def _check_time(self, epoch: int, stamp: str, expires: int | None) -> None:
        now, skew = int(self._clock()), self._max_skew
        window = skew if expires is None else expires  # presigned URLs may be used until they expire
        if epoch < now - window:
            op = f"is now earlier than {_format(now - window)} ({_format(now)} - "
            message = f"Signature expired: {stamp} {op}{_span(window)})"
        elif epoch > now + skew:
            op = f"is still later than {_format(now + skew)} ({_format(now)} + "
            message = f"Signature not yet current: {stamp} {op}{_span(skew)})"
        else:
            return
        raise _forbidden("InvalidSignatureException", message)

    def _signing_key(self, secret: str, date: str, region: str, service: str) -> bytes:
        cache_key = (secret, date, region, service)
        key = self._keys.get(cache_key)
        if key is None:
            key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret}".encode(), date), region), service), "aws4_request")
            if len(self._keys) >= _KEY_CACHE_SIZE:
                self._keys.clear()
            self._keys[cache_key] = key
        return key
