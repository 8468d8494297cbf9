"""public-default's configuration, as GetDataAutomationProject shows it, is what the runtime does by default."""

from medauto.services.bda.public_default import is_public_default, public_default_project
from medauto.services.bda_runtime.media_options import AudioOptions, VideoOptions
from medauto.services.bda_runtime.options import InvocationOptions

ARN = "arn:aws:bedrock:us-east-1:aws:data-automation-project/public-default"


def test_shown_configuration_parses_to_the_runtime_defaults():
    project = public_default_project(ARN)
    shown = InvocationOptions.from_project(project)
    default = InvocationOptions.from_project(None)
    assert shown.document == default.document and shown.image == default.image
    assert AudioOptions.from_project(project) == AudioOptions.from_project(None)
    assert VideoOptions.from_project(project) == VideoOptions.from_project(None)


def test_each_answer_is_a_fresh_copy_and_the_arn_test_is_by_resource_id():
    first = public_default_project(ARN, "DEVELOPMENT")
    first["standardOutputConfiguration"]["document"]["extraction"]["granularity"]["types"].append("WORD")
    assert public_default_project(ARN)["standardOutputConfiguration"]["document"]["extraction"]["granularity"][
        "types"] == ["PAGE", "ELEMENT"]
    assert first["projectStage"] == "DEVELOPMENT" and public_default_project(ARN)["projectStage"] == "LIVE"
    assert is_public_default(ARN) and not is_public_default(ARN.replace("public-default", "public-defaults1"))
