"""Nothing lost, through the real window: autosave, resume after a kill or a close, declining.

Each app here opens the session database under the test's INTERVIEWER_HOME, as the real
app does; a second window over the same folder stands in for the next launch. What the
store holds is read through a separate connection, so a test sees only committed data.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from interviewer.core.content import ContentLibrary
from interviewer.core.engine import Phase
from interviewer.core.models import GradeDraft
from interviewer.core.requests import GradeRequest
from interviewer.gui.controller import Controller, StartOptions, open_store
from interviewer.gui.main_window import MainWindow
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore
from tests.factories import follow
from tests.gui_helpers import Confirmations, FakeClock, quoting_grade, settle, small_library

ANSWER_1 = "Bias is error from wrong assumptions; a biased model underfits."
FOLLOW_1 = "Compare training and validation error: a large gap means high variance."
DRAFT_2 = "Variance is how much the fit moves with the sample, so"


@dataclass
class StoredApp:
    window: MainWindow
    controller: Controller
    backend: ScriptedBackend
    clock: FakeClock
    confirm: Confirmations


def launch(
    qtbot: QtBot,
    library: ContentLibrary | None = None,
    backend: ScriptedBackend | None = None,
) -> StoredApp:
    """One launch of the app over this test's INTERVIEWER_HOME, with its own clock."""
    backend = backend or ScriptedBackend(
        default_turn=lambda r: f"Question: {r.question.text}" if r.question else "Thanks, bye.",
        default_grade=quoting_grade,
    )
    backend.default_follow_up = backend.default_follow_up or (lambda r: follow(""))
    clock = FakeClock()
    confirm = Confirmations()
    controller = Controller(
        library or small_library(),
        Settings(),
        SecretStore(),
        backend=backend,
        clock=clock,
        rng=random.Random(0),
        store=open_store(),
    )
    window = MainWindow(controller, confirm=confirm)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)  # the resume offer is read off the GUI thread
    return StoredApp(window, controller, backend, clock, confirm)


def reader() -> SessionStore:
    """A second connection to the app's database: it sees only what was committed."""
    return SessionStore(app_paths().database)


def kill(app: StoredApp) -> None:
    """Stand-in for SIGKILL: the app forgets the interview without saving or marking it
    (`abandon` writes nothing), and whatever its workers still return is ignored.

    A killed process's session lock goes with it at once; here it is let go once the
    writes queued before are done, on a later turn of the event loop: the next app must
    not be launched before (it said "open in another process" about one run in ten)."""
    lock = app.controller.session._lock
    app.controller.abandon()
    deadline = time.monotonic() + 10
    while lock is not None and lock.held and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    assert lock is None or not lock.held, "the killed app never let go of its session"


def answer(qtbot: QtBot, app: StoredApp, text: str) -> None:
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText(text)
    app.window.interview.submit_action.trigger()


def begin(qtbot: QtBot, app: StoredApp) -> None:
    app.window.home.track_list.setCurrentRow(0)
    qtbot.mouseClick(app.window.home.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.controller.answering)


def test_every_answer_is_committed_the_moment_it_is_submitted(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.enqueue_follow_up(follow("How would you detect high variance?"), follow(""))
    app = launch(qtbot, backend=backend)
    begin(qtbot, app)
    sid = app.controller.session_id
    assert sid is not None
    db = reader()
    row = db.get_session(sid)
    assert row is not None and row.status == "in_progress" and row.track_name == "Test track"
    plan = db.load_session(sid).plan
    engine = app.controller.engine
    assert engine is not None
    assert plan.question_ids == [r.question.id for r in engine.records]
    assert sorted(plan.question_ids) == ["q1", "q2"] and plan.duration_seconds == 1800
    assert plan.answer_seconds == {"q1": 120, "q2": 120} and plan.follow_up_limit == 1

    app.window.interview.answer.setPlainText(ANSWER_1)
    app.window.interview.submit_action.trigger()
    # Written off the GUI thread; the interview moves on (the follow-up is asked) only
    # once it is committed.
    qtbot.waitUntil(lambda: app.controller.answering)
    texts = [t.text for t in db.load_session(sid).turns if t.role == "candidate"]
    assert texts == [ANSWER_1]

    answer(qtbot, app, FOLLOW_1)
    qtbot.waitUntil(lambda: app.controller.answering)
    assert [t.text for t in db.load_session(sid).turns if t.role == "candidate"] == [
        ANSWER_1,
        FOLLOW_1,
    ]
    follow_up = [t for t in db.load_session(sid).turns if t.kind == "follow_up"]
    assert [t.text for t in follow_up] == ["How would you detect high variance?"]

    answer(qtbot, app, "High variance: the fit changes with the sample.")
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    # The finished report is written off the GUI thread too: it lands moments after the
    # window has the results.
    qtbot.waitUntil(lambda: db.load_session(sid).row.status == "finished", timeout=10_000)
    stored = db.load_session(sid)
    assert set(stored.grades) == {"q1", "q2"}  # each grade was saved as it arrived
    assert stored.report is not None and stored.report.session_id == sid
    assert stored.report.summary.overall_score == stored.row.overall_score
    assert [t.text for t in stored.turns if t.role == "candidate"] == [
        ANSWER_1,
        FOLLOW_1,
        "High variance: the fit changes with the sample.",
    ]
    assert stored.draft is None


def test_the_draft_is_saved_with_both_clocks_while_typing(qtbot: QtBot) -> None:
    app = launch(qtbot)
    begin(qtbot, app)
    c, sid = app.controller, app.controller.session_id
    assert sid is not None
    assert c.autosave_timer.isActive() and c.autosave_timer.interval() <= 3000
    db = reader()
    app.clock.advance(30)
    app.window.interview.answer.setPlainText("Bias is")
    c.autosave_timer.timeout.emit()
    qtbot.waitUntil(lambda: not c.session.saving)  # written off the GUI thread
    draft = db.load_session(sid).draft
    assert c.engine is not None and c.engine.current is not None
    assert draft is not None and draft.text == "Bias is"
    assert draft.question_id == c.engine.current.question.id
    assert draft.question_seconds_left == 90 and draft.interview_seconds_left == 1800 - 30
    assert not c.save_draft()  # nothing changed: no write

    # The real timer fires on its own too.
    app.window.interview.answer.setPlainText("Bias is error from wrong assumptions")
    c.autosave_timer.setInterval(20)
    qtbot.waitUntil(
        lambda: (d := db.load_session(sid).draft) is not None and d.text.endswith("assumptions")
    )

    # Pausing saves at once, with the clocks as they stopped.
    app.clock.advance(5)
    app.window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
    c.pause()
    qtbot.waitUntil(lambda: not c.session.saving)
    draft = db.load_session(sid).draft
    assert draft is not None and draft.text.endswith("assumptions.")
    assert draft.question_seconds_left == 85 and draft.interview_seconds_left == 1800 - 35


def _interrupt_in_question_two(qtbot: QtBot) -> tuple[StoredApp, str]:
    first = launch(qtbot)
    begin(qtbot, first)
    sid = first.controller.session_id
    assert sid is not None
    first.clock.advance(50)
    answer(qtbot, first, ANSWER_1)
    qtbot.waitUntil(lambda: first.controller.answering)
    first.clock.advance(40)
    first.window.interview.answer.setPlainText(DRAFT_2)
    first.controller.autosave_timer.timeout.emit()
    return first, sid


def test_a_killed_interview_is_offered_and_resumed_exactly(qtbot: QtBot) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    shown = [b.text for b in first.window.interview.transcript.bubbles]
    kill(first)

    second = launch(qtbot)
    offer = second.window.resume_offer
    assert offer.isVisibleTo(second.window) and offer.session_id == sid
    assert (
        "Test track" in offer.detail.text() and "1 of 2 questions answered" in offer.detail.text()
    )
    assert "is saved" in offer.detail.text()  # the draft
    qtbot.mouseClick(offer.resume_button, Qt.MouseButton.LeftButton)

    c, view = second.controller, second.window.interview
    assert not offer.isVisibleTo(second.window)
    assert second.window.stack.currentWidget() is view and c.answering
    assert c.session_id == sid
    assert "Question 2 of 2" in view.progress.text()
    assert view.answer.toPlainText() == DRAFT_2 and not view.answer.isReadOnly()
    assert c.engine is not None and c.engine.draft == DRAFT_2
    clocks = c.clock_state()
    assert clocks.question_left == 120 - 40
    assert clocks.interview_left == 1800 - 50 - 40
    assert clocks.question_limit == 120 and clocks.running
    assert len(shown) == 3 and shown[1] == ANSWER_1
    assert [b.text for b in view.transcript.bubbles] == shown
    # It carries on to the end; nothing was written twice.
    second.window.interview.answer.insertPlainText(" more data helps.")
    second.window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            second.window.stack.currentWidget() is second.window.feedback
            and second.controller.results is not None
        )
    )
    stored = reader().load_session(sid)
    assert stored.row.status == "finished"
    answers = [t.text for t in stored.turns if t.role == "candidate"]
    assert answers == [ANSWER_1, DRAFT_2 + " more data helps."]
    assert len([t for t in stored.turns if t.kind == "question"]) == 2


def test_closing_mid_interview_saves_and_leaves_it_resumable(qtbot: QtBot) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    first.clock.advance(7)
    first.window.interview.answer.setPlainText(DRAFT_2 + " more")
    first.confirm.answers = [True]
    assert first.window.close()
    assert first.confirm.asked == ["Quit during the interview?"]
    stored = reader().load_session(sid)
    assert stored.row.status == "in_progress"
    assert stored.draft is not None and stored.draft.text == DRAFT_2 + " more"
    assert stored.draft.question_seconds_left == 120 - 47

    second = launch(qtbot)
    assert second.window.resume_offer.session_id == sid
    second.window.resume_offer.resume_button.click()
    assert second.window.interview.answer.toPlainText() == DRAFT_2 + " more"
    assert second.controller.clock_state().question_left == 120 - 47
    assert second.controller.clock_state().interview_left == 1800 - 50 - 47


def test_declining_keeps_it_in_history_as_unfinished(qtbot: QtBot) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    kill(first)
    second = launch(qtbot)
    second.window.resume_offer.keep_button.click()
    assert not second.window.resume_offer.isVisibleTo(second.window)
    settle(qtbot)  # marked unfinished off the GUI thread
    row = reader().get_session(sid)
    assert row is not None and row.status == "abandoned"
    assert second.window.banner.level == "info" and "History" in second.window.banner.text.text()
    third = launch(qtbot)
    assert not third.window.resume_offer.isVisibleTo(third.window)
    third.window.show_history()
    settle(qtbot)
    assert third.window.history.model.rows[0].id == sid
    assert third.window.history.model.data(third.window.history.model.index(0, 6)) == "Unfinished"


def test_starting_another_interview_declines_the_offer(qtbot: QtBot) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    kill(first)
    second = launch(qtbot)
    assert second.window.resume_offer.pending
    begin(qtbot, second)
    assert not second.window.resume_offer.pending
    settle(qtbot)  # marked unfinished off the GUI thread
    db = reader()
    row = db.get_session(sid)
    assert row is not None and row.status == "abandoned"
    assert [r.id for r in db.interrupted_sessions()] == [second.controller.session_id]


def test_a_question_gone_from_the_bank_cannot_resume_but_can_be_kept(qtbot: QtBot) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    kill(first)
    library = small_library()
    del library.questions["q2"]
    second = launch(qtbot, library=library)
    offer = second.window.resume_offer
    assert offer.isVisibleTo(second.window)
    assert "cannot be resumed" in offer.title.text()
    assert "q2" in offer.detail.text() and "no longer in the question bank" in offer.detail.text()
    assert not offer.resume_button.isVisibleTo(second.window)
    assert not second.controller.resume_session(sid)  # and the controller agrees
    assert second.window.banner.level == "error"
    offer.keep_button.click()
    settle(qtbot)  # marked unfinished off the GUI thread
    row = reader().get_session(sid)
    assert row is not None and row.status == "abandoned"


def test_leaving_an_interview_keeps_it_as_unfinished(qtbot: QtBot) -> None:
    app = launch(qtbot)
    begin(qtbot, app)
    sid = app.controller.session_id
    assert sid is not None
    app.window.interview.answer.setPlainText("half")
    app.confirm.answers = [True]
    app.window.new_action.trigger()
    assert app.window.stack.currentWidget() is app.window.home
    settle(qtbot)  # the draft and the status are written off the GUI thread
    stored = reader().load_session(sid)
    assert stored.row.status == "abandoned"
    assert stored.draft is not None and stored.draft.text == "half"


def test_store_notice_is_shown_in_the_banner(qtbot: QtBot) -> None:
    db = app_paths().database
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"this is not a database at all" * 10)
    app = launch(qtbot)
    assert app.window.banner.isVisibleTo(app.window)
    assert "moved aside" in app.window.banner.text.text()
    begin(qtbot, app)  # the fresh database works
    assert reader().get_session(app.controller.session_id or "") is not None


def test_a_weak_topics_practice_resumes_under_its_own_name(qtbot: QtBot) -> None:
    first = launch(qtbot)
    track = first.controller.library.track("t").model_copy(
        update={"name": "Weak topics: bias-variance", "questions": ["q2"], "question_count": 1}
    )
    assert first.window.start_interview(
        StartOptions("t", question_count=1, minutes=10, track=track)
    )
    qtbot.waitUntil(lambda: first.controller.answering)
    sid = first.controller.session_id
    kill(first)
    second = launch(qtbot)
    assert second.window.resume_offer.session_id == sid
    second.window.resume_offer.resume_button.click()
    engine = second.controller.engine
    assert engine is not None and engine.track.name == "Weak topics: bias-variance"
    assert [r.question.id for r in engine.records] == ["q2"] and engine.duration == 600


def test_killed_while_grading_resumes_into_grading_and_feedback(qtbot: QtBot) -> None:
    release = threading.Event()

    def slow_grade(request: GradeRequest) -> GradeDraft:
        release.wait(10)
        return quoting_grade(request)

    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=slow_grade)
    first = launch(qtbot, backend=backend)
    begin(qtbot, first)
    sid = first.controller.session_id
    answer(qtbot, first, ANSWER_1)
    answer(qtbot, first, "Variance is sensitivity to the sample.")
    qtbot.waitUntil(lambda: first.controller.phase is Phase.GRADING)
    kill(first)
    release.set()
    assert first.controller.wait_for_workers()
    stored = reader().load_session(sid or "")
    # Each grade is saved the moment it arrives, on its worker, although the window that
    # asked for it is gone (issue 13): a resume does not pay for it again.
    assert stored.row.status == "in_progress" and set(stored.grades) == {"q1", "q2"}

    second = launch(qtbot)
    offer = second.window.resume_offer
    assert offer.session_id == sid and "2 of 2 questions answered" in offer.detail.text()
    offer.resume_button.click()
    qtbot.waitUntil(
        lambda: (
            second.window.stack.currentWidget() is second.window.feedback
            and second.controller.results is not None
        )
    )
    stored = reader().load_session(sid or "")
    assert stored.row.status == "finished" and set(stored.grades) == {"q1", "q2"}
    assert stored.report is not None and stored.report.summary.answered == 2
    qtbot.waitUntil(lambda: not second.window.feedback.building)
    assert len(second.window.feedback.cards) == 2
