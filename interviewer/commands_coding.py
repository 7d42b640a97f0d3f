"""The ML coding round's commands (issue 19)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this module's commands to the command line's subparsers (none yet)."""
