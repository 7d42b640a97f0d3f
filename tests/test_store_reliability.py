"""Issue 13, items 1, 2 and 8: storage that never silently drops to memory, history that
survives a bad row, grades saved as they arrive.

Driven through the real command line (`interviewer.cli.main`, in this process so the
test can hold a lock from a second connection or make the disk refuse writes) and the
real store on a real SQLite file. A lock is a second connection's open write
transaction; a full disk is the store's connection raising what SQLite raises then
("database or disk is full"), and, when the tests run as root, a real 2 MB ext4 image.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.cli import EXIT_UNSAVED, main
from interviewer.core.models import Turn
from interviewer.storage import store as store_module
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionPlan, SessionStore, StoreError

TRACK = "ml-technical"
ANSWERS = [
    "Bias is error from wrong assumptions; variance is sensitivity to the training sample.",
    "Regularisation trades a little bias for less variance, for example L2 weight decay.",
]
#: Long enough to wait for a background thread, never reached when things work.
WAIT = 60.0


# --------------------------------------------------------------------------- helpers


class ScriptedInput(io.StringIO):
    """Answers for `practice`; `on_line(n)` runs as line n (0-based) is read."""

    def __init__(self, text: str, on_line: Callable[[int], None]) -> None:
        super().__init__(text)
        self._n = 0
        self._on_line = on_line

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        self._on_line(self._n)
        self._n += 1
        return super().readline(-1 if size is None else size)


def _answers_text() -> str:
    return "".join(f"{a}\n.\n" for a in ANSWERS)


#: Line 2 is the first line of the second answer: the interview is well under way.
SECOND_ANSWER = 2


class Opened:
    """Every store the command line opens, so the test can listen to its notices."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stores: list[SessionStore] = []
        real = SessionStore.__dict__["open"].__func__

        def spy(cls: type[SessionStore], /, path: Path | str, **kw: Any) -> SessionStore:
            store: SessionStore = real(cls, path, **kw)
            self.stores.append(store)
            return store

        monkeypatch.setattr(SessionStore, "open", classmethod(spy))

    def when_told(self, word: str) -> threading.Event:
        """An event set when the last store opened tells a notice containing `word`."""
        told = threading.Event()
        self.stores[-1].add_notice_listener(lambda text: told.set() if word in text else None)
        return told


def _practice(
    monkeypatch: pytest.MonkeyPatch, on_line: Callable[[int], None], *extra: str
) -> tuple[int, str]:
    """Run `interviewer practice` with two answers; stdout and stderr in one stream, in
    the order they were written."""
    both = io.StringIO()
    monkeypatch.setattr(sys, "stdin", ScriptedInput(_answers_text(), on_line))
    monkeypatch.setattr(sys, "stdout", both)
    monkeypatch.setattr(sys, "stderr", both)
    argv = ["practice", "--track", TRACK, "--backend", "offline", "--no-follow-ups"]
    code = main([*argv, "--questions", "2", *extra])
    return code, both.getvalue()


def _on_disk() -> tuple[list[str], list[tuple[str, int]]]:
    """What the database file holds, read with a connection of our own: the candidate's
    answers, and (status, has report) of each session."""
    conn = sqlite3.connect(app_paths().database)
    try:
        answers = [
            r[0]
            for r in conn.execute(
                "SELECT text FROM turns WHERE role = 'candidate' ORDER BY session_id, seq"
            )
        ]
        sessions = [
            (r[0], int(r[1]))
            for r in conn.execute("SELECT status, report IS NOT NULL FROM sessions")
        ]
    finally:
        conn.close()
    return answers, sessions


class Lock:
    """A second program's write transaction on the database."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(
            app_paths().database, isolation_level=None, check_same_thread=False
        )
        self.held = False

    def take(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('other_program', 'writing')"
        )
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.release()
        self.conn.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Opened]:
    """The stores the command line opens; closed afterwards (their files, their threads)."""
    spy = Opened(monkeypatch)
    yield spy
    for store in spy.stores:
        store.close()


@pytest.fixture
def database() -> Iterator[Path]:
    """The user's database, created (empty) the way the app creates it."""
    path = app_paths().database
    SessionStore(path).close()
    yield path


@pytest.fixture
def lock(database: Path) -> Iterator[Lock]:
    held = Lock()
    yield held
    held.close()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short retry budgets, so a lock held 'beyond the budget' does not take 30 s."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.05)
    monkeypatch.setattr(store_module, "RETRY_SECONDS", 0.3)
    monkeypatch.setattr(store_module, "RECOVER_SECONDS", 0.05)


# --------------------------------------------------------------------------- locks


def test_a_lock_held_past_the_old_timeout_is_waited_for(
    monkeypatch: pytest.MonkeyPatch, lock: Lock, opened: Opened
) -> None:
    """Real budgets: the lock is let go only after the store's first 5 s try failed (where
    the old store gave up and went to memory), and every answer still reaches the file."""
    releaser: list[threading.Thread] = []

    def on_line(n: int) -> None:
        if n == SECOND_ANSWER:
            busy = opened.when_told("busy")
            lock.take()

            def let_go() -> None:
                if busy.wait(WAIT):
                    lock.release()

            releaser.append(threading.Thread(target=let_go, daemon=True))
            releaser[0].start()

    code, text = _practice(monkeypatch, on_line)
    releaser[0].join(WAIT)
    assert code == 0, text
    assert "is busy" in text and "retrying" in text
    assert "memory only" not in text
    assert not opened.stores[-1].in_memory
    answers, sessions = _on_disk()
    assert answers == ANSWERS
    assert sessions == [("finished", 1)]


def test_a_lock_held_beyond_the_budget_is_told_at_once_and_at_the_end(
    monkeypatch: pytest.MonkeyPatch, lock: Lock, quick: None, opened: Opened
) -> None:
    written: list[threading.Event] = []

    def on_line(n: int) -> None:
        if n == SECOND_ANSWER:
            written.append(opened.when_told("written to it"))
            lock.take()

    code, text = _practice(monkeypatch, on_line)
    assert code == EXIT_UNSAVED, text
    # At once: while the interview went on (before its summary) ...
    at_once = text.index("memory only")
    summary = text.index("Overall")
    assert at_once < summary
    assert "database is locked" in text[:summary]
    # ... and again at the end, with what was kept where.
    end = text[summary:]
    assert "could not be written to" in end and str(app_paths().database) in end
    assert "kept in memory only" in end
    # Nothing of the second answer is on disk yet; the first answer is.
    assert _on_disk()[0] == ANSWERS[:1]
    # The other program lets go: what was kept in memory is written (same process).
    lock.release()
    assert written[0].wait(WAIT)
    answers, sessions = _on_disk()
    assert answers == ANSWERS
    assert sessions == [("finished", 1)]
    assert opened.stores[-1].unsaved == 0 and not opened.stores[-1].in_memory


def test_a_lock_released_before_the_end_is_saved_and_exits_zero(
    monkeypatch: pytest.MonkeyPatch, lock: Lock, quick: None, opened: Opened
) -> None:
    """The lock goes during the interview: what was kept is written, nothing is lost, the
    status is 0 and the terminal says it was written."""

    def on_line(n: int) -> None:
        if n == SECOND_ANSWER:
            lock.take()
        elif n == SECOND_ANSWER + 1:
            assert opened.stores[-1].in_memory  # the first line of it went to memory
            lock.release()
            assert opened.stores[-1].flush(WAIT)

    code, text = _practice(monkeypatch, on_line)
    assert code == 0, text
    assert "memory only" in text and "written to it" in text
    assert "note: The session database" in text  # good news is not a warning
    answers, sessions = _on_disk()
    assert answers == ANSWERS and sessions == [("finished", 1)]


# --------------------------------------------------------------------------- a full disk


class FullDisk:
    """Every connection the store opens to the file raises what SQLite raises on a full
    disk for each write, while `full` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        real = store_module._connect_file
        disk = self

        class Conn:
            def __init__(self, conn: sqlite3.Connection) -> None:
                self._conn = conn

            def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
                verb = sql.lstrip().split(None, 1)[0].upper()
                if disk.full and verb in {"BEGIN", "INSERT", "UPDATE", "DELETE"}:
                    raise sqlite3.OperationalError("database or disk is full")
                return self._conn.execute(sql, *args)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._conn, name)

        def connect(path: Path, timeout: float | None = None) -> Any:
            if disk.full:
                raise store_module.StorageUnavailable(
                    path, "database or disk is full"
                ) from sqlite3.OperationalError("database or disk is full")
            return Conn(real(path, timeout))

        monkeypatch.setattr(store_module, "_connect_file", connect)


def test_a_full_disk_mid_interview_is_told_and_written_back_once_space_returns(
    monkeypatch: pytest.MonkeyPatch, database: Path, quick: None, opened: Opened
) -> None:
    disk = FullDisk(monkeypatch)
    written: list[threading.Event] = []

    def on_line(n: int) -> None:
        if n == SECOND_ANSWER:
            written.append(opened.when_told("written to it"))
            disk.full = True

    code, text = _practice(monkeypatch, on_line)
    assert code == EXIT_UNSAVED, text
    summary = text.index("Overall")
    assert "disk is full" in text[:summary] and "memory only" in text[:summary]
    assert "could not be written to" in text[summary:]
    assert _on_disk()[0] == ANSWERS[:1]
    disk.full = False
    assert written[0].wait(WAIT)
    answers, sessions = _on_disk()
    assert answers == ANSWERS and sessions == [("finished", 1)]


def _finished_session(store: SessionStore, answer: str) -> str:
    sid = store.create_session(
        track_id=TRACK,
        track_name="ML technical",
        backend="offline",
        backend_label="Offline coach",
        plan=SessionPlan(question_ids=["tech-bias-variance"], duration_seconds=600),
    )
    store.add_turn(
        sid,
        Turn(
            role="interviewer",
            kind="question",
            text="Bias and variance?",
            question_id="tech-bias-variance",
        ),
    )
    store.add_turn(
        sid,
        Turn(
            role="candidate",
            kind="answer",
            text=answer,
            question_id="tech-bias-variance",
            seconds=30,
        ),
    )
    return sid


def _interrupted_session() -> str:
    with SessionStore(app_paths().database) as store:
        return _finished_session(store, ANSWERS[0])


def test_resume_and_sessions_on_a_full_disk_read_the_file(
    monkeypatch: pytest.MonkeyPatch, database: Path, quick: None, opened: Opened
) -> None:
    """The old store opened an empty memory store: 'No saved session', 'No sessions yet'."""
    sid = _interrupted_session()
    disk = FullDisk(monkeypatch)
    disk.full = True
    both = io.StringIO()
    monkeypatch.setattr(sys, "stdout", both)
    monkeypatch.setattr(sys, "stderr", both)
    assert main(["sessions"]) == 0
    assert sid in both.getvalue() and "No sessions yet" not in both.getvalue()

    both.truncate(0)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{ANSWERS[1]}\n.\n"))
    code = main(["resume", sid, "--backend", "offline"])
    text = both.getvalue()
    assert code == EXIT_UNSAVED, text
    assert "No saved session" not in text and "Interviewer:" in text
    assert "memory only" in text and "could not be written to" in text


# --------------------------------------------------------------------------- read-only commands


def test_read_only_commands_list_a_locked_database(
    monkeypatch: pytest.MonkeyPatch, lock: Lock, capsys: pytest.CaptureFixture[str], opened: Opened
) -> None:
    """No write probe, so no wait on the lock and no empty store (real budgets here)."""
    sid = _interrupted_session()
    lock.take()
    assert main(["sessions", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [sid]
    assert main(["progress", "--json"]) == 0
    assert main(["calls", sid]) == 0
    capsys.readouterr()
    lock.release()


def test_a_read_only_store_refuses_writes_with_our_error(database: Path) -> None:
    store = SessionStore.open(database, read_only=True)
    assert store.read_only
    with pytest.raises(StoreError, match="reading only"):
        store.mark_abandoned("nope")
    store.close()


# --------------------------------------------------------------------------- damaged rows


def _flip_one_byte(sid: str, how: str) -> None:
    """Damage one report in place; the database's own integrity check still says ok."""
    conn = sqlite3.connect(app_paths().database)
    (raw,) = conn.execute("SELECT report FROM sessions WHERE id = ?", (sid,)).fetchone()
    if how == "json":
        at = raw.index('"summary"')
        raw = raw[:at] + "\x01" + raw[at + 1 :]
    else:  # still JSON, no longer a report: a number where a list belongs
        raw = raw.replace('"questions": [', '"questions": 7, "x": [', 1).replace(
            '"questions":[', '"questions":7,"x":[', 1
        )
    conn.execute("UPDATE sessions SET report = ? WHERE id = ?", (raw, sid))
    conn.commit()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.parametrize("how", ["json", "shape"])
def test_one_damaged_report_leaves_the_rest_of_history(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    how: str,
    opened: Opened,
) -> None:
    for answer in [*ANSWERS, "A third interview about overfitting and cross-validation."]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{answer}\n.\n"))
        argv = ["practice", "--track", TRACK, "--backend", "offline", "--no-follow-ups"]
        assert main([*argv, "--questions", "1"]) == 0
    capsys.readouterr()
    with SessionStore(app_paths().database) as store:
        ids = [r.id for r in store.list_sessions()]
    bad = ids[1]
    _flip_one_byte(bad, how)

    assert main(["sessions"]) == 0
    out = capsys.readouterr().out
    assert "Traceback" not in out and all(i in out for i in ids)
    if how == "json":
        assert f"damaged: session {bad}: its saved report cannot be read" in out
        assert "1 answer is kept" in out
    assert main(["sessions", "--json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(listed) == set(ids)
    if how == "json":
        assert listed[bad]["damaged"] and listed[bad]["answers"] == 1
        assert [i for i in ids if listed[i]["damaged"]] == [bad]

    good = ids[0]
    assert main(["report", good, "-o", str(tmp_path / "good.md")]) == 0
    assert (tmp_path / "good.md").read_text(encoding="utf-8")
    assert main(["report", bad, "-o", str(tmp_path / "bad.md")]) == 1
    err = capsys.readouterr().err
    assert f"session {bad} cannot be read" in err and "other sessions are not affected" in err
    assert "Traceback" not in err

    assert main(["progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)
    assert {s["session_id"] for s in progress["sessions"]} == {ids[0], ids[2]}


def test_sqlite_errors_leave_the_store_as_store_errors(database: Path) -> None:
    store = SessionStore(database)
    store._conn.execute("DROP TABLE drafts")  # a schema some other tool broke
    with pytest.raises(StoreError, match="failed"):
        store.list_sessions()
    sid = uuid.uuid4().hex[:12]
    with pytest.raises(StoreError):
        store.save_draft(sid, "q", "text", 1, 1)
    store.close()


# --------------------------------------------------------------------------- a real full disk


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    """A 2 MB ext4 image mounted as the data folder (root only; skipped otherwise).

    Mounted outside pytest's temporary folders: were a run killed before the unmount,
    a mount left inside them would break pytest's clean-up of old runs for everyone.
    """
    if os.geteuid() != 0 or shutil.which("mkfs.ext4") is None:
        pytest.skip("needs root and mkfs.ext4 to mount a small filesystem")
    root = Path(tempfile.mkdtemp(prefix="interviewer-tiny-disk-"))
    img, mnt = root / "disk.img", root / "mnt"
    mnt.mkdir()
    img.write_bytes(b"")
    os.truncate(img, 2 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(img)], check=True, capture_output=True)
    mounted = subprocess.run(
        ["mount", "-o", "loop", str(img), str(mnt)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"cannot mount a loop device here: {mounted.stderr.strip()}")
    try:
        yield mnt
    finally:
        if subprocess.run(["umount", str(mnt)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], check=False)
        shutil.rmtree(root, ignore_errors=True)


def test_a_really_full_disk_is_told_and_written_back(
    monkeypatch: pytest.MonkeyPatch, tiny_disk: Path, quick: None, opened: Opened
) -> None:
    home = tiny_disk / "home"
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    SessionStore(app_paths().database).close()
    filler = tiny_disk / "filler"
    written: list[threading.Event] = []

    def fill() -> None:
        with filler.open("wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError:
                pass

    def on_line(n: int) -> None:
        if n == SECOND_ANSWER:
            written.append(opened.when_told("written to it"))
            fill()

    code, text = _practice(monkeypatch, on_line)
    summary = text.index("Overall")
    assert "disk is full" in text[:summary] and "memory only" in text[:summary], text
    assert code == EXIT_UNSAVED and "could not be written to" in text
    filler.unlink()
    assert written[0].wait(WAIT)
    answers, sessions = _on_disk()
    assert answers == ANSWERS and sessions == [("finished", 1)]


def test_a_text_column_with_broken_bytes_reads_with_a_mark(database: Path) -> None:
    sid = _interrupted_session()
    conn = sqlite3.connect(database)
    conn.execute(
        "UPDATE sessions SET track_name = CAST(X'4d4c20ff74656368' AS TEXT) WHERE id = ?", (sid,)
    )
    conn.commit()
    conn.close()
    with SessionStore(database) as store:
        (row,) = store.list_sessions()
        assert row.id == sid and row.track_name == "ML \ufffdtech"
        assert [t.text for t in store.load_session(sid).turns][-1] == ANSWERS[0]


# --------------------------------------------------------------------------- the window


def test_the_windows_history_and_progress_survive_a_damaged_report(qtbot: Any) -> None:
    from tests.gui_helpers import settle
    from tests.test_gui_history import cell, open_window, three_sessions

    win = open_window(qtbot)
    old, new, unfinished = three_sessions(win.store, win.controller.library)
    _flip_one_byte(new, "json")
    win.window.history_action.trigger()
    settle(qtbot)
    h = win.window.history
    assert win.window.stack.currentWidget() is h
    assert [r.id for r in h.model.rows] == [unfinished, new, old]
    assert [cell(win, r, 6) for r in range(3)] == ["Unfinished", "Finished (damaged)", "Finished"]
    win.window.progress_action.trigger()
    settle(qtbot)
    p = win.window.progress
    assert win.window.stack.currentWidget() is p
    assert not p.category_chart.empty
    assert "1 saved report could not be read" in win.window.banner.text.text()


# --------------------------------------------------------------------------- grades


def test_a_grade_is_saved_the_moment_it_arrives(
    monkeypatch: pytest.MonkeyPatch, database: Path
) -> None:
    """Saved by the grading worker, before the owner's loop collects the result: a kill
    at that moment does not make a resume pay for the grade again."""
    from interviewer.core.engine import Phase
    from interviewer.llm.scripted import ScriptedBackend
    from interviewer.session import InterviewSession, StartOptions, ThreadExecutor
    from tests.gui_helpers import quoting_grade, small_library

    lib = small_library(count=1)
    store = SessionStore(database)
    saved = threading.Event()
    real_save = store.save_grade

    def save_grade(*args: Any) -> None:
        real_save(*args)
        saved.set()

    monkeypatch.setattr(store, "save_grade", save_grade)
    executor = ThreadExecutor()
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    session = InterviewSession(lib, store, executor, backend=backend)
    session.start(StartOptions(next(iter(lib.tracks)), follow_ups=False))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(ANSWERS[0])
    # No outcome is delivered from here on: the owner's loop does not collect the grade.
    assert saved.wait(WAIT)
    assert session.session_id is not None and session.results is None
    with SessionStore(database) as reader:
        assert set(reader.load_session(session.session_id).grades) == {"q1"}
    assert executor.run_until(lambda: session.phase is Phase.DONE)
    executor.shutdown(wait=True)
    store.close()


def test_an_interview_kept_only_in_memory_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, opened: Opened
) -> None:
    """A damaged file that cannot be set aside: the interview runs in memory only, and the
    exit status and the last words say nothing of it reached the disk."""
    path = app_paths().database
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all" * 10)

    def refuse(path: Path, reason: str) -> Path:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(store_module, "move_aside", refuse)
    code, text = _practice(monkeypatch, lambda n: None)
    assert code == EXIT_UNSAVED, text
    summary = text.index("Overall")
    assert "could not be moved aside" in text[:summary] and "memory only" in text[:summary]
    assert "could not be saved to" in text[summary:] and "at all" in text[summary:]
    assert path.read_bytes() == b"not a database at all" * 10  # left untouched


def test_the_window_is_told_each_store_notice_once(qtbot: Any, database: Path) -> None:
    """Through the session's Notice events, on the GUI thread; once, not also directly."""
    from interviewer.gui.controller import Controller
    from interviewer.llm.scripted import ScriptedBackend
    from interviewer.storage.secrets import SecretStore
    from interviewer.storage.settings import Settings
    from tests.gui_helpers import quoting_grade, small_library

    store = SessionStore(database)
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    controller = Controller(
        small_library(), Settings(), SecretStore(), backend=backend, store=store
    )
    messages: list[tuple[str, str]] = []
    controller.message.connect(lambda level, text: messages.append((level, text)))
    other = Lock()
    try:
        monkey = pytest.MonkeyPatch()
        monkey.setattr(store_module, "RETRY_SECONDS", 0.0)
        store._conn.execute("PRAGMA busy_timeout = 10")
        sid = _finished_session(store, ANSWERS[0])
        other.take()
        store.save_draft(sid, "q", "typing", 1, 1)  # refused by the lock: kept in memory
        monkey.undo()
        qtbot.waitUntil(lambda: bool(messages))
        assert messages == [("warning", store.notice)] and "memory only" in store.notice
    finally:
        other.close()
        controller.shutdown()
        store.close()
