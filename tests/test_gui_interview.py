"""The interview through the real main window, with the scripted backend on worker threads."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from interviewer.core.engine import Phase
from interviewer.core.errors import BackendError
from interviewer.llm.scripted import ScriptedBackend
from tests.factories import follow
from tests.gui_helpers import MAIN_THREAD, make_app, quoting_grade, start

ANSWER_1 = "Bias is error from wrong assumptions, so the model can underfit the data."
FOLLOW_1 = "Watch the variance: a big gap between training and validation error means overfit."
ANSWER_2 = "High variance means the fit changes a lot with the sample.\nMore data helps."


def test_whole_interview_by_typing_reaches_feedback_with_scores(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_grade=quoting_grade)
    backend.enqueue_turn("Welcome! **First question:** explain bias.", "Next: variance.", "Bye.")
    backend.enqueue_follow_up(follow("How would you detect high variance?"), follow(""))
    app = make_app(qtbot, backend)
    view = app.window.interview
    start(qtbot, app)

    qtbot.waitUntil(lambda: app.controller.answering)
    assert view.transcript.bubbles[0].text == "Welcome! **First question:** explain bias."
    assert view.answer.hasFocus() or not view.answer.isReadOnly()
    qtbot.keyClicks(view.answer, ANSWER_1)
    assert view.words.text() == f"{len(ANSWER_1.split())} words"
    qtbot.keyClick(view.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    # The follow-up is asked, and shown as one.
    qtbot.waitUntil(lambda: app.controller.answering)
    assert view.transcript.bubbles[-1].text == "How would you detect high variance?"
    assert "follow-up" in view.transcript.bubbles[-1].caption.text()
    assert "follow-up" in view.progress.text()
    assert view.transcript.bubbles[-2].text == ANSWER_1
    qtbot.keyClicks(view.answer, FOLLOW_1)
    qtbot.mouseClick(view.submit_button, Qt.MouseButton.LeftButton)

    # Question 1 is graded in the background while question 2 is answered.
    qtbot.waitUntil(lambda: app.controller.answering)
    assert "Question 2 of 2" in view.progress.text()
    qtbot.waitUntil(lambda: len(backend.calls_of("grade")) == 1)
    view.answer.setPlainText(ANSWER_2)
    view.submit_action.trigger()

    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    results = app.controller.results
    assert results is not None
    assert [r.status for r in results.records] == ["answered", "answered"]
    assert all(r.grade is not None and r.grade.overall_score > 0 for r in results.records)
    assert results.summary.overall_score is not None and results.summary.overall_score > 0
    # The overview shows at once; the question cards follow one per event-loop turn.
    qtbot.waitUntil(lambda: not app.window.feedback.building)
    assert len(app.window.feedback.cards) == 2
    # What was typed reached the grader unchanged, follow-up answer included.
    graded = [c.request for c in backend.calls_of("grade")]
    assert [t.text for t in graded[0].answers] == [ANSWER_1, FOLLOW_1]
    assert [t.text for t in graded[1].answers] == [ANSWER_2]
    # Every model call ran off the GUI thread.
    assert len(backend.calls) == 3 + 2 + 2
    assert all(c.thread != MAIN_THREAD for c in backend.calls)


def test_interviewer_text_streams_into_the_transcript(qtbot: QtBot) -> None:
    text = "Let us begin with a question about the bias and variance of models. " * 3
    backend = ScriptedBackend(chunk_size=4, chunk_delay=0.01, default_grade=quoting_grade)
    backend.enqueue_turn(text)
    app = make_app(qtbot, backend)
    view = app.window.interview
    start(qtbot, app)
    assert view.busy_row.isVisible()
    assert "writing" in view.busy_label.text()
    # Part of the text is on screen before the whole turn has arrived.
    qtbot.waitUntil(lambda: 0 < len(view.transcript.bubbles[0].text) < len(text.strip()))
    assert view.transcript.streaming
    qtbot.waitUntil(lambda: app.controller.answering)
    assert not view.transcript.streaming
    assert view.transcript.bubbles[0].text == text.strip()
    assert not view.busy_row.isVisible()


def test_timer_expiry_submits_the_draft_unchanged(qtbot: QtBot) -> None:
    app = make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade))
    app.backend.enqueue_follow_up(follow(""))
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    draft = "  half an answer\nwith a second line and trailing space "
    qtbot.keyClicks(view.answer, "  half an answer")
    view.answer.appendPlainText("with a second line and trailing space ")
    assert app.controller.engine is not None and app.controller.engine.draft == draft

    app.clock.advance(121)  # the question allows 120 s; the window's timer notices
    record = app.controller.engine.records[0]
    qtbot.waitUntil(lambda: record.answered)
    answer = next(t for t in record.turns if t.role == "candidate")
    assert answer.text == draft
    assert answer.timed_out
    qtbot.waitUntil(lambda: app.controller.answering)  # question 2
    assert view.answer.toPlainText() == ""  # the box empties: the text is in the transcript
    assert view.transcript.bubbles[1].text == draft
    assert "Time is up" in app.window.banner.text.text()


def test_clock_colour_changes_as_time_runs_low(qtbot: QtBot) -> None:
    app = make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade))
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    clock = app.window.interview.question_clock
    app.controller.tick()
    assert clock.state == "normal" and clock.time.text() == "2:00"
    app.clock.advance(95)
    app.controller.tick()
    assert clock.state == "warning" and clock.time.text() == "0:25"
    app.clock.advance(20)
    app.controller.tick()
    assert clock.state == "critical"
    assert clock.colour() != app.window.interview.interview_clock.colour()


def test_pause_stops_both_clocks_and_hides_the_question(qtbot: QtBot) -> None:
    app = make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade))
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    qtbot.keyClicks(view.answer, "thinking out loud")
    app.clock.advance(10)
    app.controller.tick()
    engine = app.controller.engine
    assert engine is not None
    before = (engine.question_seconds_left(), engine.interview_seconds_left())
    shown = (view.question_clock.time.text(), view.interview_clock.time.text())

    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    assert app.controller.paused
    assert not view.transcript.isVisible() and not view.answer.isVisible()
    assert view.paused_page.isVisible()
    assert not view.submit_action.isEnabled()
    app.clock.advance(500)  # far past the question's limit
    app.controller.tick()
    assert (engine.question_seconds_left(), engine.interview_seconds_left()) == before
    assert (view.question_clock.time.text(), view.interview_clock.time.text()) == shown
    assert engine.phase is Phase.ANSWERING

    view.pause_action.trigger()  # Ctrl+P again resumes
    assert not app.controller.paused
    assert view.answer.isVisible() and view.answer.toPlainText() == "thinking out loud"
    app.clock.advance(5)
    app.controller.tick()
    assert engine.question_seconds_left() == before[0] - 5


def test_end_interview_asks_first_and_keeps_the_draft(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    app = make_app(qtbot, backend)
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    qtbot.keyClicks(view.answer, "Bias is error from wrong assumptions")

    app.confirm.answers = [False]
    view.end_action.trigger()
    assert app.confirm.asked == ["End the interview?"]
    assert app.controller.answering  # said no: nothing happened
    assert view.answer.toPlainText() == "Bias is error from wrong assumptions"

    app.confirm.answers = [True]
    qtbot.mouseClick(view.end_button, Qt.MouseButton.LeftButton)
    assert app.confirm.asked == ["End the interview?", "End the interview?"]
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    results = app.controller.results
    assert results is not None and results.ended_early
    assert results.records[0].turns[-1].text == "Bias is error from wrong assumptions"
    assert results.records[1].status == "unasked"


def test_cancel_during_a_slow_call_leaves_the_app_usable(qtbot: QtBot) -> None:
    slow = "word " * 400
    backend = ScriptedBackend(chunk_size=2, chunk_delay=0.02, default_grade=quoting_grade)
    backend.enqueue_turn(slow)
    backend.default_turn = lambda r: "Second question?"
    backend.enqueue_follow_up(follow(""))
    app = make_app(qtbot, backend)
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: view.transcript.streaming and view.cancel_button.isEnabled())
    assert view.busy_row.isVisible()

    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    # At once: the question is asked as written in the bank, the box is open.
    assert app.controller.answering
    engine = app.controller.engine
    assert engine is not None
    assert view.transcript.bubbles[-1].text == engine.records[0].question.text
    assert not view.busy_row.isVisible()
    assert not view.answer.isReadOnly()

    backend.chunk_delay = 0
    qtbot.keyClicks(view.answer, "Bias is error from wrong assumptions.")
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: app.controller.answering and engine.index == 1)
    assert view.transcript.bubbles[-1].text == "Second question?"
    # The cancelled stream never shows up later, even once its worker has returned.
    assert app.controller.wait_for_workers()
    QCoreApplication.processEvents()
    assert all(slow.strip()[:20] not in b.text for b in view.transcript.bubbles)


def test_backend_failure_shows_a_message_and_loses_nothing(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.enqueue_follow_up(
        BackendError("Nothing answered at http://127.0.0.1:11434/v1. Is Ollama running?"),
        follow("How would you detect high variance?"),
    )
    app = make_app(qtbot, backend, offline=None)
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    typed = "A long answer I do not want to type again: bias, variance, underfit."
    qtbot.keyClicks(view.answer, typed)
    view.submit_action.trigger()

    qtbot.waitUntil(lambda: view.failure_row.isVisible())
    assert "Is Ollama running?" in view.failure_label.text()
    assert "Traceback" not in view.failure_label.text()
    assert view.transcript.bubbles[-1].text == typed  # still on screen
    engine = app.controller.engine
    assert engine is not None and engine.records[0].turns[-1].text == typed
    assert view.skip_button.isEnabled() and view.end_button.isEnabled()

    qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.controller.answering)
    assert view.transcript.bubbles[-1].text == "How would you detect high variance?"
    assert not view.failure_row.isVisible()


def test_failed_question_can_continue_without_the_model(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_grade=quoting_grade)
    backend.enqueue_turn(BackendError("The model 'llama9' is not installed on the server."))
    app = make_app(qtbot, backend, offline=None)
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: view.failure_row.isVisible())
    assert "llama9" in view.failure_label.text()
    assert not view.transcript.streaming
    qtbot.mouseClick(view.continue_button, Qt.MouseButton.LeftButton)
    assert app.controller.answering
    engine = app.controller.engine
    assert engine is not None
    assert view.transcript.bubbles[-1].text == engine.records[0].question.text


def test_skip_with_text_asks_and_keeps_it_in_the_transcript(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    app = make_app(qtbot, backend)
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    qtbot.keyClicks(view.answer, "not sure")
    app.confirm.answers = [False]
    view.skip_action.trigger()
    engine = app.controller.engine
    assert engine is not None and engine.index == 0
    app.confirm.answers = [True]
    view.skip_action.trigger()
    qtbot.waitUntil(lambda: app.controller.answering and engine.index == 1)
    record = engine.records[0]
    assert record.status == "skipped" and record.turns[-1].text == "not sure"
    assert app.confirm.asked == ["Skip this question?", "Skip this question?"]
