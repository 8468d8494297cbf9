"""The sample blueprints shipped with the engine, parsed."""

from __future__ import annotations

import functools
from importlib import resources

from medauto.engines.extraction.schema import BlueprintSchema, parse_blueprint

_PACKAGE = "medauto.engines.extraction.samples"


def sample_names() -> list[str]:
    return sorted(f.name.removesuffix(".json") for f in resources.files(_PACKAGE).iterdir() if f.name.endswith(".json"))


@functools.cache
def sample_blueprint(name: str) -> BlueprintSchema:
    """The parsed sample ``name`` (e.g. ``receipt``); KeyError when there is none."""
    if name not in sample_names():
        raise KeyError(f"no sample blueprint {name!r}; known: {', '.join(sample_names())}")
    return parse_blueprint(resources.files(_PACKAGE).joinpath(f"{name}.json").read_text(encoding="utf-8"))
