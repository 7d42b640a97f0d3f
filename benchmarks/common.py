"""The table, a few statistics, and how child processes are started.

Every child runs with the parent's interpreter, from the repository root, offscreen, with
INTERVIEWER_HOME pointing at a temporary folder (so no benchmark reads or writes the
user's settings, sessions or caches) and with no way to reach an API key: the key's
environment variable is removed and keyring is given its null backend.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Row:
    """One line of the table. `limit` is the target in the unit of `compare` ("ratio" or
    "value"); None makes an informational row with no pass/fail."""

    metric: str
    value: float
    reference: float
    unit: str
    target: str
    compare: str = "ratio"
    limit: float | None = None
    #: The target is "below" the limit rather than "at most".
    strict: bool = False
    note: str = ""

    @property
    def ratio(self) -> float:
        """value/reference when both are known; NaN otherwise."""
        if not self.reference or math.isnan(self.reference) or math.isnan(self.value):
            return math.nan
        return self.value / self.reference

    @property
    def passed(self) -> bool | None:
        if self.limit is None:
            return None
        measured = self.ratio if self.compare == "ratio" else self.value
        if math.isnan(measured):
            return False
        return measured < self.limit if self.strict else measured <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "reference": self.reference,
            "unit": self.unit,
            "ratio": self.ratio,
            "target": self.target,
            "passed": self.passed,
            "note": self.note,
        }


def _num(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    if unit == "tokens":
        return f"{value:,.0f} tokens"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g} {unit}"


def render_table(rows: Sequence[Row]) -> str:
    """A plain-text table that reads well in a terminal and pastes into Markdown."""
    header = ["metric", "value", "reference", "ratio", "target", "result"]
    body = []
    for r in rows:
        ratio = "n/a" if math.isnan(r.ratio) else f"{r.ratio:.2f}x"
        result = {True: "PASS", False: "FAIL", None: "info"}[r.passed]
        body.append(
            [r.metric, _num(r.value, r.unit), _num(r.reference, r.unit), ratio, r.target, result]
        )
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(b) for b in body)])


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: the value of a real sample)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OPENAI_API_KEY", None)
    env["INTERVIEWER_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def child_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def run_json_child(module: str, args: Sequence[str], home: Path, timeout: float) -> Any:
    """Run a child that prints one JSON object as its last stdout line; return it."""
    proc = subprocess.run(
        child_command(module, *args),
        cwd=ROOT,
        env=child_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"{module} {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    return json.loads(lines[-1])
