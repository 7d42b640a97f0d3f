"""The session store: every interview, turn by turn, in one SQLite file.

A candidate who has typed for forty minutes must never lose a word (issue 5), so:

* Every call that changes something is one transaction, committed before it returns,
  in WAL mode with ``synchronous=FULL``: a turn `add_turn` returned survives a SIGKILL
  of the app (and a power cut) a moment later. The draft being typed is one upsert.
* A database that cannot be read (garbage, truncated, damaged) or that a newer version
  wrote is never deleted and never half-used: `SessionStore.open` moves it aside under
  a timestamped name, starts a fresh one, and says so in `store.notice`.
* A busy or locked database (another program writing, a backup tool holding it) is not
  a broken disk: a write retries with back-off for up to `RETRY_SECONDS` before anything
  else happens (issue 13).
* When the disk still cannot take writes (read-only folder, disk full, file vanished, a
  lock held past the retry budget) the store copies what it has into an in-memory
  database and carries on there, so the interview goes on; `store.notice` and every
  notice listener (`on_notice`, `add_notice_listener`) say so. It keeps every change it
  made since (`unsaved`) and writes them all to the file as soon as the file takes writes
  again: a background thread tries every `RECOVER_SECONDS`, each later write tries once
  without waiting, and `flush(wait)` lets a front end try before it exits.
* A file that can still be read is never replaced by an empty store for reading: when
  the write probe at open fails, the memory store starts as a copy of the file read
  through a read-only connection, and `SessionStore.open(path, read_only=True)` (the
  read-only commands) reads the file without writing to it at all.
* History is read per row: a row whose report or plan cannot be parsed is listed with
  `SessionRow.damaged` saying what is wrong and what was kept, and every sqlite3 error
  leaving the store is wrapped in a `StoreError` naming the problem.

`SessionStore(path)` is the strict constructor: it raises a `StoreError` subclass for
every bad state above. `SessionStore.open(path)` is what drivers call: it recovers and
always returns a usable store.

Calls are serialised by a lock, so a driver may call from any thread. The API key is
never stored: nothing in the schema holds it, and plan options with secret-looking
names are refused.

Beside the interview itself the store keeps its call log (`model_calls`, schema v3):
one row per backend call, written through `add_model_call` by llm/service.py's
StoreRecorder and read back by `model_calls` for `interviewer calls` and `regrade`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import socket
import sqlite3
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.core.content import QuestionHistory
from interviewer.core.errors import InterviewerError
from interviewer.core.models import Grade, Turn, VoiceDelivery
from interviewer.core.report import Report
from interviewer.storage import session_files
from interviewer.storage.migrations import SCHEMA_VERSION, migrate, user_version

Status = Literal["in_progress", "finished", "abandoned"]
T = TypeVar("T")

#: Seconds SQLite itself waits for another process (a second app window, the CLI)
#: holding the lock, on each try.
BUSY_TIMEOUT = 5.0
#: Seconds a write keeps retrying a busy or locked database (tries of BUSY_TIMEOUT each,
#: with back-off between them) before the store carries on in memory.
RETRY_SECONDS = 30.0
#: Seconds between the background tries to write what was kept in memory back to disk.
RECOVER_SECONDS = 2.0
#: Files SQLite keeps beside the database; they move with it, or a fresh database at the
#: old name would replay a stale journal into itself.
SIDECARS = ("-wal", "-shm", "-journal")
#: The first 16 bytes of every SQLite 3 database file (an empty file is a new database).
SQLITE_HEADER = b"SQLite format 3\x00"
_SECRET_NAME = re.compile(
    r"api[_-]?key|secret|token|password|passwd|authorization|credential", re.I
)

# Primary SQLite result codes (the low byte of the extended code Python reports).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_NOMEM = 7
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26
_SQLITE_CONSTRAINT_FOREIGNKEY = 787
_CORRUPT_CODES = {_SQLITE_CORRUPT, _SQLITE_NOTADB}
_BUSY_CODES = {_SQLITE_BUSY, _SQLITE_LOCKED}
#: Messages of errors raised without a result code (by a wrapper, or an old sqlite3).
_UNAVAILABLE_TEXT = re.compile(
    r"database is locked|database table is locked|database is busy|disk is full|"
    r"disk i/o error|readonly database|read-only|unable to open database|out of memory",
    re.I,
)
_BUSY_TEXT = re.compile(r"locked|busy", re.I)
_CORRUPT_TEXT = re.compile(r"malformed|not a database|file is encrypted", re.I)
_UNAVAILABLE_CODES = {
    _SQLITE_PERM,
    _SQLITE_BUSY,
    _SQLITE_LOCKED,
    _SQLITE_NOMEM,
    _SQLITE_READONLY,
    _SQLITE_IOERR,
    _SQLITE_FULL,
    _SQLITE_CANTOPEN,
}

_MEMORY_ONLY = (
    "This interview is kept in memory only and is lost when the app closes: "
    "export its report before quitting."
)
_KEPT_IN_MEMORY = (
    "What you do now is kept in memory only until the file takes writes again, and is "
    "written there as soon as it does; if the app closes first it is lost: export its "
    "report before quitting."
)


# --------------------------------------------------------------------------- errors


class StoreError(InterviewerError):
    """The session database cannot be used as asked; the message says what and where."""


class DatabaseCorrupt(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(f"The session database {path} is damaged or is not a database ({detail}).")


class DatabaseTooNew(StoreError):
    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version
        super().__init__(
            f"The session database {path} was written by a newer version of Interviewer "
            f"(schema version {version}; this version reads up to {SCHEMA_VERSION})."
        )


class StorageUnavailable(StoreError):
    """The data folder or file cannot be written: read-only, full, missing, locked."""

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        where = f"in {path.parent}" if path is not None else "to disk"
        super().__init__(f"Cannot save sessions {where} ({reason}).")


class SessionNotFound(StoreError):
    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__(f"No saved session with id {session_id!r}.")


# --------------------------------------------------------------------------- records


class SessionPlan(BaseModel):
    """What it takes to rebuild the interview on resume: which questions, which clocks."""

    model_config = ConfigDict(extra="forbid")

    question_ids: list[str] = Field(min_length=1)
    duration_seconds: float = Field(gt=0)
    follow_ups: bool = True
    follow_up_limit: int | None = None
    difficulty: str | None = None
    #: Per-question answer limits as asked, in case the content files change before resume.
    answer_seconds: dict[str, int] = Field(default_factory=dict)
    #: Anything else a driver needs to resume (never a secret: such names are refused).
    options: dict[str, str | int | float | bool | None] = Field(default_factory=dict)

    @field_validator("options")
    @classmethod
    def _no_secrets(
        cls, v: dict[str, str | int | float | bool | None]
    ) -> dict[str, str | int | float | bool | None]:
        bad = sorted(k for k in v if _SECRET_NAME.search(k))
        if bad:
            raise ValueError(f"secrets are never stored; refused option(s): {', '.join(bad)}")
        return v


@dataclass(frozen=True)
class SessionRow:
    """One line of history."""

    id: str
    track_id: str
    track_name: str
    backend: str
    backend_label: str
    started_at: str
    ended_at: str | None
    status: Status
    overall_score: float | None
    answers: int
    duration_seconds: float
    #: What could not be read ("" when the row is whole), e.g. "its saved report cannot
    #: be read (not valid JSON); its 3 answers are kept". Shown instead of hiding the row.
    damaged: str = ""
    #: How many recordings of spoken answers its folder holds (`list_sessions` counts
    #: them; 0 elsewhere).
    recordings: int = 0


@dataclass(frozen=True)
class Draft:
    """The answer being typed when it was last saved, and both clocks at that moment."""

    question_id: str
    text: str
    question_seconds_left: float
    interview_seconds_left: float
    updated_at: str


@dataclass(frozen=True)
class StoredSession:
    """Everything saved about one session: enough to resume it or to show it."""

    row: SessionRow
    plan: SessionPlan
    turns: list[Turn]
    draft: Draft | None
    grades: dict[str, Grade]
    report: Report | None

    @property
    def interview_seconds_left(self) -> float:
        """The interview clock at the last save; without a draft, the duration minus answers."""
        if self.draft is not None:
            return self.draft.interview_seconds_left
        used = sum(t.seconds or 0.0 for t in self.turns if t.role == "candidate")
        return max(0.0, self.plan.duration_seconds - used)

    @property
    def question_seconds_left(self) -> float | None:
        """The answer clock at the last save, or None when nothing was typed yet."""
        return None if self.draft is None else self.draft.question_seconds_left


@dataclass(frozen=True)
class StoredModelCall:
    """One row of the call log, as plain data (see llm/base.py ModelCall)."""

    id: int
    session_id: str
    kind: str
    backend: str
    model: str
    mode: str
    question_id: str | None
    attempt: int
    stand_in: bool
    started_at: str
    latency_seconds: float
    usage: dict[str, int]
    repair_rounds: int
    messages: list[dict[str, Any]]
    raw_reply: str
    error: str
    #: For grades: the request to replay (llm/base.py grade_request_from_json).
    request: dict[str, Any] | None = None
    overall_score: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The row as `interviewer calls --json` prints it."""
        return {
            "id": self.id,
            "session_id": self.session_id,
            "kind": self.kind,
            "backend": self.backend,
            "model": self.model,
            "mode": self.mode,
            "question_id": self.question_id,
            "attempt": self.attempt,
            "stand_in": self.stand_in,
            "started_at": self.started_at,
            "latency_seconds": self.latency_seconds,
            "usage": dict(self.usage),
            "repair_rounds": self.repair_rounds,
            "messages": self.messages,
            "raw_reply": self.raw_reply,
            "error": self.error or None,
            "request": self.request,
            "overall_score": self.overall_score,
        }


_CALL_COLUMNS = (
    "id, session_id, kind, backend, model, mode, question_id, attempt, stand_in, started_at, "
    "latency_seconds, usage, repair_rounds, messages, raw_reply, error, request, overall_score"
)


_USAGE_KEYS = ("requests", "prompt_tokens", "cached_tokens", "completion_tokens")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _json_list(raw: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []


def _json_dict(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _voice(raw: str | None) -> VoiceDelivery | None:
    """A turn's stored voice measures; unreadable ones are dropped (the text stays)."""
    if not raw:
        return None
    try:
        return VoiceDelivery.model_validate_json(raw)
    except ValueError:
        return None


def _call_row(r: tuple[Any, ...]) -> StoredModelCall:
    return StoredModelCall(
        id=int(r[0]),
        session_id=str(r[1]),
        kind=str(r[2]),
        backend=str(r[3]),
        model=str(r[4]),
        mode=str(r[5]),
        question_id=r[6],
        attempt=int(r[7]),
        stand_in=bool(r[8]),
        started_at=str(r[9]),
        latency_seconds=float(r[10]),
        usage={k: _int((_json_dict(r[11]) or {}).get(k)) for k in _USAGE_KEYS},
        repair_rounds=int(r[12]),
        messages=_json_list(r[13]),
        raw_reply=str(r[14]),
        error=str(r[15]),
        request=_json_dict(r[16]),
        overall_score=None if r[17] is None else float(r[17]),
    )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------- helpers


def _kind(exc: BaseException) -> Literal["corrupt", "unavailable"] | None:
    """Sort an error into "the file is bad", "the disk is unusable" or neither (a bug)."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            if _CORRUPT_TEXT.search(str(exc)) and not isinstance(exc, sqlite3.OperationalError):
                return "corrupt"
            return "unavailable" if _UNAVAILABLE_TEXT.search(str(exc)) else None
        primary = code & 0xFF
        if primary in _CORRUPT_CODES:
            return "corrupt"
        if primary in _UNAVAILABLE_CODES:
            return "unavailable"
        return None
    if isinstance(exc, OSError):
        return "unavailable"
    return None


def _is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock: worth waiting for, not a broken disk."""
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return bool(_BUSY_TEXT.search(str(exc))) and _kind(exc) == "unavailable"
    return code & 0xFF in _BUSY_CODES


def _wrapped(path: Path | None, exc: BaseException, doing: str) -> StoreError:
    """Every sqlite3 error leaving the store is one of ours, naming the problem."""
    err = None if path is None else _translate(path, exc)
    if err is not None:
        return err
    where = f" {path}" if path is not None else " in memory"
    return StoreError(f"{doing} the session database{where} failed ({_reason(exc)}).")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _translate(path: Path, exc: BaseException) -> StoreError | None:
    kind = _kind(exc)
    if kind == "corrupt":
        return DatabaseCorrupt(path, _reason(exc))
    if kind == "unavailable":
        return StorageUnavailable(path, _reason(exc))
    return None


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def move_aside(path: Path, reason: str) -> Path:
    """Rename the database (and its sidecars) to `<stem>.<reason>-<UTC time><suffix>`.

    Never deletes, never overwrites. Sidecars move first: if the main file then refused to
    move, they are put back, so a fresh database never meets a stale journal.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{path.stem}.{reason}-{stamp}"
    target = path.with_name(base + path.suffix)
    n = 1
    while target.exists() or any(_sidecar(target, s).exists() for s in SIDECARS):
        n += 1
        target = path.with_name(f"{base}-{n}{path.suffix}")
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in SIDECARS:
            side = _sidecar(path, suffix)
            if side.exists():
                side.rename(_sidecar(target, suffix))
                moved.append((side, _sidecar(target, suffix)))
        path.rename(target)
    except OSError:
        for src, dst in reversed(moved):
            with contextlib.suppress(OSError):
                dst.rename(src)
        raise
    return target


def _text(raw: bytes) -> str:
    """A stored text with a damaged byte reads with a replacement mark, not an exception."""
    return raw.decode("utf-8", errors="replace")


def _configure(conn: sqlite3.Connection) -> None:
    conn.text_factory = _text
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: the WAL is synced on every commit, so a committed turn survives a power cut
    # too, not only a killed process. Commits here are small and seconds apart.
    conn.execute("PRAGMA synchronous = FULL")
    # Deleted sessions are overwritten, not left readable in free pages.
    conn.execute("PRAGMA secure_delete = ON")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """Open the file for reading only: no write probe, no migration, no journal created.

    `mode=ro` reads the WAL too; when even that cannot open (no shared-memory file and a
    folder that refuses to create one), `immutable=1` reads the main file as it is.
    """
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(
                f"{uri}?{flags}",
                uri=True,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            last = exc
            continue
        conn.text_factory = _text
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            last = exc
            continue
        return conn
    assert last is not None
    raise last


def _connect_file(path: Path, timeout: float | None = None) -> sqlite3.Connection:
    """Open, check and migrate the database at `path`; raise a StoreError on bad state."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageUnavailable(path, _reason(exc)) from exc
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        head = b""
    except OSError as exc:
        raise StorageUnavailable(path, _reason(exc)) from exc
    if head and head != SQLITE_HEADER:
        # Decided before SQLite opens it: SQLite would tidy (delete) sidecar files of a
        # file it cannot read, and they go aside with it untouched instead.
        raise DatabaseCorrupt(path, "not an SQLite database file")
    try:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT if timeout is None else timeout,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        err = _translate(path, exc)
        if err is None:
            raise
        raise err from exc
    try:
        version = user_version(conn)
        if version > SCHEMA_VERSION:
            raise DatabaseTooNew(path, version)
        conn.execute("PRAGMA journal_mode = WAL")
        _configure(conn)
        check = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
        if check != ["ok"]:
            raise DatabaseCorrupt(path, "; ".join(check[:3]))
        migrate(conn)
        # A real write, so a read-only or full folder shows up now and not mid-answer.
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_opened_at', ?)",
            (now_iso(),),
        )
    except StoreError:
        conn.close()
        raise
    except (sqlite3.Error, OSError) as exc:
        conn.close()
        err = _translate(path, exc)
        if err is None:
            raise
        raise err from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_memory() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _configure(conn)
    migrate(conn)
    return conn


_ROW_SQL = """
SELECT s.id, s.track_id, s.track_name, s.backend, s.backend_label, s.started_at, s.ended_at,
       s.status, s.overall_score,
       COALESCE(
           CASE WHEN json_valid(s.report) THEN json_extract(s.report, '$.summary.answered') END,
           (SELECT COUNT(DISTINCT t.question_id) FROM turns AS t
             WHERE t.session_id = s.id AND t.role = 'candidate' AND t.skipped = 0)
       ) AS answers,
       COALESCE(
           s.duration_seconds,
           CASE WHEN json_valid(s.plan)
                THEN json_extract(s.plan, '$.duration_seconds') - d.interview_seconds_left END,
           (SELECT SUM(t.seconds) FROM turns AS t
             WHERE t.session_id = s.id AND t.role = 'candidate'),
           0
       ) AS duration,
       CASE WHEN s.report IS NOT NULL AND NOT json_valid(s.report) THEN 'report'
            WHEN NOT json_valid(s.plan) THEN 'plan' ELSE '' END AS bad,
       (SELECT COUNT(*) FROM turns AS t
         WHERE t.session_id = s.id AND t.role = 'candidate' AND t.skipped = 0) AS kept
  FROM sessions AS s
  LEFT JOIN drafts AS d ON d.session_id = s.id
"""


def _damage(what: str, answers: int) -> str:
    kept = (
        f"its {answers} answer{'s are' if answers != 1 else ' is'} kept"
        if answers
        else ("no answers were saved with it")
    )
    return f"its saved {what} cannot be read; {kept}"


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _row(r: sqlite3.Row | tuple[Any, ...]) -> SessionRow:
    """One history row; a field that cannot be read marks the row damaged, never hides it."""
    kept = int(r[12] or 0) if len(r) > 12 and isinstance(r[12], int) else 0
    damaged = _damage(str(r[11]), kept) if len(r) > 11 and r[11] else ""
    status: Status = r[7] if r[7] in ("in_progress", "finished", "abandoned") else "abandoned"
    if status != r[7]:
        damaged = damaged or _damage("status", kept)
    answers = _num(r[9])
    duration = _num(r[10])
    return SessionRow(
        id=str(r[0]),
        track_id=str(r[1]),
        track_name=str(r[2]),
        backend=str(r[3]),
        backend_label=str(r[4]),
        started_at=str(r[5]),
        ended_at=None if r[6] is None else str(r[6]),
        status=status,
        overall_score=_num(r[8]),
        answers=int(answers) if answers is not None else kept,
        duration_seconds=round(max(0.0, duration or 0.0), 1),
        damaged=damaged,
    )


# --------------------------------------------------------------------------- the store


class SessionStore:
    """Sessions, turns, drafts and grades in SQLite; see the module docstring."""

    #: A store with no file keeps its sessions' folders (recordings) here: a temporary
    #: folder made on first use and deleted with the store (see `session_dir`).
    _scratch: Path | None = None

    def __init__(self, path: Path | str) -> None:
        """Strict open: raises DatabaseCorrupt, DatabaseTooNew or StorageUnavailable."""
        self.path: Path | None = Path(path)
        self._conn = _connect_file(self.path)
        self._init_state(in_memory=False, notice="")

    def _init_state(self, *, in_memory: bool, notice: str) -> None:
        self._lock = threading.RLock()
        #: The latest thing the user should be told about storage ("" when all is well).
        self.notice = notice
        #: Called with each new notice, e.g. when a failed write moves the store to memory.
        self.on_notice: Callable[[str], None] | None = None
        self._listeners: list[Callable[[str], None]] = []
        self.in_memory = in_memory
        #: Opened with `read_only=True`: reads the file, refuses writes.
        self.read_only = False
        # Sessions this store created: re-created if a fallback cannot copy the database.
        self._created: dict[str, tuple[Any, ...]] = {}
        # Changes made in memory since the file refused them, replayed on the file later.
        self._unsaved: list[tuple[Callable[[sqlite3.Connection], Any], str | None]] = []
        self._unsaved_sessions: set[str] = set()
        # The file is worth trying again (a full disk, a lock), not corrupt or absent.
        self._recoverable = False
        self._closed = threading.Event()
        self._recovery: threading.Thread | None = None

    @classmethod
    def memory(cls, notice: str = "") -> SessionStore:
        """A store that lives only as long as this process (tests, or when disks fail)."""
        store = cls.__new__(cls)
        store.path = None
        store._conn = _connect_memory()
        store._init_state(in_memory=True, notice=notice)
        return store

    @classmethod
    def _kept_in_memory(cls, path: Path, notice: str) -> SessionStore:
        """The file refused writes at open: carry on in memory, starting from what it holds.

        The file is read through a read-only connection, so resuming and listing work on
        a full disk or a locked file; what changes is written back once it can be.
        """
        store = cls.memory(notice)
        store.path = path
        store._recoverable = True
        if path.exists():
            try:
                src = _connect_readonly(path)
                try:
                    if user_version(src) <= SCHEMA_VERSION:
                        mem = sqlite3.connect(
                            ":memory:", isolation_level=None, check_same_thread=False
                        )
                        src.backup(mem)
                        _configure(mem)
                        migrate(mem)
                        store._conn.close()
                        store._conn = mem
                finally:
                    src.close()
            except sqlite3.Error as exc:
                store.notice = (
                    f"{notice} The saved sessions could not be read either ({_reason(exc)})."
                ).strip()
        store._start_recovery()
        return store

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> SessionStore:
        """Always returns a usable store; `store.notice` says what went wrong, if anything.

        A damaged or newer database is moved aside (never deleted) and a fresh one
        started; a folder that cannot be written gives an in-memory store that starts as
        a copy of the file and writes back to it when it can. `read_only` (listing,
        reports, progress, the call log) reads the file as it is and never writes.
        """
        path = Path(path)
        if read_only:
            store = cls._open_readonly(path)
            if store is not None:
                return store
        try:
            return cls._retrying(lambda: cls(path))
        except (DatabaseCorrupt, DatabaseTooNew) as err:
            reason = "corrupt" if isinstance(err, DatabaseCorrupt) else "newer"
            try:
                moved = move_aside(path, reason)
            except OSError as exc:
                return cls.memory(
                    f"{err} It could not be moved aside ({_reason(exc)}), so it was left "
                    f"untouched. {_MEMORY_ONLY}"
                )
            keep = (
                " Rename it back when you use the newer version again." if reason == "newer" else ""
            )
            action = f"It was moved aside to {moved} (nothing was deleted)"
            try:
                store = cls(path)
            except StoreError as err2:
                return cls.memory(f"{err} {action}. {err2} {_MEMORY_ONLY}")
            store.notice = f"{err} {action} and a new, empty session database was started.{keep}"
            return store
        except StorageUnavailable as err:
            return cls._kept_in_memory(path, f"{err} {_KEPT_IN_MEMORY}")

    @classmethod
    def _open_readonly(cls, path: Path) -> SessionStore | None:
        """The file through a read-only connection, or None to open it the usual way
        (no file yet, a file to set aside, or one that needs a migration first)."""
        try:
            with path.open("rb") as fh:
                if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    return None
            conn = _connect_readonly(path)
        except (OSError, sqlite3.Error):
            return None
        try:
            if user_version(conn) != SCHEMA_VERSION:
                conn.close()
                return None
        except sqlite3.Error:
            conn.close()
            return None
        store = cls.__new__(cls)
        store.path = path
        store._conn = conn
        store._init_state(in_memory=False, notice="")
        store.read_only = True
        return store

    @staticmethod
    def _retrying(fn: Callable[[], T], on_busy: Callable[[], None] | None = None) -> T:
        """Run `fn`, retrying while the database is busy or locked, for RETRY_SECONDS."""
        deadline = time.monotonic() + RETRY_SECONDS
        delay = 0.05
        told = False
        while True:
            try:
                return fn()
            except (StorageUnavailable, sqlite3.Error) as exc:
                cause = exc.__cause__ if isinstance(exc, StorageUnavailable) else exc
                left = deadline - time.monotonic()
                if cause is None or not _is_busy(cause) or left <= 0:
                    raise
                if not told and on_busy is not None:
                    told = True
                    on_busy()
                time.sleep(min(delay, left))
                delay = min(delay * 2, 2.0)

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self._closed.set()
        if self._scratch is not None:
            self._scratch_cleanup()  # a memory store's recordings go with it
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def add_notice_listener(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call `listener` with every new notice (from any thread); returns the undo."""
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    def _tell(self, notice: str) -> None:
        self.notice = notice
        if self.on_notice is not None:
            self.on_notice(notice)
        for listener in list(self._listeners):
            listener(notice)

    @property
    def unsaved(self) -> int:
        """How many changes are kept in memory only, waiting for the file to take them."""
        with self._lock:
            return len(self._unsaved)

    @property
    def unsaved_sessions(self) -> set[str]:
        """The sessions with changes kept in memory only."""
        with self._lock:
            return set(self._unsaved_sessions)

    def _transaction(self, fn: Callable[[sqlite3.Connection], T], session_id: str | None) -> T:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if (
                isinstance(exc, sqlite3.IntegrityError)
                and getattr(exc, "sqlite_errorcode", 0) == _SQLITE_CONSTRAINT_FOREIGNKEY
            ):
                raise SessionNotFound(session_id or "?") from exc
            raise
        return result

    def _write(
        self,
        fn: Callable[[sqlite3.Connection], T],
        session_id: str | None = None,
        *,
        durable: bool = True,
    ) -> T:
        """Run `fn` in one committed transaction.

        A busy file is retried for RETRY_SECONDS; a file that still refuses moves the store
        to memory, where `fn` runs and is kept to be replayed on the file later.
        `durable=False` (a draft, rewritten every few seconds) commits without syncing the
        WAL (synchronous NORMAL): it survives a killed process, and the next durable commit
        (the submitted answer) syncs it too.
        """
        if self.read_only:
            raise StoreError(
                f"The session database {self.path} was opened for reading only; "
                "nothing can be saved through it."
            )
        with self._lock:
            if not self.in_memory:
                try:
                    if not durable:
                        self._conn.execute("PRAGMA synchronous = NORMAL")
                    try:
                        return self._retrying(
                            lambda: self._transaction(fn, session_id), self._on_busy
                        )
                    finally:
                        if not durable:
                            with contextlib.suppress(sqlite3.Error):
                                self._conn.execute("PRAGMA synchronous = FULL")
                except (sqlite3.Error, OSError) as exc:
                    if _kind(exc) is None:
                        raise _wrapped(self.path, exc, "Writing to") from exc
                    self._fall_back_to_memory(exc)
            # In memory: the interview carries on although the disk refused.
            try:
                result = self._transaction(fn, session_id)
            except (sqlite3.Error, OSError) as exc:
                raise _wrapped(None, exc, "Writing to") from exc
            if self._recoverable:
                self._unsaved.append((fn, session_id))
                if session_id is not None:
                    self._unsaved_sessions.add(session_id)
            return result

    def _on_busy(self) -> None:
        self._tell(
            f"The session database {self.path} is busy (another program is using it); "
            f"retrying for up to {RETRY_SECONDS:.0f} seconds."
        )

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return self._retrying(lambda: fn(self._conn))
            except (sqlite3.Error, OSError) as exc:
                raise _wrapped(self.path, exc, "Reading") from exc

    def _fall_back_to_memory(self, exc: BaseException) -> None:
        """Carry on in memory with a copy of everything the file still gives us."""
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        copied = True
        try:
            self._conn.backup(mem)
            _configure(mem)
        except sqlite3.Error:
            copied = False
            mem.close()
            mem = _connect_memory()
            for params in self._created.values():
                mem.execute(
                    "INSERT OR IGNORE INTO sessions (id, track_id, track_name, backend, "
                    "backend_label, started_at, status, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    params,
                )
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn = mem
        self.in_memory = True
        kind = _kind(exc)
        what = (
            DatabaseCorrupt(self.path, _reason(exc))
            if kind == "corrupt" and self.path is not None
            else StorageUnavailable(self.path, _reason(exc))
        )
        # A corrupt file is never written again; a full or locked one is, when it can be.
        self._recoverable = kind == "unavailable" and self.path is not None
        if self._recoverable:
            lost = "" if copied else " Earlier answers of this interview stay in the file."
            self._tell(f"{what}{lost} {_KEPT_IN_MEMORY}")
            self._start_recovery()
        else:
            lost = "" if copied else " Earlier answers of this interview could not be copied."
            self._tell(f"{what}{lost} {_MEMORY_ONLY}")

    # ------------------------------------------------------------------ writing back

    def flush(self, wait: float = 0.0) -> bool:
        """Write what was kept in memory to the file; True when nothing is left unsaved.

        Tries for up to `wait` seconds while the file is busy; front ends call it before
        they exit. False for a store that lives in memory with no file it may write to
        (`memory()`, a damaged file left in place): everything in it is unsaved.
        """
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                if not self.in_memory:
                    return True
                if not self._recoverable:
                    return False
                if self._try_flush(timeout=min(BUSY_TIMEOUT, max(0.0, wait))):
                    return True
            left = deadline - time.monotonic()
            if left <= 0 or self._closed.wait(min(0.25, left)):
                return False

    def _try_flush(self, timeout: float) -> bool:
        """One try to reopen the file and replay the changes kept in memory (lock held)."""
        assert self.path is not None
        try:
            conn = _connect_file(self.path, timeout=timeout)
        except StoreError:
            return False
        count = len(self._unsaved)
        skipped: list[str] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for n, (fn, _sid) in enumerate(self._unsaved):
                conn.execute(f"SAVEPOINT change{n}")
                try:
                    fn(conn)
                except (sqlite3.Error, StoreError) as exc:
                    if _kind(exc) is not None:
                        raise
                    # The file already differs here (e.g. the session was deleted from
                    # another window): that change alone is dropped, and said so.
                    conn.execute(f"ROLLBACK TO change{n}")
                    skipped.append(_reason(exc))
                conn.execute(f"RELEASE change{n}")
            conn.execute("COMMIT")
        except (sqlite3.Error, StoreError, OSError):
            with contextlib.suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            with contextlib.suppress(sqlite3.Error):
                conn.close()
            return False
        if timeout != BUSY_TIMEOUT:
            with contextlib.suppress(sqlite3.Error):
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn = conn
        self.in_memory = False
        self._unsaved.clear()
        self._unsaved_sessions.clear()
        dropped = (
            f" {len(skipped)} of them no longer fitted the file and were dropped ({skipped[0]})."
            if skipped
            else ""
        )
        self._tell(
            f"The session database {self.path} takes writes again: "
            f"{count} change{'s' if count != 1 else ''} kept in memory "
            f"{'were' if count != 1 else 'was'} written to it.{dropped}"
        )
        return True

    def _start_recovery(self) -> None:
        """A background thread writes the kept changes back as soon as the file takes them."""
        if self._recovery is not None and self._recovery.is_alive():
            return

        def run() -> None:
            while not self._closed.wait(RECOVER_SECONDS):
                with self._lock:
                    if self._closed.is_set() or not self.in_memory:
                        return
                    if self._try_flush(timeout=0.0):
                        return

        self._recovery = threading.Thread(target=run, name="store-recovery", daemon=True)
        self._recovery.start()

    # ------------------------------------------------------------------ writing

    def create_session(
        self,
        *,
        track_id: str,
        track_name: str,
        backend: str,
        backend_label: str,
        plan: SessionPlan,
        started_at: str | None = None,
        session_id: str | None = None,
    ) -> str:
        sid = session_id or uuid.uuid4().hex[:12]
        params = (
            sid,
            track_id,
            track_name,
            backend,
            backend_label,
            started_at or now_iso(),
            "in_progress",
            plan.model_dump_json(),
        )

        def op(conn: sqlite3.Connection) -> None:
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (sid,)).fetchone():
                raise StoreError(f"A session with id {sid!r} already exists.")
            conn.execute(
                "INSERT INTO sessions (id, track_id, track_name, backend, backend_label, "
                "started_at, status, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                params,
            )

        self._write(op, sid)
        self._created[sid] = params
        return sid

    def add_turn(self, session_id: str, turn: Turn) -> int:
        """Append a turn, committed before this returns; returns its sequence number.

        A candidate's turn consumes the draft it was typed in, in the same transaction,
        so a resume never offers an already-submitted answer as a draft.
        """

        def op(conn: sqlite3.Connection) -> int:
            (seq,) = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            conn.execute(
                "INSERT INTO turns (session_id, seq, role, kind, question_id, text, at, "
                "seconds, timed_out, skipped, audio, voice) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    seq,
                    turn.role,
                    turn.kind,
                    turn.question_id,
                    turn.text,
                    turn.at,
                    turn.seconds,
                    int(turn.timed_out),
                    int(turn.skipped),
                    turn.audio,
                    None if turn.voice is None else turn.voice.model_dump_json(),
                ),
            )
            if turn.role == "candidate":
                conn.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
            return int(seq)

        return self._write(op, session_id)

    def save_draft(
        self,
        session_id: str,
        question_id: str,
        text: str,
        question_seconds_left: float,
        interview_seconds_left: float,
    ) -> None:
        """One upsert; cheap enough to call every few seconds while the candidate types."""

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO drafts (session_id, question_id, text, question_seconds_left, "
                "interview_seconds_left, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id) DO UPDATE SET question_id = excluded.question_id, "
                "text = excluded.text, question_seconds_left = excluded.question_seconds_left, "
                "interview_seconds_left = excluded.interview_seconds_left, "
                "updated_at = excluded.updated_at",
                (
                    session_id,
                    question_id,
                    text,
                    float(question_seconds_left),
                    float(interview_seconds_left),
                    now_iso(),
                ),
            )

        self._write(op, session_id, durable=False)

    def save_grade(self, session_id: str, question_id: str, grade: Grade) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO grades (session_id, question_id, grade) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, question_id) DO UPDATE SET grade = excluded.grade",
                (session_id, question_id, grade.model_dump_json()),
            )

        self._write(op, session_id)

    def add_model_call(self, session_id: str, call: Mapping[str, Any]) -> int:
        """Log one backend call (llm/service.py `call_record` shape); returns its row id.

        Only the known fields are kept; a field name that looks like a secret is refused
        outright, as plan options are, so a credential cannot slip into the log.
        """
        secret = [k for k in call if _SECRET_NAME.search(k)]
        if secret:
            raise StoreError(f"A model call record may not hold {', '.join(sorted(secret))}.")
        usage = call.get("usage") or {}
        if not isinstance(usage, Mapping):
            usage = {}
        messages = call.get("messages") or []
        request = call.get("request")
        score = call.get("overall_score")
        params = (
            session_id,
            str(call.get("kind", "")),
            str(call.get("backend", "")),
            str(call.get("model", "") or ""),
            str(call.get("mode", "none") or "none"),
            call.get("question_id"),
            _int(call.get("attempt")) or 1,
            int(bool(call.get("stand_in"))),
            str(call.get("started_at") or now_iso()),
            float(call.get("latency_seconds") or 0.0),
            json.dumps({k: _int(usage.get(k)) for k in _USAGE_KEYS}),
            _int(call.get("repair_rounds")),
            json.dumps(list(messages), ensure_ascii=False),
            str(call.get("raw_reply", "") or ""),
            str(call.get("error", "") or ""),
            None if request is None else json.dumps(request, ensure_ascii=False),
            float(score) if isinstance(score, int | float) else None,
        )

        def op(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO model_calls (session_id, kind, backend, model, mode, question_id, "
                "attempt, stand_in, started_at, latency_seconds, usage, repair_rounds, messages, "
                "raw_reply, error, request, overall_score) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                params,
            )
            return int(cur.lastrowid or 0)

        return self._write(op, session_id)

    def finish_session(self, session_id: str, report: Report) -> None:
        """Store the report and close the session. The store's id wins over the report's."""
        if report.session_id != session_id:
            report = report.model_copy(update={"session_id": session_id})

        def op(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "UPDATE sessions SET status = 'finished', ended_at = ?, overall_score = ?, "
                "duration_seconds = ?, report = ? WHERE id = ?",
                (
                    report.ended_at,
                    report.summary.overall_score,
                    report.duration_seconds,
                    report.model_dump_json(),
                    session_id,
                ),
            )
            conn.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
            return cur.rowcount

        if self._write(op, session_id) == 0:
            raise SessionNotFound(session_id)

    def mark_abandoned(self, session_id: str) -> None:
        """The user declined to resume: keep it in history as unfinished, draft and all."""

        def op(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "UPDATE sessions SET status = 'abandoned', ended_at = COALESCE(ended_at, ?), "
                "duration_seconds = COALESCE(duration_seconds, "
                "  CASE WHEN json_valid(plan) THEN json_extract(plan, '$.duration_seconds') "
                "  - (SELECT interview_seconds_left "
                "    FROM drafts WHERE session_id = sessions.id) END, "
                "  (SELECT SUM(seconds) FROM turns WHERE session_id = sessions.id "
                "    AND role = 'candidate'), 0) "
                "WHERE id = ? AND status = 'in_progress'",
                (now_iso(), session_id),
            )
            if cur.rowcount == 0:
                exists = conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,))
                return 1 if exists.fetchone() else 0
            return cur.rowcount

        if self._write(op, session_id) == 0:
            raise SessionNotFound(session_id)

    def delete_session(self, session_id: str) -> bool:
        """Delete one session and everything under it; returns whether it existed."""

        def op(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount

        deleted = self._write(op, session_id) > 0
        self._created.pop(session_id, None)
        self._purge_wal()
        if self.files_root is not None:
            session_files.delete_session_files(session_id, self.files_root)
        return deleted

    def delete_all(self) -> int:
        """Delete every session; the file is rebuilt so no deleted text stays on disk."""

        def op(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM sessions").rowcount

        count = self._write(op)
        self._created.clear()
        # Best effort: secure_delete has already overwritten the rows themselves.
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.execute("VACUUM")
        self._purge_wal()
        if self.files_root is not None:
            session_files.delete_all_session_files(self.files_root)
        return count

    @property
    def files_root(self) -> Path | None:
        """The folder that holds `sessions/<id>/` (recordings): beside the database, or
        for a store that never had a file its scratch folder (None until one is made)."""
        return self._scratch if self.path is None else self.path.parent

    def session_dir(self, session_id: str) -> Path | None:
        """This session's own folder (made by whoever writes into it), where the store
        in use keeps it: beside its database, or for a store in memory a temporary
        folder that lives as long as the store (never the default data folder, which
        may belong to another store). None only if no temporary folder can be made."""
        root = self.files_root
        if root is None:
            root = self._make_scratch()
        return None if root is None else session_files.session_dir(session_id, root)

    def _make_scratch(self) -> Path | None:
        with self._lock:
            if self._scratch is None:
                try:
                    root = Path(tempfile.mkdtemp(prefix="interviewer-sessions-"))
                except OSError:
                    return None
                self._scratch = root
                self._scratch_cleanup: weakref.finalize[Any, Any] = weakref.finalize(
                    self, shutil.rmtree, str(root), ignore_errors=True
                )
            return self._scratch

    def _purge_wal(self) -> None:
        """Copy the WAL into the file and empty it, so old page versions leave the disk."""
        # Fails only while another process reads; its own checkpoint does this later.
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ reading

    def list_sessions(self, status: Status | None = None) -> list[SessionRow]:
        """History, newest first."""
        where = "" if status is None else " WHERE s.status = ?"
        args: tuple[str, ...] = () if status is None else (status,)
        rows = self._read(
            lambda c: c.execute(
                _ROW_SQL + where + " ORDER BY s.started_at DESC, s.rowid DESC", args
            ).fetchall()
        )
        return self._with_recordings([_row(r) for r in rows])

    def _with_recordings(self, rows: list[SessionRow]) -> list[SessionRow]:
        """`rows` with their recordings counted (a look at the disk per session that has
        a folder; callers on the GUI thread read history off it)."""
        root = self.files_root
        if root is None or not (root / session_files.SESSIONS).is_dir():
            return rows
        counted = []
        for row in rows:
            n = len(session_files.audio_files(row.id, root))
            counted.append(dataclasses.replace(row, recordings=n) if n else row)
        return counted

    def interrupted_sessions(self) -> list[SessionRow]:
        """Sessions still in progress: the app was closed, killed or crashed mid-interview."""
        return self.list_sessions("in_progress")

    def get_session(self, session_id: str) -> SessionRow | None:
        r = self._read(lambda c: c.execute(_ROW_SQL + " WHERE s.id = ?", (session_id,)).fetchone())
        return None if r is None else _row(r)

    def load_session(self, session_id: str) -> StoredSession:
        """Everything needed to resume or show a session: plan, turns, draft, clocks, grades."""

        def op(conn: sqlite3.Connection) -> StoredSession:
            r = conn.execute(_ROW_SQL + " WHERE s.id = ?", (session_id,)).fetchone()
            if r is None:
                raise SessionNotFound(session_id)
            plan_json, report_json = conn.execute(
                "SELECT plan, report FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            turns = [
                Turn(
                    role=t[0],
                    kind=t[1],
                    question_id=t[2],
                    text=t[3],
                    at=t[4],
                    seconds=t[5],
                    timed_out=bool(t[6]),
                    skipped=bool(t[7]),
                    audio=t[8],
                    voice=_voice(t[9]),
                )
                for t in conn.execute(
                    "SELECT role, kind, question_id, text, at, seconds, timed_out, skipped, "
                    "audio, voice FROM turns WHERE session_id = ? ORDER BY seq",
                    (session_id,),
                )
            ]
            d = conn.execute(
                "SELECT question_id, text, question_seconds_left, interview_seconds_left, "
                "updated_at FROM drafts WHERE session_id = ?",
                (session_id,),
            ).fetchone()
            grades = {
                qid: _parse(Grade, g, session_id, "grade")
                for qid, g in conn.execute(
                    "SELECT question_id, grade FROM grades WHERE session_id = ? "
                    "ORDER BY question_id",
                    (session_id,),
                )
            }
            return StoredSession(
                row=_row(r),
                plan=_parse(SessionPlan, plan_json, session_id, "plan"),
                turns=turns,
                draft=None if d is None else Draft(d[0], d[1], float(d[2]), float(d[3]), d[4]),
                grades=grades,
                report=None
                if report_json is None
                else _parse(Report, report_json, session_id, "report"),
            )

        return self._read(op)

    def question_history(self) -> dict[str, QuestionHistory]:
        """Every question any stored session asked: how often, when last, how it scored.

        Feeds question rotation (`ContentLibrary.select_questions`) and the home screen's
        "practised" count. Seen means an interview put the question to the candidate (an
        interviewer turn carrying its id), in any status of session; scores are the
        stored grades, newest session last, and a skipped question scores 0 as in the
        progress charts. Deleting a session from history takes it out of here too.
        """

        def op(conn: sqlite3.Connection) -> dict[str, QuestionHistory]:
            seen = conn.execute(
                "SELECT t.question_id, COUNT(DISTINCT t.session_id), MAX(s.started_at) "
                "FROM turns AS t JOIN sessions AS s ON s.id = t.session_id "
                "WHERE t.role = 'interviewer' AND t.kind = 'question' "
                "AND t.question_id IS NOT NULL GROUP BY t.question_id"
            ).fetchall()
            skipped = conn.execute(
                "SELECT t.question_id, s.started_at, s.rowid FROM turns AS t "
                "JOIN sessions AS s ON s.id = t.session_id "
                "WHERE t.role = 'candidate' AND t.skipped = 1 AND t.question_id IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM grades AS g WHERE g.session_id = t.session_id "
                "AND g.question_id = t.question_id)"
            ).fetchall()
            graded = conn.execute(
                "SELECT g.question_id, s.started_at, s.rowid, "
                "json_extract(g.grade, '$.overall_score') FROM grades AS g "
                "JOIN sessions AS s ON s.id = g.session_id WHERE json_valid(g.grade)"
            ).fetchall()
            return _history(seen, skipped, graded)

        return self._read(op)

    def model_calls(self, session_id: str, kind: str | None = None) -> list[StoredModelCall]:
        """The session's call log in the order the calls started (SessionNotFound if none).

        A grade is written when it is finished, after calls that started later.
        """

        def op(conn: sqlite3.Connection) -> list[StoredModelCall]:
            if (
                conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
                is None
            ):
                raise SessionNotFound(session_id)
            where = "" if kind is None else " AND kind = ?"
            args: tuple[str, ...] = (session_id,) if kind is None else (session_id, kind)
            rows = conn.execute(
                f"SELECT {_CALL_COLUMNS} FROM model_calls WHERE session_id = ?{where} "
                "ORDER BY started_at, id",
                args,
            ).fetchall()
            return [_call_row(tuple(r)) for r in rows]

        return self._read(op)

    def get_report(self, session_id: str) -> Report | None:
        """The finished session's report; None for an unknown or unfinished session."""
        r = self._read(
            lambda c: c.execute(
                "SELECT report FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        )
        if r is None or r[0] is None:
            return None
        return _parse(Report, r[0], session_id, "report")


M = TypeVar("M", bound=BaseModel)


def _history(seen: list[Any], skipped: list[Any], graded: list[Any]) -> dict[str, QuestionHistory]:
    """Fold the rows of `question_history` into one record per question."""
    scores: dict[str, list[tuple[str, int, float]]] = {}
    for qid, started, rowid in skipped:
        scores.setdefault(qid, []).append((started, rowid, 0.0))
    for qid, started, rowid, score in graded:
        if isinstance(score, int | float):
            scores.setdefault(qid, []).append((started, rowid, float(score)))
    out: dict[str, QuestionHistory] = {}
    for qid, times, last_seen in seen:
        marks = sorted(scores.get(qid, []))
        out[qid] = QuestionHistory(
            times_seen=int(times),
            last_seen=str(last_seen or ""),
            best_score=max((m[2] for m in marks), default=None),
            last_score=marks[-1][2] if marks else None,
        )
    return out


def _parse(model: type[M], raw: str, session_id: str, what: str) -> M:
    try:
        return model.model_validate(json.loads(raw))
    except ValueError as exc:  # pydantic's ValidationError is one
        first = str(exc).splitlines()[0]
        raise StoreError(
            f"The saved {what} of session {session_id} cannot be read ({first})."
        ) from exc


# ---------------------------------------------------------------------- one writer per session


class SessionBusy(StoreError):
    """The session is open in another interviewer process (or window) that writes it."""

    def __init__(self, session_id: str, holder: dict[str, Any] | None) -> None:
        self.session_id = session_id
        self.holder = holder or {}
        super().__init__(
            f"Session {session_id} is open in another interviewer process "
            f"({describe_holder(self.holder)}). Finish or close it there first; only one "
            "program may write an interview at a time."
        )


def describe_holder(holder: Mapping[str, Any]) -> str:
    """'pid 1234, terminal, since 04:10' (with the host when it is another machine)."""
    parts: list[str] = []
    if isinstance(holder.get("pid"), int):
        parts.append(f"pid {holder['pid']}")
    host = holder.get("host")
    if isinstance(host, str) and host and host != socket.gethostname():
        parts.append(f"on {host[:64]}")
    front = holder.get("front_end")
    if isinstance(front, str) and front:
        parts.append(front[:32])
    since = holder.get("since")
    if isinstance(since, str) and since:
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(since).astimezone()
            parts.append("since " + when.strftime("%H:%M"))
    return ", ".join(parts) or "details unknown"


def process_start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), so a
    reused pid is told apart from the process that took a lock; None where unknown."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ')'.
    fields = raw[raw.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def holder_alive(holder: Mapping[str, Any]) -> bool:
    """Whether the process named in a lock file still runs (same machine only; a lock of
    another machine counts as alive)."""
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if holder.get("host") not in (None, socket.gethostname()):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as another user
    started = holder.get("started")
    now = process_start_time(pid)
    return not (started and now and started != now)  # a reused pid is another process


def _lock_dir(path: Path) -> Path:
    return path.parent / f"{path.name}.session-locks"


_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
# Sessions locked by stores that have no file (in memory): one writer within this process.
_MEMORY_LOCKS: set[tuple[int, str]] = set()
_MEMORY_GUARD = threading.Lock()


class SessionLock:
    """The right to write one session, held until `release` (or the process ends).

    Beside a database file it is `DB.session-locks/ID.lock`, taken with `flock` (the
    kernel lets go of it when the process dies, however it dies, so a killed process
    never leaves a lock behind and a reused pid cannot keep one) and holding the pid,
    host, process start time, front end and time, to name the holder. Where `flock` is
    missing the file is created exclusively and a lock of a dead process (pid gone, or
    reused: another start time) is taken over.
    """

    def __init__(self, session_id: str, file: Path | None, fd: int | None, key: Any) -> None:
        self.session_id = session_id
        self.file = file
        self._fd = fd
        self._key = key
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        if self._key is not None:
            with _MEMORY_GUARD:
                _MEMORY_LOCKS.discard(self._key)
        if self.file is not None:
            # Unlinked while still held: a taker that opened this file sees it is gone.
            with contextlib.suppress(OSError):
                self.file.unlink()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _read_holder(file: Path) -> dict[str, Any] | None:
    try:
        raw = json.loads(file.read_text(encoding="utf-8", errors="replace")[:4096])
    except (OSError, ValueError):
        return None
    return raw if isinstance(raw, dict) else None


#: How long a taker that found a session locked waits for the holder's details: a
#: holder writes them just after it takes the lock, and two resumes started together
#: once read the empty file in between ("details unknown" instead of the pid).
HOLDER_WAIT_S = 0.25


def _read_holder_soon(file: Path) -> dict[str, Any] | None:
    """The holder's details, read again for a moment while the file is still empty."""
    deadline = time.monotonic() + HOLDER_WAIT_S
    while True:
        holder = _read_holder(file)
        if holder is not None or time.monotonic() >= deadline:
            return holder
        time.sleep(0.005)


def _holder_info(front_end: str) -> bytes:
    pid = os.getpid()
    info = {
        "pid": pid,
        "host": socket.gethostname(),
        "started": process_start_time(pid),
        "front_end": front_end,
        "since": now_iso(),
    }
    return json.dumps(info).encode("utf-8")


def take_session_lock(
    store_path: Path | None, session_id: str, front_end: str, *, owner: object = None
) -> SessionLock:
    """Take the one-writer lock of a session; raises SessionBusy naming the holder."""
    if store_path is None:
        key = (id(owner), session_id)
        with _MEMORY_GUARD:
            if key in _MEMORY_LOCKS:
                raise SessionBusy(session_id, {"pid": os.getpid(), "front_end": "this program"})
            _MEMORY_LOCKS.add(key)
        return SessionLock(session_id, None, None, key)
    folder = _lock_dir(store_path)
    file = folder / f"{_SAFE_ID.sub('_', session_id)[:64]}.lock"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        # No lock file can be made (a read-only or full folder): one writer in this process.
        return take_session_lock(None, session_id, front_end, owner=store_path)
    info = _holder_info(front_end)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return _take_exclusive(file, session_id, info)
    for _attempt in range(20):
        try:
            fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return take_session_lock(None, session_id, front_end, owner=store_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SessionBusy(session_id, _read_holder_soon(file)) from None
        except OSError:  # pragma: no cover - a file system without locks
            os.close(fd)
            return take_session_lock(None, session_id, front_end, owner=store_path)
        try:
            same = os.fstat(fd).st_ino == os.stat(file).st_ino
        except OSError:
            same = False
        if not same:  # its holder released (and removed) it meanwhile: take the new one
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, info)
        return SessionLock(session_id, file, fd, None)
    raise SessionBusy(session_id, _read_holder(file))  # pragma: no cover


def _take_exclusive(file: Path, session_id: str, info: bytes) -> SessionLock:  # pragma: no cover
    for _attempt in range(3):
        try:
            fd = os.open(file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = _read_holder(file)
            if holder is not None and holder_alive(holder):
                raise SessionBusy(session_id, holder) from None
            with contextlib.suppress(OSError):
                file.unlink()  # a dead process's lock: take it over
            continue
        os.write(fd, info)
        return SessionLock(session_id, file, fd, None)
    raise SessionBusy(session_id, _read_holder(file))


def session_holder(
    store_path: Path | None, session_id: str, *, owner: object = None
) -> dict[str, Any] | None:
    """Who holds the session's lock now (without keeping it), or None when it is free."""
    try:
        lock = take_session_lock(store_path, session_id, "probe", owner=owner)
    except SessionBusy as busy:
        return busy.holder or {"front_end": "another process"}
    lock.release()
    return None
