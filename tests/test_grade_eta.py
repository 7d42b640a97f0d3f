"""The feedback page fills in as grades land, with an estimate of when it will be
complete (issue 15, item 1): core/grade_eta.py, the session's GradingEstimate and
ResultsSoFar events, and the window's feedback page while grades are still arriving.

Grades here are held at a gate per answer, so the test decides when each one lands;
nothing depends on how fast the machine is.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from interviewer.core.engine import Phase
from interviewer.core.grade_eta import Running, eta_text, per_grade, seconds_left
from interviewer.core.grade_eta import spoken_duration as said
from interviewer.core.models import GradeDraft
from interviewer.core.requests import GradeRequest
from interviewer.gui.feedback import GRADING_NOTE
from interviewer.llm.base import Progress, report_progress
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import (
    Event,
    GradingEstimate,
    InterviewSession,
    ResultsSoFar,
    StartOptions,
    ThreadExecutor,
)
from interviewer.storage.store import SessionStore
from tests.gui_helpers import make_app, quoting_grade, small_library, start

# --------------------------------------------------------------------------- arithmetic


def test_one_grade_is_the_mean_measured_else_the_expected() -> None:
    assert per_grade([40.0, 60.0], 500.0) == 50.0
    assert per_grade([], 70.0) == 70.0
    assert per_grade([0.0], None) is None


def test_queued_grades_wait_for_a_free_worker() -> None:
    # Two workers: one grade 10 s from done, one 30 s; two more of 40 s each queued.
    # The first queued starts at 10 s (ends 50 s), the second at 30 s (ends 70 s).
    running = [Running(20.0, left=10.0), Running(5.0, left=30.0)]
    assert seconds_left(running, 2, expected=40.0, workers=2) == 70.0
    # One worker: everything in a row.
    assert seconds_left([Running(20.0, left=10.0)], 2, expected=40.0, workers=1) == 90.0
    assert seconds_left([], 0) == 0.0


def test_a_running_grade_without_its_own_estimate_uses_the_length_less_what_it_ran() -> None:
    assert seconds_left([Running(15.0)], 0, finished=[60.0], workers=2) == 45.0
    # Past its expected length it is nearly done, not done.
    assert seconds_left([Running(90.0)], 0, expected=60.0, workers=2) == 6.0


def test_nothing_known_means_no_estimate() -> None:
    assert seconds_left([Running(3.0)], 1, workers=2) is None
    # The running grades say how long they need, but the queued one cannot be told.
    assert seconds_left([Running(3.0, left=10.0)], 1, workers=2) is None


def test_estimate_in_words() -> None:
    assert eta_text(3, 5, 80.0) == "3 of 5 grades in; the rest in about 1 min 20 s"
    assert eta_text(4, 5, 42.0) == "4 of 5 grades in; the last one in about 40 s"
    assert eta_text(0, 2, None) == "0 of 2 grades in; still working out how long the rest will take"
    assert eta_text(5, 5, 0.0) == ""  # complete: the line disappears
    spoken = [said(s) for s in (7, 42, 60, 95, 720)]
    assert spoken == ["7 s", "40 s", "1 min", "1 min 40 s", "12 min"]


# --------------------------------------------------------------------------- the session


class Gates:
    """Each grade reports progress, then waits until the test opens its gate."""

    def __init__(self) -> None:
        self.open: dict[int, threading.Event] = {}
        self.started: list[int] = []
        self.lock = threading.Lock()

    def gate(self, request_id: int) -> threading.Event:
        with self.lock:
            return self.open.setdefault(request_id, threading.Event())

    def __call__(self, request: GradeRequest) -> GradeDraft:
        gate = self.gate(request.request_id)
        report_progress(Progress(tokens=0, seconds=0.5, left=None, phase="waiting"))
        with self.lock:
            self.started.append(request.request_id)
        gate.wait(20)
        return quoting_grade(request)

    def release(self, request_id: int) -> None:
        self.gate(request_id).set()

    def release_all(self) -> None:
        for rid in range(1, 10):
            self.release(rid)


@pytest.fixture
def gates() -> Iterator[Gates]:
    g = Gates()
    yield g
    g.release_all()


def backend(gates: Gates) -> ScriptedBackend:
    return ScriptedBackend(
        name="openai:slow-local",
        default_turn=lambda r: "Thanks." if r.question is None else r.question.text,
        default_grade=gates,
        call_deadline=30.0,
    )


def gated_session(executor: ThreadExecutor, gates: Gates) -> InterviewSession:
    """A session over three questions, its grades held at the gates."""
    return InterviewSession(
        small_library(count=3, limit=0),
        SessionStore.memory(),
        executor,
        backend=backend(gates),
        rng=random.Random(1),
    )


def answer_three(executor: ThreadExecutor, session: InterviewSession, tail: str) -> None:
    """Start three questions without follow-ups and answer each "Answer {i}" + `tail`."""
    session.start(StartOptions("t", question_count=3, follow_ups=False, repeat=True))
    for i in range(3):
        assert executor.run_until(lambda: session.answering or session.phase is Phase.GRADING)
        assert session.submit_answer(f"Answer {i}{tail}")


def test_the_session_estimates_until_every_grade_is_in(gates: Gates) -> None:
    executor = ThreadExecutor()
    session = gated_session(executor, gates)
    session.expected_grade_seconds = 60.0  # a remembered check of the grading model
    now = [100.0]
    session.grade_clock = lambda: now[0]
    events: list[Event] = []
    session.subscribe(events.append)
    answer_three(executor, session, ": bias and variance trade off.")
    assert executor.run_until(lambda: session.phase is Phase.GRADING)
    so_far = [e for e in events if isinstance(e, ResultsSoFar)]
    assert len(so_far) == 1 and len(so_far[0].grading) == 3
    assert so_far[0].results.report is None
    est = [e for e in events if isinstance(e, GradingEstimate)][-1]
    assert (est.graded, est.total) == (0, 3)
    # Two running (60 s each, just begun) and one queued behind them: about 2 min.
    assert est.seconds_left is not None and 100.0 <= est.seconds_left <= 120.0
    assert est.text().startswith("0 of 3 grades in; the rest in about")

    # The first grade lands after 30 s: the measured 30 s now sizes the rest.
    assert executor.run_until(lambda: len(gates.started) == 2)
    now[0] += 30.0
    gates.release(gates.started[0])
    assert executor.run_until(lambda: session.grading_estimate().graded == 1)
    assert executor.run_until(lambda: len(gates.started) == 3)
    est = session.grading_estimate()
    assert est.seconds_left is not None and est.seconds_left <= 30.0
    assert est.text().startswith("1 of 3 grades in")
    # Time passes with no new report from the grades (a server reading a long
    # prompt says nothing): the estimate still counts down.
    now[0] += 20.0
    later = session.grading_estimate().seconds_left
    assert later is not None and later < est.seconds_left
    told = len(events)
    session.tick()  # the front ends' clock tick passes the new estimate on
    ticked = [e for e in events[told:] if isinstance(e, GradingEstimate)]
    assert ticked and ticked[-1].seconds_left == later
    latest = [e for e in events if isinstance(e, ResultsSoFar)][-1]
    assert len(latest.grading) == 2
    graded = [r for r in latest.results.records if r.grade is not None]
    assert len(graded) == 1 and graded[0].question.id not in latest.grading

    gates.release_all()
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown(wait=True)
    last = [e for e in events if isinstance(e, GradingEstimate)][-1]
    assert (last.graded, last.total) == (3, 3) and last.text() == ""


def test_with_nothing_measured_or_remembered_it_says_so(gates: Gates) -> None:
    executor = ThreadExecutor()
    session = gated_session(executor, gates)
    answer_three(executor, session, ".")
    assert executor.run_until(lambda: session.phase is Phase.GRADING)
    assert "still working out" in session.grading_estimate().text()
    gates.release_all()
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown(wait=True)


# --------------------------------------------------------------------------- the window


def test_the_feedback_page_fills_in_as_grades_land(
    qtbot: QtBot, gates: Gates, tmp_path: Path
) -> None:
    app = make_app(qtbot, backend(gates), library=small_library(count=3, limit=0))
    app.controller.session.expected_grade_seconds = 50.0
    window, feedback = app.window, app.window.feedback
    start(qtbot, app)
    for i in range(3):
        qtbot.waitUntil(lambda: app.controller.answering)
        window.interview.answer.setPlainText(f"Answer {i}: regularisation lowers the variance.")
        window.interview.submit_action.trigger()
    # The interview is over: the page shows at once, every answer marked as being graded.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is feedback)
    qtbot.waitUntil(lambda: feedback.grading_note.startswith("0 of 3 grades in; the rest in"))
    feedback.finish_pending()
    assert len(feedback.cards) == 3
    assert all(card.grading for card in feedback.cards)
    assert all(card.score_chip.text() == "grading…" for card in feedback.cards)
    assert not feedback.export_button.isEnabled()

    qtbot.waitUntil(lambda: len(gates.started) == 2)
    first = gates.started[0]
    gates.release(first)
    qtbot.waitUntil(lambda: feedback.grading_note.startswith("1 of 3 grades in"))
    qtbot.waitUntil(lambda: not feedback.building)  # its card is built again, out of sight
    graded = [c for c in feedback.cards if not c.grading]
    assert len(graded) == 1 and graded[0].record.grade is not None
    assert graded[0].score_chip.text() != "grading…"
    assert sum(1 for c in feedback.cards if c.grading) == 2
    window.resize(1000, 760)
    qtbot.wait(50)  # the page lays itself out at the new size before it is drawn
    feedback.grab().save(str(tmp_path / "feedback-grading.png"))

    # Leaving now would stop the grades still running: the window asks first.
    app.confirm.answers = [False, False]
    feedback.home_button.click()
    feedback.practise_button.click()
    assert app.confirm.asked == ["Leave before every grade is in?"] * 2
    assert window.stack.currentWidget() is feedback and app.controller.in_interview

    gates.release_all()
    qtbot.waitUntil(lambda: app.controller.results is not None and feedback.grading_note == "")
    qtbot.waitUntil(lambda: feedback.export_button.isEnabled())
    feedback.finish_pending()
    assert not any(c.grading for c in feedback.cards)
    labels = [label.text() for card in feedback.cards for label in card.findChildren(QLabel)]
    assert GRADING_NOTE not in labels


def test_the_terminal_status_line_adds_when_every_grade_should_be_in() -> None:
    from interviewer.session import GradeWorking
    from interviewer.terminal import grading_status

    working = GradeWorking("q2", 2, 340, 12.0, 40.0)
    several = GradingEstimate(1, 3, 135.0)
    assert grading_status(working, several) == (
        "grading answer 2: 340 tokens so far, about 40 s left "
        "(1 of 3 grades in; the rest in about 2 min 20 s)"
    )
    # The last grade: its own line says it all.
    assert grading_status(working, GradingEstimate(2, 3, 40.0)) == working.text()
