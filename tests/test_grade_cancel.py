"""Grades take the cancel token (issue 15): closing the window or abandoning a session
ends running background grades at once, saves nothing half-done, lets no offline
stand-in grade instead, and leaves the answer ungraded so a resume grades it again.

The grader here blocks until the test lets it go, like a slow local model in the middle
of a grade; it reports progress as a streaming backend does. `call_deadline` makes the
service watch it on its own thread (as it does every real model call), which is where a
cancel is noticed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.engine import Phase
from interviewer.core.errors import Cancelled
from interviewer.core.models import GradeDraft
from interviewer.core.requests import GradeRequest
from interviewer.gui.controller import Controller
from interviewer.llm import service
from interviewer.llm.base import CancelToken, Progress, report_progress
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import InterviewSession, StartOptions, ThreadExecutor
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore
from tests.gui_helpers import quoting_grade, small_library

ANSWER = "Bias is error from wrong assumptions; variance is sensitivity to the sample."


class Blocking:
    """A grade that reports one progress and then waits for `release` (or the test end)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls = 0

    def __call__(self, request: GradeRequest) -> GradeDraft:
        self.calls += 1
        report_progress(Progress(tokens=12, seconds=1.0, left=30.0, phase="writing"))
        self.started.set()
        self.release.wait(20)
        return quoting_grade(request)


@pytest.fixture
def blocking() -> Iterator[Blocking]:
    gate = Blocking()
    yield gate
    gate.release.set()  # let the abandoned model-call thread end


def grader(gate: Blocking) -> ScriptedBackend:
    return ScriptedBackend(
        name="openai:slow",
        default_turn=lambda r: "That is all." if r.question is None else r.question.text,
        default_grade=gate,
        call_deadline=30.0,
    )


def run_to_grading(store: SessionStore, backend: ScriptedBackend) -> tuple[Any, ThreadExecutor]:
    executor = ThreadExecutor()
    session = InterviewSession(
        small_library(count=1, limit=0),
        store,
        executor,
        backend=backend,
        offline=OfflineCoach(),
        rng=random.Random(1),
    )
    session.start(StartOptions("t", question_count=1, follow_ups=False, repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(ANSWER)
    assert executor.run_until(lambda: session.phase is Phase.GRADING)
    return session, executor


def test_the_service_gives_a_cancelled_grade_up_without_a_stand_in(blocking: Blocking) -> None:
    backend = grader(blocking)
    offline = OfflineCoach()
    token = CancelToken()
    box: dict[str, BaseException] = {}
    request = GradeRequest(
        request_id=1,
        question=small_library(count=1).questions["q1"],
        rubric=small_library(count=1).rubrics["technical"],
        exchange=(),
    )

    def run() -> None:
        try:
            service.grade(backend, request, offline, cancel=token, health=service.BackendHealth())
        except BaseException as exc:  # handed to the test
            box["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    assert blocking.started.wait(10)
    token.cancel()
    worker.join(10)
    assert not worker.is_alive(), "the grading worker hung after its cancel"
    assert isinstance(box.get("error"), Cancelled)
    assert blocking.calls == 1  # no retry, and no offline grade stood in


def test_abandoning_ends_a_running_grade_and_saves_nothing(blocking: Blocking) -> None:
    store = SessionStore.memory()
    session, executor = run_to_grading(store, grader(blocking))
    sid = session.session_id
    assert blocking.started.wait(10)
    session.abandon()
    # The worker returns although the model call is still blocked.
    assert executor.run_until(lambda: executor.idle, timeout=10)
    blocking.release.set()  # the abandoned call finishes late: its grade is dropped
    executor.shutdown(wait=True)
    assert sid is not None
    assert store.load_session(sid).grades == {}


def test_a_suspended_session_grades_the_answer_again_on_resume(blocking: Blocking) -> None:
    store = SessionStore.memory()
    session, executor = run_to_grading(store, grader(blocking))
    sid = session.session_id
    assert blocking.started.wait(10) and sid is not None
    session.suspend()  # the window closes
    assert executor.run_until(lambda: executor.idle, timeout=10)
    blocking.release.set()
    assert store.load_session(sid).grades == {}
    executor.shutdown(wait=True)

    # Reopened: the answer is still ungraded, so it is graded now (by a quick grader).
    quick = ScriptedBackend(default_grade=quoting_grade, default_turn=lambda r: "Thanks.")
    again, executor2 = run_resume(store, sid, quick)
    assert executor2.run_until(lambda: again.results is not None, timeout=20)
    executor2.shutdown(wait=True)
    assert set(store.load_session(sid).grades) == {"q1"}
    assert len(quick.calls_of("grade")) == 1


def run_resume(
    store: SessionStore, sid: str, backend: ScriptedBackend
) -> tuple[InterviewSession, ThreadExecutor]:
    executor = ThreadExecutor()
    session = InterviewSession(
        small_library(count=1, limit=0), store, executor, backend=backend, rng=random.Random(1)
    )
    session.resume(sid)
    return session, executor


def test_closing_the_window_lets_a_running_grade_go(qtbot: QtBot, blocking: Blocking) -> None:
    backend = grader(blocking)
    controller = Controller(
        small_library(count=1, limit=0),
        Settings(),
        SecretStore(),
        backend=backend,
        offline=OfflineCoach(),
        rng=random.Random(1),
    )
    controller.start_interview(StartOptions("t", question_count=1, follow_ups=False, repeat=True))
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    assert controller.submit_answer(ANSWER)
    qtbot.waitUntil(blocking.started.is_set, timeout=10_000)
    controller.shutdown(10_000)
    # Every worker returned: nothing is left hanging on the blocked model call.
    assert controller.wait_for_workers(0)
    assert controller.session.pending_grades == 0
