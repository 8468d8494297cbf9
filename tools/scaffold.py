"""Generate ``medauto/services/<pkg>/api.py``: typed provider boundaries from botocore's service models.

    python -m tools.scaffold           write the files that changed
    python -m tools.scaffold --check   write nothing; exit 1 listing the files that are stale

Each module holds a StrEnum per enum string shape, a TypedDict per structure shape, ``OPERATIONS`` and a
Protocol with one stub per operation. The output is run through the venv's ruff formatter, so ``--check``
compares against exactly what is committed.

The modules deliberately do *not* use ``from __future__ import annotations``: on Python 3.11 a stringified
``NotRequired[...]`` is not recognised by ``TypedDict``, so ``__required_keys__`` would list every key.
Classes are emitted dependencies first instead; only references inside a cycle are quoted.
"""

from __future__ import annotations

import argparse
import ast
import html
import keyword
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import botocore
from botocore import xform_name
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from medauto.protocols.specs import Service, service_model

ROOT = Path(__file__).resolve().parent.parent
PACKAGES: dict[Service, str] = {
    Service.COMPREHEND_MEDICAL: "comprehendmedical",
    Service.BDA_RUNTIME: "bda_runtime",
    Service.BDA: "bda",
}
SCALARS: dict[str, str] = {
    "string": "str",
    "character": "str",
    "integer": "int",
    "long": "int",
    "byte": "int",
    "short": "int",
    "bigInteger": "int",
    "float": "float",
    "double": "float",
    "bigDecimal": "float",
    "boolean": "bool",
    "timestamp": "datetime",
    "blob": "bytes",
}
# Names the generated module binds itself; a shape with one of these names would shadow it.
RESERVED = {"datetime", "StrEnum", "Any", "NotRequired", "Protocol", "TypedDict", "RequestContext", "OPERATIONS"}
# Typographic characters in AWS docs that ruff flags as ambiguous in docstrings.
TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                            "\u2014": "-", "\u00a0": " ", "\u2026": "..."})  # fmt: skip
DOC_WIDTH = 114  # leaves room for the quotes: no docstring line passes 120 columns


def module_path(service: Service) -> Path:
    return ROOT / "medauto" / "services" / PACKAGES[service] / "api.py"


def api_class_name(model: ServiceModel) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", model.metadata["serviceId"]) + "Api"


def enum_member_name(value: str) -> str:
    """``MEDICAL_CONDITION`` -> ``MEDICAL_CONDITION``, ``InProgress`` -> ``IN_PROGRESS``, ``en`` -> ``EN``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", value)
    name = re.sub(r"[^0-9A-Za-z]+", "_", words).strip("_").upper() or "EMPTY"
    return f"V_{name}" if name[0].isdigit() else name


def is_document(shape: Shape) -> bool:
    return bool(shape.metadata.get("document")) or bool(shape.serialization.get("document"))


def is_class(shape: Shape) -> bool:
    """Whether the shape becomes a generated class (a StrEnum or a TypedDict)."""
    return (shape.type_name == "structure" and not is_document(shape)) or bool(
        shape.type_name == "string" and shape.enum
    )


def type_expr(shape: Shape, defined: set[str]) -> str:
    """The annotation for ``shape``; a class not yet defined at this point is quoted (a forward reference)."""
    if is_class(shape):
        return shape.name if shape.name in defined else f'"{shape.name}"'
    if isinstance(shape, ListShape):
        return f"list[{type_expr(shape.member, defined)}]"
    if isinstance(shape, MapShape):
        return f"dict[{type_expr(shape.key, defined)}, {type_expr(shape.value, defined)}]"
    if shape.type_name == "structure":  # a document
        return "Any"
    if shape.type_name not in SCALARS:
        raise SystemExit(f"scaffold: no Python type for shape {shape.name} of type {shape.type_name}")
    return SCALARS[shape.type_name]


def struct_deps(shape: Shape) -> set[str]:
    """The structure shapes a member of ``shape`` refers to, through lists and maps."""
    if isinstance(shape, ListShape):
        return struct_deps(shape.member)
    if isinstance(shape, MapShape):
        return struct_deps(shape.key) | struct_deps(shape.value)
    if isinstance(shape, StructureShape) and not is_document(shape):
        return {shape.name}
    return set()


def dependency_order(structs: dict[str, StructureShape]) -> list[str]:
    """Structure names, each after the structures it refers to (by name where free to choose)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        deps: set[str] = set()
        for member in structs[name].members.values():
            deps |= struct_deps(member)
        for dep in sorted(deps - {name}):
            visit(dep)
        order.append(name)

    for name in sorted(structs):
        visit(name)
    return order


def enum_class(shape: Shape) -> list[str]:
    lines = [f"class {shape.name}(StrEnum):"]
    names: set[str] = set()
    for value in shape.enum:
        name = enum_member_name(value)
        if name in names:
            raise SystemExit(f"scaffold: enum {shape.name} has two values named {name}")
        names.add(name)
        lines.append(f"    {name} = {value!r}")
    return lines


def struct_class(shape: StructureShape, defined: set[str]) -> list[str]:
    required = set(shape.required_members)
    fields: list[tuple[str, str]] = []
    for name, member in shape.members.items():
        annotation = type_expr(member, defined)
        fields.append((name, annotation if name in required else f"NotRequired[{annotation}]"))
    if all(n.isidentifier() and not keyword.iskeyword(n) for n, _ in fields):
        body = [f"    {n}: {a}" for n, a in fields] or ["    pass"]
        return [f"class {shape.name}(TypedDict):", *body]
    entries = [f"        {n!r}: {a}," for n, a in fields]
    return [f"{shape.name} = TypedDict(", f"    {shape.name!r},", "    {", *entries, "    },", ")"]


def first_sentence(documentation: str) -> str:
    text = html.unescape(re.sub(r"<[^>]*>", " ", documentation or "")).translate(TYPOGRAPHY)
    text = " ".join(text.split())
    match = re.search(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?](?=\s|$)", text)
    sentence = text[: match.end()] if match else text
    if sentence and sentence[-1] not in ".!?":
        sentence += "."
    return sentence


def docstring(text: str, indent: str) -> list[str]:
    """A safe triple-quoted docstring: no backslash escapes, no closing quotes inside, wrapped to fit."""
    safe = text.replace("\\", "\\\\").replace('"', '\\"')
    wrapped = textwrap.wrap(safe, width=DOC_WIDTH - len(indent), break_long_words=False, break_on_hyphens=False)
    if len(wrapped) == 1:
        return [f'{indent}"""{wrapped[0]}"""']
    return [f'{indent}"""{wrapped[0]}', *(indent + line for line in wrapped[1:]), f'{indent}"""']


def generate(service: Service) -> str:
    model = service_model(service)
    shapes = {name: model.shape_for(name) for name in model.shape_names}
    classes = {name for name, shape in shapes.items() if is_class(shape)}
    clash = (RESERVED & classes) | ({api_class_name(model)} & set(shapes))
    if clash:
        raise SystemExit(f"scaffold: {service} shape names clash with generated names: {sorted(clash)}")
    enums = sorted(name for name, shape in shapes.items() if shape.type_name == "string" and shape.enum)
    structs = {n: s for n, s in shapes.items() if isinstance(s, StructureShape) and is_class(s)}
    operations = sorted(model.operation_names)

    body: list[str] = []
    defined: set[str] = set(enums)
    for name in enums:
        body += ["", "", *enum_class(shapes[name])]
    for name in dependency_order(structs):
        body += ["", "", *struct_class(structs[name], defined)]
        defined.add(name)
    body += ["", "", "OPERATIONS: tuple[str, ...] = (", *(f'    "{op}",' for op in operations), ")"]
    body += ["", "", f"class {api_class_name(model)}(Protocol):"]
    body += docstring(
        f"The operations of {model.metadata.get('serviceFullName', service)}, as provider methods. A typing aid:"
        " providers bind methods with @operation and receive params as dict[str, Any] at runtime.",
        "    ",
    )
    for op in operations:
        op_model = model.operation_model(op)
        params = op_model.input_shape.name if op_model.input_shape is not None else "dict[str, Any]"
        result = op_model.output_shape.name if op_model.output_shape is not None else "dict[str, Any]"
        summary = first_sentence(op_model.documentation)
        body += ["", f"    def {xform_name(op)}(self, context: RequestContext, params: {params}) -> {result}:"]
        body += docstring(summary, "        ") if summary else ["        ..."]

    text = "\n".join(body)
    used = {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
    typing_names = sorted(used & {"Any", "NotRequired", "Protocol", "TypedDict"})
    head = [
        f"# Generated by tools/scaffold.py from botocore {botocore.__version__} {service} {model.api_version};"
        " do not edit.",
        "# Regenerate with: python -m tools.scaffold",
        *docstring(
            f"Typed boundaries of {service} {model.api_version}: enums, TypedDicts and the operation Protocol.", ""
        ),
        "",
    ]
    if "datetime" in used:
        head.append("from datetime import datetime")
    head += ["from enum import StrEnum", f"from typing import {', '.join(typing_names)}", ""]
    head.append("from medauto.services.context import RequestContext")
    return "\n".join(head) + text + "\n"


def ruff_binary() -> str | None:
    local = Path(sys.executable).parent / "ruff"
    return str(local) if local.exists() else shutil.which("ruff")


def formatted(source: str, path: Path) -> str:
    """``source`` as ``ruff format`` leaves it (with the repository's config), or unchanged without ruff."""
    ruff = ruff_binary()
    if ruff is None:
        print("scaffold: ruff not found; output left unformatted", file=sys.stderr)
        return source
    done = subprocess.run(
        [ruff, "format", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"scaffold: ruff format failed on {path}:\n{done.stderr}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.scaffold", description="Generate medauto/services/*/api.py.")
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale; write nothing")
    args = parser.parse_args(argv)
    stale: list[Path] = []
    for service in Service:
        path = module_path(service)
        text = formatted(generate(service), path)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if args.check and stale:
        print("stale generated files (run: python -m tools.scaffold):", file=sys.stderr)
        for path in stale:
            print(f"  {path.relative_to(ROOT)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
