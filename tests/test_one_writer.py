"""One writer per session (issue 13, item 6): through real `interviewer` processes.

Two `interviewer resume ID` runs of one session used to interleave their turns (two
wrap-ups) and the report kept one run's answers. Now the first takes the session's lock
and the second is refused naming the holder; a lock of a killed process is taken over.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.errors import InterviewerError
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.store import (
    SessionBusy,
    SessionStore,
    StoredSession,
    holder_alive,
    process_start_time,
    session_holder,
    take_session_lock,
)
from tests.test_gui_store import launch

PRACTICE = ["practice", "--track", "ml-technical", "--questions", "2", "--backend", "offline"]
PRACTICE += ["--no-follow-ups"]


def _popen(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def _until_prompt(proc: subprocess.Popen[str]) -> str:
    """Read the process's output until it waits for an answer; returns what it printed."""
    assert proc.stdout is not None
    seen: list[str] = []
    while not seen or "for this answer" not in seen[-1]:
        line = proc.stdout.readline()
        if not line:
            proc.wait(timeout=60)
            assert proc.stderr is not None
            raise AssertionError("ended before asking: " + "".join(seen) + proc.stderr.read())
        seen.append(line)
    return "".join(seen)


def _finish(proc: subprocess.Popen[str], stdin: str = "") -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(stdin, timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out, err


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def _interrupted_session(*, kill: bool = False) -> str:
    """A practice interview stopped at its first answer: Ctrl+C, or SIGKILL with `kill`."""
    proc = _popen(*PRACTICE)
    shown = _until_prompt(proc)
    proc.send_signal(signal.SIGKILL if kill else signal.SIGINT)
    _finish(proc)
    match = re.search(r"session ([0-9a-f]{12})", shown)
    assert match, shown
    return match.group(1)


def _stored(sid: str) -> StoredSession:
    store = SessionStore.open(app_paths().database, read_only=True)
    try:
        return store.load_session(sid)
    finally:
        store.close()


def _answers(n: int, who: str) -> str:
    return "".join(
        f"Answer {i} from run {who}: bias and variance trade off.\n.\n" for i in range(n)
    )


def test_a_second_resume_is_refused_naming_the_holder(interviewer_home: Path) -> None:
    sid = _interrupted_session()
    first = _popen("resume", sid)
    try:
        _until_prompt(first)  # the first run holds the session and waits for an answer
        second = _cli("resume", sid, stdin=_answers(2, "B"))
    finally:
        code, _out, err = _finish(first, _answers(2, "A"))
    assert second.returncode == 1, second.stdout + second.stderr
    assert f"Session {sid} is open in another interviewer process" in second.stderr
    assert f"pid {first.pid}" in second.stderr and "terminal" in second.stderr
    assert re.search(r"since \d\d:\d\d", second.stderr), second.stderr
    assert "Traceback" not in second.stderr
    assert "Interviewer:" not in second.stdout  # refused before asking anything
    assert code == 0, err
    stored = _stored(sid)
    texts = [t.text for t in stored.turns if t.role == "candidate"]
    assert texts and all("from run A" in t for t in texts), texts
    assert sum(t.kind == "wrap_up" for t in stored.turns) <= 1
    assert stored.row.status == "finished"
    # Finished: the lock is gone with the run.
    assert session_holder(app_paths().database, sid) is None


def test_a_running_practice_refuses_a_resume_of_its_session(interviewer_home: Path) -> None:
    practice = _popen(*PRACTICE)
    try:
        shown = _until_prompt(practice)
        match = re.search(r"session ([0-9a-f]{12})", shown)
        assert match, shown
        r = _cli("resume", match.group(1), stdin=_answers(2, "B"))
    finally:
        code, _out, err = _finish(practice, _answers(2, "A"))
    assert r.returncode == 1 and f"pid {practice.pid}, terminal" in r.stderr, r.stderr
    assert code == 0, err


def test_two_resumes_started_together_exactly_one_proceeds(interviewer_home: Path) -> None:
    sid = _interrupted_session()
    runs = {who: _popen("resume", sid) for who in "AB"}
    results = {who: _finish(proc, _answers(2, who)) for who, proc in runs.items()}
    codes = sorted(code for code, _out, _err in results.values())
    assert codes == [0, 1], results
    winner = next(who for who, (code, _o, _e) in results.items() if code == 0)
    loser = next(who for who, (code, _o, _e) in results.items() if code == 1)
    assert f"pid {runs[winner].pid}" in results[loser][2], results[loser][2]
    stored = _stored(sid)
    texts = [t.text for t in stored.turns if t.role == "candidate"]
    assert texts and all(f"from run {winner}" in t for t in texts), texts
    assert sum(t.kind == "wrap_up" for t in stored.turns) <= 1
    questions = [t.question_id for t in stored.turns if t.kind == "question"]
    assert len(questions) == len(set(questions)) == 2  # no question asked twice


def test_a_lock_of_a_killed_process_is_taken_over(interviewer_home: Path) -> None:
    sid = _interrupted_session()
    holder = _popen("resume", sid)
    _until_prompt(holder)
    assert session_holder(app_paths().database, sid) is not None  # held while it runs
    holder.send_signal(signal.SIGKILL)  # mid-interview: no clean-up of any kind
    _finish(holder)
    r = _cli("resume", sid, stdin=_answers(2, "C"))
    assert r.returncode == 0, r.stderr
    assert "open in another" not in r.stderr
    assert _stored(sid).row.status == "finished"


def test_a_killed_practice_can_be_resumed(interviewer_home: Path) -> None:
    sid = _interrupted_session(kill=True)
    r = _cli("resume", sid, stdin=_answers(2, "D"))
    assert r.returncode == 0, r.stderr


def test_ctrl_c_lets_go_of_the_session(interviewer_home: Path) -> None:
    sid = _interrupted_session()
    first = _popen("resume", sid)
    _until_prompt(first)
    first.send_signal(signal.SIGINT)
    code, _out, _err = _finish(first)
    assert code == 130
    assert session_holder(app_paths().database, sid) is None
    assert _cli("resume", sid, stdin=_answers(2, "E")).returncode == 0


# ---------------------------------------------------------------------- the lock itself


def test_a_left_over_lock_file_of_a_dead_or_reused_pid_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    folder = tmp_path / "sessions.db.session-locks"
    folder.mkdir()
    # A dead process's record, and our own pid with another start time (a reused pid).
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    records: list[dict[str, Any]] = [
        {"pid": int(dead.stdout), "host": None, "started": "1", "front_end": "terminal"},
        {"pid": os.getpid(), "started": "not-this-one", "front_end": "window"},
    ]
    for record in records:
        (folder / "abc.lock").write_text(json.dumps(record))
        assert not holder_alive(record)
        lock = take_session_lock(db, "abc", "terminal")
        assert lock.held
        lock.release()
    me = {"pid": os.getpid(), "started": process_start_time(os.getpid())}
    assert holder_alive(me)


def test_one_writer_within_one_process_too(tmp_path: Path) -> None:
    """A window and a terminal in one process (or two windows) on one session."""
    db = tmp_path / "sessions.db"
    lock = take_session_lock(db, "abc", "window")
    with pytest.raises(SessionBusy) as busy:
        take_session_lock(db, "abc", "terminal")
    assert isinstance(busy.value, InterviewerError)
    assert f"pid {os.getpid()}" in str(busy.value) and "window" in str(busy.value)
    other = take_session_lock(db, "other", "terminal")  # another session is free
    other.release()
    lock.release()
    assert session_holder(db, "abc") is None
    take_session_lock(db, "abc", "terminal").release()


def test_a_lock_taken_a_moment_ago_is_named_once_its_holder_wrote_it(tmp_path: Path) -> None:
    """The holder writes its details just after taking the lock: a taker that reads the
    file in between waits for them rather than naming nobody (two resumes started
    together once said "details unknown")."""
    import fcntl

    db = tmp_path / "sessions.db"
    lock = take_session_lock(db, "abc", "window")
    assert lock.file is not None
    details = lock.file.read_bytes()
    lock.file.write_bytes(b"")  # as just after the holder's flock, before its write
    late = threading.Timer(0.05, lock.file.write_bytes, args=(details,))
    late.start()
    try:
        with pytest.raises(SessionBusy) as busy:
            take_session_lock(db, "abc", "terminal")
    finally:
        late.join()
    assert f"pid {os.getpid()}" in str(busy.value) and "window" in str(busy.value)
    # Still locked by the window (flock, not the file's text).
    fd = os.open(lock.file, os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    lock.release()


def test_a_store_in_memory_has_one_writer_per_session() -> None:
    store = SessionStore.memory()
    lock = take_session_lock(None, "abc", "window", owner=store)
    with pytest.raises(SessionBusy):
        take_session_lock(None, "abc", "window", owner=store)
    lock.release()
    take_session_lock(None, "abc", "window", owner=store).release()


# ---------------------------------------------------------------------- the window


def test_the_window_does_not_offer_a_session_open_in_a_terminal(
    qtbot: QtBot, interviewer_home: Path
) -> None:
    sid = _interrupted_session()
    holder = _popen("resume", sid)
    try:
        _until_prompt(holder)
        app = launch(qtbot, library=load_library(app_paths().content_dir))
        offer = app.window.resume_offer
        qtbot.waitUntil(lambda: offer.session_id == sid)
        assert offer.isVisibleTo(app.window)
        assert "open in another window or terminal" in offer.title.text()
        detail = offer.detail.text()
        assert "open in another interviewer process" in detail
        assert f"pid {holder.pid}" in detail and "terminal" in detail, detail
        # Neither resumed nor marked unfinished from here: that would be a second writer.
        assert not offer.resume_button.isVisibleTo(app.window)
        assert not offer.keep_button.isVisibleTo(app.window)
        assert not app.controller.resume_session(sid)
        assert app.controller.session_id is None
        assert _stored(sid).row.status == "in_progress"
    finally:
        code, _out, err = _finish(holder, _answers(2, "T"))
    assert code == 0, err
    assert _stored(sid).row.status == "finished"


def test_a_terminal_is_refused_a_session_the_window_resumed(
    qtbot: QtBot, interviewer_home: Path
) -> None:
    sid = _interrupted_session()
    app = launch(qtbot, library=load_library(app_paths().content_dir))
    qtbot.waitUntil(lambda: app.window.resume_offer.session_id == sid)
    app.window.resume_offer.resume_button.click()
    assert app.controller.session_id == sid
    r = _cli("resume", sid, stdin=_answers(2, "B"))
    assert r.returncode == 1
    assert f"pid {os.getpid()}, window" in r.stderr, r.stderr
    app.controller.abandon()  # the window lets go (as closing it does)
    # ... once its writes handed over before are done (they run off the GUI thread).
    qtbot.waitUntil(lambda: session_holder(app_paths().database, sid) is None)
    assert _cli("resume", sid, stdin=_answers(2, "B")).returncode == 0
