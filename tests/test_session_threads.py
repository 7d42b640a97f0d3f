"""The interview's store work runs off the GUI thread in the window, in order.

A store whose writes block stands in for a slow disk (or a database another process
holds): the window keeps turning its event loop while a write waits, the interview only
moves on once the candidate's answer is committed (the next question is the sign that it
was saved), every write lands in the order it was made, and closing the window waits for
what is still pending. The terminal keeps writing inline; `SerialWriter` is the plain
(no Qt) writer with the same promise.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from interviewer.core.engine import Phase
from interviewer.core.models import Turn
from interviewer.gui.controller import Controller, StartOptions
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import InterviewSession, SerialWriter, ThreadExecutor
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore, StoredSession
from tests.factories import follow
from tests.gui_helpers import quoting_grade, settle, small_library

WRITES = ("create_session", "add_turn", "save_draft", "save_grade", "finish_session")
READS = ("question_history", "load_session", "model_calls")


class SlowStore:
    """Wraps a real store: records every call (name, thread) and, while `gate` is shut,
    holds the writes named in `blocking` until it opens."""

    def __init__(self, store: SessionStore, blocking: tuple[str, ...] = ()) -> None:
        self.store = store
        self.gate = threading.Event()
        self.gate.set()
        self.blocking = blocking
        self.log: list[tuple[str, str]] = []
        self.waiting = threading.Event()  # a blocked write is waiting at the gate
        self.real: dict[str, Callable[..., Any]] = {}
        for name in (*WRITES, *READS, "mark_abandoned"):
            self.real[name] = getattr(store, name)
            setattr(store, name, self._wrap(name, self.real[name]))

    def saved(self, session_id: str) -> StoredSession:
        """What the store holds (read by the test, not counted as the app's)."""
        return self.real["load_session"](session_id)  # type: ignore[no-any-return]

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.log.append((name, threading.current_thread().name))
            if name in self.blocking and not self.gate.is_set():
                self.waiting.set()
                assert self.gate.wait(10), "the test never opened the gate"
            return fn(*args, **kwargs)

        return call

    def names(self, *only: str) -> list[str]:
        return [n for n, _ in self.log if not only or n in only]

    def on_gui_thread(self) -> list[str]:
        main = threading.main_thread().name
        return [n for n, thread in self.log if thread == main]


def backend() -> ScriptedBackend:
    b = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    b.default_follow_up = lambda r: follow("")
    return b


def controller(qtbot: QtBot, store: SessionStore, b: ScriptedBackend) -> Controller:
    c = Controller(
        small_library(),
        Settings(),
        SecretStore(),
        backend=b,
        rng=random.Random(0),
        store=store,
    )
    qtbot.waitUntil(lambda: c.session.writer is not None and not c.session.saving)
    settle(qtbot)  # the practised questions were read in the background
    return c


def ticking() -> tuple[list[int], QTimer]:
    """A timer that counts while the event loop turns (keep the timer referenced)."""
    ticks = [0]
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    return ticks, timer


def test_a_blocked_answer_write_never_stalls_the_window(qtbot: QtBot) -> None:
    slow = SlowStore(SessionStore.memory(), blocking=("add_turn",))
    b = backend()
    c = controller(qtbot, slow.store, b)
    assert c.start_interview(StartOptions("t", question_count=2, follow_ups=False))
    qtbot.waitUntil(lambda: c.answering)
    sid = c.session_id
    assert sid is not None
    turns_asked = len(b.calls_of("turn"))

    slow.gate.clear()  # the disk stalls from here on
    ticks, timer = ticking()
    assert c.submit_answer("Bias is error from wrong assumptions; it underfits.")
    assert slow.waiting.wait(10)  # the answer's write is under way, blocked
    # The event loop keeps turning while the write waits...
    start = ticks[0]
    qtbot.waitUntil(lambda: ticks[0] >= start + 5)
    # ...and the interview does not move on before the answer is committed.
    assert len(b.calls_of("turn")) == turns_asked
    assert not c.answering and c.session.saving
    assert c.busy_text == "Saving your answer…"

    slow.gate.set()
    timer.stop()
    qtbot.waitUntil(lambda: c.answering)  # the next question: the answer is on disk
    saved = [t.text for t in slow.saved(sid).turns if t.role == "candidate"]
    assert saved == ["Bias is error from wrong assumptions; it underfits."]
    assert len(b.calls_of("turn")) == turns_asked + 1
    # Nothing the session wrote or read ran on the GUI thread.
    assert slow.on_gui_thread() == [], slow.on_gui_thread()
    c.abandon()
    settle(qtbot)


def test_writes_land_in_the_order_they_were_made_and_closing_flushes_them(
    qtbot: QtBot,
) -> None:
    slow = SlowStore(SessionStore.memory(), blocking=WRITES)
    b = backend()
    c = controller(qtbot, slow.store, b)
    assert c.start_interview(StartOptions("t", question_count=2, follow_ups=False))
    qtbot.waitUntil(lambda: c.answering)
    sid = c.session_id
    assert sid is not None
    for text in ("first answer about bias", "second answer about variance"):
        qtbot.waitUntil(lambda: c.answering)
        c.update_draft(text[:5])
        assert c.save_draft()
        assert c.submit_answer(text)
    qtbot.waitUntil(lambda: c.results is not None and c.phase is Phase.DONE)
    qtbot.waitUntil(lambda: not c.session.saving)
    settle(qtbot)
    writes = slow.names(*WRITES)
    assert writes[0] == "create_session" and writes[-1] == "finish_session"
    # The transcript went in turn by turn, each draft before the answer it became.
    transcript = [t for t in slow.saved(sid).turns]
    assert [t.role for t in transcript] == [
        "interviewer",
        "candidate",
        "interviewer",
        "candidate",
        "interviewer",
    ]
    firsts = [i for i, n in enumerate(writes) if n == "save_draft"]
    answers = [i for i, n in enumerate(writes) if n == "add_turn"]
    assert firsts[0] < answers[1] and firsts[1] < answers[3]
    assert slow.store.get_session(sid) is not None
    assert slow.store.get_session(sid).status == "finished"  # type: ignore[union-attr]
    assert slow.on_gui_thread() == []

    # Closing mid-interview: the draft is saved off the GUI thread, and closing waits.
    slow.log.clear()
    assert c.start_interview(StartOptions("t", question_count=1, follow_ups=False))
    qtbot.waitUntil(lambda: c.answering)
    second = c.session_id
    assert second is not None
    slow.gate.clear()
    c.update_draft("half an answer")
    opener = threading.Timer(0.2, slow.gate.set)  # the disk wakes up while closing waits
    opener.start()
    c.shutdown(5000)
    opener.join()
    draft = slow.saved(second).draft
    assert draft is not None and draft.text == "half an answer"
    assert [n for n in slow.on_gui_thread() if n in WRITES] == []
    settle(qtbot)


def test_resuming_the_offered_interview_reads_nothing_on_the_gui_thread(qtbot: QtBot) -> None:
    store = SessionStore.memory()
    b = backend()
    first = controller(qtbot, store, b)
    assert first.start_interview(StartOptions("t", question_count=2, follow_ups=False))
    qtbot.waitUntil(lambda: first.answering)
    sid = first.session_id
    assert sid is not None
    first.update_draft("a draft to keep")
    first.save_draft(force=True)
    first.abandon()  # killed
    settle(qtbot)
    stored: StoredSession = store.load_session(sid)  # what the window's offer read

    slow = SlowStore(store)
    second = controller(qtbot, store, backend())
    assert second.resume_problem(stored) == ""
    assert second.resume_session(sid)
    assert second.engine is not None and second.engine.draft == "a draft to keep"
    assert second.answering
    # The practised questions for the next start are read in the background too.
    settle(qtbot)
    assert "load_session" not in slow.names()
    assert slow.on_gui_thread() == [], slow.on_gui_thread()
    second.abandon()
    settle(qtbot)


def test_the_plain_serial_writer_keeps_order_and_hands_outcomes_to_the_owner() -> None:
    executor = ThreadExecutor()
    writer = SerialWriter(executor.call_soon)
    ran: list[int] = []
    outcomes: list[tuple[int, str]] = []
    gate = threading.Event()

    def work(i: int) -> Callable[[], int]:
        def run() -> int:
            if i == 0:
                gate.wait(10)  # the first write is slow: the later ones wait for it
            if i == 3:
                raise OSError("disk full")
            ran.append(i)
            return i

        return run

    def outcome(i: int) -> Callable[[Any, BaseException | None], None]:
        return lambda r, e: outcomes.append((i, "error" if e else str(r)))

    for i in range(6):
        writer.run(work(i), outcome(i))
    assert ran == [] and outcomes == []
    assert not writer.flush(0.05)
    gate.set()
    assert writer.flush(10)
    assert ran == [0, 1, 2, 4, 5]
    assert executor.run_until(lambda: len(outcomes) == 6)
    assert outcomes == [(0, "0"), (1, "1"), (2, "2"), (3, "error"), (4, "4"), (5, "5")]
    writer.shutdown()
    executor.shutdown()


def test_the_service_with_a_background_writer_saves_every_answer_in_order() -> None:
    store = SessionStore.memory()
    slow = SlowStore(store)
    executor = ThreadExecutor()
    writer = SerialWriter(executor.call_soon)
    session = InterviewSession(
        small_library(), store, executor, backend=backend(), rng=random.Random(1), writer=writer
    )
    session.start(StartOptions("t", follow_ups=False, repeat=True))
    answers = ["one about bias", "two about variance"]
    for text in answers:
        assert executor.run_until(lambda: session.answering)
        assert session.submit_answer(text)
    assert executor.run_until(lambda: session.results is not None and not session.saving)
    sid = session.session_id
    assert sid is not None
    saved: list[Turn] = slow.saved(sid).turns
    assert [t.text for t in saved if t.role == "candidate"] == answers
    assert store.get_session(sid).status == "finished"  # type: ignore[union-attr]
    assert slow.on_gui_thread() == []  # the owner (this thread) wrote nothing itself
    writer.shutdown()
    executor.shutdown()
