"""Review s9: callbacks that land after the widget they touch was deleted.

The CI failure fixed in 270f842 (a history read that landed after its window was
deleted called into the deleted home screen) has relatives: a session listener, a
lambda on a controller signal and a zero-delay timer without a context object, each of
which outlives the widget it calls. Each real one is reproduced below (first pinned as a
strict xfail; the comment above each says what it was and how it was fixed); the paths
that are safe have a test that fails if their guard goes.

Every test deletes a window (or screen) the way Qt does, `deleteLater` then the
deferred-delete events, while the controller (made before the window, as the tests make
it) lives on; exceptions raised in Qt callbacks are captured with
`qtbot.captureExceptions` and asserted to be none.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from interviewer.core.summary import summarize
from interviewer.gui.controller import Controller, StartOptions
from interviewer.gui.feedback import FeedbackView
from interviewer.gui.main_window import MainWindow
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore
from tests.gui_helpers import quoting_grade, settle, small_library
from tests.test_gui_feedback import records, rubrics

#: Questions read aloud with Qt's `mock` text-to-speech engine (as tests/test_speech.py).
READ_ALOUD = Settings(voice_read_aloud=True, voice_system_engine="mock")


def _question(_request: object) -> str:
    return "How would you detect overfitting? Name two signs."


def _delete(obj: QObject) -> None:
    """Delete a widget now, as the event loop would after `deleteLater`."""
    obj.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def controllers() -> Iterator[list[Controller]]:
    """Controllers a test made; shut down afterwards (their timers and workers stop)."""
    made: list[Controller] = []
    yield made
    for controller in made:
        with contextlib.suppress(Exception):  # a reproduced bug may leave it half-way
            controller.shutdown(3000)
        controller.deleteLater()


def _controller(
    made: list[Controller], settings: Settings | None = None, backend: Any = None
) -> Controller:
    controller = Controller(
        small_library(count=1, limit=0),
        settings or Settings(),
        SecretStore(),
        backend=backend or ScriptedBackend(default_turn=_question, default_grade=quoting_grade),
        rng=random.Random(0),
    )
    made.append(controller)
    return controller


# ----------------------------------------------------------------------- real bugs


# interviewer/gui/speech.py:535 (SpokenInterview.__init__): `session.subscribe(
# self._on_event)` is never undone. The session is the controller's and outlives the
# interview screen (InterviewView, main_window.py `_build_interview`), so once the
# window is deleted every session event still reaches the deleted SpokenInterview:
# with questions read aloud, a streamed turn that lands after the window was deleted
# calls the deleted Speaker (speaker.begin_turn/feed/say, speech.py:604-619) and
# `holding_changed.emit` on a deleted object: "Internal C++ object already deleted",
# raised out of InterviewSession._emit. Fix: keep the function `subscribe` returns and
# call it when the SpokenInterview is destroyed (`self.destroyed.connect(lambda *_:
# unsubscribe())`; a plain function, not a method of the dying object), or return at
# the top of `_on_event` unless `shiboken6.isValid(self)`.
def test_a_turn_landing_after_the_window_was_deleted_is_not_read_by_its_dead_speaker(
    qtbot: QtBot, controllers: list[Controller]
) -> None:
    asked = threading.Event()
    release = threading.Event()

    def turn(_request: object) -> str:
        asked.set()
        release.wait(10)
        return "How would you detect overfitting? Name two signs."

    backend = ScriptedBackend(default_turn=turn, default_grade=quoting_grade, chunk_size=6)
    controller = _controller(controllers, READ_ALOUD, backend)
    window = MainWindow(controller)
    assert window.interview.spoken.speaker is not None  # read aloud with the mock engine
    with qtbot.captureExceptions() as exceptions:
        assert controller.start_interview(StartOptions("t", repeat=True, follow_ups=False))
        qtbot.waitUntil(asked.is_set)  # the first question is being written
        _delete(window)
        release.set()
        qtbot.waitUntil(lambda: bool(exceptions) or controller.answering, timeout=10_000)
        settle(qtbot)
    assert not exceptions, exceptions[0][1]


# interviewer/gui/voice_answer.py:384 (VoiceAnswer.__init__): `c.backend_changed.connect(
# lambda _label: self.set_problem(None))`. A lambda is not tied to the VoiceAnswer's
# lifetime (a bound method of a QObject is: PySide drops the connection when the
# receiver is destroyed), so after the window is deleted every `Controller.set_backend`
# / `apply_settings` (controller.py:400, :386) runs `set_problem` -> `update_actions` on
# the deleted record action and buttons. Fixed: the lambda stays (it keeps the
# VoiceAnswer's Python side alive; with a bound method the collector deleted its Qt
# objects on a worker thread, a segfault in tests/test_speech.py) and calls
# `_on_backend_changed`, which does nothing once the object is deleted.
def test_a_backend_change_after_the_window_was_deleted_touches_no_voice_widget(
    qtbot: QtBot, controllers: list[Controller]
) -> None:
    controller = _controller(controllers)
    window = MainWindow(controller)
    assert window.interview.voice is not None  # the interview screen (and its voice) built
    _delete(window)
    with qtbot.captureExceptions() as exceptions:
        controller.set_backend(ScriptedBackend(default_grade=quoting_grade))
    assert not exceptions, exceptions[0][1]


# interviewer/gui/voice_answer.py: the controller kept `timeout_hook =
# self._on_time_up` of the deleted VoiceAnswer too (it touches Qt when a spoken answer
# is being recorded as the clock runs out). Fixed: the hook of a deleted VoiceAnswer
# lets the clock submit the draft and removes itself (not from `destroyed`: a Python
# slot run during the destruction crashed tests/test_speech.py with a segfault).
def test_the_controller_forgets_a_deleted_screens_time_up_hook(
    controllers: list[Controller],
) -> None:
    controller = _controller(controllers)
    window = MainWindow(controller)
    assert window.interview.voice is not None
    hook = controller.timeout_hook
    assert hook is not None
    _delete(window)
    assert hook() is False  # the clock submits the draft itself; no deleted widget touched
    assert controller.timeout_hook is None


# interviewer/gui/feedback.py:1495 (FeedbackView.changeEvent): on a palette change
# (the system switching light/dark) the page is rebuilt and its scroll position put
# back by `QTimer.singleShot(0, lambda: bar.setValue(...))`, a timer with no context
# object. PySide runs a lambda given no context even when every object it uses was
# deleted meanwhile (it ties only a bound method, and only with a delay above 0, to its
# QObject), so a window closed and deleted in the same turn as the palette change gets
# `bar.maximum()` on a deleted QScrollBar. Fix: `QTimer.singleShot(0, bar, lambda:
# ...)` (the timer then dies with the scroll bar).
def test_a_palette_change_just_before_the_feedback_page_is_deleted(qtbot: QtBot) -> None:
    view = FeedbackView()
    recs = records()
    view.show_results(recs, summarize(recs), rubrics())
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    with qtbot.captureExceptions() as exceptions:
        view.setPalette(dark)  # PaletteChange: rebuilt, the scroll position restored later
        _delete(view)
        qtbot.wait(50)
    assert not exceptions, exceptions[0][1]


# ----------------------------------------------------------------------- safe paths


def test_a_window_read_landing_after_the_window_was_deleted_is_dropped(
    qtbot: QtBot, controllers: list[Controller], monkeypatch: pytest.MonkeyPatch
) -> None:
    # MainWindow._in_background (main_window.py:523): QueryOp(parent=self) drops the
    # success of a read whose window was deleted (workers.py `_parent_gone`, the
    # `shiboken6.isValid` check; the window was never shown, so only that check guards).
    # Without it, `shown` would build the history screen on the deleted stack.
    started = threading.Event()
    release = threading.Event()
    real = SessionStore.list_sessions

    def held(store: SessionStore, *args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(10)
        return real(store, *args, **kwargs)

    monkeypatch.setattr(SessionStore, "list_sessions", held)
    controller = _controller(controllers)
    window = MainWindow(controller)
    with qtbot.captureExceptions() as exceptions:
        window.refresh_history(show=True)
        qtbot.waitUntil(started.is_set)
        _delete(window)
        release.set()
        settle(qtbot)
    assert not exceptions, exceptions[0][1]


def test_an_interview_run_after_its_window_was_deleted_touches_no_widget(
    qtbot: QtBot, controllers: list[Controller]
) -> None:
    # The window's and the screens' connections to the controller's signals
    # (main_window.py:296-318, interview.py:541-561, voice_answer.py:379-383) are bound
    # methods of QObjects, which PySide drops with their receiver; a lambda among them
    # (as voice_answer.py:384 above) would raise here. Questions are not read aloud, so
    # the dead SpokenInterview (speech.py:535) has no speaker to call.
    controller = _controller(controllers)
    window = MainWindow(controller)
    assert window.interview is not None and window.feedback is not None
    _delete(window)
    with qtbot.captureExceptions() as exceptions:
        assert controller.start_interview(StartOptions("t", repeat=True, follow_ups=False))
        qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
        assert controller.submit_answer("Bias means the model is too simple to fit.")
        qtbot.waitUntil(lambda: controller.results is not None and not controller.in_interview)
        settle(qtbot)
    assert not exceptions, exceptions[0][1]


def test_a_feedback_page_deleted_while_it_fills_in_stops_filling_in(qtbot: QtBot) -> None:
    # FeedbackView adds its cards one a turn with `QTimer.singleShot(CARD_GAP_MS, self,
    # ...)` (feedback.py:922, 1234, 1270): the context object drops the timer with the
    # page. Without it the next card would be added to the deleted page.
    view = FeedbackView()
    recs = records()
    view.show_results(recs, summarize(recs), rubrics(), progressive=True)
    assert view.building
    with qtbot.captureExceptions() as exceptions:
        _delete(view)
        qtbot.wait(200)
    assert not exceptions, exceptions[0][1]


def test_the_client_preload_timer_dies_with_the_loader(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # boot.py:760 `QTimer.singleShot(CLIENT_PRELOAD_DELAY_MS, self._preload_client)` has
    # no context object, but PySide6 (6.11) ties a timer with a delay above 0 to the
    # QObject of a bound method, so it dies with the Loader (and boot.py:720's
    # `singleShot(1, self._next)` likewise). A lambda there, or a delay of 0 (PySide
    # then runs the bound method of a deleted object), would start the client thread
    # and raise on the deleted `_client_poll` timer.
    from interviewer.gui import boot
    from interviewer.llm import openai_backend

    monkeypatch.setattr(openai_backend, "preload_client", lambda: None)

    class Window:  # what Loader._after asks of the main window (tests/test_boot.py)
        def discover_local_servers(self) -> None:
            pass

        def check_models_on_first_use(self) -> bool:
            return False

    shell = boot.Shell([])
    loader = boot.Loader(shell)
    loader.window = shell.main = Window()
    loader._after()  # the client's import is queued CLIENT_PRELOAD_DELAY_MS from now
    _delete(shell)  # the loader, its child, with it
    with qtbot.captureExceptions() as exceptions:
        qtbot.wait(boot.CLIENT_PRELOAD_DELAY_MS + 150)
    assert not exceptions, exceptions[0][1]
