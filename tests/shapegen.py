"""Random valid values for botocore shapes, and a normal form to compare them after a wire round trip.

``random_value(shape, rng)`` builds what a boto3 user could pass (or what a service could answer) for a shape:
required members always, optional ones about half the time, strings within ``min``/``max`` (enum values when
the model lists them), millisecond-precision UTC datetimes, bytes for blobs, float32-exact numbers for
``float`` shapes (RPC v2 CBOR sends those as float32), tagged unions with exactly one member.
Patterns are not honoured: the codecs do not validate them, the service layer does.

``normalise(value)`` maps a value to a form that compares equal across protocols: datetimes become integer
milliseconds since the epoch (wire formats carry at most milliseconds and may round through a float), NaN
becomes a marker (NaN != NaN), bytearrays become bytes.
"""

from __future__ import annotations

import math
import random
import struct
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape

MAX_DEPTH = 7
# Printable ASCII (with JSON/URL/CBOR-sensitive characters) plus a few multi-byte and astral characters.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.~/:%+&=?#@!$'()*,;[]{}\"\\<>|^`\té漢字ü🙂ß"
)
_EPOCH_MIN = datetime(1990, 1, 1, tzinfo=UTC)
_EPOCH_SPAN_MS = int((datetime(2040, 1, 1, tzinfo=UTC) - _EPOCH_MIN).total_seconds() * 1000)
_INT_RANGE = {"byte": (-(2**7), 2**7 - 1), "short": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1)}
_LONG_RANGE = (-(2**53), 2**53)
_NAN = ("float", "NaN")


def seeded(*parts: object) -> random.Random:
    """A ``Random`` whose seed depends only on ``parts`` (stable across runs, unlike ``hash``)."""
    return random.Random(zlib.crc32("/".join(map(str, parts)).encode()))


def random_value(shape: Shape, rng: random.Random, depth: int = 0, *, optional_rate: float = 0.5) -> Any:
    """A random value valid for ``shape``.

    ``depth`` counts enclosing structures; from ``MAX_DEPTH`` on, structures keep only required members and
    lists/maps their minimum size, so recursive shapes terminate.

    ``optional_rate`` is the chance that each optional structure member is set (1.0: all, 0.0: required only).
    """
    kind = shape.type_name
    if kind in ("structure", "list", "map"):
        return _random_container(shape, rng, depth, optional_rate)
    if kind == "string":
        return random_string(shape, rng)
    if kind in _INT_RANGE or kind == "long":
        low, high = _INT_RANGE.get(kind, _LONG_RANGE)
        low = max(low, int(shape.metadata.get("min", low)))
        high = min(high, int(shape.metadata.get("max", high)))
        return rng.randint(low, high) if rng.random() < 0.7 else rng.choice([low, high, max(low, min(high, 0))])
    if kind in ("float", "double"):
        value = rng.choice([0.0, -1.5, 1e-7, 12345.678]) if rng.random() < 0.2 else rng.uniform(-1e6, 1e6)
        return struct.unpack(">f", struct.pack(">f", value))[0] if kind == "float" else value
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "timestamp":
        return _EPOCH_MIN + timedelta(milliseconds=rng.randint(0, _EPOCH_SPAN_MS))
    if kind == "blob":
        return rng.randbytes(rng.randint(int(shape.metadata.get("min", 0)), 48))
    raise NotImplementedError(f"no generator for shape type {kind!r} ({shape.name})")


def _random_container(shape: Shape, rng: random.Random, depth: int, optional_rate: float) -> Any:
    if isinstance(shape, StructureShape):
        return random_structure(shape, rng, depth, optional_rate=optional_rate)
    if isinstance(shape, ListShape):
        count = _count(shape, rng, depth)
        return [random_value(shape.member, rng, depth, optional_rate=optional_rate) for _ in range(count)]
    assert isinstance(shape, MapShape)
    count = _count(shape, rng, depth)
    out: dict[Any, Any] = {}
    for _ in range(count * 3):  # random keys may collide (e.g. small enums); retry a little
        if len(out) >= count:
            break
        key = random_value(shape.key, rng, depth)
        out[key] = random_value(shape.value, rng, depth, optional_rate=optional_rate)
    return out


def random_structure(
    shape: StructureShape, rng: random.Random, depth: int = 0, *, optional_rate: float = 0.5
) -> dict[str, Any]:
    """Members of ``shape``: a tagged union gets exactly one; a document shape gets a JSON object."""
    if shape.is_document_type:
        return {"doc": random_document(rng, depth)}
    names = list(shape.members)
    if shape.is_tagged_union:
        chosen = [rng.choice(names)]
    else:
        required = set(shape.required_members)
        rate = optional_rate if depth < MAX_DEPTH else 0.0
        chosen = [n for n in names if n in required or rng.random() < rate]
    return {name: random_value(shape.members[name], rng, depth + 1, optional_rate=optional_rate) for name in chosen}


def random_string(shape: Shape, rng: random.Random) -> str:
    enum: list[str] = shape.metadata.get("enum", [])
    if enum:
        return rng.choice(enum)
    # At least one character: empty strings cannot be path labels, and AWS strings are rarely unbounded below.
    low = max(1, int(shape.metadata.get("min", 1)))
    high = max(low, min(int(shape.metadata.get("max", low + 16)), low + 16))
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high)))


def random_document(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value (documents carry arbitrary JSON)."""
    choice = rng.randrange(6 if depth < MAX_DEPTH else 4)
    if choice == 0:
        return None if rng.random() < 0.3 else rng.random() < 0.5
    if choice == 1:
        return rng.randint(-1000, 1000)
    if choice == 2:
        return rng.uniform(-1e3, 1e3)
    if choice == 3:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))
    if choice == 4:
        return [random_document(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}": random_document(rng, depth + 1) for i in range(rng.randint(0, 3))}


def _count(shape: Shape, rng: random.Random, depth: int) -> int:
    low = int(shape.metadata.get("min", 0))
    if depth >= MAX_DEPTH:
        return low
    return rng.randint(low, max(low, min(int(shape.metadata.get("max", low + 3)), low + 3)))


def normalise(value: Any) -> Any:
    """Comparable form: datetimes -> ("ts", epoch ms), NaN -> marker, bytearray -> bytes, containers walked."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return ("ts", round(aware.timestamp() * 1000))
    if isinstance(value, float) and math.isnan(value):
        return _NAN
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------- valid samples

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/medauto"
PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-profile/us.data-automation-v1"
PROJECT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-project/f048b3c34463"
BLUEPRINT = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:blueprint/74337e86aff6"
INVOCATION = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-invocation/b4c1000a-a680-4920-a365-3ede3ed43417"

# Strings tried, in order, for a patterned string shape; the first that fully matches (and fits the length) wins.
CANDIDATES = [
    "abc123",
    "my-bucket",
    "1",
    ROLE,
    "s3://my-bucket/key/file.pdf",
    PROFILE,
    PROJECT,
    BLUEPRINT,
    INVOCATION,
    f"arn:aws:bedrock:us-east-1:{ACCOUNT}:blueprint-optimization-invocation/abcdef123456",
    f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-library/abcdef123456",
    f"arn:aws:bedrock:us-east-1:{ACCOUNT}:data-automation-library-ingestion-job/abcdef123456",
]


def sample_string(shape: Shape) -> str | None:
    meta = shape.metadata
    if "enum" in meta:
        return str(meta["enum"][0])
    lo, hi = meta.get("min", 0), meta.get("max", 10**9)
    pattern = meta.get("pattern")
    candidate: str
    for candidate in [*CANDIDATES, "a" * max(lo, 1)]:
        fits = lo <= len(candidate) <= hi
        if fits and (pattern is None or regex.fullmatch(pattern, candidate)):
            return candidate
    return None


def valid_sample(shape: Shape, full: bool, depth: int = 0) -> Any:
    """A valid value: required members only (``full=False``) or every member (to depth 8)."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "structure":
        required = set(meta.get("required", ()))
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            if meta.get("union"):  # exactly one member: the first buildable one
                if out:
                    break
            elif name not in required and not (full and depth < 8):
                continue
            value = valid_sample(member, full, depth + 1)
            if value is None:
                assert name not in required, f"cannot build required {shape.name}.{name}"
                continue
            out[name] = value
        return out
    if kind == "list":
        count = max(meta.get("min", 0), 1 if full else 0)
        return [valid_sample(shape.member, full, depth + 1) for _ in range(count)]
    if kind == "map":
        count = max(meta.get("min", 0), 1 if full else 0)
        key = valid_sample(shape.key, full, depth + 1)
        return {f"{key}{i}" if i else key: valid_sample(shape.value, full, depth + 1) for i in range(count)}
    if kind == "string":
        return sample_string(shape)
    if kind in ("integer", "long"):
        return int(meta.get("min", 0))
    if kind in ("float", "double"):
        return float(meta.get("min", 0.5))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime(2025, 1, 27, 8, 1, 50, tzinfo=UTC)
    if kind == "blob":
        return b"x" * max(meta.get("min", 0), 1)
    raise AssertionError(f"unexpected shape type {kind}")
