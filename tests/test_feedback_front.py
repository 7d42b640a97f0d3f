"""The finished interview's feedback page is built while hidden and put in front on the
next turn of the event loop (issue 18: building it and showing it in one turn was the
longest freeze left at the end of an interview)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from interviewer.gui.controller import Results
from interviewer.llm.scripted import ScriptedBackend
from tests.factories import follow
from tests.gui_helpers import App, make_app, quoting_grade, small_library, start


def _one_question_app(qtbot: QtBot) -> App:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.default_follow_up = lambda r: follow("")
    return make_app(qtbot, backend, library=small_library(count=1))


def test_the_page_is_built_in_one_turn_and_shown_in_the_next(qtbot: QtBot) -> None:
    app = _one_question_app(qtbot)
    seen: list[tuple[bool, bool]] = []

    def on_finished(_results: Results) -> None:  # after the window's own slot
        feedback = app.window.feedback
        built = feedback.overall_label is not None and feedback._content is not None
        seen.append((built, app.window.stack.currentWidget() is feedback))

    app.controller.finished.connect(on_finished)
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(True, False)]  # built, not yet in front
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.feedback)
    assert app.window.feedback.practise_button.hasFocus() or not app.window.isActiveWindow()


def test_a_later_page_is_not_covered_by_the_finished_one(qtbot: QtBot) -> None:
    app = _one_question_app(qtbot)
    went_home: list[bool] = []

    def on_finished(_results: Results) -> None:
        app.window.show_home()  # in the same turn, before the page comes to the front
        went_home.append(True)

    app.controller.finished.connect(on_finished)
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText("Variance is sensitivity to the sample.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(lambda: bool(went_home))
    qtbot.wait(50)
    assert app.window.stack.currentWidget() is app.window.home


def test_input_and_paints_due_run_between_building_the_page_and_showing_it(
    qtbot: QtBot,
) -> None:
    """The page goes in front on a timer of its own, not a zero-delay call: those run
    before anything already due (a key press, a paint, this test's zero timer), which
    made building and showing one freeze (72 ms after a 40-question interview)."""
    from PySide6.QtCore import QTimer

    app = _one_question_app(qtbot)
    seen: list[bool] = []
    due = QTimer()
    due.setSingleShot(True)
    due.setInterval(0)
    window = app.window
    due.timeout.connect(lambda: seen.append(window.stack.currentWidget() is window.feedback))
    app.controller.finished.connect(lambda _results: due.start())
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [False]  # what was due ran first; the page was not in front yet
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.feedback)
