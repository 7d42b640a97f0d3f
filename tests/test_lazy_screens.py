"""The main window builds the home screen first and the other screens later (issue 18):
on first use, or one a turn of the event loop, each wired as before."""

from __future__ import annotations

import random

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from interviewer.gui import main_window as main_window_module
from interviewer.gui.controller import Controller, StartOptions
from interviewer.gui.main_window import MainWindow
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests.gui_helpers import quoting_grade, small_library


def _controller() -> Controller:
    return Controller(
        small_library(),
        Settings(),
        SecretStore(),
        backend=ScriptedBackend(default_grade=quoting_grade),
        rng=random.Random(0),
    )


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(_controller())
    qtbot.addWidget(window)
    return window


def _interview_menu(window: MainWindow) -> QMenu:
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    return menu


def test_only_the_home_screen_is_built_with_the_window(qtbot: QtBot) -> None:
    window = _window(qtbot)
    assert window.screens_built() == ()
    assert window.stack.count() == 1 and window.stack.currentWidget() is window.home
    titles = [a.text() for a in _interview_menu(window).actions()]
    assert "&New interview" in titles and "&Quit" in titles


def test_the_other_screens_are_built_on_later_turns_one_a_turn(qtbot: QtBot) -> None:
    window = _window(qtbot)
    qtbot.waitUntil(lambda: len(window.screens_built()) == len(MainWindow.LAZY_SCREENS))
    assert window.stack.count() == 1 + len(MainWindow.LAZY_SCREENS)
    assert window.stack.currentWidget() is window.home  # building never changes the page
    menu = _interview_menu(window)
    assert all(a in menu.actions() for a in window.interview.actions_list)


def test_a_screen_used_before_its_turn_is_built_at_once_and_wired(qtbot: QtBot) -> None:
    window = _window(qtbot)
    assert "jobs" not in window.screens_built()
    window.show_jobs()
    assert "jobs" in window.screens_built()
    assert window.stack.currentWidget() is window.jobs
    # Wired as before: one adaptive choice for tracks and job plans, Back goes home.
    window.home.adaptive.setChecked(not window.home.adaptive.isChecked())
    assert window.jobs.adaptive.isChecked() == window.home.adaptive.isChecked()
    window.jobs.back_requested.emit()
    assert window.stack.currentWidget() is window.home
    # Built once: asking again gives the same screen, the stack holds it once.
    assert window.jobs is window.jobs
    assert window.stack.indexOf(window.jobs) >= 0
    assert window.stack.count() == 1 + len(window.screens_built())


def test_screens_the_interview_does_not_need_wait_until_it_is_over(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window_module, "LAZY_SCREEN_IDLE_MS", 20)
    window = _window(qtbot)
    window.controller.set_backend(
        ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    )
    assert window.start_interview(StartOptions("t", follow_ups=False, repeat=True))
    qtbot.waitUntil(lambda: {"interview", "feedback"} <= set(window.screens_built()))
    qtbot.wait(200)  # many idle turns: a screen build is a stall mid-question
    assert window.controller.in_interview
    assert not {"jobs", "history", "progress"} & set(window.screens_built())
    window.controller.leave_interview()
    qtbot.waitUntil(lambda: len(window.screens_built()) == len(MainWindow.LAZY_SCREENS))


def test_a_history_read_landing_after_the_window_is_gone_is_dropped(qtbot: QtBot) -> None:
    # CI failed here once: the window (and its home screen) was deleted at the end of a
    # test while the home count's history read was still on the store writer's thread;
    # the read landed and set the count on a deleted list ("Internal C++ object ...
    # already deleted"). A waiter whose widget is gone is dropped instead.
    import threading

    from PySide6.QtCore import QCoreApplication, QEvent

    controller = _controller()
    window = MainWindow(controller)  # not the test's: deleted below
    release = threading.Event()
    controller.writer.run(lambda: release.wait(10), lambda _r, _e: None)
    controller.reread_history()
    window.show_home()  # waits for that read
    got: list[object] = []
    controller.when_history_known(got.append)  # no owner: always called
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    qtbot.waitUntil(lambda: controller.known_history() is not None)
    qtbot.waitUntil(lambda: len(got) == 1)  # the read landed; no error from the home's
    controller.deleteLater()


def test_no_screen_an_interview_does_not_need_is_built_while_a_start_waits(
    qtbot: QtBot,
) -> None:
    # A Start made while the practice history is read waits for it; the jobs, history
    # and progress screens (50-140 ms each) wait too, or they land in the interview's
    # first turns (the benchmark's "starting -> streaming" stall).
    import threading

    window = _window(qtbot)
    window.show()  # a Start goes on only in a window on screen
    window.confirm = lambda *_a: True  # closing it mid-interview asks first
    controller = window.controller
    release = threading.Event()
    controller.writer.run(lambda: release.wait(10), lambda _r, _e: None)
    controller.reread_history()
    assert window.start_interview(StartOptions("t", question_count=1, follow_ups=False))
    assert window._start_after_history is not None  # waiting for the history
    qtbot.waitUntil(lambda: "feedback" in window.screens_built())
    qtbot.wait(50)  # many lazy-build turns (1 ms apart)
    assert not {"jobs", "history", "progress"} & set(window.screens_built())
    release.set()
    qtbot.waitUntil(lambda: controller.in_interview)  # the Start went on once it landed
    assert "jobs" not in window.screens_built()  # and not during the interview either
