"""`interviewer plan` and `interviewer targets`: interviews planned from a job posting."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this module's commands to the command line's subparsers (none yet)."""
