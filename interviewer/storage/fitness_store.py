"""What the speed and fitness check found, remembered per server and model.

One small JSON file beside settings.json (`fitness_file`)::

    {"version": 1, "reports": {"http://127.0.0.1:11434/v1 | llama3.1": {...}, ...}}

Each entry is a report as plain JSON data (`interviewer.llm.fitness.FitnessReport.to_dict`);
this module does not read inside it, so storage needs nothing of the llm layer. Keys are
the server's address without a trailing slash ("" for OpenAI itself) and the model name.

Written atomically (a temporary file, then a rename), so a crash never leaves half a
file; two writers in one process take turns. Loaded tolerantly: a file that cannot be
read, is not JSON or has the wrong shape gives no reports and a `problem` sentence for
the caller to show, never an exception; an entry that is not an object is dropped. The
next `remember` writes a fresh file over a broken one. At most MAX_ENTRIES entries are
kept (the most recently written), so the file stays small.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1
#: Remembered reports; the oldest written are dropped past this.
MAX_ENTRIES = 50
#: A file of 50 reports is a few tens of KB; anything past this is not one of ours.
MAX_BYTES = 1 << 20
_lock = threading.Lock()


def fitness_file(settings_file: Path) -> Path:
    """The file, in the config folder beside settings.json."""
    return settings_file.with_name("fitness.json")


def key(server: str | None, model: str) -> str:
    return f"{(server or '').strip().rstrip('/')} | {model.strip()}"


@dataclass
class Loaded:
    """The remembered reports, and why the file could not be used (None: it could)."""

    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    problem: str | None = None


def load(path: Path) -> Loaded:
    """Every remembered report; never raises (see the module docstring)."""

    def broken(why: str) -> Loaded:
        return Loaded(
            problem=f"The remembered model checks in {path} could not be used ({why}); "
            "they are ignored, and the next check writes the file afresh."
        )

    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Loaded()
    except OSError as exc:
        return broken(f"it could not be read: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        return broken(f"it is larger than {MAX_BYTES // 1024} KB")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return broken(f"it is not JSON: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("reports"), dict):
        return broken('it holds no "reports" object')
    reports = {str(k): v for k, v in data["reports"].items() if isinstance(v, dict)}
    return Loaded(reports)


def recall(path: Path, server: str | None, model: str) -> dict[str, Any] | None:
    """The report remembered for this server and model, if any."""
    return load(path).reports.get(key(server, model))


def remember(path: Path, server: str | None, model: str, report: dict[str, Any]) -> None:
    """Keep `report` for this server and model (replacing an older one). Raises OSError
    when the file cannot be written; the caller says so and goes on."""
    with _lock:
        reports = load(path).reports
        reports.pop(key(server, model), None)
        reports[key(server, model)] = report  # last: the newest entry
        while len(reports) > MAX_ENTRIES:
            reports.pop(next(iter(reports)))
        text = json.dumps({"version": VERSION, "reports": reports}, indent=2)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".fitness-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
