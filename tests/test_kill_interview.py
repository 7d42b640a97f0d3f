"""SIGKILL a real terminal interview at random points: no submitted answer is ever lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from interviewer.storage.store import SessionStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


class Interview:
    """A practice subprocess, fed one answer at a time, its output read as it comes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "interviewer",
                "practice",
                "--track",
                "ml-technical",
                "--questions",
                "4",
                "--backend",
                "offline",
                "--no-follow-ups",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=dict(os.environ),
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def asked(self) -> int:
        return sum(1 for line in self.lines if line.startswith("Interviewer:"))

    def wait_asked(self, n: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.asked() >= n:
                return True
            if self.proc.poll() is not None:
                return self.asked() >= n
            time.sleep(0.01)
        return False

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(text)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the interview already ended

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def test_killed_interviews_keep_every_submitted_answer(interviewer_home: Path) -> None:
    rng = random.Random(20261125)
    expected: dict[int, list[str]] = {}
    for run in range(8):
        interview = Interview()
        assert interview.wait_asked(1), "".join(interview.lines)
        answers_to_send = rng.randint(0, 4)
        acknowledged: list[str] = []
        for i in range(answers_to_send):
            answer = f"run {run} answer {i}: bias is underfitting and variance is overfitting"
            interview.send(f"{answer}\n.\n")
            if i == answers_to_send - 1:
                break  # the last one may or may not be committed when the kill lands
            # The next question is only printed after the answer's turn was committed.
            assert interview.wait_asked(i + 2), "".join(interview.lines)
            acknowledged.append(answer)
        # A half-typed answer, then the kill at a random moment.
        interview.send("half typed")
        time.sleep(rng.uniform(0.0, 0.3))
        interview.kill()
        expected[run] = acknowledged

    db = interviewer_home / "data" / "sessions.sqlite3"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = SessionStore(db)
    stored = [
        t.text
        for row in store.list_sessions()
        for t in store.load_session(row.id).turns
        if t.role == "candidate"
    ]
    store.close()
    for run, answers in expected.items():
        for answer in answers:
            assert answer in stored, f"run {run}: submitted answer lost: {answer!r}"
