"""A long custom track for the scaling benchmarks: up to 50 questions, written as user content.

The built-in bank has 36 open (non-coding) questions, too few for a 40-question interview,
so the benchmark writes what a user who wants a long interview would write: a question
file and a track file in the user content dir (`INTERVIEWER_HOME/data/content`), loaded
beside the built-ins exactly as a user's own files are. The questions are copies of the
built-in open questions under new ids (numbered, so the same text may come back in a
40-question interview, as in a long real one); the track asks them in order.

No TOML writer ships with the app, so the files are written here with JSON-quoted
strings and inline tables, which TOML reads as they are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TRACK_ID = "bench-long"
MAX_QUESTIONS = 50


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes (\" \\ \n \uXXXX) are TOML's too
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {_value(v)}" for k, v in value.items() if v is not None)
        return "{" + inner + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def write(content_dir: Path, questions: int = 40) -> str:
    """Write the track and its questions below `content_dir`; return the track's id."""
    from interviewer.storage.content_files import load_library

    if not 1 <= questions <= MAX_QUESTIONS:
        raise ValueError(f"a track asks 1 to {MAX_QUESTIONS} questions, not {questions}")
    library = load_library(None)
    bank = [
        q
        for q in library.questions.values()
        if q.kind == "open" and q.category in ("technical", "behavioral", "case_study")
    ]
    # Interleave categories like a full loop, then repeat the bank under new ids.
    by_cat: dict[str, list[Any]] = {}
    for q in bank:
        by_cat.setdefault(q.category, []).append(q)
    mixed: list[Any] = []
    while any(by_cat.values()):
        for cat in ("technical", "behavioral", "case_study"):
            if by_cat.get(cat):
                mixed.append(by_cat[cat].pop(0))
    blocks: list[str] = []
    ids: list[str] = []
    for n in range(questions):
        source = mixed[n % len(mixed)]
        data = source.model_dump(mode="json", exclude_none=True)
        data.pop("coding", None)
        data["id"] = f"long{n + 1:02d}-{source.id}"[:80]
        ids.append(data["id"])
        lines = ["[[questions]]"]
        lines += [f"{key} = {_value(value)}" for key, value in data.items()]
        blocks.append("\n".join(lines))
    qdir = content_dir / "tracks" / "questions"
    qdir.mkdir(parents=True, exist_ok=True)
    (qdir / f"{TRACK_ID}.toml").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    track = {
        "id": TRACK_ID,
        "name": f"Benchmark long loop ({questions} questions)",
        "description": "A long custom interview written by the benchmarks.",
        "duration_minutes": min(480, 6 * questions),
        "question_count": questions,
        "categories": ["technical", "behavioral", "case_study"],
        "follow_up_limit": 1,
        "selection": "ordered",
        "questions": ids,
    }
    text = "\n".join(f"{k} = {_value(v)}" for k, v in track.items()) + "\n"
    (content_dir / "tracks" / f"{TRACK_ID}.toml").write_text(text, encoding="utf-8")
    return TRACK_ID
