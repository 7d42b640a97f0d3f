"""A Start made while the practice history is still being read waits for that read
(issue 18): the window thread never reads the store for it, the home screen's count and
the start share one read, and the wait shows as a busy cursor."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from interviewer.gui.controller import StartOptions
from interviewer.storage.store import SessionStore
from tests.gui_helpers import App, make_app, settle


def _hold_the_writer(app: App) -> threading.Event:
    """Keep the store writer's one thread busy until the returned event is set."""
    release = threading.Event()
    app.controller.writer.run(lambda: release.wait(10), lambda _r, _e: None)
    return release


def _count_history_reads(monkeypatch: Any) -> list[str]:
    threads: list[str] = []
    real = SessionStore.question_history

    def counted(self: SessionStore) -> Any:
        threads.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(SessionStore, "question_history", counted)
    return threads


def test_a_start_during_the_read_waits_for_it_off_the_window_thread(
    qtbot: QtBot, monkeypatch: Any
) -> None:
    app = make_app(qtbot)
    release = _hold_the_writer(app)
    app.controller._read_history()  # as after an interview: the copy is being renewed
    assert app.controller.known_history() is None
    reads = _count_history_reads(monkeypatch)

    assert app.window.start_interview(StartOptions("t", question_count=1, follow_ups=False))
    assert app.window.stack.currentWidget() is app.window.home  # not yet: it waits
    assert QApplication.overrideCursor() is not None  # and shows that it does
    assert not app.controller.in_interview

    release.set()
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.interview)
    assert app.controller.in_interview
    assert QApplication.overrideCursor() is None
    assert reads and threading.main_thread().name not in reads


def test_a_second_click_while_waiting_starts_one_interview_with_its_options(
    qtbot: QtBot,
) -> None:
    app = make_app(qtbot)
    release = _hold_the_writer(app)
    app.controller._read_history()
    started: list[bool] = []
    app.controller.interview_started.connect(lambda: started.append(True))
    app.window.start_interview(StartOptions("t", question_count=1, follow_ups=False))
    app.window.start_interview(StartOptions("t", question_count=2, follow_ups=False))
    release.set()
    qtbot.waitUntil(lambda: app.controller.in_interview)
    settle(qtbot)
    assert started == [True]
    engine = app.controller.engine
    assert engine is not None and len(engine.records) == 2
    assert QApplication.overrideCursor() is None  # one wait, one cursor, restored


def test_a_repeat_start_does_not_wait_for_the_history(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    release = _hold_the_writer(app)
    app.controller._read_history()
    try:
        assert app.window.start_interview(
            StartOptions("t", question_count=1, follow_ups=False, repeat=True)
        )
        assert app.window.stack.currentWidget() is app.window.interview
    finally:
        release.set()


def test_the_home_screen_count_and_a_start_share_one_read(qtbot: QtBot, monkeypatch: Any) -> None:
    app = make_app(qtbot)
    reads = _count_history_reads(monkeypatch)
    release = _hold_the_writer(app)
    app.controller._read_history()
    app.window.show_home()  # its count waits for the same read
    app.window.start_interview(StartOptions("t", question_count=1, follow_ups=False))
    release.set()
    qtbot.waitUntil(lambda: app.controller.in_interview)
    settle(qtbot)
    assert len(reads) == 1


def test_an_unreadable_history_still_starts(qtbot: QtBot, monkeypatch: Any) -> None:
    app = make_app(qtbot)
    release = _hold_the_writer(app)

    def broken(self: SessionStore) -> Any:
        raise OSError("disk gone")

    monkeypatch.setattr(SessionStore, "question_history", broken)
    app.controller._read_history()
    app.window.start_interview(StartOptions("t", question_count=1, follow_ups=False))
    release.set()
    qtbot.waitUntil(lambda: app.controller.in_interview)
    assert app.controller.known_history() is None  # the interview is changing it now
