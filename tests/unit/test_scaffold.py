"""The generated ``medauto/services/*/api.py`` modules are fresh and describe the botocore models faithfully."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest
from botocore.model import ShapeResolver

from medauto.protocols.specs import Service, service_model
from medauto.services.bda import api as bda_api
from medauto.services.bda_runtime import api as runtime_api
from medauto.services.comprehendmedical import api as cm_api
from tools import scaffold

ROOT = Path(__file__).resolve().parents[2]


def test_generated_files_are_fresh() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.scaffold", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_header_names_the_source() -> None:
    for service in Service:
        first = scaffold.module_path(service).read_text(encoding="utf-8").splitlines()[0]
        assert "tools/scaffold.py" in first and "do not edit" in first
        assert f"{service} {service_model(service).api_version}" in first


def test_enums() -> None:
    assert cm_api.EntityType.MEDICAL_CONDITION == "MEDICAL_CONDITION"
    assert cm_api.LanguageCode.EN.value == "en"
    assert runtime_api.AutomationJobStatus.IN_PROGRESS.value == "InProgress"
    assert [m.value for m in bda_api.Language] == service_model(Service.BDA).shape_for("Language").enum


def test_operations() -> None:
    assert len(bda_api.OPERATIONS) == 27
    assert len(runtime_api.OPERATIONS) == 6
    assert len(cm_api.OPERATIONS) == 26
    for module, service in (
        (cm_api, Service.COMPREHEND_MEDICAL),
        (runtime_api, Service.BDA_RUNTIME),
        (bda_api, Service.BDA),
    ):
        assert tuple(sorted(service_model(service).operation_names)) == module.OPERATIONS


def test_required_and_optional_keys() -> None:
    request = cm_api.StartEntitiesDetectionV2JobRequest
    assert request.__required_keys__ == {"InputDataConfig", "OutputDataConfig", "DataAccessRoleArn", "LanguageCode"}
    assert request.__optional_keys__ == {"JobName", "ClientRequestToken", "KMSKey"}
    response = cm_api.DetectEntitiesV2Response
    assert response.__required_keys__ == {"Entities", "ModelVersion"}
    for module, service in (
        (cm_api, Service.COMPREHEND_MEDICAL),
        (runtime_api, Service.BDA_RUNTIME),
        (bda_api, Service.BDA),
    ):
        model = service_model(service)
        for name in model.shape_names:
            shape = model.shape_for(name)
            if shape.type_name == "structure":
                cls = getattr(module, name)
                assert cls.__required_keys__ == set(shape.required_members), name
                assert cls.__required_keys__ | cls.__optional_keys__ == set(shape.members), name


def test_member_types() -> None:
    hints = typing.get_type_hints(cm_api.DetectEntitiesV2Response)
    assert hints["Entities"] == list[cm_api.Entity]
    entity = typing.get_type_hints(cm_api.Entity, include_extras=True)
    assert entity["Category"] == typing.NotRequired[cm_api.EntityType]
    assert entity["Score"] == typing.NotRequired[float]
    sync = typing.get_type_hints(runtime_api.SyncInputConfiguration)
    assert sync["bytes"] is bytes


def test_protocol_methods() -> None:
    method = cm_api.ComprehendMedicalApi.start_entities_detection_v2_job
    hints = typing.get_type_hints(method)
    assert hints["params"] is cm_api.StartEntitiesDetectionV2JobRequest
    assert hints["return"] is cm_api.StartEntitiesDetectionV2JobResponse
    assert method.__doc__ and method.__doc__.startswith("Starts an asynchronous medical entity detection job")
    assert hasattr(bda_api.BedrockDataAutomationApi, "list_blueprints")
    assert hasattr(runtime_api.BedrockDataAutomationRuntimeApi, "invoke_data_automation_async")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("MEDICAL_CONDITION", "MEDICAL_CONDITION"),
        ("InProgress", "IN_PROGRESS"),
        ("en", "EN"),
        ("3d-model.v2", "V_3D_MODEL_V2"),
    ],
)
def test_enum_member_name(value: str, name: str) -> None:
    assert scaffold.enum_member_name(value) == name


def test_docstrings_are_safe() -> None:
    doc = '<p>Reads <code>C:\\temp\\x</code> and """quotes""", e.g. \u201cthis\u201d. Second sentence.</p>'
    sentence = scaffold.first_sentence(doc)
    assert sentence == 'Reads C:\\temp\\x and """quotes""", e.g. "this".'
    source = "\n".join(["def f() -> None:", *scaffold.docstring(" ".join([sentence] * 3), "    ")]) + "\n"
    tree = ast.parse(scaffold.formatted(source, ROOT / "medauto" / "services" / "bda" / "api.py"))
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert " ".join((ast.get_docstring(function) or "").split()) == " ".join([sentence] * 3)


def test_cycles_are_quoted_forward_references(monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = ShapeResolver(
        {
            "Tree": {"type": "structure", "required": ["Root"], "members": {"Root": {"shape": "Node"}}},
            "Node": {
                "type": "structure",
                "members": {"Kids": {"shape": "Nodes"}, "Parent": {"shape": "Node"}, "Tree": {"shape": "Tree"}},
            },
            "Nodes": {"type": "list", "member": {"shape": "Node"}},
        }
    )
    structs = {name: resolver.get_shape_by_name(name) for name in ("Tree", "Node")}
    order = scaffold.dependency_order(structs)
    assert order == ["Tree", "Node"]
    lines: list[str] = ["from typing import NotRequired, TypedDict"]
    defined: set[str] = set()
    for name in order:
        lines += scaffold.struct_class(structs[name], defined)
        defined.add(name)
    # A real module, as TypedDict resolves forward references in the module that defines the class.
    module = types.ModuleType("scaffold_cycle")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    # dont_inherit: this test module's ``from __future__ import annotations`` must not leak into the exec.
    exec(compile("\n".join(lines), "<scaffold>", "exec", dont_inherit=True), module.__dict__)
    node, tree = module.Node, module.Tree
    assert typing.get_type_hints(node)["Kids"] == list.__class_getitem__(node)
    assert typing.get_type_hints(node)["Parent"] is node
    assert typing.get_type_hints(tree)["Root"] is node
    assert node.__optional_keys__ == {"Kids", "Parent", "Tree"}
    assert tree.__required_keys__ == {"Root"}
