"""Blueprint schema checks, as BDA applies them when a blueprint is created or updated.

A blueprint schema is a JSON Schema (draft-07 style) object with BDA keywords: ``class`` (or ``documentClass``),
``description``, ``type: object``, ``properties`` and ``definitions``. A property is a leaf (string, number,
integer, boolean), a group (``{"$ref": "#/definitions/X"}``), or an array of leaves or of groups (a table).
Leaves carry ``inferenceType`` (explicit / inferred, also the ``Explicit`` and ``extractive`` / ``generative``
spellings) and an ``instruction`` (or ``description``) that tells the extractor what to look for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

LEAF_TYPES = frozenset({"string", "number", "integer", "boolean"})
INFERENCE_TYPES = frozenset({"explicit", "inferred", "extractive", "generative"})
REF_PREFIX = "#/definitions/"
MAX_LISTED = 10


class InvalidSchema(ValueError):
    """The schema breaks one or more rules; ``problems`` name the field path of each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:MAX_LISTED])
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        super().__init__(f"Invalid blueprint schema: {shown}{more}")


@dataclass
class _Check:
    definitions: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    edges: dict[str, set[str]] = field(default_factory=dict)  # definition -> definitions it refers to

    def problem(self, path: str, text: str) -> None:
        self.problems.append(f"{path}: {text}")


def check_schema(text: str) -> dict[str, Any]:
    """The parsed schema, or InvalidSchema listing every problem found."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidSchema([f"schema: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]) from None
    if not isinstance(schema, dict):
        raise InvalidSchema([f"schema: must be a JSON object, not {_kind(schema)}"])
    definitions = schema.get("definitions")
    check = _Check(definitions if isinstance(definitions, dict) else {})
    _check_document(schema, check)
    if not check.problems and not schema["properties"]:
        check.problem("properties", "the blueprint defines no fields")
    if check.problems:
        raise InvalidSchema(check.problems)
    return schema


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _check_document(schema: dict[str, Any], check: _Check) -> None:
    if schema.get("type") != "object":
        check.problem("type", f'must be "object", not {json.dumps(schema.get("type"))}')
    label = schema.get("class", schema.get("documentClass"))
    if not isinstance(label, str) or not label.strip():
        check.problem("class", "a non-empty class (or documentClass) naming the document type is required")
    if "description" in schema and not isinstance(schema["description"], str):
        check.problem("description", f"must be a string, not {_kind(schema['description'])}")
    if "$schema" in schema and not isinstance(schema["$schema"], str):
        check.problem("$schema", "must be a string")
    if "definitions" in schema and not isinstance(schema["definitions"], dict):
        check.problem("definitions", f"must be an object, not {_kind(schema['definitions'])}")
    for name, group in check.definitions.items():
        path = f"definitions.{name}"
        if not isinstance(group, dict):
            check.problem(path, f"must be an object, not {_kind(group)}")
            continue
        if group.get("type", "object") != "object":
            check.problem(f"{path}.type", f'a definition must be of type "object", not {json.dumps(group["type"])}')
        _check_properties(group.get("properties"), f"{path}.properties", check, owner=name)
    _check_properties(schema.get("properties"), "properties", check, owner=None)
    for cycle in _cycles(check.edges):
        check.problem(f"definitions.{cycle[0]}", f"groups refer to each other in a cycle ({' -> '.join(cycle)})")


def _check_properties(properties: Any, path: str, check: _Check, owner: str | None) -> None:
    if not isinstance(properties, dict):
        check.problem(
            path, "is required and must be an object of fields" if properties is None else "must be an object"
        )
        return
    for name, spec in properties.items():
        field_path = f"{path}.{name}"
        if not name.strip():
            check.problem(field_path, "field names must not be blank")
        elif not isinstance(spec, dict):
            check.problem(field_path, f"must be an object, not {_kind(spec)}")
        else:
            _check_field(spec, field_path, check, owner)


def _check_field(spec: dict[str, Any], path: str, check: _Check, owner: str | None) -> None:
    if "$ref" in spec:
        _check_ref(spec["$ref"], f"{path}.$ref", check, owner)
        return
    kind = spec.get("type")
    if kind is None:
        check.problem(path, f"has no type (use one of {', '.join(sorted(LEAF_TYPES))}, array, or a $ref)")
    elif kind == "array":
        _check_array(spec, path, check, owner)
    elif kind == "object":
        check.problem(f"{path}.type", 'inline objects are not supported; put the group under "definitions" and $ref it')
    elif kind not in LEAF_TYPES:
        check.problem(f"{path}.type", f"unknown type {json.dumps(kind)} (use {', '.join(sorted(LEAF_TYPES))} or array)")
    else:
        _check_leaf(spec, path, check)


def _check_leaf(spec: dict[str, Any], path: str, check: _Check) -> None:
    _check_inference(spec, path, check)
    instruction = spec.get("instruction", spec.get("description"))
    if not isinstance(instruction, str) or not instruction.strip():
        check.problem(path, "needs a non-empty instruction (or description) saying what to extract")


def _check_inference(spec: dict[str, Any], path: str, check: _Check) -> None:
    if "inferenceType" not in spec:
        return
    value = spec["inferenceType"]
    if not isinstance(value, str) or value.lower() not in INFERENCE_TYPES:
        check.problem(f"{path}.inferenceType", f"must be explicit or inferred, not {json.dumps(value)}")


def _check_array(spec: dict[str, Any], path: str, check: _Check, owner: str | None) -> None:
    items = spec.get("items")
    if not isinstance(items, dict):
        check.problem(f"{path}.items", "an array needs items: a leaf type or a $ref to a definition")
        return
    _check_inference(spec, path, check)
    if "$ref" in items:
        _check_ref(items["$ref"], f"{path}.items.$ref", check, owner)
        return
    kind = items.get("type")
    if kind not in LEAF_TYPES:
        shown = "no type" if kind is None else f"type {json.dumps(kind)}"
        check.problem(f"{path}.items", f"has {shown}; array items must be {', '.join(sorted(LEAF_TYPES))} or a $ref")
        return
    instruction = spec.get("instruction", spec.get("description", items.get("instruction")))
    if not isinstance(instruction, str) or not instruction.strip():
        check.problem(path, "needs a non-empty instruction (or description) saying what to extract")


def _check_ref(ref: Any, path: str, check: _Check, owner: str | None) -> None:
    if not isinstance(ref, str) or not ref.startswith(REF_PREFIX):
        check.problem(path, f"must point into the definitions as {REF_PREFIX}<Name>, not {json.dumps(ref)}")
        return
    name = ref.removeprefix(REF_PREFIX)
    if name not in check.definitions:
        check.problem(path, f"refers to an unknown definition {json.dumps(name)}")
        return
    if owner is not None:
        check.edges.setdefault(owner, set()).add(name)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One example path per cycle of definitions that (indirectly) contain themselves."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            found.append([*trail[trail.index(node) :], node])
            return
        if node in done:
            return
        for target in sorted(edges.get(node, ())):
            visit(target, [*trail, node])
        done.add(node)

    for start in sorted(edges):
        visit(start, [])
    return found
