"""Each session's own folder: the recordings of its spoken answers (issue 16).

A session's files live in `sessions/<session id>/` beside the session database (so in
the app's data folder, moved by INTERVIEWER_HOME like everything else). A spoken answer
is recorded to `<question id>-<n>.wav` there (n counts the answers to that question, 0
for the main answer; see `audio_name`) as it is spoken, so a crash keeps what was said;
the answer's `Turn.audio` holds that name, relative to the folder, so a data folder that
moves keeps its links. The store deletes the folder with the session
(`SessionStore.delete_session`, `delete_all`), and `interviewer sessions --json` lists
the recordings (`audio_files`).

Session ids are made by the store (12 hex digits); an id with anything but letters,
digits, '-' and '_' is refused, so no id can name a folder outside `sessions/`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from interviewer.core.errors import InterviewerError
from interviewer.storage.paths import app_paths

SESSIONS = "sessions"
#: Recordings a session may hold: what `audio_files` lists.
AUDIO_SUFFIXES = (".wav",)
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def _root(data_dir: Path | None) -> Path:
    return (app_paths().data_dir if data_dir is None else Path(data_dir)) / SESSIONS


def session_dir(session_id: str, data_dir: Path | None = None) -> Path:
    """The folder of one session's files (not created here)."""
    if not _SAFE_ID.match(session_id):
        raise InterviewerError(f"Not a session id: {session_id!r}.")
    return _root(data_dir) / session_id


def audio_name(question_id: str, n: int = 0) -> str:
    """The recording's file name for answer `n` (0: the main answer) to a question."""
    safe = _SAFE_NAME.sub("_", question_id).strip("._") or "answer"
    return f"{safe}-{max(0, int(n))}.wav"


def audio_path(session_id: str, name: str, data_dir: Path | None = None) -> Path | None:
    """Where a turn's `audio` (a name relative to the session folder) is, if it is a
    file inside that folder; None when it is missing or would lead outside it."""
    if not name:
        return None
    base = session_dir(session_id, data_dir)
    path = Path(name) if Path(name).is_absolute() else base / name
    try:
        resolved = path.resolve()
        resolved.relative_to(base.resolve())
    except (OSError, ValueError):
        return None
    return resolved if resolved.is_file() else None


def audio_files(session_id: str, data_dir: Path | None = None) -> list[str]:
    """The session's recordings, as names relative to its folder, sorted."""
    try:
        base = session_dir(session_id, data_dir)
    except InterviewerError:
        return []
    if not base.is_dir():
        return []
    try:
        return sorted(
            p.relative_to(base).as_posix()
            for p in base.rglob("*")
            if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file()
        )
    except OSError:
        return []


def delete_session_files(session_id: str, data_dir: Path | None = None) -> bool:
    """Delete the session's folder and everything in it; True when there was one."""
    try:
        base = session_dir(session_id, data_dir)
    except InterviewerError:
        return False
    if not base.exists():
        return False
    shutil.rmtree(base, ignore_errors=True)
    return not base.exists()


def delete_all_session_files(data_dir: Path | None = None) -> int:
    """Delete every session's folder; returns how many there were."""
    root = _root(data_dir)
    if not root.is_dir():
        return 0
    folders = [p for p in root.iterdir() if p.is_dir() and _SAFE_ID.match(p.name)]
    for p in folders:
        shutil.rmtree(p, ignore_errors=True)
    return len(folders)
