"""Review of session 7's changes (issue 18), as a user meets them.

The last answer graded early while the interviewer decides on a follow-up
(`InterviewSession._grade_last_answer_early`): every way the decision can end (no
follow-up, a follow-up and its answer, skip, end, cancel, a failed decision), several
interviews in a row, a kill and a resume, the terminal. The feedback page filling in
batches with its scroll bar held (`FeedbackView._add_next_card`): resized, replaced and
re-themed while it fills. Selectable labels that get their text document on the first
Enter event (`WrapLabel.select_on_pointer`).

Every wait is on an event or a condition, never on a clock.
"""

from __future__ import annotations

import argparse
import io
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from interviewer.cli import TerminalFrontEnd, _conclude
from interviewer.core.engine import Phase
from interviewer.core.errors import BackendError
from interviewer.core.models import Grade, GradeDraft
from interviewer.core.requests import GradeRequest
from interviewer.core.summary import summarize
from interviewer.gui import feedback as feedback_module
from interviewer.gui import style
from interviewer.gui.feedback import FeedbackView, QuestionCard
from interviewer.llm.base import Progress, report_progress
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import (
    GradeReady,
    GradeWorking,
    InterviewSession,
    StartOptions,
    ThreadExecutor,
    early_grading_allowed,
)
from interviewer.storage.store import SessionStore
from tests.factories import follow
from tests.gui_helpers import quoting_grade, small_library
from tests.test_early_grade import FIRST, SECOND, Script, finish, run_to_decision
from tests.test_feedback_prepare import (
    LONG,
    RUBRICS,
    graded,
    prepared_view,
    scratch_texts,
    show,
    shown_whole,
    texts,
)
from tests.test_feedback_prepare import grade as page_grade

THIRD = "Cross-validation shows the variance: the scores spread across the folds."
FOURTH = "A learning curve tells the two apart: the gap closes with more data."


# --------------------------------------------------------------------------- helpers


class Watched(ThreadExecutor):
    """A ThreadExecutor that tells the test each time a grade's work has returned on its
    worker (after whatever the worker saved), before the owner thread hears of it."""

    def __init__(self) -> None:
        super().__init__()
        self.grades = threading.Semaphore(0)

    def submit(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        def work() -> Any:
            result = fn()
            if isinstance(result, Grade):
                self.grades.release()
            return result

        super().submit(work, done)


def session_on(
    script: Script,
    store: SessionStore,
    executor: ThreadExecutor,
    *,
    count: int = 1,
    limit: int = 1,
    grader: ScriptedBackend | None = None,
) -> tuple[InterviewSession, list[Any]]:
    session = InterviewSession(
        small_library(count=count, limit=limit),
        store,
        executor,
        backend=script.backend,
        grader=grader,
        rng=random.Random(1),
    )
    events: list[Any] = []
    session.subscribe(events.append)
    return session, events


def begin(
    session: InterviewSession, executor: ThreadExecutor, *, count: int = 1, follow_ups: bool = True
) -> None:
    session.start(StartOptions("t", question_count=count, follow_ups=follow_ups, repeat=True))
    assert executor.run_until(lambda: session.answering)


def saved_grades(store: SessionStore, session: InterviewSession) -> dict[str, Grade]:
    assert session.session_id is not None
    return store.load_session(session.session_id).grades


def the_grade(session: InterviewSession) -> Grade:
    assert session.results is not None
    grade = session.results.records[-1].grade
    assert grade is not None
    return grade


def quotes(grade: Grade) -> list[str]:
    return [q for c in grade.criteria for q in c.evidence]


def left_after_a_saved_grade(
    script: Script, store: SessionStore
) -> tuple[InterviewSession, Watched]:
    """Interview 1 (no follow-ups): its grade lands, and is saved, on its worker; the
    candidate leaves before the window heard of it (what it returns is ignored)."""
    executor = Watched()
    session, _events = session_on(script, store, executor)
    begin(session, executor, follow_ups=False)
    assert session.submit_answer(FIRST)
    assert executor.grades.acquire(timeout=10)
    session.leave()
    return session, executor


# --------------------------------------------------------------------------- bugs found


def test_a_grade_saved_for_a_left_interview_keeps_the_next_early_grade_off_disk() -> None:
    script = Script([])
    store = SessionStore.memory()
    session, executor = left_after_a_saved_grade(script, store)
    # Interview 2: the last answer's early grade is in before the decision, as usual.
    begin(session, executor)
    assert session.submit_answer(SECOND)
    assert executor.run_until(script.deciding.is_set)
    assert executor.grades.acquire(timeout=10)
    finish(session, executor, script)
    executor.shutdown()
    assert script.graded == [(FIRST,), (SECOND,)]
    qid = session.results.records[0].question.id if session.results else ""
    assert list(saved_grades(store, session)) == [qid]


def test_another_model_on_the_interviewers_local_server_does_not_grade_early() -> None:
    url = "http://localhost:11434/v1"
    script = Script([], base_url=url)
    script.backend.name = "ollama:llama3.1"
    grader = ScriptedBackend(
        name="ollama:qwen2.5:32b", base_url=url, default_grade=script.backend.default_grade
    )
    executor = ThreadExecutor()
    session, _events = session_on(script, SessionStore.memory(), executor, grader=grader)
    try:
        begin(session, executor)
        assert session.submit_answer(FIRST)
        assert executor.run_until(script.deciding.is_set)
        # One server, two models: it runs one call at a time, as for the same model.
        assert not early_grading_allowed(grader, script.backend)
        assert session._early is None and script.graded == []
    finally:
        script.decide.set()
        executor.run_until(lambda: session.results is not None)
        executor.shutdown()


class Reporting:
    """A grader that waits for the test, then reports its progress as a streaming model
    does (tokens so far, time left), then answers."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.gate = threading.Event()

    def __call__(self, request: GradeRequest) -> GradeDraft:
        self.started.set()
        assert self.gate.wait(10), "the test never let the grade through"
        report_progress(Progress(tokens=40, seconds=2.0, left=3.0, phase="writing"))
        return quoting_grade(request)


def test_the_early_grade_tells_its_progress_once_the_candidate_waits_for_it() -> None:
    script = Script([])
    reporting = Reporting()
    script.backend.default_grade = reporting
    session, executor, events = run_to_decision(script)
    try:
        assert reporting.started.wait(5)  # graded early, held
        script.decide.set()  # no follow-up: the report waits for this grade
        assert executor.run_until(lambda: session.phase is Phase.GRADING)
        reporting.gate.set()
        assert executor.run_until(lambda: session.results is not None)
    finally:
        reporting.gate.set()
        executor.shutdown()
    working = [e for e in events if isinstance(e, GradeWorking)]
    assert working and working[-1].tokens == 40


# --------------------------------------------------------------------------- covered, passing


def test_the_grade_of_a_left_interview_without_early_grading_is_not_what_leaks() -> None:
    """Control for the first bug: the same two interviews, the second with no follow-up
    decision (graded after, on its worker), keep every grade."""
    script = Script([])
    store = SessionStore.memory()
    session, executor = left_after_a_saved_grade(script, store)
    begin(session, executor, follow_ups=False)
    assert session.submit_answer(SECOND)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert len(saved_grades(store, session)) == 1


@pytest.mark.parametrize("action", ["end_early", "skip", "cancel"])
def test_ending_the_last_question_during_the_decision_takes_the_early_grade(
    action: str,
) -> None:
    """End interview, Skip, or Cancel (stop waiting for the model) while the interviewer
    decides: the question ends with the exchange graded early, which is taken as it is."""
    script = Script(["A follow-up nobody gets to see?"])
    store = SessionStore.memory()
    session, executor, events = run_to_decision(script, store)
    assert script.grade_started.wait(5)
    early = session._early
    assert early is not None
    getattr(session, action)()
    assert executor.run_until(lambda: session.results is not None)
    script.decide.set()  # the decision that was given up returns; ignored
    executor.run_until(lambda: executor.idle, timeout=5)
    executor.shutdown()
    assert script.graded == [(FIRST,)]
    assert not early.token.cancelled
    grade = the_grade(session)
    assert quotes(grade) and all(q.startswith("Bias is error") for q in quotes(grade))
    assert list(saved_grades(store, session).values()) == [grade]
    assert [e.question_id for e in events if isinstance(e, GradeReady)] == ["q1"]


def test_pausing_during_the_decision_keeps_the_early_grade() -> None:
    script = Script([])
    session, executor, _events = run_to_decision(script)
    assert script.grade_started.wait(5)
    session.pause()
    assert session.paused
    session.resume_clocks()
    finish(session, executor, script)
    executor.shutdown()
    assert script.graded == [(FIRST,)]
    assert the_grade(session).overall_score is not None


def test_two_follow_ups_on_the_last_question_grade_the_whole_exchange_once_more() -> None:
    """Follow-up limit 2: the first early grade (first answer) is dropped at the first
    follow-up, the second (both answers) at the second decision "no" is taken."""
    script = Script(["How would you measure the variance?", ""])
    store = SessionStore.memory()
    executor = ThreadExecutor()
    session, _events = session_on(script, store, executor, limit=2)
    begin(session, executor)
    assert session.submit_answer(FIRST)
    assert executor.run_until(script.deciding.is_set)
    assert script.grade_started.wait(5)
    first = session._early
    assert first is not None
    script.decide.set()
    assert executor.run_until(lambda: session.answering)
    assert first.token.cancelled and session._early is None
    assert session.submit_answer(SECOND)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert script.graded == [(FIRST,), (FIRST, SECOND)]
    grade = the_grade(session)
    assert quotes(grade) and all(q.startswith("Regularisation and more") for q in quotes(grade))
    assert list(saved_grades(store, session).values()) == [grade]


def test_a_failed_decision_then_continue_without_the_model_takes_the_early_grade() -> None:
    script = Script([])
    script.backend.default_follow_up = None
    script.backend.enqueue_follow_up(BackendError("the interviewer model is down"))
    executor = ThreadExecutor()
    session, _events = session_on(script, SessionStore.memory(), executor)
    begin(session, executor)
    assert session.submit_answer(FIRST)
    assert executor.run_until(lambda: bool(session.failure))
    assert session.phase is Phase.DECIDING
    assert script.grade_started.wait(5)
    session.continue_without_model()
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert script.graded == [(FIRST,)]
    assert the_grade(session).criteria


def test_a_new_interview_started_during_the_decision_gets_no_early_grade_of_the_last() -> None:
    script = Script([])
    store = SessionStore.memory()
    session, executor, _events = run_to_decision(script, store)
    assert script.grade_started.wait(5)
    early = session._early
    assert early is not None
    first_sid = session.session_id
    # Practise again at once: the new interview starts; the old decision still hangs.
    session.start(StartOptions("t", question_count=1, follow_ups=True, repeat=True))
    assert early.token.cancelled and session._early is None
    script.deciding.clear()
    script.decide.set()
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(SECOND)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    grade = the_grade(session)
    assert quotes(grade) and all(q.startswith("Regularisation and more") for q in quotes(grade))
    assert first_sid is not None and store.load_session(first_sid).grades == {}
    assert list(saved_grades(store, session).values()) == [grade]


def test_a_kill_during_the_decision_saves_no_grade_and_the_resume_grades_it() -> None:
    script = Script([])
    store = SessionStore.memory()
    executor = Watched()
    session, _events = session_on(script, store, executor)
    begin(session, executor)
    assert session.submit_answer(FIRST)
    assert executor.run_until(script.deciding.is_set)
    assert executor.grades.acquire(timeout=10)  # the early grade is in, not taken
    sid = session.session_id
    assert sid is not None
    assert store.load_session(sid).grades == {}
    session.abandon()  # killed: nothing more written, the lock let go
    executor.shutdown()

    executor2 = ThreadExecutor()
    resumed, _events2 = session_on(script, store, executor2)
    script.decide.set()
    resumed.resume(sid)
    assert executor2.run_until(lambda: resumed.results is not None)
    executor2.shutdown()
    assert script.graded == [(FIRST,), (FIRST,)]
    grade = the_grade(resumed)
    assert list(store.load_session(sid).grades.values()) == [grade]


def test_an_early_grade_taken_while_running_is_saved_on_its_worker() -> None:
    """Taken by the handed-out request before it came back: saved the moment it lands
    on its worker, before the owner thread collects it (a kill then loses nothing)."""
    script = Script([])
    gate = threading.Event()
    grade_of = script.backend.default_grade
    assert grade_of is not None

    def held(request: GradeRequest) -> GradeDraft:
        assert gate.wait(10)
        return grade_of(request)

    script.backend.default_grade = held
    store = SessionStore.memory()
    executor = Watched()
    session, _events = session_on(script, store, executor)
    begin(session, executor)
    assert session.submit_answer(FIRST)
    assert executor.run_until(script.deciding.is_set)
    script.decide.set()
    assert executor.run_until(lambda: session.phase is Phase.GRADING)
    assert session._early is None and session.pending_grades == 1
    gate.set()
    assert executor.grades.acquire(timeout=10)
    # Not delivered yet: the worker alone wrote it.
    assert session.results is None
    assert list(saved_grades(store, session)) == ["q1"]
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert script.graded == [(FIRST,)]


def test_the_terminal_grades_the_last_answer_once_during_the_decision(tmp_path: Path) -> None:
    script = Script([])
    script.decide.set()
    store = SessionStore(tmp_path / "t.sqlite3")
    out = io.StringIO()
    stdin = io.StringIO(f"{FIRST}\n.\n")
    front = TerminalFrontEnd(
        small_library(count=1, limit=1),
        store,
        argparse.Namespace(),
        stdin,
        out,
        backends=(script.backend, None),
    )
    opts = StartOptions("t", question_count=1, follow_ups=True, repeat=True)
    results = front.run(lambda s: s.start(opts))
    _conclude(front, results, argparse.Namespace(report=None))
    assert results.report is not None
    sid = results.report.session_id
    assert sid is not None
    assert script.graded == [(FIRST,)]
    assert results.records[0].grade is not None
    assert list(store.load_session(sid).grades) == ["q1"]
    store.close()


def test_a_follow_up_in_the_terminal_grades_both_answers(tmp_path: Path) -> None:
    script = Script(["How would you measure the variance?"])
    script.decide.set()
    store = SessionStore(tmp_path / "t.sqlite3")
    stdin = io.StringIO(f"{FIRST}\n.\n{THIRD}\n.\n")
    front = TerminalFrontEnd(
        small_library(count=1, limit=1),
        store,
        argparse.Namespace(),
        stdin,
        io.StringIO(),
        backends=(script.backend, None),
    )
    opts = StartOptions("t", question_count=1, follow_ups=True, repeat=True)
    results = front.run(lambda s: s.start(opts))
    store.close()
    assert script.graded[-1] == (FIRST, THIRD)
    grade = results.records[0].grade
    assert grade is not None and all(q.startswith("Cross-validation shows") for q in quotes(grade))


def test_the_adaptive_mode_grades_the_last_answer_early_and_takes_it() -> None:
    script = Script([])
    script.decide.set()
    executor = ThreadExecutor()
    session, _events = session_on(script, SessionStore.memory(), executor, count=3)
    session.start(StartOptions("t", question_count=2, follow_ups=True, repeat=True, adaptive=True))
    answered = 0
    while session.results is None:
        assert executor.run_until(lambda: session.answering or session.results is not None)
        if session.answering:
            assert session.submit_answer([FIRST, SECOND][answered])
            answered += 1
    executor.shutdown()
    assert answered == 2
    assert sorted(script.graded) == [(FIRST,), (SECOND,)]
    assert session.results is not None
    assert all(r.grade is not None for r in session.results.records if r.status == "answered")


# --------------------------------------------------------------------------- feedback page


def muted_colours(card: QWidget) -> list[tuple[str, str]]:
    """(text, colour) of every label in a card, in order."""
    return [
        (label.text(), label.palette().color(QPalette.ColorRole.WindowText).name())
        for label in card.findChildren(QLabel)
    ]


def dark_palette(like: QPalette) -> QPalette:
    pal = QPalette(like)
    pal.setColor(QPalette.ColorRole.Window, QColor("#1e1e1e"))
    pal.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#252526"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    return pal


@pytest.fixture
def one_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each turn of a filling page does one piece: a card taken, or one put on the page
    (so a test can act between turns whatever the machine's speed)."""
    monkeypatch.setattr(feedback_module, "BUILD_BUDGET_MS", 0.0)
    monkeypatch.setattr(feedback_module, "INSERT_BUDGET_MS", 0.0)


def first_card_on(view: FeedbackView) -> None:
    """Turns of the filling page, until its first card is on it."""
    view._glance_wanted = False  # the index's own turns are not what these tests are about
    generation = view._generation
    while not view.cards:
        view._add_next_card(generation)
    assert view.building


@pytest.fixture
def app_palette() -> Any:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QPalette(app.palette())
    yield app
    app.setPalette(before)


def test_a_theme_switch_while_the_page_fills_shows_every_card_in_the_new_colours(
    qtbot: QtBot, app_palette: QApplication, one_piece: None
) -> None:
    records = [graded(f"q{i}") for i in range(1, 5)]
    view = prepared_view(qtbot, records)
    show(view, records)
    first_card_on(view)
    app_palette.setPalette(dark_palette(app_palette.palette()))
    qtbot.waitUntil(lambda: not view.building)
    # What a page built from scratch in the new theme shows.
    fresh = [QuestionCard(i, r, RUBRICS["technical"], total=4) for i, r in enumerate(records, 1)]
    for card in fresh:
        qtbot.addWidget(card)
    assert [muted_colours(c) for c in view.cards] == [muted_colours(c) for c in fresh]


def test_a_window_resized_while_the_page_fills_ends_with_cards_at_its_width(
    qtbot: QtBot, one_piece: None
) -> None:
    records = [graded(f"q{i}", LONG) for i in range(1, 6)]
    view = prepared_view(qtbot, records)
    show(view, records)
    first_card_on(view)
    view.resize(640, 700)  # the window made narrower halfway
    qtbot.waitUntil(lambda: not view.building)
    bar = view.scroll_area.verticalScrollBarPolicy()
    assert bar == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    content = view._content
    assert content is not None
    qtbot.waitUntil(lambda: content.width() == view.scroll_area.viewport().width())
    lay = view._layout
    assert lay is not None
    margins = lay.contentsMargins()
    inner = content.width() - margins.left() - margins.right()
    qtbot.waitUntil(lambda: all(c.width() == inner for c in view.cards))
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))
    assert [texts(c) for c in view.cards] == scratch_texts(qtbot, view, records, RUBRICS)
    # And back to the width it had: laid out at a width measured before, still whole.
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: content.width() == view.scroll_area.viewport().width())
    inner = content.width() - margins.left() - margins.right()
    qtbot.waitUntil(lambda: all(c.width() == inner for c in view.cards))
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


def test_a_short_page_gives_its_scroll_bar_back_and_widens_its_cards(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2")]
    view = prepared_view(qtbot, records)
    view.resize(1000, 3000)  # taller than both cards: no scroll bar once whole
    show(view, records)
    assert view.scroll_area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn
    qtbot.waitUntil(lambda: not view.building)
    assert view.scroll_area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    qtbot.waitUntil(lambda: not view.scroll_area.verticalScrollBar().isVisible())
    content = view._content
    assert content is not None and view._layout is not None
    qtbot.waitUntil(lambda: content.width() == view.scroll_area.viewport().width())
    margins = view._layout.contentsMargins()
    inner = content.width() - margins.left() - margins.right()
    qtbot.waitUntil(lambda: all(c.width() == inner for c in view.cards))
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


@pytest.mark.parametrize("progressive", [True, False])
def test_results_replaced_while_a_batch_fills_show_only_the_new_page(
    qtbot: QtBot, progressive: bool, one_piece: None
) -> None:
    first = [graded(f"q{i}") for i in range(1, 5)]
    view = prepared_view(qtbot, first)
    show(view, first)
    old_generation = view._generation
    first_card_on(view)
    second = [graded(f"q{i}", LONG) for i in range(1, 4)]
    view.show_results(second, summarize(second), RUBRICS, progressive=progressive)
    view._add_next_card(old_generation)  # the old page's next turn: does nothing
    qtbot.waitUntil(lambda: not view.building)
    assert [c.record for c in view.cards] == second
    assert all(any(c.record is r for r in second) for c in view.cards)
    assert view.scroll_area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    lay = view._layout
    assert lay is not None and lay.isEnabled()
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


def test_grades_landing_while_a_batch_fills_update_the_cards_in_place(
    qtbot: QtBot, one_piece: None
) -> None:
    records = [graded(f"q{i}") for i in range(1, 5)]
    last = records[-1]
    last.grade = None
    view = prepared_view(qtbot, records[:-1])
    view.show_results(records, summarize(records), RUBRICS, progressive=True, grading={"q4"})
    first_card_on(view)
    last.grade = page_grade("q4", 40.0, "Landed while the page filled.")
    view.update_results(records, summarize(records), RUBRICS)
    qtbot.waitUntil(lambda: not view.building)
    assert [c.record for c in view.cards] == records
    assert view.cards[-1].record.grade is last.grade
    assert any("Landed while the page filled." in t for t, _shown in texts(view.cards[-1]))
    assert view.scroll_area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


# --------------------------------------------------------------------------- selectable labels


def drag_select(qtbot: QtBot, label: QLabel, start: QPoint) -> None:
    """Press at `start` (in the label) and drag 150 px to the right, as a candidate
    selecting a few words does; the pointer does not move before the press."""
    end = start + QPoint(150, 0)
    qtbot.mousePress(label, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(label, end)
    qtbot.mouseRelease(label, Qt.MouseButton.LeftButton, pos=end)


def first_line(label: QLabel) -> QPoint:
    rect = label.contentsRect()
    return QPoint(rect.left() + 2, rect.top() + label.fontMetrics().height() // 2)


def test_a_selectable_label_the_pointer_came_over_selects_and_copies(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    label = style.plain_label(LONG, selectable=True)
    lay.addWidget(label)
    lay.addStretch(1)  # the label as tall as its text: its first line at its top
    host.resize(500, 400)
    host.show()
    qtbot.waitExposed(host)
    assert not label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    start = first_line(label)
    qtbot.mouseMove(host, QPoint(2, 2))  # the pointer comes in over the window...
    qtbot.mouseMove(label, start)  # ...and then over the label
    drag_select(qtbot, label, start)
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    selected = label.selectedText()
    assert selected and selected in LONG
    # Copy (the label's Ctrl+C) puts it on the clipboard.
    QApplication.clipboard().clear()
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == selected


def test_an_answer_scrolled_under_a_still_pointer_selects_on_the_first_drag(
    qtbot: QtBot,
) -> None:
    records = [graded(f"q{i}", LONG) for i in range(1, 5)]
    view = prepared_view(qtbot, records)
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))
    viewport = view.scroll_area.viewport()
    bar = view.scroll_area.verticalScrollBar()
    content = view._content
    assert content is not None
    point = QPoint(200, 300)
    qtbot.mouseMove(viewport, point)  # the pointer rests over the page
    # The candidate scrolls (the wheel moves the scroll bar) until an answer is under it.
    labels = [c.answers[0].text_label for c in view.cards]
    label = next(
        lb for lb in labels if 0 < lb.mapTo(content, QPoint(0, 0)).y() - 295 <= bar.maximum()
    )
    bar.setValue(label.mapTo(content, QPoint(0, 0)).y() - 295)
    qtbot.waitUntil(lambda: label.rect().contains(label.mapFrom(viewport, point)))
    drag_select(qtbot, label, label.mapFrom(viewport, point))
    assert label.hasSelectedText()


# --------------------------------------------------------------------------- more early grades


def test_a_coding_question_last_is_graded_early_with_its_hidden_tests() -> None:
    from tests.test_coding_cli import REFERENCE
    from tests.test_gui_code_editor import coding_library

    lib, q = coding_library(follow_ups=1)
    script = Script([])
    executor = ThreadExecutor()
    session = InterviewSession(
        lib, SessionStore.memory(), executor, backend=script.backend, rng=random.Random(1)
    )
    session.start(StartOptions("t", question_count=1, follow_ups=True, repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(REFERENCE)
    assert executor.run_until(script.deciding.is_set)
    assert script.grade_started.wait(10)
    assert session._early is not None
    finish(session, executor, script)
    executor.shutdown()
    assert len(script.graded) == 1  # taken: not graded again
    grade = the_grade(session)
    assert grade.question_id == q.id
    assert grade.tests is not None and grade.tests.total > 0
    assert grade.tests.passed == grade.tests.total


def test_the_last_answer_cut_off_by_its_clock_is_graded_early_and_taken() -> None:
    from tests.gui_helpers import FakeClock

    clock = FakeClock()
    script = Script([])
    executor = ThreadExecutor()
    session = InterviewSession(
        small_library(count=1, limit=1, seconds=120),
        SessionStore.memory(),
        executor,
        backend=script.backend,
        clock=clock,
        rng=random.Random(1),
    )
    begin(session, executor)
    session.update_draft(FIRST)
    clock.advance(121)  # the answer's time is up: submitted as written
    session.tick()
    assert executor.run_until(script.deciding.is_set)
    assert script.grade_started.wait(5)
    finish(session, executor, script)
    executor.shutdown()
    assert script.graded == [(FIRST,)]
    assert session.results is not None
    assert session.results.records[0].turns[-1].timed_out
    assert the_grade(session).criteria


def test_the_interview_time_running_out_on_the_last_answer_grades_it_once() -> None:
    """Out of interview time: no follow-up is decided, so nothing is graded early."""
    from tests.gui_helpers import FakeClock

    clock = FakeClock()
    script = Script(["A follow-up there is no time for?"])
    executor = ThreadExecutor()
    lib = small_library(count=1, limit=1, seconds=3000)
    session = InterviewSession(
        lib, SessionStore.memory(), executor, backend=script.backend, clock=clock
    )
    session.start(StartOptions("t", question_count=1, follow_ups=True, repeat=True, minutes=1))
    assert executor.run_until(lambda: session.answering)
    session.update_draft(FIRST)
    clock.advance(61)
    session.tick()
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert not script.deciding.is_set()
    assert script.graded == [(FIRST,)]
    assert the_grade(session).criteria


def test_the_early_grade_keeps_to_the_bound_on_gradings_at_once() -> None:
    from interviewer.session import GRADING_WORKERS

    release = threading.Event()
    lock = threading.Lock()
    running = [0]
    most = [0]

    def slow_grade(request: GradeRequest) -> GradeDraft:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        assert release.wait(10)
        with lock:
            running[0] -= 1
        return quoting_grade(request)

    decisions = [0]
    last_deciding = threading.Event()

    def decide(_request: Any) -> Any:
        decisions[0] += 1
        if decisions[0] == 3:  # the last question's: held while the test looks
            last_deciding.set()
            assert release.wait(10)
        return follow("")

    script = Script([])
    script.backend.default_grade = slow_grade
    script.backend.default_follow_up = decide
    executor = ThreadExecutor()
    session, _events = session_on(script, SessionStore.memory(), executor, count=3)
    try:
        begin(session, executor, count=3)
        for answer in (FIRST, SECOND):
            assert session.submit_answer(answer)
            assert executor.run_until(lambda: session.answering)
        assert session.submit_answer(THIRD)
        assert executor.run_until(last_deciding.is_set)
        # The two earlier answers are being graded; the early grade makes a third.
        assert len(session._grade_jobs) == GRADING_WORKERS
        assert session._early is None
    finally:
        release.set()
        executor.run_until(lambda: session.results is not None)
        executor.shutdown()


def test_an_early_grade_taken_after_a_long_decision_is_timed_as_long_as_its_call() -> None:
    from tests.gui_helpers import FakeClock

    clock = FakeClock()
    release = threading.Event()

    def grader(request: GradeRequest) -> GradeDraft:
        if request.answers[-1].text == FOURTH:  # the last answer's, graded early: 1 s
            clock.advance(1)
        elif request.answers[-1].text == THIRD:  # still running at the end (one worker:
            assert release.wait(10)  # the other is free for the early grade)
        return quoting_grade(request)

    decisions = [0]
    last_deciding = threading.Event()
    decide_last = threading.Event()

    def decide(_request: Any) -> Any:
        decisions[0] += 1
        if decisions[0] == 4:
            last_deciding.set()
            assert decide_last.wait(10)
        return follow("")

    script = Script([])
    script.backend.default_grade = grader
    script.backend.default_follow_up = decide
    executor = ThreadExecutor()
    session, _events = session_on(script, SessionStore.memory(), executor, count=4)
    session.grade_clock = clock
    try:
        begin(session, executor, count=4)
        for answer in (FIRST, SECOND, THIRD):
            assert session.submit_answer(answer)
            assert executor.run_until(lambda: session.answering)
        assert session.submit_answer(FOURTH)
        assert executor.run_until(last_deciding.is_set)
        # Started once a worker is free (the first two grades end at once).
        assert executor.run_until(lambda: session._early is not None)
        early = session._early
        assert early is not None
        assert executor.run_until(lambda: early.fut is not None)
        clock.advance(30)  # the interviewer takes its time deciding
        decide_last.set()
        eng = session.engine
        assert eng is not None
        assert executor.run_until(lambda: eng.records[-1].grade is not None)
        # The early grade is timed as long as its call ran (1 s), not until it was taken
        # after the decision (31 s): the estimate of the grades left rests on it.
        assert session._grade_seconds and max(session._grade_seconds) < 5
        assert any(abs(x - 1.0) < 1e-6 for x in session._grade_seconds)
    finally:
        release.set()
        decide_last.set()
        executor.run_until(lambda: session.results is not None)
        executor.shutdown()
