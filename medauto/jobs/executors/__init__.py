"""Executors map an engine function over work items: inline, a local process pool, or (later) Ray."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Executor(Protocol):
    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> list[Any]:
        """``[fn(*item) for item in items]`` in order, possibly in parallel; ``fn`` must be importable."""
        ...

    def close(self) -> None: ...


class InlineExecutor:
    """Runs in the calling thread: tests, and machines where one core is all there is."""

    def map(self, fn: Callable[..., Any], items: Sequence[Any]) -> list[Any]:
        return [fn(*item) for item in items]

    def close(self) -> None:
        return None
