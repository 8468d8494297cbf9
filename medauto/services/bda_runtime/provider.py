"""BDA runtime operations (InvokeDataAutomation[Async], status, invocation tags)."""

from __future__ import annotations


class BdaRuntimeProvider:
    """Invocations arrive with the document and media engines."""
