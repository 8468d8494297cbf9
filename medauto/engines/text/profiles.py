"""Text profiles: which registered stages a pipeline runs, built in ("fast", "accurate") or defined by configuration.

A configured profile is a mapping such as the ``[text_profiles.<name>]`` table of the TOML settings file::

    {"model_version": "medauto-llm-1.0.0", "base": "fast",
     "entity_recognizers": ["text.ner.crf.v1", "text.ner.llm.v1", "text.lexicon.v1"]}

Stage lists it leaves out come from ``base`` (default "fast"). Configured profiles travel as JSON in the
``MEDAUTO_TEXT_PROFILES`` environment variable, so spawned worker processes resolve the same names.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

ENV_VAR = "MEDAUTO_TEXT_PROFILES"


class ProfileError(ValueError):
    """A configured profile is malformed or names stages no one registered."""


@dataclass(frozen=True)
class Profile:
    name: str
    model_version: str
    entity_recognizers: tuple[str, ...]
    attribute_recognizers: tuple[str, ...]
    phi_recognizers: tuple[str, ...]
    traits: str
    linker: str

    def stage_names(self) -> dict[str, tuple[str, ...]]:
        """Every stage the profile uses, by the setting that names it."""
        return {
            "entity_recognizers": self.entity_recognizers,
            "attribute_recognizers": self.attribute_recognizers,
            "phi_recognizers": self.phi_recognizers,
            "traits": (self.traits,),
            "linker": (self.linker,),
        }


BUILTIN: dict[str, Profile] = {
    "fast": Profile(
        "fast",
        "medauto-fast-1.0.0",
        ("text.ner.crf.v1", "text.lexicon.v1"),
        ("text.attributes.v1",),
        ("text.phi.rules.v1",),
        "text.context.v1",
        "text.relations.v1",
    ),
    # A larger CRF (neighbour affixes, a training-mention lexicon learned cross-fold); the other stages are shared.
    "accurate": Profile(
        "accurate",
        "medauto-accurate-1.0.0",
        ("text.ner.crf.accurate.v1", "text.lexicon.v1"),
        ("text.attributes.v1",),
        ("text.phi.rules.v1",),
        "text.context.v1",
        "text.relations.v1",
    ),
}

_LISTS = ("entity_recognizers", "attribute_recognizers", "phi_recognizers")
_SINGLE = ("traits", "linker")
_KEYS = frozenset({"model_version", "base", *_LISTS, *_SINGLE})


def _names(profile: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ProfileError(f"text profile {profile!r}: {key} must be a list of stage names")
    if not all(isinstance(v, str) and v for v in value):
        raise ProfileError(f"text profile {profile!r}: {key} must hold non-empty stage names")
    return tuple(value)


def parse_profile(name: str, spec: Mapping[str, Any]) -> Profile:
    """One configured profile; unknown keys, a missing model_version or an unknown base are errors."""
    if name in BUILTIN:
        raise ProfileError(f"text profile {name!r} is built in; give yours another name")
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        known = ", ".join(sorted(_KEYS))
        raise ProfileError(f"text profile {name!r}: unknown key(s) {', '.join(unknown)}; known: {known}")
    version = spec.get("model_version")
    if not isinstance(version, str) or not version:
        raise ProfileError(f"text profile {name!r}: model_version (e.g. 'medauto-{name}-1.0.0') is required")
    base_name = spec.get("base", "fast")
    base = BUILTIN.get(base_name) if isinstance(base_name, str) else None
    if base is None:
        raise ProfileError(f"text profile {name!r}: base must be one of {', '.join(BUILTIN)}")
    changes: dict[str, Any] = {"name": name, "model_version": version}
    for key in _LISTS:
        if key in spec:
            changes[key] = _names(name, key, spec[key])
    for key in _SINGLE:
        if key in spec:
            if not isinstance(spec[key], str) or not spec[key]:
                raise ProfileError(f"text profile {name!r}: {key} must be one stage name")
            changes[key] = spec[key]
    if not changes.get("entity_recognizers", base.entity_recognizers):
        raise ProfileError(f"text profile {name!r}: entity_recognizers must name at least one stage")
    return replace(base, **changes)


def parse_profiles(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Profile]:
    if not isinstance(specs, Mapping):
        raise ProfileError("text profiles must be a table of name -> profile")
    out = {}
    for name, spec in specs.items():
        if not isinstance(spec, Mapping):
            raise ProfileError(f"text profile {name!r} must be a table")
        out[name] = parse_profile(name, spec)
    return out


_parsed: tuple[str, dict[str, Profile]] = ("", {})


def configured() -> dict[str, Profile]:
    """The profiles defined in ``MEDAUTO_TEXT_PROFILES`` (parsed again only when the variable changes)."""
    global _parsed
    raw = os.environ.get(ENV_VAR, "")
    if raw != _parsed[0]:
        try:
            specs = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as exc:
            raise ProfileError(f"{ENV_VAR} is not JSON: {exc}") from exc
        _parsed = (raw, parse_profiles(specs))
    return _parsed[1]


def use_profiles(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Profile]:
    """Make configured profiles known to this process and to the worker processes it spawns later."""
    parsed = parse_profiles(specs)
    os.environ[ENV_VAR] = json.dumps({name: dict(spec) for name, spec in specs.items()}, sort_keys=True)
    return parsed


def check_stages(profile: Profile) -> None:
    """Fail now, with the names at fault, if the profile uses a stage no module or entry point registers."""
    from medauto.engines import registry
    from medauto.engines.text.stages import ensure_registered

    ensure_registered()
    known = set(registry.names())
    missing = [f"{key}: {n}" for key, names in profile.stage_names().items() for n in names if n not in known]
    if missing:
        raise ProfileError(
            f"text profile {profile.name!r} names unknown stage(s) ({'; '.join(missing)}); "
            f"registered: {', '.join(sorted(known))}"
        )


class _AllProfiles(Mapping[str, Profile]):
    """Built-in profiles followed by the configured ones, read live so a later ``use_profiles`` shows up."""

    def _all(self) -> dict[str, Profile]:
        return {**BUILTIN, **configured()}

    def __getitem__(self, name: str) -> Profile:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


PROFILES: Mapping[str, Profile] = _AllProfiles()
