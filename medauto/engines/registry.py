"""Engines behind versioned string names, so a deployment swaps a stage by configuration.

Third-party packages add engines through the ``medauto.engines`` entry-point group: an entry point named
``text.ner.mymodel.v1`` pointing at a zero-argument factory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib import metadata
from typing import Any

Factory = Callable[[], Any]

_FACTORIES: dict[str, Factory] = {}
_INSTANCES: dict[str, Any] = {}
_LOCK = threading.Lock()
_ENTRY_POINTS_LOADED = False


def register(name: str) -> Callable[[Factory], Factory]:
    """Register ``factory`` under ``name`` (e.g. ``text.ner.crf.v1``)."""

    def add(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        return factory

    return add


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    for entry in metadata.entry_points(group="medauto.engines"):
        _FACTORIES.setdefault(entry.name, entry.load())
    _ENTRY_POINTS_LOADED = True


def names() -> list[str]:
    _load_entry_points()
    return sorted(_FACTORIES)


def get(name: str) -> Any:
    """The shared instance of engine ``name``: built once (models load once per process), then reused."""
    instance = _INSTANCES.get(name)
    if instance is not None:
        return instance
    with _LOCK:
        instance = _INSTANCES.get(name)
        if instance is None:
            _load_entry_points()
            factory = _FACTORIES.get(name)
            if factory is None:
                raise KeyError(f"no engine named {name!r}; known: {', '.join(sorted(_FACTORIES))}")
            instance = _INSTANCES[name] = factory()
    return instance


def loaded() -> list[str]:
    return sorted(_INSTANCES)
