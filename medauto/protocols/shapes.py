"""Walk botocore shapes to turn wire values into Python values and back.

One walker serves every protocol; what differs (blobs, timestamps, special floats) lives in a ``WireFormat``.
Python-side values are what boto3 users see: ``datetime`` for timestamps, ``bytes`` for blobs.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import cbor2
from botocore.model import ListShape, MapShape, Shape, StructureShape

from medauto.protocols.errors import InvalidEncodingError, SerializationError

_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _float_to_json(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def parse_timestamp(value: Any) -> datetime:
    """Accept epoch seconds (number or numeric string) or ISO-8601, as lenient servers do."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise SerializationError(f"Expected a timestamp, got {value!r}")
    if isinstance(value, int | float):
        return _from_epoch(value)
    if isinstance(value, str):
        try:
            seconds = float(value)
        except ValueError:
            pass
        else:
            return _from_epoch(seconds)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise SerializationError(f"Invalid timestamp {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise SerializationError(f"Expected a timestamp, got {type(value).__name__}")


def _from_epoch(seconds: float) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise SerializationError(f"Timestamp {seconds!r} is out of range") from None


def _as_datetime(value: Any) -> datetime:
    # Providers may hand back epoch numbers or ISO strings; normalise before formatting.
    return parse_timestamp(value)


def epoch_seconds(value: Any) -> float | int:
    ts = _as_datetime(value).timestamp()
    return int(ts) if ts.is_integer() else round(ts, 3)


def iso8601(value: Any) -> str:
    dt = _as_datetime(value).astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _timestamp_encoder(default_format: str) -> Callable[[Shape, Any], Any]:
    def encode(shape: Shape, value: Any) -> Any:
        fmt = shape.serialization.get("timestampFormat", default_format)
        if fmt == "iso8601":
            return iso8601(value)
        if fmt == "rfc822":
            return _as_datetime(value).strftime("%a, %d %b %Y %H:%M:%S GMT")
        return epoch_seconds(value)

    return encode


def _decode_base64(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise SerializationError(f"Expected a base64 string, got {type(value).__name__}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SerializationError("Invalid base64 value for a blob member") from None


def _encode_base64(value: Any) -> str:
    if isinstance(value, str):
        value = value.encode()
    return base64.b64encode(value).decode("ascii")


def _decode_cbor_blob(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    raise SerializationError(f"Expected a CBOR byte string, got {type(value).__name__}")


def _encode_cbor_timestamp(shape: Shape, value: Any) -> cbor2.CBORTag:
    return cbor2.CBORTag(1, epoch_seconds(value))


def _encode_cbor_blob(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def _decode_json_float(value: Any) -> float:
    if isinstance(value, str) and value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise SerializationError(f"Expected a number, got {value!r}")


@dataclass(frozen=True)
class WireFormat:
    decode_blob: Callable[[Any], bytes]
    encode_blob: Callable[[Any], Any]
    encode_timestamp: Callable[[Shape, Any], Any]
    decode_float: Callable[[Any], float]
    encode_float: Callable[[float], Any]


JSON_EPOCH = WireFormat(
    _decode_base64, _encode_base64, _timestamp_encoder("unixTimestamp"), _decode_json_float, _float_to_json
)
JSON_ISO = WireFormat(_decode_base64, _encode_base64, _timestamp_encoder("iso8601"), _decode_json_float, _float_to_json)
CBOR = WireFormat(_decode_cbor_blob, _encode_cbor_blob, _encode_cbor_timestamp, _decode_json_float, float)


def wire_name(name: str, member: Shape) -> str:
    return member.serialization.get("name", name)  # type: ignore[no-any-return]


def decode(shape: Shape, value: Any, fmt: WireFormat, path: str = "") -> Any:
    """Wire value -> Python value, checking wire types. Nulls are dropped by the structure walk."""
    type_name = shape.type_name
    if type_name == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            raise SerializationError(f"Expected an object at '{path or shape.name}'")
        if shape.is_document_type:
            return value
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue
            raw = value.get(wire_name(name, member))
            if raw is not None:
                out[name] = decode(member, raw, fmt, f"{path}.{name}" if path else name)
        return out
    if type_name == "list":
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            raise SerializationError(f"Expected a list at '{path}'")
        return [decode(shape.member, item, fmt, path) for item in value if item is not None]
    if type_name == "map":
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            raise SerializationError(f"Expected a map at '{path}'")
        return {
            decode(shape.key, k, fmt, path): decode(shape.value, v, fmt, path)
            for k, v in value.items()
            if v is not None
        }
    if type_name == "string":
        if not isinstance(value, str):
            raise SerializationError(f"Expected a string at '{path}'")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # JSON escapes can smuggle in lone surrogates
                raise InvalidEncodingError(f"Invalid Unicode (lone surrogate) at '{path}'") from None
        return value
    if type_name in ("integer", "long", "short", "byte"):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise SerializationError(f"Expected an integer at '{path}'")
        return value
    if type_name in ("float", "double"):
        return fmt.decode_float(value)
    if type_name == "boolean":
        if not isinstance(value, bool):
            raise SerializationError(f"Expected a boolean at '{path}'")
        return value
    if type_name == "timestamp":
        return parse_timestamp(value)
    if type_name == "blob":
        return fmt.decode_blob(value)
    return value  # documents and anything the model leaves open


def encode(shape: Shape, value: Any, fmt: WireFormat) -> Any:
    """Python value -> wire value. ``None`` members are omitted, as AWS omits absent members."""
    type_name = shape.type_name
    if type_name == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return value
        members = shape.members
        out: dict[str, Any] = {}
        for name, item in value.items():
            member = members.get(name)
            if item is None or member is None or member.serialization.get("location"):
                continue
            out[wire_name(name, member)] = encode(member, item, fmt)
        return out
    if type_name == "list":
        assert isinstance(shape, ListShape)
        return [encode(shape.member, item, fmt) for item in value]
    if type_name == "map":
        assert isinstance(shape, MapShape)
        return {k: encode(shape.value, v, fmt) for k, v in value.items() if v is not None}
    if type_name == "timestamp":
        return fmt.encode_timestamp(shape, value)
    if type_name == "blob":
        return fmt.encode_blob(value)
    if type_name in ("float", "double"):
        return fmt.encode_float(float(value))
    return value
