"""Blueprint schema (JSON Schema draft-07 plus BDA keywords) -> typed field specs.

Blueprints in the wild spell things several ways (``class``/``documentClass``, ``instruction``/``description``,
``explicit``/``Explicit``/``extractive``, ``inferred``/``generative``), so parsing accepts every variant and
reports anything it cannot read as a :class:`SchemaError` naming the offending path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SchemaError(ValueError):
    """The blueprint schema cannot be read; the message names the field path."""


class FieldType(StrEnum):
    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    OBJECT = "object"  # a group of fields (``$ref`` to a definition or inline ``properties``)
    ARRAY = "array"  # of scalars (``item_type``) or of objects (a table: ``columns``)


class InferenceType(StrEnum):
    EXPLICIT = "explicit"  # the value is printed in the document
    INFERRED = "inferred"  # the value is derived from what is printed


_INFERENCE_SPELLINGS = {
    "explicit": InferenceType.EXPLICIT,
    "extractive": InferenceType.EXPLICIT,
    "inferred": InferenceType.INFERRED,
    "generative": InferenceType.INFERRED,
    "inference": InferenceType.INFERRED,
}
_SCALARS = {FieldType.STRING, FieldType.NUMBER, FieldType.INTEGER, FieldType.BOOLEAN}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    path: tuple[str, ...]  # from the root, e.g. ("patient", "name")
    type: FieldType
    inference: InferenceType = InferenceType.EXPLICIT
    instruction: str = ""
    children: tuple[FieldSpec, ...] = ()  # OBJECT: its fields; ARRAY of objects: the table columns
    item_type: FieldType | None = None  # ARRAY: type of each item (OBJECT for tables)

    @property
    def is_table(self) -> bool:
        return self.type is FieldType.ARRAY and self.item_type is FieldType.OBJECT

    @property
    def is_leaf(self) -> bool:
        return self.type in _SCALARS

    def leaves(self) -> list[FieldSpec]:
        """Scalar fields under this one, tables and scalar arrays counted as leaves."""
        if self.type is FieldType.OBJECT:
            return [leaf for child in self.children for leaf in child.leaves()]
        return [self]


@dataclass(frozen=True)
class BlueprintSchema:
    document_class: str
    description: str
    fields: tuple[FieldSpec, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def leaves(self) -> list[FieldSpec]:
        return [leaf for f in self.fields for leaf in f.leaves()]

    def text(self) -> str:
        """Every human word of the schema (class, description, names, instructions), for classification."""
        words = [self.document_class, self.description]

        def walk(specs: tuple[FieldSpec, ...]) -> None:
            for spec in specs:
                words.extend((spec.name.replace("_", " "), spec.instruction))
                walk(spec.children)

        walk(self.fields)
        return " ".join(w for w in words if w)


def parse_blueprint(schema: str | dict[str, Any]) -> BlueprintSchema:
    """Read a blueprint schema given as a JSON string or an already decoded dict."""
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as exc:
            raise SchemaError(f"schema is not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(schema, dict):
        raise SchemaError("schema must be a JSON object")
    definitions = schema.get("definitions", schema.get("$defs", {}))
    if not isinstance(definitions, dict):
        raise SchemaError("definitions must be an object")
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise SchemaError("properties must be an object")
    reader = _Reader(definitions)
    fields = tuple(reader.field(name, body, ()) for name, body in properties.items())
    return BlueprintSchema(
        document_class=str(schema.get("class", schema.get("documentClass", schema.get("title", "")))),
        description=str(schema.get("description", "")),
        fields=fields,
        raw=schema,
    )


class _Reader:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self._definitions = definitions

    def field(self, name: str, body: Any, parent: tuple[str, ...], seen: frozenset[str] = frozenset()) -> FieldSpec:
        path = (*parent, name)
        where = ".".join(path)
        if not isinstance(body, dict):
            raise SchemaError(f"field {where}: definition must be an object")
        instruction = str(body.get("instruction", body.get("description", "")) or "")
        inference = _inference(body.get("inferenceType"), where)
        if "$ref" in body:
            target, seen = self._resolve(body["$ref"], where, seen)
            # The referencing property's own instruction wins; the definition's describes the group in general.
            instruction = instruction or str(target.get("instruction", target.get("description", "")) or "")
            body = {**target, **{k: v for k, v in body.items() if k != "$ref"}}
        kind = _field_type(body, where)
        if kind is FieldType.OBJECT:
            props = body.get("properties", {})
            if not isinstance(props, dict):
                raise SchemaError(f"field {where}: properties must be an object")
            children = tuple(self.field(n, b, path, seen) for n, b in props.items())
            return FieldSpec(name, path, kind, inference, instruction, children)
        if kind is FieldType.ARRAY:
            items = body.get("items", {"type": "string"})
            item = self.field("items", items, path, seen)
            if item.type is FieldType.ARRAY:
                raise SchemaError(f"field {where}: arrays of arrays are not supported")
            columns = tuple(FieldSpec(c.name, (*path, c.name), c.type, c.inference, c.instruction, c.children,
                                      c.item_type) for c in item.children)
            return FieldSpec(name, path, kind, inference, instruction, columns, item.type)
        return FieldSpec(name, path, kind, inference, instruction)

    def _resolve(self, ref: Any, where: str, seen: frozenset[str]) -> tuple[dict[str, Any], frozenset[str]]:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise SchemaError(f"field {where}: only local references (#/definitions/...) are supported, got {ref!r}")
        key = ref.rsplit("/", 1)[-1]
        if key in seen:
            raise SchemaError(f"field {where}: recursive reference {ref}")
        target = self._definitions.get(key)
        if not isinstance(target, dict):
            raise SchemaError(f"field {where}: unknown reference {ref}")
        return target, seen | {key}


def _inference(value: Any, where: str) -> InferenceType:
    if value is None or value == "":
        return InferenceType.EXPLICIT
    spelled = _INFERENCE_SPELLINGS.get(str(value).strip().lower())
    if spelled is None:
        raise SchemaError(f"field {where}: unknown inferenceType {value!r} (explicit or inferred)")
    return spelled


def _field_type(body: dict[str, Any], where: str) -> FieldType:
    declared = body.get("type")
    if isinstance(declared, list):  # e.g. ["string", "null"]: the first non-null type
        declared = next((t for t in declared if t != "null"), None)
    if declared is None:
        if "properties" in body:
            return FieldType.OBJECT
        if "items" in body:
            return FieldType.ARRAY
        return FieldType.STRING
    try:
        return FieldType(str(declared).lower())
    except ValueError:
        raise SchemaError(f"field {where}: unsupported type {declared!r}") from None
