"""Text profiles defined by configuration: parsing, inheritance from a built-in base, the environment hand-over to
worker processes, and the start-up error for stage names nothing registers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from medauto.app import check_text_profile
from medauto.config import load_settings
from medauto.engines.text.profiles import (
    BUILTIN,
    ENV_VAR,
    PROFILES,
    ProfileError,
    check_stages,
    parse_profile,
    use_profiles,
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "{}")  # restored (removed) after the test


def test_unspecified_stages_come_from_the_base() -> None:
    profile = parse_profile("big", {"model_version": "big-1", "base": "accurate", "linker": "text.relations.v1"})
    accurate = BUILTIN["accurate"]
    assert profile.name == "big" and profile.model_version == "big-1"
    assert profile.entity_recognizers == accurate.entity_recognizers
    assert profile.phi_recognizers == accurate.phi_recognizers and profile.traits == accurate.traits


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "model_version"),
        ({"model_version": "x", "entity_recognisers": ["a"]}, "unknown key"),
        ({"model_version": "x", "base": "huge"}, "base must be"),
        ({"model_version": "x", "entity_recognizers": "text.ner.crf.v1"}, "list of stage names"),
        ({"model_version": "x", "entity_recognizers": []}, "at least one"),
        ({"model_version": "x", "traits": ["text.context.v1"]}, "one stage name"),
    ],
)
def test_malformed_profiles_are_rejected(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profile("mine", spec)
    with pytest.raises(ProfileError, match="built in"):
        parse_profile("fast", {"model_version": "x"})


def test_toml_profiles_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "medauto.toml"
    config.write_text(
        'text_profile = "lean"\n[text_profiles.lean]\nmodel_version = "lean-1"\n'
        'entity_recognizers = ["text.ner.crf.v1"]\n'
    )
    settings = load_settings(str(config))
    assert settings.text_profile == "lean" and "lean" not in PROFILES
    use_profiles(settings.text_profiles)
    assert PROFILES["lean"].entity_recognizers == ("text.ner.crf.v1",) and list(PROFILES)[:2] == ["fast", "accurate"]
    # A spawned process sees the same profile through the environment it inherits.
    code = "from medauto.engines.text.profiles import PROFILES; print(PROFILES['lean'].model_version)"
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True)
    assert out.stdout.strip() == "lean-1", out.stderr
    # The variable is also how a deployment defines profiles without a file.
    monkeypatch.setenv(ENV_VAR, json.dumps({"env1": {"model_version": "e-1"}}))
    assert load_settings().text_profiles == {"env1": {"model_version": "e-1"}}
    assert PROFILES["env1"].entity_recognizers == BUILTIN["fast"].entity_recognizers


def test_malformed_toml_profile_is_a_settings_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[text_profiles.bad]\nmodel_version = "b-1"\nlinkr = "text.relations.v1"\n')
    with pytest.raises(ValidationError, match="unknown key"):
        load_settings(str(config))


def test_unknown_stage_names_stop_the_start_up() -> None:
    use_profiles({"typo": {"model_version": "t-1", "entity_recognizers": ["text.ner.crf.v1", "text.ner.crf.v9"]}})
    with pytest.raises(ProfileError, match=r"entity_recognizers: text\.ner\.crf\.v9"):
        check_stages(PROFILES["typo"])
    with pytest.raises(SystemExit, match=r"unknown stage.*text\.ner\.crf\.v9"):
        check_text_profile("typo")
    with pytest.raises(SystemExit, match="unknown text profile 'nope'"):
        check_text_profile("nope")
    check_text_profile("fast")  # built-in stages are all registered
