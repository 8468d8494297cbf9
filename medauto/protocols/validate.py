"""Server-side input validation against botocore's service models, answered in AWS Coral's message format.

Each operation's input shape is compiled once into a tree of ``_Node`` (regexes compiled and cached), so a request
only walks plain attributes and dicts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

import regex
from botocore.model import OperationModel, Shape

from medauto.protocols.errors import ServiceError
from medauto.protocols.specs import Service

log = logging.getLogger(__name__)

_TEXT_TOO_LONG = "TextSizeLimitExceededException"
# String shape name -> error code used when too-long values of such shapes are the request's only violations.
MAX_LENGTH_ERROR_CODES: dict[Service, dict[str, str]] = {
    Service.COMPREHEND_MEDICAL: {
        "BoundedLengthString": _TEXT_TOO_LONG,  # DetectEntities(V2), DetectPHI: Text 1-20000
        "OntologyLinkingBoundedLengthString": _TEXT_TOO_LONG,  # InferICD10CM/RxNorm/SNOMEDCT: Text 1-10000
    },
    Service.BDA_RUNTIME: {},
    Service.BDA: {},
}

_MAX_LISTED = 10  # AWS lists at most this many violations (the count covers all of them)
_MAX_VALUE_CHARS = 256
_INF = float("inf")
_NOT_NULL = "Member must not be null"

# (path, offending value, node, constraint text)
_Violation = tuple[str, Any, "_Node", str]
_Check = Callable[["_Node", Any, str, "str | int", list[_Violation]], None]


class _Node:
    """One shape, compiled. Defaults live on the class; ``__init__`` sets what every node needs."""

    regex: Any = None  # compiled pattern (None: no pattern, or one that matches everything)
    pattern_text = enum_text = key_text = ""
    enum: frozenset[str] | None = None
    members: tuple[tuple[str, str, bool, _Node], ...] = ()  # (member name, path label, required, node)
    union = False
    types: tuple[type, ...] = ()  # accepted Python types (numbers, booleans, timestamps)

    def __init__(self, shape: Shape) -> None:
        meta: dict[str, Any] = shape.metadata
        self.check: _Check = _check_any
        self.shape_name: str = shape.name
        self.type_name: str = shape.type_name
        self.type_text = f"Member must be of type {shape.type_name}"
        self.masked = bool(meta.get("sensitive"))
        self.lo: float = meta.get("min", -_INF)
        self.hi: float = meta.get("max", _INF)
        what = "value" if shape.type_name in _NUMERIC else "length"
        self.lo_text = f"Member must have {what} greater than or equal to {_num(self.lo)}"
        self.hi_text = f"Member must have {what} less than or equal to {_num(self.hi)}"
        self.item = self.key = self.value = self


def _num(x: float) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _check_any(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    return None


def _type_error(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    errs.append((f"{prefix}{name}", value, node, node.type_text))


def _check_str(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if not isinstance(value, str):
        return _type_error(node, value, prefix, name, errs)
    n = len(value)  # Unicode code points, as Smithy's length trait counts them
    if n < node.lo or n > node.hi:
        _bounds(node, n, value, prefix, name, errs)
    rx = node.regex
    if rx is not None and rx.fullmatch(value) is None:
        errs.append((f"{prefix}{name}", value, node, node.pattern_text))
    enum = node.enum
    if enum is not None and value not in enum:
        errs.append((f"{prefix}{name}", value, node, node.enum_text))


def _bounds(node: _Node, n: Any, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if n < node.lo:
        errs.append((f"{prefix}{name}", value, node, node.lo_text))
    if n > node.hi:
        errs.append((f"{prefix}{name}", value, node, node.hi_text))


def _check_number(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    ok: bool = value is not True and value is not False and isinstance(value, node.types)
    if not ok:
        return _type_error(node, value, prefix, name, errs)
    return _bounds(node, value, value, prefix, name, errs)


def _check_type(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if not isinstance(value, node.types):  # booleans, timestamps
        _type_error(node, value, prefix, name, errs)


def _check_blob(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if not isinstance(value, bytes | bytearray):
        return _type_error(node, value, prefix, name, errs)
    return _bounds(node, len(value), value, prefix, name, errs)


def _check_list(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if not isinstance(value, list | tuple):
        return _type_error(node, value, prefix, name, errs)
    n = len(value)
    _bounds(node, n, value, prefix, name, errs)
    item = node.item
    check = item.check
    if n and check is not _check_any:
        sub = f"{prefix}{name}."
        for i, v in enumerate(value, 1):
            if v is None:
                errs.append((f"{sub}{i}", None, item, _NOT_NULL))
            else:
                check(item, v, sub, i, errs)


def _check_map(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if not isinstance(value, dict):
        return _type_error(node, value, prefix, name, errs)
    _bounds(node, len(value), value, prefix, name, errs)
    key, val = node.key, node.value
    sub = f"{prefix}{name}."
    keys_ok = True
    for k, v in value.items():
        if keys_ok:
            key_errs: list[_Violation] = []
            key.check(key, k, "", "", key_errs)
            if key_errs:  # Coral reports bad keys once per map, listing the key shape's constraints
                keys_ok = False
                errs.append((f"{prefix}{name}", value, node, node.key_text))
        if v is None:
            errs.append((f"{sub}{k}", None, val, _NOT_NULL))
        else:
            val.check(val, v, sub, k, errs)


def _struct_body(node: _Node, value: dict[str, Any], sub: str, errs: list[_Violation]) -> int:
    get = value.get
    n_set = 0
    for key, label, required, child in node.members:
        v = get(key)
        if v is None:
            if required:
                errs.append((sub + label, None, child, _NOT_NULL))
            continue
        n_set += 1
        child.check(child, v, sub, label, errs)
    return n_set


def _check_struct(node: _Node, value: Any, prefix: str, name: str | int, errs: list[_Violation]) -> None:
    if not isinstance(value, dict):
        return _type_error(node, value, prefix, name, errs)
    n_set = _struct_body(node, value, f"{prefix}{name}.", errs)
    if node.union and n_set != 1:
        errs.append((f"{prefix}{name}", value, node, "Member must have exactly one member set"))


_NUMERIC = frozenset({"integer", "long", "float", "double", "bigInteger", "bigDecimal", "byte", "short"})
_INTS: tuple[type, ...] = (int,)
# type name -> (check, accepted Python types for numbers/booleans/timestamps)
_CHECKS: dict[str, tuple[_Check, tuple[type, ...]]] = {
    **dict.fromkeys(("integer", "long", "byte", "short", "bigInteger"), (_check_number, _INTS)),
    **dict.fromkeys(("float", "double", "bigDecimal"), (_check_number, (int, float))),
    "boolean": (_check_type, (bool,)),
    "timestamp": (_check_type, (datetime,)),
    "string": (_check_str, ()),
    "blob": (_check_blob, ()),
    "list": (_check_list, ()),
    "map": (_check_map, ()),
    "structure": (_check_struct, ()),
}


# Escapes and character classes (kept as they are), lookarounds, and the metacharacters whose meaning differs.
_TOKENS = regex.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\(\?<?[=!]|[$^.]", regex.DOTALL)
# ECMAScript `$` is end of input only (Python's also matches before a final "\n"); `.` excludes all line terminators.
_SWAPS = {"$": r"\Z", ".": r"[^\n\r\u2028\u2029]"}


def _translate(pattern: str) -> str:
    """ECMAScript -> ``regex`` syntax."""
    return str(_TOKENS.sub(lambda m: _SWAPS.get(m.group(), m.group()), pattern))


@cache
def _compile_pattern(pattern: str) -> Any:
    """The compiled regex, matched against the WHOLE value as AWS does; None when the check can be skipped.

    Smithy says patterns are unanchored, but AWS services reject values where only a part matches (e.g. a
    comma in an IAM tag value for ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*``), so we follow what the services do.
    """
    source = _translate(pattern)
    compiled: Any
    try:
        compiled = regex.compile(source)
    except (regex.error, ValueError, OverflowError) as exc:
        log.warning("skipping model pattern %r that does not compile: %s", pattern, exc)
        compiled = None
    else:
        if source in (".*", "^.*$", r"[^\n\r\u2028\u2029]*"):
            compiled = None  # matches every string: no check needed
    return compiled


def _compile(shape: Shape, memo: dict[str, _Node]) -> _Node:
    node = memo.get(shape.name)
    if node is not None:
        return node
    node = memo[shape.name] = _Node(shape)
    meta: dict[str, Any] = shape.metadata
    kind = shape.type_name
    if kind == "structure" and meta.get("document"):
        return node  # document: arbitrary JSON, nothing to check
    node.check, node.types = _CHECKS.get(kind, (_check_any, ()))
    children: list[_Node] = []
    if kind == "string":
        if "pattern" in meta:
            node.regex = _compile_pattern(meta["pattern"])
            node.pattern_text = f"Member must satisfy regular expression pattern: {meta['pattern']}"
        if "enum" in meta:
            node.enum = frozenset(meta["enum"])
            node.enum_text = f"Member must satisfy enum value set: [{', '.join(meta['enum'])}]"
    elif kind == "structure":
        required = set(meta.get("required", ()))
        node.members = tuple(
            (k, k[:1].lower() + k[1:], k in required, _compile(s, memo)) for k, s in shape.members.items()
        )
        node.union = bool(meta.get("union"))
        children = [m[3] for m in node.members]
    elif kind == "list":
        node.item = _compile(shape.member, memo)
        children = [node.item]
    elif kind == "map":
        node.key, node.value = _compile(shape.key, memo), _compile(shape.value, memo)
        children = [node.key, node.value]
        k = node.key
        texts = [k.hi_text if k.hi != _INF else "", k.lo_text if k.lo != -_INF else "", k.pattern_text, k.enum_text]
        node.key_text = f"Map keys must satisfy constraint: [{', '.join(t for t in texts if t)}]"
    # A container holding a sensitive shape is never printed either.
    node.masked = node.masked or any(c.masked for c in children)
    return node


# id(operation) -> (operation (kept alive so the id stays unique), compiled input or None, error has fieldList)
_PLANS: dict[int, tuple[OperationModel, _Node | None, bool]] = {}


def _plan(operation: OperationModel) -> tuple[OperationModel, _Node | None, bool]:
    shape = operation.input_shape
    root = None if shape is None else _compile(shape, {})
    model = operation.service_model
    error = model.shape_for("ValidationException") if "ValidationException" in model.shape_names else None
    has_fields = "fieldList" in getattr(error, "members", {})
    plan = _PLANS[id(operation)] = (operation, root, has_fields)
    return plan


def _render(value: Any) -> str:
    """Java-ish rendering, as Coral prints values (lists ``[a, b]``, maps ``{k=v}``)."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, bytes | bytearray):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _show(value: Any, node: _Node) -> str:
    if value is None:
        return "null"
    if node.masked:
        return "'***'"
    text = _render(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[:_MAX_VALUE_CHARS] + "..."
    return f"'{text}'"


def _error(errs: list[_Violation], code: str, overrides: Mapping[str, str] | None, fields: bool) -> ServiceError:
    if overrides:
        # Only when every violation is a too-long string of a listed shape (e.g. CM's Text).
        codes = [
            overrides.get(n.shape_name) if t is n.hi_text and n.type_name == "string" else None for *_, n, t in errs
        ]
        if all(codes):
            _, value, node, _ = errs[0]
            message = f"Text size limit exceeded: the text is {len(value)} characters; the limit is {_num(node.hi)}."
            return ServiceError(str(codes[0]), message, 400)
    listed = errs[:_MAX_LISTED]
    count = len(errs)
    parts = [f"Value {_show(v, n)} at '{path}' failed to satisfy constraint: {text}" for path, v, n, text in listed]
    message = f"{count} validation error{'' if count == 1 else 's'} detected: " + "; ".join(parts)
    extra = {"fieldList": [{"name": path, "message": text} for path, _, _, text in listed]} if fields else {}
    return ServiceError(code, message, 400, fields=extra)


def validate_input(
    operation: OperationModel,
    params: dict[str, Any],
    *,
    error_code: str,
    max_length_error_codes: Mapping[str, str] | None = None,
) -> None:
    """Check ``params`` (decoded, boto3-style values) against every constraint of the operation's input shape.

    Raises one ``ServiceError(error_code, <Coral message>, 400)`` listing the violations (at most 10, all counted);
    ``fields["fieldList"]`` is set when the service's ValidationException models it. When every violation is a
    too-long value of a shape named in ``max_length_error_codes``, that code is used instead. Unknown members are
    ignored, like AWS does.
    """
    plan = _PLANS.get(id(operation))
    if plan is None or plan[0] is not operation:
        plan = _plan(operation)
    root = plan[1]
    if root is None:
        return
    errs: list[_Violation] = []
    if isinstance(params, dict):
        _struct_body(root, params, "", errs)
    else:
        errs.append(("", params, root, root.type_text))
    if errs:
        raise _error(errs, error_code, max_length_error_codes, plan[2])


# id(shape) -> (shape (kept alive so the id stays unique), compiled node)
_SHAPES: dict[int, tuple[Shape, _Node]] = {}


def shape_violations(shape: Shape, value: Any, path: str) -> list[tuple[str, str]]:
    """(member path, constraint text) for every constraint of ``shape`` that ``value`` breaks.

    For values that arrive inside a document rather than as request members (e.g. entities in a manifest read
    from S3), so they are held to exactly the rules the same value would meet when sent inline."""
    compiled = _SHAPES.get(id(shape))
    if compiled is None or compiled[0] is not shape:
        compiled = _SHAPES[id(shape)] = (shape, _compile(shape, {}))
    node = compiled[1]
    errs: list[_Violation] = []
    if value is None:
        errs.append((path, None, node, _NOT_NULL))
    else:
        node.check(node, value, "", path, errs)
    return [(where, text) for where, _, _, text in errs]
