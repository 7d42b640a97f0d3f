"""Review of session 8's change (cb9a91f, 1afceb4): a Start made while the practice
history is read waits for that read with a busy cursor (`MainWindow.start_interview`,
`Controller.when_history_known`), and the home screen's count shares that read.

The five bugs it found (each first pinned as a strict xfail) are fixed; the comment
above each test says what it was. The others cover paths the change's own tests
(tests/test_start_waits_for_history.py) leave out."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from interviewer.gui import boot
from interviewer.gui.controller import StartOptions
from interviewer.gui.home import practised_text
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.store import SessionStore
from tests.gui_helpers import App, make_app, quoting_grade, settle
from tests.test_gui_history import open_window, three_sessions
from tests.test_gui_store import _interrupt_in_question_two, kill, launch, reader

ONE = StartOptions("t", question_count=1, follow_ups=False)


def _hold_the_writer(controller: Any) -> threading.Event:
    """Keep the store writer's one thread busy until the returned event is set."""
    release = threading.Event()
    controller.writer.run(lambda: release.wait(10), lambda _r, _e: None)
    return release


def _reading(controller: Any) -> threading.Event:
    """The practice history is being read (as after an interview), behind a held writer."""
    release = _hold_the_writer(controller)
    controller._read_history()
    assert controller.known_history() is None
    return release


def _starts(app: Any) -> list[bool]:
    started: list[bool] = []
    app.controller.interview_started.connect(lambda: started.append(True))
    return started


def _to_feedback(qtbot: QtBot, app: App) -> None:
    """A one-question interview, answered and graded: the feedback page is showing."""
    app.window.start_interview(ONE)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText("Regularisation trades variance for bias.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    settle(qtbot)


# --------------------------------------------------------------------------- bugs


# Was a bug (fixed): A Start waiting for the history is not dropped when the window
# closes: the read's callback comes through the store writer (a QObject that outlives
# the window), so while the event loop still runs a new interview starts after the
# window closed and is left in the store as in progress, offered for resuming at the
# next launch.
def test_closing_the_window_while_a_start_waits_starts_nothing(qtbot: QtBot) -> None:
    app = launch(qtbot)  # over a database on disk, as the real app
    release = _reading(app.controller)
    assert app.window.start_interview(ONE)
    release.set()  # the read finishes while the window closes
    assert app.window.close()
    settle(qtbot)
    assert QApplication.overrideCursor() is None
    assert not app.controller.in_interview
    app.controller.flush_writes()
    assert reader().interrupted_sessions() == []  # nothing offered at the next launch


# Was a bug (fixed): Resuming the offered interview while a Start waits does not drop
# the waiting Start: once the read lands it starts a new interview over the resumed one,
# which is then marked unfinished (session.start leaves the current interview).
def test_resuming_while_a_start_waits_keeps_the_resumed_interview(qtbot: QtBot) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    kill(first)
    second = launch(qtbot)
    assert second.window.resume_offer.session_id == sid
    release = _reading(second.controller)
    second.window.home.track_list.setCurrentRow(0)
    second.window.home.start_button.click()  # waits for the read
    assert second.window.stack.currentWidget() is second.window.home
    second.window.resume_offer.resume_button.click()  # changes their mind: resume
    assert second.controller.session_id == sid
    release.set()
    settle(qtbot)
    assert second.controller.session_id == sid  # still the resumed interview
    assert QApplication.overrideCursor() is None
    second.controller.flush_writes()
    row = reader().get_session(sid)
    assert row is not None and row.status == "in_progress"


# Was a bug (fixed): A repeat Start made while a plain Start waits starts at once, and
# the waiting Start then starts a second interview over it (the first is left
# unfinished); the busy cursor stays up over the running interview until the read lands.
def test_a_repeat_start_while_a_start_waits_starts_one_interview(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    started = _starts(app)
    release = _reading(app.controller)
    app.window.start_interview(ONE)  # waits
    # Ticks "repeat questions" and presses Start again: this one does not wait.
    repeat = StartOptions("t", question_count=2, follow_ups=False, repeat=True)
    assert app.window.start_interview(repeat)
    assert app.controller.in_interview
    assert QApplication.overrideCursor() is None  # the wait is over: it started
    release.set()
    settle(qtbot)
    assert started == [True]
    engine = app.controller.engine
    assert engine is not None and len(engine.records) == 2  # the last click's options


# Was a bug (fixed): _read_history's done() hands each waiter dict(self._history), read
# again per waiter: when the waiting Start (called first) starts the interview, Started
# sets _history to None and the next waiter (the home screen's count, added by going
# home meanwhile) raises TypeError; later waiters are lost.
def test_going_home_while_practise_again_waits_raises_nothing(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    app = make_app(qtbot, backend)
    _to_feedback(qtbot, app)
    feedback = app.window.feedback
    release = _reading(app.controller)  # the read after the interview is still on its way
    with qtbot.captureExceptions() as raised:
        feedback.practise_button.click()  # waits for the read
        assert app.window.stack.currentWidget() is feedback
        feedback.home_button.click()  # then goes home: its count waits for a read too
        assert app.window.stack.currentWidget() is app.window.home
        release.set()
        settle(qtbot)
    assert [str(e[1]) for e in raised] == []
    assert QApplication.overrideCursor() is None


# Was a bug (fixed): show_home's count now comes from the controller's cached copy,
# which no delete refreshes (History's 'Delete all data' or one interview deleted):
# after deleting everything the home screen still says the track's questions were
# practised. Before cb9a91f show_home read the store each time.
def test_the_home_count_after_deleting_all_data_says_nothing_practised(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    app = make_app(qtbot, backend)
    _to_feedback(qtbot, app)
    app.window.feedback.home_button.click()
    settle(qtbot)
    home = app.window.home
    home.track_list.setCurrentRow(0)
    assert home.track_bank.text() == practised_text(2, 1)  # the interview counted
    app.window.show_history()
    settle(qtbot)
    app.window.history.delete_all_button.click()  # confirmed (the test's default: yes)
    settle(qtbot)
    assert app.controller.store.question_history() == {}
    app.window.show_home()
    settle(qtbot)
    assert home.track_bank.text() == practised_text(2, 0)


# --------------------------------------------------------------------------- right


def test_an_offer_is_kept_as_unfinished_only_once_the_waiting_start_starts(
    qtbot: QtBot,
) -> None:
    first, sid = _interrupt_in_question_two(qtbot)
    kill(first)
    second = launch(qtbot)
    assert second.window.resume_offer.session_id == sid
    release = _reading(second.controller)
    second.window.home.track_list.setCurrentRow(0)
    second.window.home.start_button.click()
    assert second.window.resume_offer.pending  # still on offer while the start waits
    row = reader().get_session(sid)
    assert row is not None and row.status == "in_progress"
    release.set()
    qtbot.waitUntil(lambda: second.controller.in_interview)
    settle(qtbot)
    assert not second.window.resume_offer.pending
    row = reader().get_session(sid)
    assert row is not None and row.status == "abandoned"
    assert QApplication.overrideCursor() is None


def test_a_start_that_fails_after_waiting_says_why_and_gives_the_cursor_back(
    qtbot: QtBot,
) -> None:
    app = make_app(qtbot)
    release = _reading(app.controller)
    assert app.window.start_interview(StartOptions("no-such-track", question_count=1))
    release.set()
    settle(qtbot)
    assert not app.controller.in_interview
    assert app.window.stack.currentWidget() is app.window.home
    assert app.window.banner.level == "error" and app.window.banner.text.text()
    assert QApplication.overrideCursor() is None


def test_enter_twice_on_home_while_reading_starts_once_with_one_cursor(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    started = _starts(app)
    release = _reading(app.controller)
    home = app.window.home
    home.track_list.setCurrentRow(0)
    home.setFocus()
    qtbot.keyClick(home, "\r")
    qtbot.keyClick(home, "\r")
    assert app.window.stack.currentWidget() is home
    assert QApplication.overrideCursor() is not None
    release.set()
    qtbot.waitUntil(lambda: app.controller.in_interview)
    settle(qtbot)
    assert started == [True]
    assert QApplication.overrideCursor() is None


def test_only_the_last_of_two_reads_sets_the_home_count(qtbot: QtBot, monkeypatch: Any) -> None:
    app = make_app(qtbot)
    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(app.window.home, "set_history", lambda h: shown.append(dict(h)))
    release = _reading(app.controller)  # one read at the interview's end
    app.controller._read_history()  # another behind it (the candidate left)
    app.window.show_home()
    assert shown == []
    release.set()
    settle(qtbot)
    assert len(shown) == 1
    assert app.controller.known_history() == shown[0]


def test_an_unreadable_history_still_fills_the_home_count(qtbot: QtBot, monkeypatch: Any) -> None:
    app = make_app(qtbot)
    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(app.window.home, "set_history", lambda h: shown.append(dict(h)))

    def broken(self: SessionStore) -> Any:
        raise OSError("disk gone")

    monkeypatch.setattr(SessionStore, "question_history", broken)
    release = _reading(app.controller)
    app.window.show_home()
    release.set()
    settle(qtbot)
    assert shown == [{}]


def test_practise_weak_topics_while_reading_waits_then_starts_that_practice(
    qtbot: QtBot,
) -> None:
    win = open_window(qtbot)
    three_sessions(win.store, win.controller.library)
    win.window.progress_action.trigger()
    settle(qtbot)
    progress = win.window.progress
    assert progress.topics
    release = _reading(win.controller)
    progress.practise_button.click()
    assert win.window.stack.currentWidget() is progress  # waits, on the progress screen
    assert QApplication.overrideCursor() is not None
    release.set()
    qtbot.waitUntil(lambda: win.window.stack.currentWidget() is win.window.interview)
    settle(qtbot)
    engine = win.controller.engine
    assert engine is not None and engine.track.name.startswith("Weak topics:")
    assert QApplication.overrideCursor() is None


def test_the_skeletons_replayed_start_waits_with_one_cursor_then_starts(qtbot: QtBot) -> None:
    shell = boot.Shell([])
    qtbot.addWidget(shell)
    shell.show()
    shell.skeleton.requested.emit("start", "t")  # Start clicked while loading
    assert shell.pending == ("start", "t")
    app = make_app(qtbot)
    started = _starts(app)
    release = _reading(app.controller)  # the launch's read is still on its way
    shell.attach(app.window)  # replays the click
    assert app.window.stack.currentWidget() is app.window.home
    assert shell.cursor().shape() != Qt.CursorShape.BusyCursor  # the skeleton's, gone
    assert QApplication.overrideCursor() is not None  # the start's own wait
    release.set()
    qtbot.waitUntil(lambda: app.controller.in_interview)
    settle(qtbot)
    assert started == [True]
    assert QApplication.overrideCursor() is None
