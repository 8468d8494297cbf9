"""BDA control-plane operations (blueprints, projects, libraries, tags)."""

from __future__ import annotations


class BdaProvider:
    """Blueprints and projects arrive with the resource store."""
