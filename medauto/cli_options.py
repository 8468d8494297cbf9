"""Pieces of the ``medauto`` command line that several subcommands share (``cli`` and ``batch_cli`` use them)."""

from __future__ import annotations

import argparse
from typing import TypeAlias

# A string: argparse's action class cannot be subscripted at run time, only by the type checker.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
LOG_LEVELS = ("debug", "info", "warning", "error")


def add_command(sub: Subcommands, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` prints ``description`` as written, keeping its line breaks and examples."""
    return sub.add_parser(
        name, help=summary, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def add_settings_source(p: argparse.ArgumentParser, data_dir_help: str) -> None:
    """``--data-dir`` and ``--config``: where a subcommand that loads Settings finds its data and its TOML file."""
    p.add_argument("--data-dir", help=data_dir_help)
    p.add_argument("--config", help="TOML settings file")


def add_log_level(p: argparse.ArgumentParser, summary: str = "log verbosity") -> None:
    p.add_argument("--log-level", choices=LOG_LEVELS, help=summary)
