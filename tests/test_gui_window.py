"""The main window around the interview: home, settings, geometry, shortcuts, screenshots."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QListWidget,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from interviewer import __version__
from interviewer.core.errors import ContentError
from interviewer.core.models import GradeDraft
from interviewer.core.requests import GradeRequest
from interviewer.gui.main_window import MainWindow, about_text
from interviewer.gui.widgets import format_clock
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import Settings, load_settings
from tests.factories import follow
from tests.gui_helpers import make_app, quoting_grade, small_library, start


def test_home_lists_tracks_and_enter_starts(qtbot: QtBot) -> None:
    app = make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?"))
    home = app.window.home
    assert home.track_list.count() == 1
    assert home.track_name.text() == "Test track"
    assert home.track_meta.text() == "30 min · 2 questions · Technical"
    assert home.count.value() == 2 and home.minutes.value() == 30
    assert "Scripted test backend" in home.backend_label.text()
    assert not home.errors_widget.isVisibleTo(home)

    home.count.setValue(1)  # the suggested length follows the track's pace
    assert home.minutes.value() == 15
    home.follow_ups.setChecked(False)
    home.track_list.setFocus()
    qtbot.keyClick(home.track_list, Qt.Key.Key_Return)
    assert app.window.stack.currentWidget() is app.window.interview
    engine = app.controller.engine
    assert engine is not None
    assert len(engine.records) == 1 and engine.duration == 15 * 60
    assert engine.follow_up_limit == 0


def test_content_errors_are_shown_quietly_on_home(qtbot: QtBot) -> None:
    lib = small_library()
    lib.errors.append(ContentError("/x/tracks/broken.toml", "duration_minutes", "not a number"))
    app = make_app(qtbot, library=lib)
    home = app.window.home
    assert home.errors_widget.isVisibleTo(home)
    assert "1 content file problem" in home.errors_label.text()
    assert not home.errors_box.isVisibleTo(home)
    home.errors_toggle.click()
    assert home.errors_box.isVisibleTo(home)
    assert "broken.toml: duration_minutes: not a number" in home.errors_box.toPlainText()


def test_practise_again_and_back_home(qtbot: QtBot) -> None:
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.default_follow_up = lambda r: follow("")
    app = make_app(qtbot, backend, library=small_library(count=1))
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )

    first = app.controller.engine
    app.window.feedback.practise_again.emit()  # starts once the history is re-read
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.interview)
    assert app.controller.engine is not first and app.controller.in_interview
    qtbot.waitUntil(lambda: app.controller.answering)
    assert [b.text for b in app.window.interview.transcript.bubbles] == ["Q?"]

    app.confirm.answers = [True]
    app.window.new_action.trigger()  # leaving an interview asks first
    assert app.confirm.asked == ["Leave this interview?"]
    assert app.window.stack.currentWidget() is app.window.home
    assert app.controller.engine is None


def test_settings_are_saved_and_the_backend_rebuilt(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    app.window.open_settings()
    dialog = app.window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.settings_saved.emit(Settings(provider="offline", model="m1"))
    dialog.reject()
    saved = load_settings(app_paths().settings_file)
    assert saved.provider == "offline" and saved.model == "m1"
    assert app.controller.backend.name == "offline"
    assert app.controller.backend.label in app.window.home.backend_label.text()
    assert app.window.backend_status.text() == app.controller.backend.label
    assert "offline coach" in app.window.home.backend_notice.text().lower()
    assert app.window.banner.isVisibleTo(app.window)


def test_a_backend_that_cannot_be_built_is_explained(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    # OpenAI with no key and no server cannot work: say so, keep a working backend.
    app.window.apply_settings(Settings(provider="openai"))
    assert app.controller.backend.name == "scripted"
    assert app.window.banner.level == "warning"
    assert "API key" in app.window.banner.text.text()


def test_window_geometry_is_remembered_under_interviewer_home(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    app.window.resize(761, 563)  # the offscreen screen is 800x600
    app.window.close()
    state = app_paths().config_dir / "window.json"
    assert "geometry" in json.loads(state.read_text(encoding="utf-8"))

    again = MainWindow(app.controller)
    qtbot.addWidget(again)
    assert again.size() == QSize(761, 563)


def test_closing_during_an_interview_asks(qtbot: QtBot) -> None:
    app = make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?"))
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.confirm.answers = [False]
    assert not app.window.close()
    assert app.window.isVisible() and app.controller.answering
    assert app.confirm.asked == ["Quit during the interview?"]


def test_every_main_action_has_a_shortcut_and_controls_have_names(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    w = app.window
    main = [*w.interview.actions_list, w.new_action, w.settings_action, w.quit_action]
    for action in [*main, w.about_action]:
        assert not action.shortcut().isEmpty(), action.text()
    keys = [a.shortcut().toString() for a in main]
    assert len(set(keys)) == len(keys)  # no two actions share a key
    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QPlainTextEdit, QListWidget)
    unnamed = [
        type(c).__name__
        for page in (w.home, w.interview)
        for c in page.findChildren(QWidget)
        if isinstance(c, kinds)
        and not c.accessibleName()
        and not (isinstance(c, QAbstractButton) and c.text())
        and c.parent() is not None
        and not type(c).__name__.startswith("QScroll")
    ]
    assert unnamed == []


def test_about_names_the_version() -> None:
    assert __version__ in about_text()


def test_transcript_colours_follow_the_palette(qtbot: QtBot) -> None:
    from interviewer.core.models import Turn

    app = make_app(qtbot)
    transcript = app.window.interview.transcript
    transcript.add_turn(Turn(role="interviewer", kind="question", text="Explain bias."))
    transcript.add_turn(Turn(role="candidate", kind="answer", text="It underfits."))
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#2b2c30"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
    ):
        dark.setColor(role, QColor(colour))
    transcript.setPalette(dark)
    inner = transcript.widget()
    assert inner is not None and inner.styleSheet() == ""  # painted, not style-sheeted
    interviewer, candidate = transcript.bubbles

    def painted(widget: QWidget, x: int, y: int) -> str:
        return widget.grab().toImage().pixelColor(x, y).name()

    # Inside each bubble, right of its text: the bubble's fill from the dark palette.
    assert painted(interviewer, interviewer.width() - 6, interviewer.height() // 2) == "#2b2c30"
    tint = painted(candidate, candidate.width() - 6, candidate.height() // 2)
    assert tint not in ("#2b2c30", "#ffffff") and QColor(tint).lightness() < 128
    assert inner.palette().color(inner.backgroundRole()).name() == "#202124"


def test_gradings_run_two_at_a_time_in_the_background(qtbot: QtBot) -> None:
    release = threading.Event()
    started: list[int] = []

    def slow_grade(request: GradeRequest) -> GradeDraft:
        started.append(request.request_id)
        release.wait(10)
        return quoting_grade(request)

    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=slow_grade)
    app = make_app(qtbot, backend, library=small_library(count=3, limit=0))
    try:
        start(qtbot, app)
        for i in range(3):
            qtbot.waitUntil(lambda: app.controller.answering)
            app.window.interview.answer.setPlainText(f"Answer number {i} about bias.")
            app.window.interview.submit_action.trigger()
        qtbot.waitUntil(lambda: len(started) == 2)
        qtbot.waitUntil(lambda: "Grading your answers (0 of 3" in app.controller.busy_text)
        assert len(started) == 2  # the third waits for a free slot
        # The interview is over: the feedback page shows while the grades arrive.
        qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.feedback)
        assert app.window.feedback.grading_note.startswith("0 of 3 grades in")
    finally:
        release.set()
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    assert sorted(started) == [1, 2, 3]


def test_format_clock() -> None:
    assert format_clock(None) == "–:––"
    assert format_clock(0) == "0:00"
    assert format_clock(0.2) == "0:01"
    assert format_clock(125) == "2:05"
    assert format_clock(3725) == "1:02:05"


def test_screenshots_render_every_screen(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from interviewer.gui.screenshots import render_all

    paths = render_all(tmp_path / "shots")
    assert [p.name for p in paths] == [
        "home.png",
        "interview.png",
        "feedback.png",
        "settings.png",
        "coding-interview.png",
        "coding-feedback.png",
        "job.png",
        "job-plan.png",
        "job-readiness.png",
        "voice-feedback.png",
    ]
    for p in paths:
        image = QImage(str(p))
        assert not image.isNull() and image.width() >= 400 and image.height() >= 300, p
    # Screenshots never write into the user's folders.
    assert not app_paths().settings_file.exists()
