"""How many grades a recorded small local model made, against the offline coach.

Read from the recordings alone (no server, no network, a fraction of a second):

- tests/data/recorded/*.jsonl: interviews recorded by benchmarks/record_local_interview.py
  (the last line's `outcome` lists each grade and whether the model made it); files whose
  header says `constructed` are hand-written fixtures and are left out;
- benchmarks/recorded/*.jsonl: the grading-set recordings of benchmarks/grading_replay.py
  (one line per labelled answer; a grade is the model's when the app kept no
  `offline_fallback` flag and no error).

`python -m benchmarks` shows one row per recorded model: grades by the model as the value,
all grades as the reference (so the ratio is the model's share); `--json` for the counts.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INTERVIEWS = ROOT / "tests" / "data" / "recorded"
GRADINGS = ROOT / "benchmarks" / "recorded"


@dataclass
class Tally:
    """One model's recorded grades: by the model, by the offline coach standing in."""

    model: str
    by_model: int = 0
    by_coach: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.by_model + self.by_coach


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _model_key(name: str) -> str:
    """Recordings of one model under different file names count together: the part of
    the file name before the first '-interview' / '.jsonl'."""
    return name.removesuffix(".jsonl").split("-interview")[0]


def tally(interviews: Path = INTERVIEWS, gradings: Path = GRADINGS) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    for path in sorted(interviews.glob("*.jsonl")) if interviews.is_dir() else []:
        rows = _lines(path)
        header: dict[str, Any] = next((r["header"] for r in rows if "header" in r), {})
        outcome: dict[str, Any] = next((r["outcome"] for r in rows if "outcome" in r), {})
        if header.get("constructed") or not outcome.get("grades"):
            continue
        t = out.setdefault(_model_key(path.name), Tally(_model_key(path.name)))
        model = sum(1 for g in outcome["grades"] if g.get("by_model"))
        coach = len(outcome["grades"]) - model
        t.by_model += model
        t.by_coach += coach
        t.sources.append(f"interview {path.name}: {model} of {model + coach}")
    for path in sorted(gradings.glob("*.jsonl")) if gradings.is_dir() else []:
        rows = _lines(path)
        if not rows:
            continue
        t = out.setdefault(_model_key(path.name), Tally(_model_key(path.name)))
        model = sum(
            1
            for r in rows
            if not r.get("error") and "offline_fallback" not in r.get("live_flags", [])
        )
        t.by_model += model
        t.by_coach += len(rows) - model
        t.sources.append(f"grading set {path.name}: {model} of {len(rows)}")
    return out


def main(argv: list[str] | None = None) -> int:
    found = tally()
    if argv and "--json" in argv:
        data = {
            k: {"by_model": t.by_model, "by_coach": t.by_coach, "sources": t.sources}
            for k, t in found.items()
        }
        print(json.dumps(data))
        return 0
    for t in found.values():
        print(f"{t.model}: {t.by_model} of {t.total} grades by the model ({'; '.join(t.sources)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
